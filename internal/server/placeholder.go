package server

import (
	"net/http"
)

// placeholderPage is served at "/" until the web map is built in (see
// Options.UI): it says where the API is.
const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>picket</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:3em auto;padding:0 1em;color:#1b2733}
code{background:#eef2f5;padding:.1em .3em;border-radius:3px}a{color:#0b5cad}</style></head>
<body><h1>picket</h1>
<p>The live maritime picture is running. The web map is not built into this binary; the API is:</p>
<ul>
<li><a href="/api/vessels">/api/vessels</a> — vessels now (GeoJSON)</li>
<li><a href="/api/events">/api/events</a> — events (the event contract)</li>
<li><a href="/api/networks">/api/networks</a> — networks of linked vessels</li>
<li><a href="/api/stream">/api/stream</a> — live positions and alerts (Server-Sent Events)</li>
<li><a href="/api/export/events.geojson">events.geojson</a>, <a href="/api/export/events.kml">events.kml</a>, <a href="/api/export/events.csv">events.csv</a></li>
<li><a href="/api/feeds">/api/feeds</a>, <a href="/healthz">/healthz</a>, <a href="/metrics">/metrics</a></li>
</ul>
<p>See docs/api.md for every parameter.</p>
</body></html>
`

func placeholder() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(placeholderPage))
	})
}
