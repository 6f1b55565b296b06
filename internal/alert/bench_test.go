package alert

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// BenchmarkWatcher: what a partner's rules cost per position: 100 rules
// (the most a partner keeps), each a 12-point polygon somewhere in a
// 10°×10° sea with entry, exit and dark triggers, and 2,000 vessels
// moving about it.
func BenchmarkWatcher(b *testing.B) {
	d, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range MaxRules {
		lat, lon := 30+rng.Float64()*9, 120+rng.Float64()*9
		var poly [][2]float64
		for k := range 12 {
			a := float64(k) / 12 * 2 * math.Pi
			poly = append(poly, [2]float64{lon + 0.3*math.Cos(a), lat + 0.2*math.Sin(a)})
		}
		if _, err := d.AddRule("JPN", "u", Rule{Name: "r" + itoa(int64(i)), Area: Area{Polygon: poly},
			Triggers: Triggers{Entry: true, Exit: true, DarkMinutes: 60}}); err != nil {
			b.Fatal(err)
		}
	}
	w := newWatcher(d, "JPN", bitJ)
	rs := d.rules["JPN"]
	w.rules.Store(&rs)
	const vessels = 2000
	pos := make([]live.Position, vessels)
	for i := range pos {
		pos[i] = live.Position{Position: store.Position{MMSI: uint32(431000000 + i), Lat: 30 + rng.Float64()*10, Lon: 120 + rng.Float64()*10, SOG: 10, Feeds: bitJ}}
	}
	t := t0.UnixMilli()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &pos[i%vessels]
		p.Time = t + int64(i)*100
		p.Lat += 0.001
		if p.Lat > 40 {
			p.Lat = 30
		}
		w.handle(live.Message{Position: p})
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/position")
}
