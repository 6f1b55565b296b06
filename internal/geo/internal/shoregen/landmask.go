package main

import (
	"math"
	"slices"

	"github.com/picket-ais/picket/internal/geo/topojson"
)

// landMask decides for every node whether it lies on land. Along each row it toggles at
// every crossing of a polygon edge with the row's latitude; the state at the row's western
// end (longitude -180) comes from counting edge crossings on the meridian north of it, since
// the north pole is at sea while the south pole is inside Antarctica's ring.
func landMask(t *topojson.Topology, g *grid) [][]bool {
	crossings := make([][]float64, g.rows)
	startOdd := make([]bool, g.rows)
	var meridian []float64 // latitudes where edges cross the ±180° meridian
	for _, poly := range t.Polygons {
		for _, refs := range poly {
			ring := t.Ring(refs)
			for k := 1; k < len(ring); k++ {
				a, b := ring[k-1], ring[k]
				bl := b.Lon
				if d := bl - a.Lon; d > 180 {
					bl -= 360
				} else if d < -180 {
					bl += 360
				}
				// Crossings of the ±180 meridian, for the start state.
				for _, m := range [2]float64{-180, 180} {
					if (a.Lon <= m) != (bl <= m) {
						lat := a.Lat + (m-a.Lon)/(bl-a.Lon)*(b.Lat-a.Lat)
						meridian = append(meridian, lat)
					}
				}
				// Crossings of row latitudes, half-open so a vertex on a row counts once.
				lo, hi := min(a.Lat, b.Lat), max(a.Lat, b.Lat)
				for i := max(int(math.Floor((lo+90)*float64(g.res))), 0); i < g.rows; i++ {
					lat := g.lat(i)
					if lat >= hi {
						break
					}
					if lat < lo || (a.Lat <= lat) == (b.Lat <= lat) {
						continue
					}
					c := a.Lon + (lat-a.Lat)/(b.Lat-a.Lat)*(bl-a.Lon)
					if c >= 180 {
						c -= 360
					} else if c < -180 {
						c += 360
					}
					if c > -180 { // a crossing on the start meridian is in the start state
						crossings[i] = append(crossings[i], c)
					}
				}
			}
		}
	}
	for i := range g.rows {
		lat := g.lat(i)
		for _, m := range meridian {
			if m > lat {
				startOdd[i] = !startOdd[i]
			}
		}
	}
	mask := make([][]bool, g.rows)
	for i := range g.rows {
		cs := crossings[i]
		slices.Sort(cs)
		row := make([]bool, g.cols[i])
		in, k := startOdd[i], 0
		for j := range row {
			lon := g.lon(i, j)
			for k < len(cs) && cs[k] < lon {
				in = !in
				k++
			}
			row[j] = in
		}
		mask[i] = row
	}
	return mask
}
