package watchlist

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/identity"
)

const (
	ofacFile = "lists/ofac_sdn_vessels_2021-07.csv"
	unFile   = "testdata/un_consolidated_2026-02-27_entities_with_imo.csv"
)

func loadOFAC(t testing.TB) *List {
	t.Helper()
	l, err := LoadFile(ofacFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestOFACCounts(t *testing.T) {
	l := loadOFAC(t)
	if l.Len() != 406 || l.Skipped() != 0 {
		t.Errorf("Len() = %d, Skipped() = %d; want 406, 0", l.Len(), l.Skipped())
	}
	var withIMO, withMMSI, aliases, dprk int
	programs := map[string]int{}
	for _, e := range l.Entries() {
		if e.List != "OFAC SDN" || e.Kind != KindVessel || e.ID == "" || e.Name == "" {
			t.Errorf("line %d: entry %+v", e.Line, e)
		}
		if e.IMO != 0 {
			withIMO++
			if !identity.ValidIMO(e.IMO) {
				t.Errorf("%s %s: IMO %d invalid", e.ID, e.Name, e.IMO)
			}
		}
		if e.MMSI != 0 {
			withMMSI++
		}
		aliases += len(e.Aliases)
		isDPRK := false
		for _, p := range e.Programs {
			programs[p]++
			isDPRK = isDPRK || strings.HasPrefix(p, "DPRK")
		}
		if isDPRK {
			dprk++
		}
	}
	if withIMO != 399 || withMMSI != 51 || dprk != 106 || aliases != 180 {
		t.Errorf("%d with IMO, %d with MMSI, %d DPRK, %d aliases; want 399, 51, 106, 180", withIMO, withMMSI, dprk, aliases)
	}
	for p, n := range map[string]int{"IRAN": 199, "IFSR": 125, "NPWMD": 121, "DPRK4": 65, "DPRK": 30, "DPRK3": 11, "VENEZUELA-EO13850": 47} {
		if programs[p] != n {
			t.Errorf("%d entries under %s, want %d", programs[p], p, n)
		}
	}

	// BONU 5's remark quotes a five-digit IMO: reported, entry kept.
	ws := l.Warnings()
	if len(ws) != 1 {
		t.Fatalf("warnings %v, want 1", ws)
	}
	w := ws[0]
	if w.Line != 153 || !errors.Is(w, ErrBadIMO) || !errors.Is(w, identity.ErrIMOFormat) ||
		w.Error() != `watchlist: line 153: bad imo (remarks) "15411": imo is not seven digits` {
		t.Errorf("warning = %v (line %d)", w, w.Line)
	}
	if hits := l.Match(0, 0, "BONU 5"); len(hits) != 1 || hits[0].Entry.IMO != 0 || hits[0].Entry.ID != "23424" {
		t.Errorf("BONU 5: %+v", hits)
	}
}

func TestOFACMatch(t *testing.T) {
	l := loadOFAC(t)
	tests := []struct {
		name       string
		imo, mmsi  int
		vessel     string
		wantIDs    []string
		by         By
		program    string
		confidence float64
	}{
		{"CHONG CHON GANG by IMO", 7937317, 0, "", []string{"17069"}, ByIMO, "DPRK", 0.99},
		{"CHONG CHON GANG by name", 0, 0, "Chong Chon Gang", []string{"17069"}, ByName, "DPRK", 0.4},
		{"spaced differently", 0, 0, "CHONGCHON GANG", []string{"17069"}, ByName, "DPRK", 0.4},
		{"IMO and name", 7937317, 0, "CHONG CHON GANG@@@@@", []string{"17069"}, ByIMO | ByName, "DPRK", 1 - 0.01*0.6},
		{"AM NOK GANG by alias", 0, 0, "AP ROK GANG", []string{"17084"}, ByAlias, "DPRK", 0.3},
		{"YU JONG 2 by IMO", 8604917, 0, "", []string{"23736"}, ByIMO, "DPRK4", 0.99},
		{"CHON MYONG 1 by name", 0, 0, "CHON MYONG 1", []string{"23726"}, ByName, "DPRK4", 0.4},
		{"PAEK MA by IMO and name", 9066978, 0, "PAEK MA", []string{"23737"}, ByIMO | ByName, "DPRK4", 1 - 0.01*0.6},
		{"KUM UN SAN 3 by IMO", 8705539, 0, "", []string{"23163"}, ByIMO, "DPRK4", 0.99},
		{"JANG JA SAN CHONG NYON HO cut to 20", 0, 0, "JANG JA SAN CHONG NY", []string{"17089"}, ByName, "DPRK", 0.4},
		{"ST. VITAMIN by MMSI", 0, 375311000, "", []string{"27200"}, ByMMSI, "UKRAINE-EO13661", 0.8},
		{"ST. VITAMIN without the dot", 0, 375311000, "ST VITAMIN", []string{"27200"}, ByMMSI | ByName, "UKRAINE-EO13661", 1 - 0.2*0.6},
		{"ZEUS: a name and another's alias", 0, 0, "ZEUS", []string{"15050", "23428"}, 0, "", 0},
		{"IMO of one, name of another", 7937317, 0, "PAEK MA", []string{"17069", "23737"}, 0, "", 0},
		{"no match", 9074729, 258315000, "FALKVIK", nil, 0, "", 0},
		{"empty", 0, 0, "", nil, 0, "", 0},
		{"IMO check digit off by one", 7937318, 0, "", nil, 0, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := l.Match(tt.imo, tt.mmsi, tt.vessel)
			var ids []string
			for _, h := range hits {
				ids = append(ids, h.Entry.ID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.wantIDs) {
				t.Fatalf("Match(%d, %d, %q) ids = %v, want %v", tt.imo, tt.mmsi, tt.vessel, ids, tt.wantIDs)
			}
			if tt.by == 0 {
				return
			}
			h := hits[0]
			if h.By != tt.by || !slices.Contains(h.Entry.Programs, tt.program) || !near(h.Confidence, tt.confidence) {
				t.Errorf("hit %v %v %.3f, want %v %s %.3f", h.By, h.Entry.Programs, h.Confidence, tt.by, tt.program, tt.confidence)
			}
			if h.NameOnly() != (tt.by&(ByIMO|ByMMSI) == 0) {
				t.Errorf("NameOnly() = %v for %v", h.NameOnly(), h.By)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// TestOFACFlags compares OFAC's flag with the MID of the MMSI OFAC quotes.
func TestOFACFlags(t *testing.T) {
	flagCode := map[string]string{
		"Iran": "IR", "Panama": "PA", "Malta": "MT", "Liberia": "LR",
		"St. Vincent and the Grenadines": "VC",
	}
	var agree, disagree, unknown int
	for _, e := range loadOFAC(t).Entries() {
		if e.MMSI == 0 {
			continue
		}
		c, ok := identity.Flag(e.MMSI)
		if !ok || !identity.Classify(e.MMSI).Valid() {
			t.Errorf("%s %s: MMSI %d is not a valid ship station", e.ID, e.Name, e.MMSI)
		}
		want, known := flagCode[e.ExtraValue("flag")]
		switch {
		case !known:
			unknown++
		case c.Alpha2 == want:
			agree++
		default:
			disagree++
		}
	}
	if agree != 11 || disagree != 36 || unknown != 4 {
		t.Errorf("flag agrees with MID for %d, disagrees for %d, unknown for %d; want 11, 36, 4", agree, disagree, unknown)
	}
}

func TestUN(t *testing.T) {
	l, err := LoadFile(unFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 16 || len(l.Warnings()) != 0 {
		t.Fatalf("Len() = %d, warnings %v; want 16, none", l.Len(), l.Warnings())
	}
	for _, e := range l.Entries() {
		if e.Kind != KindCompany || e.List != "UN consolidated" || !slices.Equal(e.Programs, []string{"DPRK"}) ||
			!strings.HasPrefix(e.ID, "KPe.") || !identity.ValidCompanyIMO(e.IMO) {
			t.Errorf("entry %+v", e)
		}
	}
	// Company numbers are not ship numbers: no vessel match, even for
	// 1790183, which passes both checks.
	for _, imo := range []int{1790183, 5342883} {
		if hits := l.Match(imo, 0, ""); hits != nil {
			t.Errorf("Match(%d) = %v, want none", imo, hits)
		}
	}
	tests := []struct {
		imo  int
		name string
		id   string
		by   By
	}{
		{5342883, "", "KPe.022", ByIMO},
		{0, "Chongchongang Shipping Co LTD", "KPe.022", ByAlias},
		{0, "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", "KPe.020", ByName},
		{1790183, "Korea Mirae Shipping Co. Ltd", "KPe.020", ByIMO | ByAlias},
		{5434358, "", "KPe.066", ByIMO},
	}
	for _, tt := range tests {
		hits := l.MatchCompany(tt.imo, tt.name)
		if len(hits) != 1 || hits[0].Entry.ID != tt.id || hits[0].By != tt.by {
			t.Errorf("MatchCompany(%d, %q) = %+v, want %s by %v", tt.imo, tt.name, hits, tt.id, tt.by)
		}
	}
}

// TestUNOwnersOFACVessels follows UN-listed owners to the ships they own,
// which OFAC lists: the network a sanctions investigator walks.
func TestUNOwnersOFACVessels(t *testing.T) {
	un, err := LoadFile(unFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := Merge(loadOFAC(t), un)
	if all.Len() != 406+16 || len(all.Warnings()) != 1 {
		t.Fatalf("merged Len() = %d, %d warnings", all.Len(), len(all.Warnings()))
	}
	tests := []struct {
		owner  string // UN reference
		vessel string // named in the owner's UN comment
		imo    int    // the vessel's IMO per OFAC
	}{
		{"KPe.056", "CHON MYONG 1", 8712362},
		{"KPe.057", "PAEK MA", 9066978},
		{"KPe.058", "NAM SAN 8", 8122347},
		{"KPe.066", "YU JONG 2", 8604917},
		{"KPe.067", "KOTI", 9417115},
		{"KPe.070", "JI SONG 6", 8898740},
	}
	for _, tt := range tests {
		var owner *Entry
		for i, e := range all.Entries() {
			if e.ID == tt.owner {
				owner = &all.Entries()[i]
			}
		}
		if owner == nil || !strings.Contains(owner.ExtraValue("comments"), tt.vessel) {
			t.Errorf("%s: no UN entry mentioning %s", tt.owner, tt.vessel)
			continue
		}
		hits := all.Match(0, 0, tt.vessel)
		if len(hits) != 1 || hits[0].Entry.IMO != tt.imo || hits[0].Entry.List != "OFAC SDN" {
			t.Errorf("%s's %s: hits %+v, want OFAC IMO %d", tt.owner, tt.vessel, hits, tt.imo)
		}
	}
}

func TestMatchDoesNotAllocateOnMiss(t *testing.T) {
	l := loadOFAC(t)
	allocs := testing.AllocsPerRun(100, func() {
		_ = l.Match(9074729, 258315000, "FALKVIK@@@@@@@@@@@@@")
		_ = l.Match(0, 0, "")
	})
	if allocs != 0 {
		t.Errorf("Match allocates %.1f times on a miss", allocs)
	}
	var buf []Hit
	allocs = testing.AllocsPerRun(100, func() {
		buf = l.AppendMatch(buf[:0], 7937317, 0, "CHONG CHON GANG")
	})
	if allocs != 0 {
		t.Errorf("AppendMatch allocates %.1f times on a hit with a reused slice", allocs)
	}
}

func BenchmarkLoadOFAC(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFile(ofacFile, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatch looks up a mix like live traffic: mostly misses, with
// the IMO, MMSI and name of a vessel from its type 5 message.
func BenchmarkMatch(b *testing.B) {
	l := loadOFAC(b)
	queries := []struct {
		imo, mmsi int
		name      string
	}{
		{6514895, 258315000, "FALKVIK"},
		{0, 412432822, "ZHECANGYU4078"},
		{0, 244711426, "PELIKAAN"},
		{9074729, 538123000, "SEA STAR@@@@@@@@@@@@"},
		{7937317, 445123456, "CHONG CHON GANG"},
		{0, 375311000, "ST VITAMIN"},
	}
	var buf []Hit
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range queries {
			buf = l.AppendMatch(buf[:0], q.imo, q.mmsi, q.name)
		}
	}
}
