package main

import (
	"bufio"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnalyzeExports: --export writes each format from the same events
// as events.jsonl (the satellite capture has spoofing and gaps).
func TestAnalyzeExports(t *testing.T) {
	out := t.TempDir()
	fl := &analyzeFlags{out: out, quiet: true, exports: []string{"csv", "geojson", "kml", "parquet", "nvg"}, tracks: true}
	if err := runAnalyze([]string{"../../testdata/aivdm/amsa_exactearth_2012/exact-earth-augmented-3.nmea"}, fl); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(out, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
	}
	if n == 0 {
		t.Fatal("no events: the test tests nothing")
	}
	c, err := os.Open(filepath.Join(out, "events.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rows, err := csv.NewReader(c).ReadAll()
	if err != nil || len(rows) != n+1 {
		t.Errorf("csv: %d rows for %d events (%v)", len(rows), n, err)
	}
	// events.nvg: the located events, and a track line or point per
	// transmitter (--tracks), in one overlay.
	nvg, err := os.ReadFile(filepath.Join(out, "events.nvg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(nvg), `<nvg xmlns="https://tide.act.nato.int/schemas/2012/10/nvg" version="2.0.2" classification="NOT MARKED">`) ||
		strings.Count(string(nvg), `<point `) < n || !strings.Contains(string(nvg), `uri="urn:picket:track:`) {
		t.Errorf("events.nvg: %d points for %d events, or no track", strings.Count(string(nvg), `<point `), n)
	}
	for _, name := range []string{"events.geojson", "events.kml", "events.parquet", "manifest.json"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := runAnalyze([]string{"x"}, &analyzeFlags{out: out, exports: []string{"shp"}}); err == nil {
		t.Error("--export shp: no error")
	}
}
