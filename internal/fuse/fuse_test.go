package fuse

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/ais"
)

func TestDeduper(t *testing.T) {
	d := NewDeduper(DedupOptions{Window: 30 * time.Second})
	k1 := PayloadKey([]byte("13HOI:0P0000VOHLCnHQKwvL05Ip"), 0)
	k2 := PayloadKey([]byte("13HOI:0P0000VOHLCnHQKwvL05Ip"), 2)
	steps := []struct {
		key   uint64
		t     int64
		dup   bool
		heard uint8
	}{
		{k1, 1_000, false, 1},
		{k1, 3_000, true, 2},  // a second receiver
		{k2, 3_000, false, 1}, // other fill bits: another payload
		{k1, 29_000, true, 3},
		{k1, 45_000, false, 1},    // 44 s after the first copy: another transmission
		{k1, 200_000, false, 1},   // a real repeat minutes later
		{k1, 199_000, true, 2},    // slightly out of order
		{k1, 1_000_000, false, 1}, // after a long silence
	}
	for i, s := range steps {
		dup, heard := d.Seen(s.key, s.t)
		if dup != s.dup || heard != s.heard {
			t.Errorf("step %d: dup %v heard %d, want %v %d", i, dup, heard, s.dup, s.heard)
		}
	}
	if d.Duplicates() != 3 {
		t.Errorf("duplicates %d, want 3", d.Duplicates())
	}
}

func TestFromAISPosition(t *testing.T) {
	var dec ais.Decoder
	m, err := dec.Decode([]byte("13HOI:0P0000VOHLCnHQKwvL05Ip"), 0)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := FromAIS(m, 1000, 3)
	if !ok || r.Kind != Position || r.Class != ClassA || r.MMSI != 227006760 || r.Feed != 3 {
		t.Fatalf("report %+v", r)
	}
	if math.Abs(r.Lat-49.475577) > 1e-6 || math.Abs(r.Lon-0.13138) > 1e-6 || r.SOG != 0 { // gpsdecode 3.22: 49.475577, 0.131380
		t.Errorf("position %v %v sog %v", r.Lat, r.Lon, r.SOG)
	}
	// Position not available: no report.
	m, _ = dec.Decode([]byte("D02R3cQW4Nfp00O6D0"), 4) // type 20: not a vessel report
	if _, ok := FromAIS(m, 0, 0); ok {
		t.Errorf("type 20 made a report")
	}
}

func TestCSVMarineCadastre(t *testing.T) {
	const data = `MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass
367379190,2022-01-03T00:00:00,30.37060,-88.56408,0.0,336.2,511,EAGLE,IMO8207721,WTD4583,31,0,28,11,3.3,52,A
367379190,2022-01-03T00:03:00,30.37061,-88.56409,0.1,336.2,511,EAGLE,IMO8207721,WTD4583,31,0,28,11,3.3,52,A
338148873,2022-01-03T00:00:00,33.60716,-117.91483,0.0,280.0,511,CAZADOR,,,37,,14,,,,B
x,2022-01-03T00:00:00,1,2,,,,,,,,,,,,,
`
	r, err := NewCSVReader(strings.NewReader(data), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pos, stat int
	for {
		rep, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch rep.Kind {
		case Position:
			pos++
		case Static:
			stat++
			if rep.MMSI == 367379190 && (rep.Info.IMO != 8207721 || rep.Info.Name != "EAGLE" || rep.Info.Length != 28) {
				t.Errorf("static %+v", rep.Info)
			}
		}
	}
	// Identity is reported once per vessel while it does not change.
	if pos != 3 || stat != 2 || r.Bad != 1 {
		t.Errorf("positions %d statics %d bad %d", pos, stat, r.Bad)
	}
	var ce *CSVError
	if !errors.As(r.LastErr, &ce) || ce.Line != 5 || ce.Field != ColMMSI {
		t.Errorf("last error %v", r.LastErr)
	}
}

func TestCSVHeaderErrors(t *testing.T) {
	_, err := NewCSVReader(strings.NewReader("a,b,c\n1,2,3\n"), nil, 0)
	if !errors.Is(err, ErrCSVHeader) {
		t.Errorf("error %v", err)
	}
	m, err := ParseColumnMapping("mmsi=id,time=ts,lat=y,lon=x")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewCSVReader(strings.NewReader("id,ts,y,x\n123456789,1490075506,15.6,-61.5\n"), m, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Next()
	if err != nil || rep.Time != 1490075506000 || rep.Lat != 15.6 {
		t.Errorf("mapped row %+v %v", rep, err)
	}
	if _, err := ParseColumnMapping("speed_of_light=c"); err == nil {
		t.Error("unknown column accepted")
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]int64{
		"1490075506":                1490075506000,
		"1490075506123":             1490075506123,
		"2022-01-03T00:00:00":       1641168000000,
		"2022-01-03 00:00:00":       1641168000000,
		"20220103_000000":           1641168000000,
		"2022-01-03T01:00:00+01:00": 1641168000000,
	} {
		got, err := ParseTime(in)
		if err != nil || got != want {
			t.Errorf("%s: %d %v, want %d", in, got, err, want)
		}
	}
	if _, err := ParseTime("yesterday"); err == nil {
		t.Error("yesterday accepted")
	}
}
