package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/picket-ais/picket/web/internal/bundle"
)

// TestDistFresh rebuilds the page and compares it with the committed
// dist/. It needs node_modules (npm ci in web/) and skips without it, so a
// plain checkout still tests green.
func TestDistFresh(t *testing.T) {
	if _, err := os.Stat(filepath.Join("node_modules", "maplibre-gl", "package.json")); err != nil {
		t.Skip("web/node_modules missing: run `npm ci` in web/ to check that dist/ matches src/")
	}
	files, err := bundle.Build(".")
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := bundle.Diff("dist", files)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("dist/%s", d)
	}
	if len(diffs) > 0 {
		t.Log("dist/ is stale: run `go generate ./web` and commit web/dist")
	}
	total := 0
	for _, b := range files {
		total += len(b)
	}
	if total > 4<<20 {
		t.Errorf("dist/ is %d bytes; keep it under 4 MiB", total)
	}
}
