package cell

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/geo"
)

// TestHaloHoldsEveryNearPoint: a point within the radius of a position is
// in one of the position's halo cells, at every latitude, on both sides of
// the antimeridian, and on cells' edges (positions drawn near a cell's
// corner as well as anywhere).
func TestHaloHoldsEveryNearPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const radius = 500.0
	for i := range 3000 {
		lat, lon := rng.Float64()*170-85, rng.Float64()*360-180
		if i%3 == 0 {
			lon = 179.999 + rng.Float64()*0.002 - 0.001
			lon = geo.NormalizeLon(lon)
		}
		halo := Halo(lat, lon, radius)
		if halo[0] != Of(lat, lon) {
			t.Fatalf("halo of %.5f,%.5f starts with %s, not its own cell %s", lat, lon, halo[0].Token(), Of(lat, lon).Token())
		}
		for range 20 {
			d := radius * 0.999 * rng.Float64()
			plat, plon := geo.Destination(lat, lon, rng.Float64()*360, d)
			if c := Of(plat, plon); !slices.Contains(halo, c) {
				t.Fatalf("%.6f,%.6f is %.0f m from %.6f,%.6f but its cell %s is not in the halo %d cells", plat, plon, d, lat, lon, c.Token(), len(halo))
			}
		}
	}
}

// TestHaloIsSmall: the halo of the encounter distance is a handful of
// cells, not a region, and far from a cell's edge it is the cell alone
// and its near neighbours.
func TestHaloIsSmall(t *testing.T) {
	for _, p := range [][2]float64{{0, 0}, {37.4, 126.6}, {60, 5}, {-33.9, 151.2}, {89.9, 0}} {
		n := len(Halo(p[0], p[1], 500))
		if n < 1 || n > 9 {
			t.Errorf("halo of %v: %d cells, want 1 to 9", p, n)
		}
	}
}

// TestOwnerSpreads: the cells of one area go to every owner, about
// evenly.
func TestOwnerSpreads(t *testing.T) {
	const n = 4
	var count [n]int
	for i := range 100 {
		for j := range 100 {
			count[Owner(Of(37+float64(i)*0.01, 126+float64(j)*0.01), n)]++
		}
	}
	for i, c := range count {
		if c < 1000 || c > 4000 {
			t.Errorf("owner %d has %d of the 10,000 positions (cells of about 1 km): %v", i, c, count)
		}
	}
}
