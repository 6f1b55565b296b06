package fuse

import (
	"errors"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/identity"
)

// The layouts read without being told: what NOAA, AISdb, pandas and
// spreadsheets write.
func TestParseTimeLayouts(t *testing.T) {
	const t0 = 1641168000000 // 2022-01-03T00:00:00Z
	for in, want := range map[string]int64{
		"1641168000":                  t0,
		"1641168000123":               t0 + 123,
		"1641168000.5":                t0 + 500,
		"2022-01-03T00:00:00":         t0,
		"2022-01-03T00:00:00Z":        t0,
		"2022-01-03T00:00:00.250Z":    t0 + 250,
		"2022-01-03T01:00:00+01:00":   t0,
		"2022-01-03T01:00:00+0100":    t0,
		"2022-01-03T00:00":            t0,
		"2022-01-03T01:00+01:00":      t0,
		"2022-01-03 00:00":            t0,
		"2022-01-03 00:00:00":         t0,
		"2022-01-03 00:00:00.000001":  t0,
		"2022-01-03 00:00:00+00:00":   t0,
		"2022-01-03 01:00:00.5+01:00": t0 + 500,
		"20220103_000000":             t0,
		"2022/01/03 00:00:00":         t0,
		"2022/01/03 00:00":            t0,
	} {
		got, err := ParseTime(in)
		if err != nil || got != want {
			t.Errorf("%s: %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"yesterday", "03/01/2022 00:00", "2022-01-03", ""} {
		if _, err := ParseTime(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestTimeFormat(t *testing.T) {
	const t0 = 1616199720000 // 2021-03-20T00:22:00Z
	for _, c := range []struct {
		format, in string
		want       int64
	}{
		{"%d/%m/%Y %H:%M", "20/03/2021 00:22", t0},
		{"%d/%m/%Y %H:%M:%S", "20/03/2021 00:22:00", t0},
		{"%m/%d/%y %I:%M %p", "03/20/21 12:22 AM", t0},
		{"%d.%m.%Y %H:%M:%S.%f", "20.03.2021 00:22:00.25", t0 + 250},
		{"%Y-%m-%dT%H:%M:%SZ", "2021-03-20T00:22:00Z", t0},
		{"%d %b %Y %H:%M", "20 Mar 2021 00:22", t0},
		{"%F %T%z", "2021-03-20 01:22:00+0100", t0},
		{"%s", "1616199720", t0},
	} {
		f, err := ParseTimeFormat(c.format)
		if err != nil {
			t.Errorf("%s: %v", c.format, err)
			continue
		}
		got, err := f.Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("%s %q: %d %v, want %d", c.format, c.in, got, err, c.want)
		}
	}
	f, _ := ParseTimeFormat("%d/%m/%Y %H:%M")
	if _, err := f.Parse("2021-03-20 00:22"); !errors.Is(err, ErrTimeFormat) || !strings.Contains(err.Error(), "%d/%m/%Y %H:%M") {
		t.Errorf("mismatch: %v", err)
	}
	for _, bad := range []string{"%d/%m/%Y %Q", "%Y-%m-%d 12:%M", "%d %", "%d Jan %Y"} {
		if _, err := ParseTimeFormat(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Rows not understood are counted under their reason, the first shown.
func TestCSVBadRowsByReason(t *testing.T) {
	const data = `mmsi,time,lat,lon
367379190,20/03/2021 00:22,30.1,-88.5
367379190,20/03/2021 00:23,30.1,-88.5
367379190,2021-03-20 00:24,30.1,-88.5
x12,2021-03-20 00:25,30.1,-88.5
367379190,2021-03-20 00:26,91,181
367379190,21/03/2021 00:27,30.1,-88.5
367379190,2021-03-20 00:28,30.1,"-88
`
	r, err := NewCSVReader(strings.NewReader(data), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, err := r.Next(); err != nil {
			break
		}
		n++
	}
	bad := r.BadRows()
	want := []string{
		"3 rows: time '20/03/2021 00:22' is not a time picket reads by itself",
		"1 row: mmsi 'x12' is not a number (first at line 5)",
		"1 row: position '91 181' is 'not available' (91, 181) (first at line 6)",
		"1 row: record",
	}
	if n != 1 || r.Bad != 6 || len(bad) != len(want) {
		t.Fatalf("%d read, %d bad: %+v", n, r.Bad, bad)
	}
	for i, w := range want {
		if !strings.HasPrefix(bad[i].String(), w) && !strings.Contains(bad[i].String(), w) {
			t.Errorf("reason %d: %q, want %q", i, bad[i].String(), w)
		}
	}
	if bad[0].First.Line != 2 {
		t.Errorf("first day-first row at line %d", bad[0].First.Line)
	}
}

// An id column names vessels that have no MMSI: each identifier gets a
// number no MMSI can be, the same in every input sharing the table, and
// no MMSI rule applies to it.
func TestCSVIDColumn(t *testing.T) {
	m, err := ParseColumnMapping("id=vessel_id,time=ts")
	if err != nil {
		t.Fatal(err)
	}
	ids := &IDTable{}
	read := func(data string) []Report {
		r, err := NewCSVReaderOptions(strings.NewReader(data), CSVOptions{Columns: m, IDs: ids}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []Report
		for {
			rep, err := r.Next()
			if err != nil {
				break
			}
			out = append(out, rep)
		}
		if r.Bad != 0 {
			t.Fatalf("bad rows %v", r.BadRows())
		}
		return out
	}
	a := read("vessel_id,ts,lat,lon,mmsi\nNOR-7731,2021-03-20 00:22,60.1,5.1,257000000\nFV 12,2021-03-20 00:22,60.2,5.2,\n")
	b := read("vessel_id,ts,lat,lon\nFV 12,2021-03-20 01:00,60.3,5.3\n")
	if len(a) != 2 || len(b) != 1 || a[1].MMSI != b[0].MMSI || a[0].MMSI == a[1].MMSI {
		t.Fatalf("numbers %d %d / %d", a[0].MMSI, a[1].MMSI, b[0].MMSI)
	}
	for _, r := range append(a, b...) {
		c := identity.Classify(int(r.MMSI))
		if r.MMSI < identity.OpaqueMin || c.Kind != identity.KindOpaque || c.Err != nil {
			t.Errorf("%d: %+v", r.MMSI, c)
		}
		if _, ok := identity.Flag(int(r.MMSI)); ok {
			t.Errorf("%d has a flag", r.MMSI)
		}
		if tx := identity.ClassifyTransmitter(identity.Heard{MMSI: int(r.MMSI)}); tx.Err != nil || !tx.Station.Ship() {
			t.Errorf("%d: %+v", r.MMSI, tx)
		}
	}
	if id, ok := ids.ID(a[1].MMSI); !ok || id != "FV 12" || ids.Len() != 2 {
		t.Errorf("id of %d: %q %v", a[1].MMSI, id, ok)
	}
	// An MMSI column cannot carry such numbers.
	r, _ := NewCSVReader(strings.NewReader("mmsi,time,lat,lon\n2147483650,2021-03-20 00:22,60.1,5.1\n"), nil, 0)
	if _, err := r.Next(); err == nil || r.Bad != 1 {
		t.Errorf("mmsi 2147483650 read as a vessel")
	}
}
