// Package web is picket's map: a single-page application that shows live
// vessels, their profiles, tracks, events and networks on an offline
// basemap, served from files embedded in the binary.
//
// The page is written in TypeScript under src/ and uses MapLibre GL JS and
// the Natural Earth basemap of world-atlas, both from npm. The build turns
// it into dist/ with esbuild's Go API:
//
//	cd web && npm ci && go generate ./
//
// dist/ is committed, so `go build ./...` works on a checkout with no
// node_modules, and TestDistFresh fails when dist/ no longer matches src/
// (it runs only where node_modules exists). docs/web.md says more.
//
// Handler serves dist/ and nothing else: the page talks to the API under
// /api/ (vessels, profiles, tracks, events, networks and the live stream)
// and reads /api/config for an optional online tile URL. Without that
// file, or without any network, the page uses the bundled basemap. It asks
// /api/me who is logged in and shows a login screen when nobody is; a
// server without /api/me is taken as open to all.
//
// Handler is safe for concurrent use. It compresses each file with gzip
// once, on first request by a client that accepts it, and keeps the result.
package web
