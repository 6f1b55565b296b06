package cell

import (
	"github.com/golang/geo/s1"
	"github.com/golang/geo/s2"

	"github.com/picket-ais/picket/internal/geo"
)

// Level is the S2 level of the cells: edges of 0.7-1.3 km (1.1 km on
// average; s2.MinEdgeMetric, AvgEdgeMetric, MaxEdgeMetric), two encounter
// distances (500 m, GFW), so that a crowded anchorage spreads over
// several cells and so over several owners.
const Level = 13

// ID is an S2 cell id at Level.
type ID uint64

// Of returns the cell of a position (WGS84 degrees).
func Of(lat, lon float64) ID {
	return ID(s2.CellIDFromLatLng(s2.LatLngFromDegrees(lat, lon)).Parent(Level))
}

// Halo returns every cell in which a point within radiusM metres of the
// position may lie: the position's own cell first, then its neighbours
// out to radiusM (the cells of an S2 covering of the disc). A partition
// owning some cells must be sent every position whose halo meets them.
func Halo(lat, lon, radiusM float64) []ID {
	own := Of(lat, lon)
	c := s2.CapFromCenterAngle(s2.PointFromLatLng(s2.LatLngFromDegrees(lat, lon)), s1.Angle(radiusM/geo.EarthRadius))
	rc := s2.RegionCoverer{MinLevel: Level, MaxLevel: Level, MaxCells: 1 << 30}
	out := []ID{own}
	for _, id := range rc.Covering(c) {
		if ID(id) != own {
			out = append(out, ID(id))
		}
	}
	return out
}

// Owner returns which of n owners, in [0, n), a cell belongs to
// (Fibonacci hashing of the id, scaled to n by its high bits: neighbouring
// cells, whose ids share their high bits, go to different owners). n must
// be at least 1.
func Owner(id ID, n int) int {
	h := uint64(id) * 0x9E3779B97F4A7C15
	return int((h >> 32) * uint64(n) >> 32)
}

// Token is the cell's S2 token, for logs and documents.
func (id ID) Token() string { return s2.CellID(id).ToToken() }
