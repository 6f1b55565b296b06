package detect

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestScenarios runs the data-driven scenarios of the detectors that have
// no test function of their own for them: testdata/<dir>/*.txt, the
// events of the types named listed after each case.
func TestScenarios(t *testing.T) {
	for dir, types := range map[string]string{
		"loitering": "loitering",
		"portvisit": "port_visit",
		"zone":      "zone_visit",
		"gap":       "gap",
		"watchlist": "watchlist",
		"identity":  "identity_change",
	} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
		if len(files) == 0 {
			t.Fatalf("no scenarios in testdata/%s", dir)
		}
		for _, f := range files {
			t.Run(dir+"/"+strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
				scRunFile(t, f, types)
			})
		}
	}
}
