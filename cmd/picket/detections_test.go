package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/sim"
)

// --detections and --scenes: the files `picket simulate` writes go through
// `picket analyze` and come out as dark_vessel events.
func TestAnalyzeDetectionsFlags(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	res, err := sim.WriteDir(sim.Options{Seed: 3, Vessels: 40, Hours: 8, SAR: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	dark := 0
	for _, d := range res.SAR.Detections {
		if d.Dark {
			dark++
		}
	}
	if dark == 0 {
		t.Fatal("no dark detection staged: the test tests nothing")
	}
	fl := &analyzeFlags{out: out, quiet: true, detections: []string{filepath.Join(dir, sim.DetectionsFile)}, scenes: []string{filepath.Join(dir, sim.ScenesFile)}}
	if err := runAnalyze([]string{filepath.Join(dir, sim.FeedFile)}, fl); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// The quality test holds the correlation to 0.9; here, that the
	// flags reach it.
	if n := bytes.Count(b, []byte(`"type":"dark_vessel"`)); n*10 < dark*9 || n*10 > dark*11 {
		t.Errorf("%d dark_vessel events, %d dark detections staged", n, dark)
	}
	if err := runAnalyze([]string{filepath.Join(dir, sim.FeedFile)}, &analyzeFlags{out: out, quiet: true, scenes: fl.scenes}); err == nil {
		t.Error("--scenes without --detections: no error")
	}

	// --optical: a file of optical detections (no sensor column) beside
	// the SAR one; its dark detection, far out at sea where no AIS ship
	// sails, is a dark_vessel of sensor optical in events.jsonl and in
	// the CSV export.
	when := time.UnixMilli(res.SAR.Scenes[0].Time).UTC().Format(time.RFC3339)
	optical := filepath.Join(dir, "optical.csv")
	if err := os.WriteFile(optical, []byte("time,lat,lon,length_m,heading,score,scene_id\n"+when+",-40,-120,60,12,0.88,S2A_TEST\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fl.optical, fl.exports = []string{optical}, []string{"csv"}
	if err := runAnalyze([]string{filepath.Join(dir, sim.FeedFile)}, fl); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(out, "events.jsonl"))
	c, _ := os.ReadFile(filepath.Join(out, "events.csv"))
	if n := bytes.Count(b, []byte(`"sensor":"optical","scene":"S2A_TEST"`)); n != 1 || !bytes.Contains(c, []byte(",optical,S2A_TEST,")) {
		t.Errorf("%d optical dark_vessel events in events.jsonl; events.csv holds it: %v", n, bytes.Contains(c, []byte(",optical,")))
	}
	if n := bytes.Count(b, []byte(`"sensor":"sar"`)); n*10 < dark*9 || n*10 > dark*11 {
		t.Errorf("with --optical: %d sar dark_vessel events, %d dark detections staged", n, dark)
	}
	if err := runAnalyze([]string{filepath.Join(dir, sim.FeedFile)}, &analyzeFlags{out: out, quiet: true, scenes: fl.scenes, optical: fl.optical}); err != nil {
		t.Errorf("--scenes with --optical alone: %v", err)
	}
}

func TestParseRadarFlag(t *testing.T) {
	in, err := parseRadarFlag("coast.nmea@37.5, 126.25")
	if err != nil || !in.HasSite || in.Site != [2]float64{37.5, 126.25} || in.File != "coast.nmea" {
		t.Errorf("fixed site: %+v %v", in, err)
	}
	if in, err := parseRadarFlag("bridge.nmea"); err != nil || in.HasSite || in.File != "bridge.nmea" {
		t.Errorf("ship: %+v %v", in, err)
	}
	for _, bad := range []string{"x@37.5", "x@95,10", "x@a,b", "x@10,190"} {
		if _, err := parseRadarFlag(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
