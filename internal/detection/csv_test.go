package detection

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func readFiles(t *testing.T, dets, scenes string) *Set {
	t.Helper()
	set := NewSet()
	if scenes != "" {
		f, err := os.Open(scenes)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := set.ReadScenes(f, scenes); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(dets)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := set.Read(f, dets); err != nil {
		t.Fatal(err)
	}
	set.Check()
	return set
}

// A small file in Global Fishing Watch's published layout (their column
// names: scene_id, detect_id, detect_timestamp, detect_lat, detect_lon,
// presence_score, length_m, mmsi, ...) with its footprint in their scenes
// layout (scene_id, time, footprint_wkt): every row used or counted.
func TestReadGFWLayout(t *testing.T) {
	set := readFiles(t, "testdata/gfw_sar.csv", "testdata/gfw_footprints.csv")
	if set.Rows != 7 { // 1 scene row + 6 detection rows
		t.Fatalf("rows %d, want 7", set.Rows)
	}
	if len(set.Detections) != 2 || set.Bad != 4 {
		t.Fatalf("%d detections, %d bad (%v); want 2 and 4", len(set.Detections), set.Bad, set.BadRows)
	}
	d := set.Detections[0]
	want := time.Date(2024, 3, 5, 9, 23, 21, 0, time.UTC).UnixMilli()
	if d.Time != want || d.Lat != 37.418 || d.Lon != 124.6122 || d.LengthM != 182.4 || d.Score != 0.97 || d.SourceMMSI != 412345678 || !strings.HasSuffix(d.ID, ";124.61220;37.41800") {
		t.Errorf("first detection read as %+v", d)
	}
	if d.HasHeading() {
		t.Error("GFW gives no heading; read one")
	}
	reasons := map[error]int{}
	for _, b := range set.BadRows {
		for _, e := range []error{ErrOutsideScene, errOutOfRange, errNotNumber} {
			if errors.Is(b.First.Err, e) {
				reasons[e] += b.Rows
			}
		}
	}
	// 126.9 E is outside the footprint; 97.1 is no latitude; "high" no score.
	if reasons[ErrOutsideScene] != 1 || reasons[errOutOfRange] != 1 || reasons[errNotNumber] != 1 {
		t.Errorf("reasons %v; bad rows %v", reasons, set.BadRows)
	}
	for _, b := range set.BadRows {
		if b.First.Line < 2 || b.String() == "" {
			t.Errorf("bad rows without a first example: %+v", b)
		}
	}
}

// Footprint and scene time as columns of the detections file, GeoJSON
// footprint; a detection without a time takes its scene's.
func TestReadFootprintColumns(t *testing.T) {
	in := `scene_id,scene_time,footprint,lat,lon,heading,score
A,2026-01-02T03:04:05Z,"{""type"":""Polygon"",""coordinates"":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}",0.5,0.5,271,
A,,,0.2,0.3,,0.4
A,,,2.0,0.3,,0.4
`
	set := NewSet()
	if err := set.Read(strings.NewReader(in), "x.csv"); err != nil {
		t.Fatal(err)
	}
	set.Check()
	if len(set.Detections) != 2 || set.Bad != 1 {
		t.Fatalf("%d detections %d bad %v", len(set.Detections), set.Bad, set.BadRows)
	}
	want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli()
	for _, d := range set.Detections {
		if d.Time != want {
			t.Errorf("detection at line %d: time %d, want the scene's %d", d.Line, d.Time, want)
		}
	}
	if h := set.Detections[0].Heading; h != 271 || !math.IsNaN(set.Detections[0].Score) {
		t.Errorf("heading %v score %v", h, set.Detections[0].Score)
	}
}

func TestReadRefusesHeaderWithoutPosition(t *testing.T) {
	err := NewSet().Read(strings.NewReader("scene_id,time\nA,2026-01-01T00:00:00Z\n"), "x.csv")
	if !errors.Is(err, ErrHeader) {
		t.Fatalf("err %v, want ErrHeader", err)
	}
}

// A footprint quoted over several lines does not shift the line numbers
// of the rows after it; a broken row is counted with its line.
func TestReadLineNumbers(t *testing.T) {
	in := "scene_id,footprint_wkt,lat,lon,time\n" +
		"A,\"POLYGON ((0 0, 1 0,\n 1 1, 0 1, 0 0))\",0.5,0.5,2026-01-01T00:00:00Z\n" +
		"A,,5,5,2026-01-01T00:00:00Z\n" +
		"A,,0.5,0.5,\"2026\"x\n"
	set := NewSet()
	if err := set.Read(strings.NewReader(in), "x.csv"); err != nil {
		t.Fatal(err)
	}
	set.Check()
	lines := map[string]int{}
	for _, b := range set.BadRows {
		lines[b.First.Field] = b.First.Line
	}
	if len(set.Detections) != 1 || lines["position"] != 4 || lines["row"] != 5 {
		t.Errorf("%d detections; bad rows %+v (want the outside one at line 4, the broken one at 5)", len(set.Detections), set.BadRows)
	}
}

// NOAA EOG's VIIRS boat detections: boats kept (confidence by how clear),
// gas flares, recurring lights and platforms counted by what they are, an
// unknown flag refused; the granule is the scene.
func TestReadVIIRSLayout(t *testing.T) {
	set := readFiles(t, "testdata/viirs_vbd.csv", "")
	if set.Rows != 7 || len(set.Detections) != 3 || set.Bad != 4 {
		t.Fatalf("%d rows, %d detections, %d bad (%v)", set.Rows, len(set.Detections), set.Bad, set.BadRows)
	}
	d := set.Detections[0]
	want := time.Date(2024, 3, 5, 17, 21, 43, 0, time.UTC).UnixMilli()
	if d.Sensor != SensorVIIRS || d.Time != want || d.Lat != 37.418 || d.Lon != 124.6122 || d.Score != 0.9 || d.Scene != "SVDNB_npp_d20240305_t1721_e1726" || d.ID != "VBD_npp_d20240305_t1721_001" {
		t.Errorf("first detection %+v", d)
	}
	if set.Detections[1].Score != 0.6 || set.Detections[2].Score != 0.5 {
		t.Errorf("weak %v, weak and blurry %v", set.Detections[1].Score, set.Detections[2].Score)
	}
	reasons := map[string]int{}
	for _, b := range set.BadRows {
		reasons[b.Reason] = b.Rows
	}
	for _, r := range []string{"QF_Detect 4 (gas flare) is not a boat", "QF_Detect 8 (recurring light) is not a boat", "QF_Detect 11 (offshore platform) is not a boat", "QF_Detect is out of range"} {
		if reasons[r] != 1 {
			t.Errorf("reason %q: %d rows; all %v", r, reasons[r], reasons)
		}
	}
	evs := Events(set, Correlate(set, nil, Options{}))
	if len(evs) != 3 || evs[0].Sensor != "viirs" {
		t.Errorf("events %+v", evs)
	}
}

// Optical detections (a Sentinel-2 or PlanetScope vessel detector's
// output: time, lat, lon, length, heading, score, scene id) read as
// optical, by the caller's word or by a sensor column row by row; a row
// naming another sensor is counted under its reason. Their events say
// sensor optical.
func TestReadOptical(t *testing.T) {
	in := `time,lat,lon,length_m,heading,score,scene_id
2026-03-01T02:10:11Z,35.1,125.2,85,33,0.91,S2B_MSIL1C_20260301T021049_T51SYA
2026-03-01T02:10:11Z,35.2,125.3,,,0.40,S2B_MSIL1C_20260301T021049_T51SYA
`
	set := NewSet()
	if err := set.ReadSensor(strings.NewReader(in), "optical.csv", SensorOptical); err != nil {
		t.Fatal(err)
	}
	set.Check()
	if len(set.Detections) != 2 || set.Bad != 0 {
		t.Fatalf("%d detections, %d bad (%v)", len(set.Detections), set.Bad, set.BadRows)
	}
	d := set.Detections[0]
	if d.Sensor != SensorOptical || d.Heading != 33 || d.LengthM != 85 || d.Score != 0.91 || d.Scene != "S2B_MSIL1C_20260301T021049_T51SYA" {
		t.Errorf("first detection %+v", d)
	}
	evs := Events(set, Correlate(set, nil, Options{}))
	if len(evs) != 1 || evs[0].Sensor != SensorOptical || evs[0].Details["heading"] != 33 {
		t.Errorf("events %+v, want one dark_vessel of sensor optical (the other scored under 0.5)", evs)
	}

	mixed := `detect_timestamp,detect_lat,detect_lon,sensor
2026-03-01 02:10:11 UTC,35.1,125.2,optical
2026-03-01 02:10:11 UTC,35.1,125.2,SAR
2026-03-01 02:10:11 UTC,35.1,125.2,EO
2026-03-01 02:10:11 UTC,35.1,125.2,
2026-03-01 02:10:11 UTC,35.1,125.2,lidar
`
	set = NewSet()
	if err := set.Read(strings.NewReader(mixed), "mixed.csv"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range set.Detections {
		got = append(got, d.Sensor)
	}
	if strings.Join(got, " ") != "optical sar optical sar" || set.Bad != 1 || set.BadRows[0].Reason != "sensor is neither sar nor optical" || set.BadRows[0].First.Line != 6 {
		t.Errorf("sensors %v; bad rows %+v", got, set.BadRows)
	}
	if err := NewSet().ReadSensor(strings.NewReader(mixed), "x.csv", SensorVIIRS); err == nil {
		t.Error("a detections file read as viirs: want an error (VIIRS files say so by their columns)")
	}
}
