// Package cell cuts the globe into S2 cells (github.com/golang/geo/s2) of
// one level, Level, about 1.1 km across, for the pair detectors that need
// proximity: which cell a position is in (Of), which cells a point within a
// distance of a position may be in (Halo), and which of n owners a cell
// belongs to (Owner).
//
// # Why S2
//
// An S2 cell id names the same patch of the earth on every machine and
// at every level (a cell's parent is a shift of its id), cells of one
// level are of about equal area everywhere (within a factor of 2.1,
// where a latitude-longitude grid's shrink to nothing at the poles), and
// the library covers a disc (a cap) with cells exactly. That is what
// Global Fishing Watch's encounter pipeline partitions by, and what a
// cluster of picket nodes needs to agree on without talking: a node that
// owns some cells takes the positions of its cells and of their halo.
//
// # Use
//
// The encounter detector (internal/detect) owns each pair of vessels by
// the cell of the pair's first close fix: Owner(Of(lat, lon), n) names
// the goroutine (or, in a cluster, the node) that judges the pair. A
// partition that finds pairs on its own must see every vessel within the
// encounter distance of its cells: Halo(lat, lon, d) lists the cells a
// position must be sent to, its own first. See docs/cluster.md.
//
// # Concurrency
//
// Every function is safe for concurrent use: nothing is kept between
// calls.
package cell
