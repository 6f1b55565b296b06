package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSecurityHeaders: the map and the API come with a content security
// policy (the tile server, when configured, allowed), no framing, no
// sniffing, and HSTS over TLS.
func TestSecurityHeaders(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	srv.csp = contentSecurityPolicy("https://tiles.example.org/{z}/{x}/{y}.png")
	for _, ts := range []*httptest.Server{httptest.NewServer(srv.Handler()), httptest.NewTLSServer(srv.Handler())} {
		defer ts.Close()
		for _, path := range []string{"/", "/api/vessels", "/api/nothing"} {
			resp, err := ts.Client().Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'",
				"img-src 'self' data: blob: https://tiles.example.org;", "connect-src 'self' https://tiles.example.org;"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s: CSP %q lacks %q", path, csp, want)
				}
			}
			if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: X-Frame-Options %q, X-Content-Type-Options %q", path, h.Get("X-Frame-Options"), h.Get("X-Content-Type-Options"))
			}
			hsts := h.Get("Strict-Transport-Security")
			if tls := resp.TLS != nil; tls != (hsts != "") {
				t.Errorf("%s over TLS %v: HSTS %q", path, tls, hsts)
			}
		}
	}
}

func TestTileOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"": "",
		"https://tiles.example.org/{z}/{x}/{y}.png":         "https://tiles.example.org",
		"https://{s}.tile.example.org:8443/{z}/{x}/{y}.png": "https://a.tile.example.org:8443",
		"http://localhost:8081/t/{z}/{x}/{y}":               "http://localhost:8081",
		"javascript:alert(1)":                               "",
		"https://evil.example; script-src *":                "",
		"/relative/{z}/{x}/{y}.png":                         "",
	} {
		if got := tileOrigin(in); got != want {
			t.Errorf("tileOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}
