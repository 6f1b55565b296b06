package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/picket-ais/picket/web/internal/fixture"
)

// TestBrowserLayers runs e2e/layers.mjs against the fixture API: each
// context layer (traffic density, maritime limits, ports and anchorages,
// place names, detections with scenes and radars) switched on draws
// features from what the API answered, and switched off draws none.
func TestBrowserLayers(t *testing.T) {
	chromium, node := browserTools(t)
	fx, err := fixture.New(fixture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", fx.Handler())
	mux.Handle("/", Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	runBrowser(t, chromium, node, "layers.mjs", srv.URL)
}
