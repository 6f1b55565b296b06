package network

import (
	"io"
	"math/rand/v2"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/profile"
)

// synthetic returns a tracker of n vessels, some of which share IMO
// numbers, and m events of which a quarter link two vessels.
func synthetic(n, m int) (*feed, []event.Event) {
	r := rand.New(rand.NewPCG(1, 2))
	f := newFeed()
	mmsi := func(i int) uint32 { return uint32(538000000 + i) }
	imos := []uint32{9074729, 9300013, 9300025, 9300037, 9300049, 9300051, 9123453}
	for i := range n {
		lat, lon := r.Float64()*60-30, r.Float64()*300-150
		f.pos(mmsi(i), 0, lat, lon).pos(mmsi(i), 1, lat+0.01, lon)
		if i%1000 == 0 {
			f.static(mmsi(i), 0.5, "SHARED", imos[r.IntN(len(imos))])
		}
	}
	evs := make([]event.Event, m)
	for k := range evs {
		a, b := mmsi(r.IntN(n)), mmsi(r.IntN(n))
		h := r.Float64() * 1000
		switch x := r.IntN(100); {
		case x < 20:
			evs[k] = ev(event.Encounter, a, b, h, 3)
		case x < 25:
			evs[k] = ev(event.DarkRendezvous, a, b, h, 14)
		case x < 26:
			evs[k] = ev(event.IdentityChange, a, 0, h, 0, flagChange("PA", "MH", b))
		default:
			evs[k] = ev(event.Gap, a, 0, h, 13)
		}
	}
	return f, evs
}

func BenchmarkBuild(b *testing.B) {
	f, evs := synthetic(100_000, 1_000_000)
	ps := profile.Build(f.tr, evs, profile.Options{})
	b.ReportAllocs()
	for b.Loop() {
		Build(evs, f.tr, ps, Options{})
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	f, evs := synthetic(100_000, 1_000_000)
	ns := Build(evs, f.tr, nil, Options{})
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(io.Discard, ns); err != nil {
			b.Fatal(err)
		}
	}
}
