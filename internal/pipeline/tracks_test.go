package pipeline

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestTracksGeoJSON: the tracks written with the events hold every
// tracked fix once, as one feature per segment, in time order, and every
// segment an event names is there, on the satellite log whose reports
// come out of order and whose MMSIs include shared ones.
func TestTracksGeoJSON(t *testing.T) {
	tr := NewTracks()
	// All three captures: their MMSIs include 1193046, which several
	// transmitters use (its shared_mmsi event names a segment).
	res := analyzeFiles(t, AnalyzeOptions{Tracks: tr}, "aivdm/amsa_exactearth_2012/exact-earth-augmented.nmea",
		"aivdm/amsa_exactearth_2012/exact-earth-augmented-2.nmea", "aivdm/amsa_exactearth_2012/exact-earth-augmented-3.nmea")
	var b bytes.Buffer
	if err := tr.WriteGeoJSON(&b); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties struct {
				MMSI       uint32
				Segment    string
				Start, End time.Time
				Fixes      int
				Times      []int64
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &fc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var fixes int64
	segs := map[string]bool{}
	for _, f := range fc.Features {
		p := f.Properties
		fixes += int64(p.Fixes)
		segs[p.Segment] = true
		if len(p.Times) != p.Fixes || p.Times[0] != p.Start.Unix() || p.Times[len(p.Times)-1] != p.End.Unix() {
			t.Fatalf("%s: %d fixes, %d times, %v..%v", p.Segment, p.Fixes, len(p.Times), p.Start, p.End)
		}
		for k := 1; k < len(p.Times); k++ {
			if p.Times[k] < p.Times[k-1] {
				t.Fatalf("%s: times out of order", p.Segment)
			}
		}
		var pts [][2]float64
		if f.Geometry.Type == "LineString" {
			if err := json.Unmarshal(f.Geometry.Coordinates, &pts); err != nil || len(pts) != p.Fixes {
				t.Fatalf("%s: %d vertices for %d fixes (%v)", p.Segment, len(pts), p.Fixes, err)
			}
		} else if f.Geometry.Type != "Point" || p.Fixes != 1 {
			t.Fatalf("%s: a %s for %d fixes", p.Segment, f.Geometry.Type, p.Fixes)
		}
	}
	if fixes != res.Tracked || fixes == 0 {
		t.Errorf("%d fixes in the tracks, %d tracked", fixes, res.Tracked)
	}
	named := 0
	for _, e := range res.Events {
		if e.Segment != "" {
			named++
			if !segs[e.Segment] {
				t.Errorf("event %s names segment %s, which has no track", e.ID, e.Segment)
			}
		}
	}
	if named == 0 {
		t.Error("no event names a segment: the check checks nothing")
	}
}
