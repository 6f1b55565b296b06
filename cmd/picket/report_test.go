package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReport: picket report writes the case named into the run's
// directory, or where -o says, and refuses to guess what the case is.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	src := "../../internal/casefile/testdata/marinecadastre_run"
	for _, n := range []string{"events.jsonl", "vessels.jsonl", "networks.json", "tracks.geojson", "manifest.json"} {
		b, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	run := func(args ...string) error {
		c := reportCommand()
		c.SetArgs(args)
		c.SilenceUsage, c.SilenceErrors = true, true
		return c.Execute()
	}
	if err := run("--mmsi", "538008297", dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "case-538008297.html"))
	if err != nil || !strings.Contains(string(b), "Everdine") || !strings.Contains(string(b), `id="marking">NOT MARKED<`) {
		t.Errorf("case file: %v", err)
	}
	out := filepath.Join(dir, "x.html")
	if err := run("--event", "97bf4330eb689402", "--marking", "REL TO GBR", "-o", out, dir); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `id="marking">REL TO GBR<`) {
		t.Error("the marking asked for is not in the file")
	}
	for _, args := range [][]string{{dir}, {"--mmsi", "1", "--event", "x", dir}, {"--mmsi", "1", dir}} {
		if err := run(args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
