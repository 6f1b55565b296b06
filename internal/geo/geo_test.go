package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

const degree = EarthRadius * math.Pi / 180 // metres in one degree of a great circle

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestDistance(t *testing.T) {
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tol              float64
	}{
		{"same point", 51.9, 4.48, 51.9, 4.48, 0, 0},
		{"one degree of meridian", 10, 20, 11, 20, degree, 1e-6},
		{"one degree of equator", 0, 179.5, 0, -179.5, degree, 1e-6},
		{"across the pole", 89, 0, 89, 180, 2 * degree, 1e-6},
		{"antipodes", 10, 20, -10, -160, math.Pi * EarthRadius, 1e-6},
		// Paris-London is 343.5 km by the haversine formula on a 6371 km sphere.
		{"Paris-London", 48.8566, 2.3522, 51.5074, -0.1278, 343556, 1},
		{"one nautical mile is a minute of arc (to 0.1%)", 45, 0, 45 + 1.0/60, 0, MetresPerNauticalMile, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Distance(tt.lat1, tt.lon1, tt.lat2, tt.lon2); !near(got, tt.want, tt.tol) {
				t.Errorf("Distance = %.6f, want %.6f ± %g", got, tt.want, tt.tol)
			}
			if got := Distance(tt.lat2, tt.lon2, tt.lat1, tt.lon1); !near(got, tt.want, tt.tol) {
				t.Errorf("Distance reversed = %.6f, want %.6f", got, tt.want)
			}
		})
	}
}

func TestBearing(t *testing.T) {
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want                   float64
	}{
		{"north", 0, 0, 1, 0, 0},
		{"east", 0, 0, 0, 1, 90},
		{"south", 0, 0, -1, 0, 180},
		{"west", 0, 0, 0, -1, 270},
		{"east across the antimeridian", 0, 179.5, 0, -179.5, 90},
		{"London to Paris", 51.5074, -0.1278, 48.8566, 2.3522, 148.1156},
		{"Paris to London", 48.8566, 2.3522, 51.5074, -0.1278, 330.0211},
		{"coincident", 10, 10, 10, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bearing(tt.lat1, tt.lon1, tt.lat2, tt.lon2); !near(got, tt.want, 1e-4) {
				t.Errorf("Bearing = %.6f, want %.4f", got, tt.want)
			}
		})
	}
}

func TestDestination(t *testing.T) {
	tests := []struct {
		name                    string
		lat, lon, bearing, dist float64
		wantLat, wantLon        float64
	}{
		{"east along the equator", 0, 0, 90, degree, 0, 1},
		{"north along a meridian", 10, 20, 0, degree, 11, 20},
		{"west across the antimeridian", 0, -179.5, 270, degree, 0, 179.5},
		{"over the pole", 89, 0, 0, 2 * degree, 89, -180},
		{"zero distance", 51.9, 4.48, 123, 0, 51.9, 4.48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lat, lon := Destination(tt.lat, tt.lon, tt.bearing, tt.dist)
			if !near(lat, tt.wantLat, 1e-9) || !near(lon, tt.wantLon, 1e-9) {
				t.Errorf("Destination = (%.10f, %.10f), want (%v, %v)", lat, lon, tt.wantLat, tt.wantLon)
			}
		})
	}

	// Dead reckoning and bearing/distance are inverses.
	rng := rand.New(rand.NewPCG(7, 8))
	for range 1000 {
		lat1, lon1 := 170*rng.Float64()-85, 360*rng.Float64()-180
		lat2, lon2 := Destination(lat1, lon1, 360*rng.Float64(), 500e3*rng.Float64())
		bLat, bLon := Destination(lat1, lon1, Bearing(lat1, lon1, lat2, lon2), Distance(lat1, lon1, lat2, lon2))
		if d := Distance(lat2, lon2, bLat, bLon); d > 1e-3 {
			t.Fatalf("from (%v, %v): round trip to (%v, %v) misses by %g m", lat1, lon1, lat2, lon2, d)
		}
	}
}

func TestNormalizeLon(t *testing.T) {
	for _, tt := range [][2]float64{{0, 0}, {180, -180}, {-180, -180}, {181, -179}, {-181, 179}, {540, -180}, {-720.5, -0.5}, {359.5, -0.5}} {
		if got := NormalizeLon(tt[0]); got != tt[1] {
			t.Errorf("NormalizeLon(%v) = %v, want %v", tt[0], got, tt[1])
		}
	}
}

func TestSpeedUnits(t *testing.T) {
	if got := KnotsToMetresPerSecond(10); !near(got, 5.144444, 1e-6) {
		t.Errorf("10 kn = %v m/s, want 5.144444", got)
	}
	if got := MetresPerSecondToKnots(KnotsToMetresPerSecond(17.3)); !near(got, 17.3, 1e-12) {
		t.Errorf("round trip = %v, want 17.3", got)
	}
}

func TestDistanceToSegment(t *testing.T) {
	tests := []struct {
		name     string
		lat, lon float64
		seg      [4]float64
		want     float64
	}{
		{"abeam", 1, 5, [4]float64{0, 0, 0, 10}, degree},
		{"abeam, other side", -2, 5, [4]float64{0, 0, 0, 10}, 2 * degree},
		{"before the start", 0, -1, [4]float64{0, 0, 0, 10}, degree},
		{"past the end", 0, 12, [4]float64{0, 0, 0, 10}, 2 * degree},
		{"on the segment", 0, 3, [4]float64{0, 0, 0, 10}, 0},
		{"at an end", 0, 10, [4]float64{0, 0, 0, 10}, 0},
		{"degenerate segment", 1, 0, [4]float64{0, 0, 0, 0}, degree},
		{"across the antimeridian", 1, 180, [4]float64{0, 179, 0, -179}, degree},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DistanceToSegment(tt.lat, tt.lon, tt.seg[0], tt.seg[1], tt.seg[2], tt.seg[3])
			if !near(got, tt.want, 1e-3) {
				t.Errorf("DistanceToSegment = %.4f, want %.4f", got, tt.want)
			}
		})
	}

	// Against the closest of many points along the segment.
	rng := rand.New(rand.NewPCG(9, 10))
	for range 300 {
		lat1, lon1 := 160*rng.Float64()-80, 360*rng.Float64()-180
		brg, length := 360*rng.Float64(), 200e3*rng.Float64()
		lat2, lon2 := Destination(lat1, lon1, brg, length)
		lat, lon := Destination(lat1, lon1, 360*rng.Float64(), 300e3*rng.Float64())
		const steps = 4000
		best := math.Inf(1)
		for k := 0; k <= steps; k++ {
			pl, po := Destination(lat1, lon1, brg, length*float64(k)/steps)
			best = min(best, Distance(lat, lon, pl, po))
		}
		got := DistanceToSegment(lat, lon, lat1, lon1, lat2, lon2)
		// Sampling overestimates by at most (step/2)²/(2d) plus rounding.
		if got > best+1e-3 || got < best-length/steps {
			t.Fatalf("(%v,%v) to (%v,%v)-(%v,%v): %v, sampled %v", lat, lon, lat1, lon1, lat2, lon2, got, best)
		}
	}
}

func BenchmarkDistance(b *testing.B) {
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		sink += Distance(51.9, 4.48, 1.26, 103.82)
	}
	_ = sink
}
