package server

import (
	"net/http"
	"net/url"
	"strings"
)

// contentSecurityPolicy is what every response may load and run: the
// map's own files (its script, its MapLibre worker, the offline chart),
// the online tile server when one is configured, images made in the page
// (data:, blob:), and no plugin, no base change, no framing by another
// site. Styles may be inline: the map's panels set colours and widths in
// style attributes; scripts may not.
func contentSecurityPolicy(tiles string) string {
	extra := ""
	if o := tileOrigin(tiles); o != "" {
		extra = " " + o
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:" + extra +
		"; connect-src 'self'" + extra + "; worker-src 'self' blob:; font-src 'self'; object-src 'none'; base-uri 'none'" +
		"; form-action 'self'; frame-ancestors 'none'"
}

// tileOrigin returns the scheme and host of a tile URL template
// (https://tiles.example.org/{z}/{x}/{y}.png), "" when it has none.
func tileOrigin(tiles string) string {
	if tiles == "" {
		return ""
	}
	r := strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0", "{s}", "a", "{r}", "", "{quadkey}", "0")
	u, err := url.Parse(r.Replace(tiles))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		strings.ContainsAny(u.Host, "{}*; '\"") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// secureHeaders sets the headers every response carries: the content
// security policy, no framing (clickjacking), no MIME sniffing, and over
// TLS, HSTS (a year), so that a browser that saw the map once over HTTPS
// does not fall back to plain HTTP.
func (s *Server) secureHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}
