package watchlist

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/identity"
)

func TestLoadCSV(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		entries  []Entry // only the fields set here are compared
		warnings []string
		skipped  int
	}{
		{
			name: "columns in any order, extras kept",
			in: "Name,note,MMSI,imo,colour\n" +
				"Chong Chon Gang,arms to Cuba 2013,,IMO 7937317,\n" +
				"SEA STAR,,538123000,,red\n",
			entries: []Entry{
				{Name: "Chong Chon Gang", IMO: 7937317, ID: "line 2", List: "watchlist", Extra: []Field{{"note", "arms to Cuba 2013"}}},
				{Name: "SEA STAR", MMSI: 538123000, ID: "line 3", List: "watchlist", Extra: []Field{{"colour", "red"}}},
			},
		},
		{
			name:    "only an mmsi column; leading zeros dropped or kept",
			in:      "mmsi\n2442016\n002442016\n",
			entries: []Entry{{MMSI: 2442016}, {MMSI: 2442016}},
		},
		{
			name: "id, program and aliases",
			in:   "id,program,imo,name,aliases\nX-1,DPRK;SHADOW,9066978,PAEK MA,BAEK MA|PAEKMA\n",
			entries: []Entry{{ID: "X-1", Programs: []string{"DPRK", "SHADOW"}, IMO: 9066978, Name: "PAEK MA",
				Aliases: []string{"BAEK MA", "PAEKMA"}}},
		},
		{
			name: "bad imo dropped, entry kept, warning",
			in:   "imo,mmsi,name\n7937317,,A\n12345,,B\n7937318,,C\n,,D\n",
			entries: []Entry{
				{IMO: 7937317, Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"},
			},
			warnings: []string{
				`watchlist: line 3: bad imo "12345": imo is not seven digits`,
				`watchlist: line 4: bad imo "7937318": imo check digit mismatch`,
			},
		},
		{
			name:     "row left empty is skipped",
			in:       "imo,mmsi,name\n12345,,\n,,@@@@\n,,SOL\n",
			entries:  []Entry{{Name: "SOL"}},
			skipped:  2,
			warnings: []string{`watchlist: line 2: bad imo "12345": imo is not seven digits`, `watchlist: line 2: no imo, mmsi or name`, `watchlist: line 3: no imo, mmsi or name`},
		},
		{
			name:     "bad mmsi",
			in:       "mmsi,name\n1234567890,A\n25684x000,B\n-1,C\n",
			entries:  []Entry{{Name: "A"}, {Name: "B"}, {Name: "C"}},
			warnings: []string{`watchlist: line 2: bad mmsi "1234567890"`, `watchlist: line 3: bad mmsi "25684x000"`, `watchlist: line 4: bad mmsi "-1"`},
		},
		{
			name:    "zero means none",
			in:      "imo,mmsi,name\n0,0,A\n",
			entries: []Entry{{Name: "A"}},
		},
		{
			name:     "wrong number of fields",
			in:       "imo,mmsi,name\n7937317,1,A,extra\n7937317\n8604917,,YU JONG 2\n",
			entries:  []Entry{{IMO: 8604917, Name: "YU JONG 2"}},
			skipped:  2,
			warnings: []string{"watchlist: line 2: wrong number of fields (4 fields, header has 3)", "watchlist: line 3: wrong number of fields (1 fields, header has 3)"},
		},
		{
			name:    "BOM, quotes, CRLF, blank lines",
			in:      "\ufeffname,imo\r\n\r\n\"KORYO, No. 1\",\r\n\"multi\nline\",8604917\r\n",
			entries: []Entry{{Name: "KORYO, No. 1", Line: 3}, {Name: "multi\nline", IMO: 8604917, Line: 4}},
		},
		{
			name:    "header only",
			in:      "imo,mmsi,name\n",
			entries: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Load(strings.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := l.Entries()
			if len(got) != len(tt.entries) {
				t.Fatalf("%d entries %+v, want %d", len(got), got, len(tt.entries))
			}
			for i, w := range tt.entries {
				g := got[i]
				if g.Name != w.Name || g.IMO != w.IMO || g.MMSI != w.MMSI || g.Kind != KindVessel ||
					w.ID != "" && g.ID != w.ID || w.List != "" && g.List != w.List || w.Line != 0 && g.Line != w.Line ||
					!slices.Equal(g.Programs, w.Programs) || !slices.Equal(g.Aliases, w.Aliases) ||
					w.Extra != nil && !slices.Equal(g.Extra, w.Extra) {
					t.Errorf("entry %d = %+v, want %+v", i, g, w)
				}
			}
			var ws []string
			for _, w := range l.Warnings() {
				ws = append(ws, w.Error())
			}
			if !slices.Equal(ws, tt.warnings) {
				t.Errorf("warnings\n%q\nwant\n%q", ws, tt.warnings)
			}
			if l.Skipped() != tt.skipped {
				t.Errorf("Skipped() = %d, want %d", l.Skipped(), tt.skipped)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		is   []error
		msg  string
	}{
		{"empty file", "", Options{}, []error{ErrHeader}, "watchlist: unrecognised header: empty file"},
		{"unknown header", "vessel,number\nA,1\n", Options{}, []error{ErrHeader}, `want imo, mmsi or name columns`},
		{"duplicate column", "imo,name,IMO\n", Options{}, []error{ErrHeader}, `column "imo" appears twice`},
		{"forced format lacks columns", "imo,mmsi,name\n", Options{Format: FormatUN}, []error{ErrHeader}, "no reference_number column for format un"},
		{"csv syntax", "imo,name\n7937317,\"A\n", Options{}, nil, `watchlist: parse error on line 2, column 12: extraneous or missing " in quoted-field`},
		{"strict bad imo", "name,imo\nA,7937317\nB,12345\n", Options{Strict: true},
			[]error{ErrBadIMO, identity.ErrIMOFormat}, `watchlist: line 3: bad imo "12345": imo is not seven digits`},
		{"strict check digit", "name,imo\nB,7937318\n", Options{Strict: true},
			[]error{ErrBadIMO, identity.ErrIMOCheck}, `watchlist: line 2: bad imo "7937318": imo check digit mismatch`},
		{"strict mmsi", "name,mmsi\nB,x\n", Options{Strict: true}, []error{ErrBadMMSI}, `watchlist: line 2: bad mmsi "x"`},
		{"strict fields", "name,mmsi\nB\n", Options{Strict: true}, []error{ErrFieldCount}, "line 2: wrong number of fields"},
		{"strict empty", "name,mmsi\n,\n", Options{Strict: true}, []error{ErrEmptyEntry}, "line 2: no imo, mmsi or name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Load(strings.NewReader(tt.in), tt.opts)
			if err == nil {
				t.Fatalf("loaded %d entries, want an error", l.Len())
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("error %v is not %v", err, target)
				}
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "watchlist: ") {
				t.Errorf("error %q, want %q", err, tt.msg)
			}
			var pe *ParseError
			if errors.Is(err, ErrBadIMO) && (!errors.As(err, &pe) || pe.Field != "imo") {
				t.Errorf("errors.As ParseError: %+v", pe)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		header string
		want   Format
		list   string
	}{
		{"ent_num,name,programs,call_sign,vessel_type,tonnage,grt,flag,owner,imo,mmsi,aliases,remarks", FormatOFAC, "OFAC SDN"},
		{"dataid,reference_number,un_list_type,name,aliases,listed_on,imo_numbers,comments", FormatUN, "UN consolidated"},
		{"IMO", FormatCSV, "mylist"},
		{" mmsi ", FormatCSV, "mylist"},
		{"name,ent_num", FormatCSV, "mylist"}, // not enough for OFAC
	}
	for _, tt := range tests {
		cols := strings.Split(strings.ToLower(tt.header), ",")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if got := detect(cols); got != tt.want {
			t.Errorf("detect(%q) = %v, want %v", tt.header, got, tt.want)
		}
		l, err := load(strings.NewReader(tt.header+"\n"), Options{}, "mylist")
		if err != nil {
			t.Errorf("%q: %v", tt.header, err)
			continue
		}
		_ = l
	}
	// The list name: from the format, the file, or the options.
	dir := t.TempDir()
	p := filepath.Join(dir, "dprk_tankers.csv.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("imo,name\n8604917,YU JONG 2\n"))
	zw.Close()
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		opts Options
		want string
	}{{Options{}, "dprk_tankers"}, {Options{Name: "desk"}, "desk"}} {
		l, err := LoadFile(p, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if l.Len() != 1 || l.Entries()[0].List != c.want {
			t.Errorf("LoadFile(%+v): %+v", c.opts, l.Entries())
		}
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.csv"), Options{}); err == nil || !strings.HasPrefix(err.Error(), "watchlist: ") {
		t.Errorf("missing file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "bad.csv.gz"), []byte("not gzip"), 0o644)
	if _, err := LoadFile(filepath.Join(dir, "bad.csv.gz"), Options{}); err == nil {
		t.Error("bad gzip loaded")
	}
	l, err := Load(strings.NewReader("a,b\n"), Options{Format: FormatOFAC})
	if err == nil {
		t.Errorf("forced OFAC on a bad header: %+v", l)
	}
}

func TestMatchSmall(t *testing.T) {
	l, err := Load(strings.NewReader(
		"id,imo,mmsi,name,aliases\n"+
			"a,9066978,445000001,PAEK MA,BAEK MA\n"+
			"b,,445000001,SAME MMSI,\n"+
			"c,,,PAEK MA,\n"+
			"d,8604917,,A VERY LONG NAME FOR A SHIP INDEED,\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	type hit struct {
		id string
		by By
	}
	tests := []struct {
		imo, mmsi int
		name      string
		want      []hit
	}{
		{9066978, 0, "", []hit{{"a", ByIMO}}},
		{9066978, 445000001, "paek-ma", []hit{{"a", ByIMO | ByMMSI | ByName}, {"b", ByMMSI}, {"c", ByName}}},
		{0, 0, "BAEK MA", []hit{{"a", ByAlias}}},
		{0, 0, "A VERY LONG NAME FOR", []hit{{"d", ByName}}}, // AIS's 20 characters
		{0, 0, "A VERY LONG NAME FOR A SHIP INDEED", []hit{{"d", ByName}}},
		{0, 0, "A VERY LONG NAME FO", nil},
		{0, 0, "A VERY LONG NAME FOR A", nil},
		{8604917, 0, "A VERY LONG NAME FOR", []hit{{"d", ByIMO | ByName}}},
		{-1, -1, "@@@", nil},
	}
	for _, tt := range tests {
		var got []hit
		for _, h := range l.Match(tt.imo, tt.mmsi, tt.name) {
			got = append(got, hit{h.Entry.ID, h.By})
			if !near(h.Confidence, confidence(h.By)) || h.Confidence <= 0 || h.Confidence > 1 {
				t.Errorf("confidence %v for %v", h.Confidence, h.By)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Match(%d, %d, %q) = %v, want %v", tt.imo, tt.mmsi, tt.name, got, tt.want)
		}
	}
	if l.MatchCompany(9066978, "PAEK MA") != nil {
		t.Error("vessel entries matched as companies")
	}
}

func TestConfidenceOrder(t *testing.T) {
	order := []By{ByAlias, ByName, ByName | ByAlias, ByMMSI, ByMMSI | ByName, ByIMO, ByIMO | ByMMSI, ByIMO | ByMMSI | ByName}
	for i := 1; i < len(order); i++ {
		if confidence(order[i-1]) >= confidence(order[i]) {
			t.Errorf("confidence(%v) = %.3f >= confidence(%v) = %.3f", order[i-1], confidence(order[i-1]), order[i], confidence(order[i]))
		}
	}
	if confidence(0) != 0 {
		t.Errorf("confidence(0) = %v", confidence(0))
	}
	for b, s := range map[By]string{0: "none", ByIMO: "imo", ByIMO | ByName: "imo+name", ByMMSI | ByAlias: "mmsi+alias"} {
		if b.String() != s {
			t.Errorf("By(%d).String() = %q, want %q", b, b.String(), s)
		}
	}
	if KindCompany.String() != "company" || KindVessel.String() != "vessel" {
		t.Error("Kind.String")
	}
	for f, s := range map[Format]string{FormatAuto: "auto", FormatCSV: "csv", FormatOFAC: "ofac", FormatUN: "un"} {
		if f.String() != s {
			t.Errorf("Format(%d).String() = %q", f, f.String())
		}
	}
}

func TestGenericName(t *testing.T) {
	for name, want := range map[string]bool{
		"FREEDOM": true, "AMBER": true, "PATRIOT": true, "ZEUS": true, "ARGO I": true, "HERO II": true,
		"SOL 7": true, "MV ZEUS": false, "KAI": true, "": true,
		"CHON MYONG 1": false, "HAIXUN1169": false, "OCEAN PROSPERITY 67": false, "ADRIAN DARYA 1": false, "SEA STAR": false,
	} {
		if got := GenericName(name); got != want {
			t.Errorf("GenericName(%q) = %v", name, got)
		}
	}
}

// A name is corroborated by the call sign or an agreeing ship type; a
// generic name counts only with the call sign, an IMO number or an MMSI.
func TestMatchVessel(t *testing.T) {
	l, err := Load(strings.NewReader(
		"ent_num,name,programs,call_sign,vessel_type,tonnage,grt,flag,owner,imo,mmsi,aliases,remarks\n"+
			"15052,AMBER,IRAN,5IM 597,Crude Oil Tanker,,,Panama,,9357406,677049700,HARAZ|FREEDOM,\n"+
			"1,CHON MYONG 1,DPRK,HMYD2,Crude Oil Tanker,,,Korea,,,,,\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		v  Vessel
		by By // 0: no hit
	}{
		{Vessel{MMSI: 367052130, Name: "FREEDOM", CallSign: "WDC6155", ShipType: 52}, 0}, // a US tug
		{Vessel{MMSI: 367052130, Name: "AMBER", ShipType: 80}, 0},                        // generic, though a tanker
		{Vessel{MMSI: 367052130, Name: "AMBER", CallSign: "5IM597"}, ByName | ByCallSign},
		{Vessel{IMO: 9357406, Name: "AMBER"}, ByIMO | ByName},
		{Vessel{Name: "CHON MYONG 1"}, ByName},
		{Vessel{Name: "CHON-MYONG 1", ShipType: 84}, ByName | ByType},
		{Vessel{Name: "CHONMYONG 1", ShipType: 84}, 0}, // one word and a number: generic
		{Vessel{Name: "CHON MYONG 1", ShipType: 70}, ByName},
		{Vessel{Name: "CHON MYONG 1", CallSign: "HMYD2", ShipType: 80}, ByName | ByCallSign | ByType},
	} {
		hits := l.MatchVessel(nil, c.v)
		var got By
		if len(hits) > 1 {
			t.Errorf("%+v: %d hits", c.v, len(hits))
		}
		if len(hits) == 1 {
			got = hits[0].By
			if hits[0].NameOnly() != (got&^(ByName|ByAlias) == 0) {
				t.Errorf("%+v: NameOnly %v for %v", c.v, hits[0].NameOnly(), got)
			}
		}
		if got != c.by {
			t.Errorf("%+v: by %v, want %v", c.v, got, c.by)
		}
	}
}

// TestNew: a list built from entries matches them as a loaded one does.
func TestNew(t *testing.T) {
	l := New([]Entry{{List: "mine", ID: "a", IMO: 9074729, Name: "SEA DREAM"}, {List: "mine", ID: "b", MMSI: 440123000}})
	if l.Len() != 2 {
		t.Fatalf("%d entries", l.Len())
	}
	for _, tc := range []struct {
		imo, mmsi  int
		name, want string
	}{{9074729, 0, "", "a"}, {0, 0, "Sea-Dream", "a"}, {0, 440123000, "", "b"}, {0, 440123001, "OTHER", ""}} {
		got := ""
		for _, h := range l.Match(tc.imo, tc.mmsi, tc.name) {
			got += h.Entry.ID
		}
		if got != tc.want {
			t.Errorf("Match(%d, %d, %q): %q, want %q", tc.imo, tc.mmsi, tc.name, got, tc.want)
		}
	}
}
