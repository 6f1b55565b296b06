// Package ports knows where vessels stop: a list of ports and anchorages with a spatial
// index, so that detectors can ask "is this fix in or near a port" (port visits within
// 3 km, encounters at least 10 km from any port or anchorage, loitering away from port).
//
// # Use
//
// Default returns an index over the built-in list, embedded in the binary: the NGA World
// Port Index and Global Fishing Watch's named anchorages, 59,777 places (SOURCES.md gives
// origins and licences; Port.Source tells them apart). Load reads a user's own CSV file
// (name,lat,lon[,radius_km]); New indexes any list, for instance the built-in one plus a
// user's:
//
//	mine, err := ports.Load(f)
//	...
//	ix, err := ports.New(append(ports.DefaultPorts(), mine...), ports.Options{})
//	if p, d, ok := ix.Nearest(lat, lon); ok && d <= 3000 { ... }
//
// Nearest finds the closest place within Options.MaxRadius; Within lists every place
// within a radius, nearest first. Distances are great-circle metres (geo.Distance).
//
// An anchorage entry is one of GFW's cells, about 500 m across, and a busy port has
// hundreds of them (Singapore 1,500): that is what lets a 3 km visit radius follow the
// shape of a port's real anchorage areas, as in GFW's own port-visit pipeline. A WPI port
// is a single point.
//
// # Performance
//
// Measured on a 2-core AMD EPYC over the built-in list (go test -bench): Nearest 0.3-0.4 µs
// with no allocation, also among the 1,500 cells of Singapore; AppendWithin with a 3 km
// radius 1.8 µs with no allocation (the places found are copied out); decoding and indexing
// the built-in list 50 ms on first use, then 7 MB of heap. The embedded file is a 0.5 MB
// gzip CSV written by internal/portsgen (see the go:generate line in default.go).
//
// # Concurrency
//
// An Index is immutable once built and safe for concurrent use. Default builds its index
// once, on the first call, and shares it. Load and New have no shared state.
package ports
