package watchlist

import (
	"slices"
	"strings"
	"testing"
)

func TestBuiltinLists(t *testing.T) {
	tests := []struct {
		name                    string
		list                    string
		entries, withMMSI, akas int
		warnings                int
	}{
		// The UN list: 58 vessels, 26 with MMSIs (48 distinct; 445114000
		// is quoted for two vessels), 24 former names or aliases.
		{"un1718", "UN 1718", 58, 26, 24, 0},
		{"eu", "EU designated", 597, 0, 0, 0},
		{"ofac", "OFAC SDN", 406, 51, 180, 1}, // BONU 5's five-digit IMO
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Builtin(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			var withMMSI, akas int
			for _, e := range l.Entries() {
				if e.List != tt.list || e.Kind != KindVessel || e.IMO == 0 && tt.name != "ofac" {
					t.Errorf("entry %+v", e)
				}
				if e.MMSI != 0 {
					withMMSI++
				}
				akas += len(e.Aliases)
			}
			if l.Len() != tt.entries || l.Skipped() != 0 || withMMSI != tt.withMMSI || akas != tt.akas || len(l.Warnings()) != tt.warnings {
				t.Errorf("%d entries, %d skipped, %d with MMSI, %d aliases, %d warnings; want %d, 0, %d, %d, %d",
					l.Len(), l.Skipped(), withMMSI, akas, len(l.Warnings()), tt.entries, tt.withMMSI, tt.akas, tt.warnings)
			}
		})
	}
	if _, err := Builtin("un"); err == nil || !strings.Contains(err.Error(), "un1718, eu, ofac") {
		t.Errorf("Builtin(un) error %v, want one naming the lists there are", err)
	}
	if !IsBuiltin("UN1718") || IsBuiltin("./eu") || IsBuiltin("eu.csv") {
		t.Error("IsBuiltin: names are case-insensitive, paths are files")
	}
}

// TestUN1718FormerNamesAndMMSIs looks the DPRK's designated ships up as
// AIS would report them under another name or another MMSI than the first
// the list gives.
func TestUN1718FormerNamesAndMMSIs(t *testing.T) {
	l, err := Builtin("un1718")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		what      string
		imo, mmsi int
		name      string
		want      []int // IMO numbers of the entries hit
		by        By
	}{
		{"former name", 0, 0, "TONG HUNG SAN", []int{7937317}, ByAlias},
		{"third name", 0, 0, "SONG PHYONG 7", []int{8405270}, ByAlias},
		{"current name", 0, 0, "CHONG CHON GANG", []int{7937317}, ByName},
		{"second MMSI", 0, 445117000, "", []int{7937317}, ByMMSI},
		{"fourth MMSI", 0, 445528000, "", []int{8909575}, ByMMSI},
		{"an MMSI the list quotes for two ships", 0, 445114000, "", []int{7937317, 8909575}, ByMMSI},
		{"MMSI and former name", 0, 445134000, "SAEBYOL", []int{8916293}, ByMMSI | ByAlias},
		{"a name cut to AIS's 20 characters", 0, 0, "JANG JA SAN CHONG NY", []int{8133530}, ByName},
		{"IMO", 8705539, 0, "", []int{8705539}, ByIMO},
		{"not listed", 9074729, 258315000, "FALKVIK", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			var got []int
			for _, h := range l.Match(tt.imo, tt.mmsi, tt.name) {
				got = append(got, h.Entry.IMO)
				if h.By != tt.by || !slices.Equal(h.Entry.Programs, []string{"DPRK"}) {
					t.Errorf("hit %d by %v programmes %v, want by %v, DPRK", h.Entry.IMO, h.By, h.Entry.Programs, tt.by)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Match(%d, %d, %q) = %v, want %v", tt.imo, tt.mmsi, tt.name, got, tt.want)
			}
		})
	}
	// The other columns travel with the entry, for the analyst.
	e := l.Match(8705539, 0, "")[0].Entry
	if !strings.Contains(e.ExtraValue("other_information"), "NEW REGENT") || e.ExtraValue("designation_dates") != "16-Oct-18" {
		t.Errorf("KUM UN SAN 3 extra %+v", e.Extra)
	}
}

func TestEUByIMOAndName(t *testing.T) {
	l, err := Builtin("eu")
	if err != nil {
		t.Fatal(err)
	}
	hits := l.Match(9249130, 0, "PEACE")
	if len(hits) != 1 || hits[0].By != ByIMO|ByName || hits[0].Entry.List != "EU designated" {
		t.Errorf("Peace: %+v", hits)
	}
	// A name like PEACE alone is too common to go by.
	if hits := l.MatchVessel(nil, Vessel{Name: "PEACE"}); len(hits) != 0 {
		t.Errorf("a generic name alone matched: %+v", hits)
	}
}

// TestMergeKeepsEveryMMSI: a merged list still finds a vessel by the
// MMSIs after its first.
func TestMergeKeepsEveryMMSI(t *testing.T) {
	un, _ := Builtin("un1718")
	ofac, _ := Builtin("ofac")
	m := Merge(ofac, un)
	hits := m.Match(0, 445117000, "")
	if len(hits) != 1 || hits[0].Entry.List != "UN 1718" {
		t.Errorf("merged: %+v", hits)
	}
}
