package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, method, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// A plain transport: no automatic gzip, so the test sees the encoding.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	tests := []struct {
		path, ctype string
		contains    string
	}{
		{"/", "text/html; charset=utf-8", `src="app.js"`},
		{"/index.html", "text/html; charset=utf-8", "<title>picket"},
		{"/app.js", "text/javascript; charset=utf-8", "maplibre-gl-worker.mjs"},
		{"/app.css", "text/css; charset=utf-8", ".maplibregl-map"},
		{"/maplibre-gl-worker.mjs", "text/javascript; charset=utf-8", ""},
		{"/countries-50m.json", "application/json", `"type":"Topology"`},
		{"/favicon.svg", "image/svg+xml", "<svg"},
	}
	for _, tt := range tests {
		res, body := get(t, srv, "GET", tt.path, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", tt.path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if len(body) == 0 || !bytes.Contains(body, []byte(tt.contains)) {
			t.Errorf("GET %s: body (%d bytes) lacks %q", tt.path, len(body), tt.contains)
		}
		if res.Header.Get("ETag") == "" {
			t.Errorf("GET %s: no ETag", tt.path)
		}
	}
}

func TestHandlerErrors(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	if res, _ := get(t, srv, "GET", "/nope.js", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope.js: %d, want 404", res.StatusCode)
	}
	if res, _ := get(t, srv, "GET", "/api/vessels", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /api/vessels: %d, want 404 (the API is not the page's)", res.StatusCode)
	}
	if res, _ := get(t, srv, "POST", "/", nil); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", res.StatusCode)
	}
}

func TestHandlerCaching(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	res, plain := get(t, srv, "GET", "/app.js", nil)
	etag := res.Header.Get("ETag")
	if res, _ := get(t, srv, "GET", "/app.js", map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
	}
	res, gz := get(t, srv, "GET", "/app.js", map[string]string{"Accept-Encoding": "br, gzip"})
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Accept-Encoding gzip: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	un, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(un, plain) {
		t.Error("gzip body does not decode to the plain body")
	}
	if len(gz) >= len(plain)/2 {
		t.Errorf("gzip %d bytes of %d: not compressed", len(gz), len(plain))
	}
	res, body := get(t, srv, "HEAD", "/app.js", nil)
	if res.StatusCode != http.StatusOK || len(body) != 0 || res.ContentLength != int64(len(plain)) {
		t.Errorf("HEAD: %d, %d body bytes, length %d", res.StatusCode, len(body), res.ContentLength)
	}
}

// Every file index.html names is served, and the bundle points MapLibre
// at its worker, so the page works with no network.
func TestIndexAssets(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	_, index := get(t, srv, "GET", "/", nil)
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllSubmatch(index, -1)
	if len(refs) < 3 {
		t.Fatalf("index.html names %d files", len(refs))
	}
	for _, m := range refs {
		ref := string(m[1])
		if strings.Contains(ref, "://") {
			t.Errorf("index.html loads %s from another host", ref)
			continue
		}
		if res, _ := get(t, srv, "GET", "/"+ref, nil); res.StatusCode != http.StatusOK {
			t.Errorf("index.html names %s: %d", ref, res.StatusCode)
		}
	}
	_, js := get(t, srv, "GET", "/app.js", nil)
	for _, host := range []string{"fonts.googleapis", "fonts.gstatic", "demotiles.maplibre", "api.maptiler", "unpkg.com", "cdn.jsdelivr"} {
		if bytes.Contains(js, []byte(host)) {
			t.Errorf("app.js names %s: the page must work offline", host)
		}
	}
}
