package profile

import (
	"io"
	"math/rand/v2"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
)

// synthetic returns a tracker of n vessels (two positions and a static
// report each) and m events spread over them, mixed as a busy region's
// analysis would be: mostly gaps and port visits, some encounters.
func synthetic(n, m int) (*feed, []event.Event) {
	r := rand.New(rand.NewPCG(1, 2))
	f := newFeed()
	mmsi := func(i int) uint32 { return uint32(538000000 + i) }
	for i := range n {
		lat, lon := r.Float64()*60-30, r.Float64()*300-150
		f.pos(mmsi(i), 0, lat, lon).pos(mmsi(i), 1, lat+0.01, lon)
		f.static(mmsi(i), 0.5, fuse.StaticInfo{Has: fuse.HasName | fuse.HasShipType | fuse.HasIMO, Name: "SHIP", ShipType: 80, IMO: 9074729})
	}
	evs := make([]event.Event, m)
	for k := range evs {
		a, b := mmsi(r.IntN(n)), mmsi(r.IntN(n))
		h := r.Float64() * 1000
		switch x := r.IntN(100); {
		case x < 40:
			evs[k] = ev(event.Gap, a, 0, h, 8+r.Float64()*30, intentional(x < 10))
		case x < 70:
			evs[k] = ev(event.PortVisit, a, 0, h, 20)
		case x < 85:
			evs[k] = ev(event.Encounter, a, b, h, 3)
		case x < 90:
			evs[k] = ev(event.DarkRendezvous, a, b, h, 14)
		case x < 97:
			evs[k] = ev(event.Loitering, a, 0, h, 4)
		case x < 99:
			evs[k] = ev(event.IdentityChange, a, 0, h, 0, change(event.FieldName, "A", "B"))
		default:
			evs[k] = ev(event.Watchlist, a, 0, h, 10, listed("imo", "LISTED"))
		}
	}
	return f, evs
}

func BenchmarkBuild(b *testing.B) {
	f, evs := synthetic(100_000, 1_000_000)
	b.ReportAllocs()
	for b.Loop() {
		Build(f.tr, evs, Options{})
	}
}

func BenchmarkWriteJSONL(b *testing.B) {
	f, evs := synthetic(100_000, 1_000_000)
	ps := Build(f.tr, evs, Options{})
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSONL(io.Discard, ps); err != nil {
			b.Fatal(err)
		}
	}
}
