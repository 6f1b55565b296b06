package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/picket-ais/picket/web/internal/fixture"
)

// TestBrowserWatch runs e2e/watch.mjs against the fixture API configured
// to open far north of its vessels (Korea): where the map opens and what
// its header counts, the order of the events list, the chart at high
// latitudes, the search box and deep links.
func TestBrowserWatch(t *testing.T) {
	chromium, node := browserTools(t)
	north := [2]float64{10, 66}
	fx, err := fixture.New(fixture.Options{Center: &north, Zoom: 4})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", fx.Handler())
	mux.Handle("/", Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	runBrowser(t, chromium, node, "watch.mjs", srv.URL)
}
