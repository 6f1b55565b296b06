// Package server is picket's HTTP API over the live pipeline (package
// live) and its store: JSON and GeoJSON queries, exports, a live stream
// of Server-Sent Events, Prometheus metrics and a health check, and the
// web map at "/". docs/api.md documents every endpoint with examples;
// docs/openapi.yaml describes them formally.
//
//	GET /api/vessels?bbox=&max_age=              vessels now, GeoJSON
//	GET /api/vessels/{mmsi}                      profile: identity history, risk and why, events, port calls
//	GET /api/vessels/{mmsi}/track?from=&to=      GeoJSON LineString and the points
//	GET /api/vessels/{mmsi}/timeline             its whole history: days heard, identity, voyages, events
//	GET /api/events?type=&from=&to=&bbox=&mmsi=&min_confidence=&limit=&order=
//	GET /api/networks?mmsi=                      networks of linked vessels
//	GET /api/stream?bbox=&types=&min_interval=   SSE: event: position, event: alert, event: rule_alert
//	GET, POST /api/rules; DELETE /api/rules/{id} the partner's alert rules (package alert)
//	GET /api/alerts?status=&limit=               the partner's alert inbox
//	POST /api/alerts/{id}/{acknowledge,assign,dismiss}
//	GET /api/layers/{ports,boundaries,density}    the map's context layers; density of what the view may see
//	GET /api/export/events.{geojson,kml,csv,parquet}  the /api/events filters; parquet is GeoParquet 1.1
//	GET /api/feeds, /api/config, /healthz, /metrics
//
// # Use
//
//	srv := server.New(pipeline, server.Options{UI: web.Handler()}, logger, prometheus.DefaultRegisterer)
//	err := srv.Serve(ctx, ln) // until ctx is done, then a graceful shutdown
//
// Every error is a JSON object {"error": "..."} with a 4xx code for a
// mistake in the request (a bad bbox, time, type or MMSI) and 5xx for
// the server's own trouble. Request bodies are limited
// (Options.MaxBodyBytes); only a login and the watch floor's changes
// (a rule, an action on an alert) take one. Serve runs the alert rules
// (Options.Alerts) over the pipeline's hub, each partner's with its
// clearance now.
//
// # Concurrency
//
// A Server is safe for concurrent use: handlers read the store (which
// serves concurrent readers) and the pipeline's snapshot of profiles and
// networks, which is immutable and rebuilt on the pipeline's own
// goroutine when older than Options.SnapshotMaxAge. Each live stream has
// a subscription to the pipeline's hub and one goroutine (its handler);
// it ends when the client goes, when Serve's context is done, or when the
// pipeline stops. Serve's shutdown waits for requests in flight: stop the
// pipeline first (its Run drains and closes the hub), then the server,
// then close the store.
package server
