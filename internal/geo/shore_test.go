package geo

import (
	"bytes"
	"compress/flate"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/picket-ais/picket/internal/geo/topojson"
)

const nm = MetresPerNauticalMile

func TestShoreKnownPlaces(t *testing.T) {
	s := DefaultShore()
	tests := []struct {
		name     string
		lat, lon float64
		land     bool
		min, max float64 // metres
	}{
		{"mid-Atlantic", 30, -40, false, MaxShoreDistance, MaxShoreDistance},
		{"Point Nemo, South Pacific", -48.88, -123.39, false, MaxShoreDistance, MaxShoreDistance},
		{"north pole", 90, 0, false, MaxShoreDistance, MaxShoreDistance},
		{"Paris", 48.8566, 2.3522, true, MinShoreDistance, MinShoreDistance},
		{"Sahara", 23, 13, true, MinShoreDistance, MinShoreDistance},
		{"south pole", -90, 0, true, MinShoreDistance, MinShoreDistance},
		{"Pyongyang", 39.03, 125.75, true, MinShoreDistance, 0},
		// Natural Earth draws no lakes: the Great Lakes are land, the Caspian is sea.
		{"Lake Michigan", 43.8, -87.0, true, MinShoreDistance, MinShoreDistance},
		{"Caspian Sea", 42, 50.5, false, 70 * nm, 78 * nm},
		// Between Singapore's Sentosa and the Riau islets: 5.4 km exactly.
		{"Singapore Strait", 1.22, 103.85, false, 3e3, 8e3},
		{"Strait of Hormuz", 26.55, 56.45, false, 18e3, 22e3},
		{"Dover Strait", 51.0, 1.45, false, 5e3, 25e3},
		// The Cote d'Argent (Landes, France) is a straight sandy coast turned about 9 degrees
		// from north; 30 nm due west of it at 44.2N the shore is 30 nm x cos 9 = 54.9 km away.
		{"30 nm off the Cote d'Argent", 44.2, -2.0, false, 54.9e3 - 1.5e3, 54.9e3 + 1.5e3},
		{"North Sea off Flamborough", 54.5, 1.0, false, 80e3, 84e3},
		// Across the antimeridian: Fiji's Viti Levu, Wrangel Island, the Chukchi Sea.
		{"Viti Levu, Fiji", -17.8, 178.0, true, MinShoreDistance, MinShoreDistance},
		{"Koro Sea, Fiji", -17.5, 179.5, false, 5e3, 60e3},
		{"Wrangel Island", 71.25, -179.9, true, MinShoreDistance, 0},
		{"Chukchi Sea", 69, -172, false, 10 * nm, 100 * nm},
		{"Ross Sea", -75, -175, false, 30 * nm, MaxShoreDistance},
		// The Taedong estuary below Nampo: 1.0 km exactly; the grid is coarser than the channel.
		{"Nampo approach", 38.68, 125.18, false, 0, 3e3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := s.DistanceToShore(tt.lat, tt.lon)
			if got := s.IsLand(tt.lat, tt.lon); got != tt.land {
				t.Errorf("IsLand = %v, want %v (distance %.0f m)", got, tt.land, d)
			}
			if d < tt.min || d > tt.max {
				t.Errorf("DistanceToShore = %.0f m (%.1f nm), want %.0f..%.0f m", d, d/nm, tt.min, tt.max)
			}
		})
	}
}

func TestShoreBadInput(t *testing.T) {
	s := DefaultShore()
	for _, p := range [][2]float64{{math.NaN(), 0}, {0, math.NaN()}, {91, 0}, {-90.5, 0}, {0, math.Inf(1)}} {
		if d := s.DistanceToShore(p[0], p[1]); !math.IsNaN(d) {
			t.Errorf("DistanceToShore(%v, %v) = %v, want NaN", p[0], p[1], d)
		}
	}
	// Longitudes wrap.
	for _, lon := range []float64{-540, -180, 180, 360 + 2.3522} {
		a, b := s.DistanceToShore(48.8566, 2.3522), s.DistanceToShore(48.8566, NormalizeLon(lon))
		c := s.DistanceToShore(48.8566, lon)
		if lon == 360+2.3522 && c != a {
			t.Errorf("lon %v: %v, want %v", lon, c, a)
		}
		if c != b {
			t.Errorf("lon %v: %v, want %v", lon, c, b)
		}
	}
}

func TestDecodeShoreCorrupt(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":         nil,
		"bad magic":     append([]byte("PKSHORE0"), shoreGrid[8:]...),
		"zero res":      append(append([]byte{}, shoreGrid[:8]...), append([]byte{0, 0}, shoreGrid[10:]...)...),
		"truncated":     shoreGrid[:len(shoreGrid)/2],
		"wrong res":     append(append([]byte{}, shoreGrid[:8]...), append([]byte{20, 0}, shoreGrid[10:]...)...),
		"trailing data": append(append([]byte{}, shoreGrid[:12]...), shoreStream(t, 1)...),
	} {
		if _, err := decodeShore(b); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

// shoreStream returns the grid's node stream with extra bytes appended, recompressed.
func shoreStream(t *testing.T, extra int) []byte {
	zr := flate.NewReader(bytes.NewReader(shoreGrid[12:]))
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	zw.Write(append(raw, make([]byte, extra)...))
	zw.Close()
	return buf.Bytes()
}

// coast holds the Natural Earth coastline edges for the exact cross-check.
type coast struct {
	edges [][2]topojson.Point
	rings [][]topojson.Point
}

func loadCoast(t testing.TB) *coast {
	t.Helper()
	topo, err := topojson.ReadFile("testdata/land-10m.json.gz", "land")
	if err != nil {
		t.Fatal(err)
	}
	c := &coast{}
	for _, arc := range topo.Arcs {
		for k := 1; k < len(arc); k++ {
			if !topojson.Antimeridian(arc[k-1], arc[k]) {
				c.edges = append(c.edges, [2]topojson.Point{arc[k-1], arc[k]})
			}
		}
	}
	for _, p := range topo.Polygons {
		for _, r := range p {
			c.rings = append(c.rings, topo.Ring(r))
		}
	}
	return c
}

// distance is the exact distance to the nearest edge (scanning every edge that could be
// nearer than limit), capped at limit.
func (c *coast) distance(lat, lon, limit float64) float64 {
	best := limit
	for _, e := range c.edges {
		// A degree of latitude is at least 110.5 km; skip edges that cannot be closer.
		band := best/110500 + 1e-9
		if (e[0].Lat < lat-band && e[1].Lat < lat-band) || (e[0].Lat > lat+band && e[1].Lat > lat+band) {
			continue
		}
		best = min(best, DistanceToSegment(lat, lon, e[0].Lat, e[0].Lon, e[1].Lat, e[1].Lon))
	}
	return best
}

// onLand counts crossings of the polygon rings with the meridian north of the point: the
// north pole is at sea, and a ray towards it handles Antarctica's ring around the south
// pole, which a ray along the parallel would not.
func (c *coast) onLand(lat, lon float64) bool {
	in := false
	for _, r := range c.rings {
		for k := 1; k < len(r); k++ {
			a, b := r[k-1], r[k]
			bl := b.Lon
			if d := bl - a.Lon; d > 180 {
				bl -= 360
			} else if d < -180 {
				bl += 360
			}
			for _, m := range [3]float64{lon - 360, lon, lon + 360} {
				if (a.Lon <= m) != (bl <= m) {
					if a.Lat+(m-a.Lon)/(bl-a.Lon)*(b.Lat-a.Lat) > lat {
						in = !in
					}
				}
			}
		}
	}
	return in
}

// TestShoreMatchesCoastline compares the grid with exact distances to the coastline at
// random points: near coasts (random coastline vertices moved up to 110 nm in a random
// direction) and anywhere on the globe.
func TestShoreMatchesCoastline(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the whole coastline per point")
	}
	s := DefaultShore()
	c := loadCoast(t)
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 600
	var errs []float64
	var worst struct{ err, lat, lon, grid, exact float64 }
	landMismatch := 0
	for k := range n {
		var lat, lon float64
		if k%3 == 0 {
			lat = math.Asin(2*rng.Float64()-1) / rad
			lon = 360*rng.Float64() - 180
		} else {
			e := c.edges[rng.IntN(len(c.edges))]
			lat, lon = Destination(e[0].Lat, e[0].Lon, 360*rng.Float64(), 110*nm*rng.Float64())
		}
		exact := c.distance(lat, lon, MaxShoreDistance+5e3)
		land := c.onLand(lat, lon)
		if land != s.IsLand(lat, lon) && exact > 2.5e3 {
			landMismatch++
			t.Errorf("(%.4f, %.4f): IsLand = %v, exact %v, %.0f m from the coast", lat, lon, !land, land, exact)
		}
		if land {
			continue
		}
		grid := max(s.DistanceToShore(lat, lon), 0)
		exact = min(exact, MaxShoreDistance)
		e := math.Abs(grid - exact)
		errs = append(errs, e)
		if e > worst.err {
			worst.err, worst.lat, worst.lon, worst.grid, worst.exact = e, lat, lon, grid, exact
		}
	}
	sort.Float64s(errs)
	q := func(p float64) float64 { return errs[int(p*float64(len(errs)-1))] }
	t.Logf("%d sea points: error median %.0f m, p90 %.0f m, p99 %.0f m, max %.0f m at (%.4f, %.4f): grid %.0f, exact %.0f",
		len(errs), q(0.5), q(0.9), q(0.99), worst.err, worst.lat, worst.lon, worst.grid, worst.exact)
	if q(0.9) > 500 {
		t.Errorf("p90 error %.0f m, want <= 500 m", q(0.9))
	}
	if worst.err > 2000 {
		t.Errorf("max error %.0f m, want <= 2000 m", worst.err)
	}
}

// predict is the generator's prediction, written the direct way.
func predict(prev, row []byte, j int) byte {
	if j == 0 {
		if len(prev) == 0 {
			return 0
		}
		return prev[0]
	}
	left := row[j-1]
	if len(prev) == 0 {
		return left
	}
	up := prev[(2*j+1)*len(prev)/(2*len(row))]
	upLeft := prev[(2*j-1)*len(prev)/(2*len(row))]
	hi, lo := max(left, up), min(left, up)
	switch {
	case upLeft >= hi:
		return lo
	case upLeft <= lo:
		return hi
	}
	return left + up - upLeft
}

func TestUnpredict(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sizes := range [][2]int{{0, 1}, {0, 9}, {1, 7}, {7, 13}, {10799, 10800}, {10800, 10800}, {10800, 10799}, {500, 1000}, {1000, 500}, {3, 3}} {
		prev := make([]byte, sizes[0])
		row := make([]byte, sizes[1])
		for i := range prev {
			prev[i] = byte(rng.IntN(256))
		}
		for i := range row {
			row[i] = byte(rng.IntN(256))
		}
		coded := make([]byte, len(row))
		for j := range row {
			coded[j] = row[j] - predict(prev, row, j)
		}
		unpredict(prev, coded)
		if string(coded) != string(row) {
			t.Errorf("sizes %v: unpredict does not invert predict", sizes)
		}
	}
}

func BenchmarkDistanceToShore(b *testing.B) {
	s := DefaultShore()
	rng := rand.New(rand.NewPCG(3, 4))
	pts := make([][2]float64, 1024)
	for i := range pts {
		pts[i] = [2]float64{math.Asin(2*rng.Float64()-1) / rad, 360*rng.Float64() - 180}
	}
	b.ReportAllocs()
	i := 0
	var sink float64
	for b.Loop() {
		p := pts[i&1023]
		sink += s.DistanceToShore(p[0], p[1])
		i++
	}
	_ = sink
}

func BenchmarkDecodeShore(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(shoreGrid)))
	for b.Loop() {
		if _, err := decodeShore(shoreGrid); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzShore checks that no input, however odd, makes a query panic or answer outside the
// documented range.
func FuzzShore(f *testing.F) {
	for _, p := range [][2]float64{{0, 0}, {90, 180}, {-90, -180}, {89.99999, 179.99999}, {-89.99999, -180}, {51.9, 4.48}, {math.NaN(), 1}, {1, math.Inf(-1)}, {0, 1e300}} {
		f.Add(p[0], p[1])
	}
	s := DefaultShore()
	f.Fuzz(func(t *testing.T, lat, lon float64) {
		d := s.DistanceToShore(lat, lon)
		land := s.IsLand(lat, lon)
		valid := lat >= -90 && lat <= 90 && !math.IsNaN(lon) && !math.IsInf(lon, 0)
		if !valid {
			if !math.IsNaN(d) {
				t.Errorf("(%v, %v): %v, want NaN", lat, lon, d)
			}
			return
		}
		if !(d >= MinShoreDistance && d <= MaxShoreDistance) || land != (d < 0) {
			t.Errorf("(%v, %v): distance %v, land %v", lat, lon, d, land)
		}
	})
}
