package detection

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkCorrelate: one scene of 100 detections against 10,000 AIS
// tracks of a day at a fix a minute near the scene's time, spread over 10
// by 10 degrees. Reports detections per second.
func BenchmarkCorrelate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	tracks := make([]Track, 10_000)
	for k := range tracks {
		lat, lon := 30+10*rng.Float64(), 120+10*rng.Float64()
		tr := Track{MMSI: uint32(200_000_000 + k)}
		for m := int64(-720); m <= 720; m++ {
			tr.Times = append(tr.Times, t0+m*minute)
			tr.Lat = append(tr.Lat, lat+float64(m)*1e-4)
			tr.Lon = append(tr.Lon, lon)
		}
		tracks[k] = tr
	}
	set := NewSet()
	for i := range 100 {
		d := det("S", 30+10*rng.Float64(), 120+10*rng.Float64(), t0)
		if i%2 == 0 { // half of them on a track
			tr := &tracks[rng.IntN(len(tracks))]
			d.Lat, d.Lon = tr.Lat[720]+0.002, tr.Lon[720]
		}
		d.Heading = math.NaN()
		set.Detections = append(set.Detections, d)
	}
	b.ReportAllocs()
	for b.Loop() {
		Correlate(set, tracks, Options{})
	}
	b.ReportMetric(float64(len(set.Detections)*b.N)/b.Elapsed().Seconds(), "detections/s")
}
