// Package geo holds the geometry every detector shares: great-circle distance, bearing and
// dead reckoning on WGS84 degrees, unit conversions, and distance to the nearest coastline.
//
// # Great circles
//
// Positions are (latitude, longitude) in WGS84 degrees; distances are metres; bearings are
// degrees clockwise from true north. The earth is a sphere of EarthRadius (the IUGG mean
// radius): the haversine distance is within 0.5% of the ellipsoidal one, far inside the
// noise of AIS positions and detector thresholds. Distance, Bearing, Destination and
// DistanceToSegment take and return plain float64s and do not allocate; Distance costs
// about 75 ns.
//
// # Distance to shore
//
// DefaultShore returns a Shore whose DistanceToShore(lat, lon) answers "how far is this fix
// from the coast" (loitering needs >= 20 nm, intentional gaps >= 50 nm) and whose IsLand
// flags fixes on land. The answer is interpolated from a grid computed ahead of time by
// internal/shoregen (run `go generate ./internal/geo`) from Natural Earth 1:10m land, the
// same land the map draws (see SOURCES.md):
//
//   - Nodes are 1/30 degree apart in latitude (3.7 km). Along each parallel the node count
//     shrinks with cos(latitude), so they are also at most 3.7 km apart east-west at every
//     latitude instead of crowding together towards the poles: 37.1 million nodes.
//   - Each node holds the exact great-circle distance to the nearest coastline edge,
//     signed (negative on land), quantized to half a nautical mile and clamped to
//     -5 nm .. 122.5 nm in one byte. Queries interpolate bilinearly and cap at
//     MaxShoreDistance (100 nm): beyond it the answer means "at least 100 nm".
//   - Rows are stored as differences from a prediction and DEFLATE-compressed: the
//     embedded shore.grid is 2.2 MB. Decoded, rows are cut into 32-node blocks and the
//     blocks that hold a single value (open ocean, deep inland) take four bytes each:
//     14 MB in memory.
//
// Measured on a 2-core AMD EPYC (go test -bench, and the cross-check in shore_test.go):
//
//	query              22 ns, no allocation
//	first use          0.15-0.27 s to decode the grid (once per process)
//	error vs exact     3,648 random sea points (a 6,000-point run of the test: near
//	                   coasts or anywhere): median 94 m, p90 350 m, p99 0.9 km,
//	                   max 1.7 km
//	1/20 degree grid   6.6 MB in memory, 1.2 MB embedded, 73 ms decode, but
//	                   p99 1.6 km and max 2.5 km, so the finer grid was kept
//	exact at startup   computing the grid from the coastline (660k edges) takes 80 s
//	                   of two cores, which rules out building it at startup
//
// The largest errors come from coastline detail finer than the grid: an islet smaller than a
// node spacing, a narrow estuary. IsLand is the sign of the interpolated distance, so it
// matches the coastline to within a couple of kilometres; islets and narrow spits may read
// as sea. Natural Earth's land has no lakes: the Caspian is sea but the Great Lakes are land.
//
// # Concurrency
//
// Everything here is safe for concurrent use. DefaultShore decodes the grid once, on its
// first call, and every caller shares the result, which is never modified.
package geo
