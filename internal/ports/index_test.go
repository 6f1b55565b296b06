package ports

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/geo"
)

func TestNearestRealPorts(t *testing.T) {
	ix := Default()
	tests := []struct {
		name          string
		lat, lon      float64
		want, country string
		kind          Kind
		maxDist       float64 // metres
	}{
		{"Rotterdam, Maasvlakte", 51.95, 4.05, "ROTTERDAM", "NLD", KindAnchorage, 2e3},
		{"Rotterdam, city", 51.9, 4.48, "Rotterdam", "NLD", KindPort, 500},
		{"Singapore, western anchorage", 1.25, 103.85, "SINGAPORE", "SGP", KindAnchorage, 1e3},
		{"Houston ship channel", 29.75, -95.27, "Houston", "USA", KindPort, 2e3},
		{"Nampo, North Korea", 38.72, 125.38, "Nampo", "PRK", KindPort, 3e3},
		{"Fujairah anchorage", 25.12, 56.45, "FUJAIRAH", "ARE", KindAnchorage, 3e3},
		{"Levuka, Fiji", -17.68, 178.83, "Levuka", "FJI", KindPort, 1e3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, d, ok := ix.Nearest(tt.lat, tt.lon)
			if !ok || p.Name != tt.want || p.Country != tt.country || p.Kind != tt.kind || d > tt.maxDist {
				t.Errorf("Nearest = %+v, %.0f m, %v; want %s (%s, %v) within %.0f m", p, d, ok, tt.want, tt.country, tt.kind, tt.maxDist)
			}
		})
	}
	for _, q := range []struct {
		name     string
		lat, lon float64
	}{{"mid-Atlantic", 30, -40}, {"Korea Bay off Nampo", 38.7, 125.2}, {"north pole", 90, 0}} {
		if p, d, ok := ix.Nearest(q.lat, q.lon); ok {
			t.Errorf("%s: Nearest = %+v at %.0f m, want none within %.0f m", q.name, p, d, ix.MaxRadius())
		}
	}
}

func TestIndexEdges(t *testing.T) {
	ports := []Port{
		{Name: "east", Lat: 0, Lon: 179.99},
		{Name: "west", Lat: 0, Lon: -179.98},
		{Name: "dateline", Lat: 10, Lon: 180},
		{Name: "pole", Lat: 89.99, Lon: 45},
		{Name: "twin a", Lat: 20, Lon: 20},
		{Name: "twin b", Lat: 20, Lon: 20},
	}
	ix, err := New(ports, Options{MaxRadius: 5e3})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		lat, lon float64
		want     string // "" for none
	}{
		{"east of the antimeridian finds west", 0, -179.985, "west"},
		{"west of the antimeridian finds east", 0, 179.995, "east"},
		{"at +180 finds the nearer", 0, 180, "east"},
		{"at -180 finds the nearer", 0, -180, "east"},
		{"a port at +180 from -180", 10, -180, "dateline"},
		{"a port at +180 from +179.99", 10, 179.99, "dateline"},
		{"across the pole", 89.99, -135, "pole"},
		{"ties go to the first given", 20, 20.001, "twin a"},
		{"too far", 0, 179.9, ""},
		{"not a position", math.NaN(), 0, ""},
		{"latitude out of range", 91, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, ok := ix.Nearest(tt.lat, tt.lon)
			if ok != (tt.want != "") || p.Name != tt.want {
				t.Errorf("Nearest = %q, %v; want %q", p.Name, ok, tt.want)
			}
		})
	}
	if got := ix.Within(0, 180, 3e3); len(got) != 2 || got[0].Name != "east" || got[1].Name != "west" {
		t.Errorf("Within across the antimeridian = %v, want east then west", got)
	}
	if got := ix.Within(90, 0, 2e3); len(got) != 1 || got[0].Name != "pole" {
		t.Errorf("Within at the pole = %v, want pole", got)
	}
	if got := ix.Within(0, 0, -1); len(got) != 0 {
		t.Errorf("Within with a negative radius = %v, want none", got)
	}
	if ix.Ports()[2].Lon != -180 {
		t.Errorf("a port at +180 is stored at %v, want -180", ix.Ports()[2].Lon)
	}

	empty, err := New(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := empty.Nearest(0, 0); ok || empty.Len() != 0 || len(empty.Within(0, 0, 1e6)) != 0 {
		t.Error("an empty index found something")
	}
}

func TestNewRejectsBadPositions(t *testing.T) {
	for _, tt := range []struct {
		p    Port
		want error
	}{
		{Port{Name: "a", Lat: 91}, ErrLatitude},
		{Port{Name: "b", Lat: math.NaN()}, ErrLatitude},
		{Port{Name: "c", Lon: -180.5}, ErrLongitude},
		{Port{Name: "d", Lon: math.Inf(1)}, ErrLongitude},
	} {
		if _, err := New([]Port{{Name: "ok"}, tt.p}, Options{}); !errorsIs(err, tt.want) {
			t.Errorf("New(%+v) = %v, want %v", tt.p, err, tt.want)
		}
	}
}

// randomQueries returns positions near random ports (up to 15 km off) and anywhere.
func randomQueries(ports []Port, n int, seed uint64) [][2]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	qs := make([][2]float64, n)
	for i := range qs {
		if i%4 == 0 {
			qs[i] = [2]float64{math.Asin(2*rng.Float64()-1) * 180 / math.Pi, 360*rng.Float64() - 180}
			continue
		}
		p := ports[rng.IntN(len(ports))]
		lat, lon := geo.Destination(p.Lat, p.Lon, 360*rng.Float64(), 15e3*rng.Float64())
		qs[i] = [2]float64{lat, lon}
	}
	return qs
}

func TestNearestMatchesBruteForce(t *testing.T) {
	all := DefaultPorts()
	ix := Default()
	for _, q := range randomQueries(all, 2000, 1) {
		best, bestD := -1, math.Inf(1)
		for i, p := range all {
			if math.Abs(p.Lat-q[0]) > 0.2 { // 22 km, twice MaxRadius
				continue
			}
			if d := geo.Distance(q[0], q[1], p.Lat, p.Lon); d < bestD {
				best, bestD = i, d
			}
		}
		p, d, ok := ix.Nearest(q[0], q[1])
		want := bestD <= ix.MaxRadius()
		if ok != want {
			t.Fatalf("%v: ok = %v, want %v (nearest %+v at %.1f m)", q, ok, want, all[best], bestD)
		}
		if ok && d > bestD+1e-6 {
			t.Fatalf("%v: Nearest = %+v at %.1f m, but %+v is at %.1f m", q, p, d, all[best], bestD)
		}
	}
}

func TestWithinMatchesBruteForce(t *testing.T) {
	all := DefaultPorts()
	ix := Default()
	rng := rand.New(rand.NewPCG(2, 2))
	var got []Match
	for _, q := range randomQueries(all, 500, 3) {
		radius := 30e3 * rng.Float64()
		var want []string
		for _, p := range all {
			if math.Abs(p.Lat-q[0]) > 0.3 { // 33 km
				continue
			}
			if geo.Distance(q[0], q[1], p.Lat, p.Lon) <= radius {
				want = append(want, p.Name+"/"+p.Country)
			}
		}
		got = ix.AppendWithin(got[:0], q[0], q[1], radius)
		var names []string
		for i, m := range got {
			names = append(names, m.Name+"/"+m.Country)
			if i > 0 && m.Distance < got[i-1].Distance {
				t.Fatalf("%v: not sorted by distance", q)
			}
		}
		slices.Sort(want)
		slices.Sort(names)
		if !slices.Equal(names, want) {
			t.Fatalf("%v within %.0f m: got %d ports, want %d", q, radius, len(names), len(want))
		}
	}
}

func BenchmarkNearest(b *testing.B) {
	ix := Default()
	qs := randomQueries(DefaultPorts(), 4096, 4)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i&4095]
		ix.Nearest(q[0], q[1])
		i++
	}
}

// BenchmarkNearestSingapore queries the densest area: 1,500 anchorage cells.
func BenchmarkNearestSingapore(b *testing.B) {
	ix := Default()
	rng := rand.New(rand.NewPCG(5, 5))
	qs := make([][2]float64, 4096)
	for i := range qs {
		qs[i] = [2]float64{1.1 + 0.25*rng.Float64(), 103.6 + 0.5*rng.Float64()}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i&4095]
		ix.Nearest(q[0], q[1])
		i++
	}
}

func BenchmarkWithin(b *testing.B) {
	ix := Default()
	qs := randomQueries(DefaultPorts(), 4096, 6)
	b.ReportAllocs()
	var dst []Match
	i := 0
	for b.Loop() {
		q := qs[i&4095]
		dst = ix.AppendWithin(dst[:0], q[0], q[1], 3e3)
		i++
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(portsCSV)))
	for b.Loop() {
		ps, err := decodeDefault(portsCSV)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := New(ps, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
