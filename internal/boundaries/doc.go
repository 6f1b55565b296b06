// Package boundaries holds maritime limits to draw on a map, embedded in
// the binary: territorial-sea limits of every coastal country (from
// OpenStreetMap), and the territorial sea, contiguous zone and exclusive
// economic zone (EEZ) limits and maritime boundaries of the United States
// (NOAA) and the EEZ of the Australian mainland (AMSA). No worldwide EEZ
// set with an open licence was at hand; SOURCES.md says what each part is
// and its licence.
//
// # Use
//
//	gz := boundaries.GeoJSONGzip() // a gzip GeoJSON FeatureCollection
//
// Each feature is a MultiLineString with the properties kind
// ("territorial_sea", "contiguous_zone", "eez" or "boundary", a line
// between two states' zones), country (ISO 3166-1 alpha-3), source
// ("osm", "noaa", "amsa") and name (a region, or empty). The lines are
// simplified (Douglas-Peucker, 0.002°, about 200 m) and rounded to 4
// decimals: they are for the eye, not for deciding whether a fix is
// inside a zone (package zone does that, with the user's polygons).
//
// The embedded file is written by internal/boundariesgen (see the
// go:generate line in boundaries.go): 453 features, 1.6 MB of GeoJSON,
// 0.54 MB gzip.
//
// # Concurrency
//
// Everything here is read-only and safe for concurrent use.
package boundaries
