package detect

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSpoofingScenarios(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "spoofing", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata/spoofing")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			scRunFile(t, f, "spoofing")
		})
	}
}
