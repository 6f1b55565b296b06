package pipeline

import (
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/ingest"
)

// BenchmarkStatePerVessel measures what tracking and detection keep per
// vessel: 100,000 vessels spread over the seas, a third of them slow, each
// with a dozen fixes and a static report naming its own hull's IMO number,
// through the tracker and every detector, the events taken after every
// report as the live runner takes them (they are output, not state); the
// live heap after a GC, divided by the vessels, is reported as B/vessel.
// (Measured, not asserted: see docs/benchmarks.md.) With
// PICKET_STATE_HEAPPROFILE set to a file name, a heap profile is written
// there while the state is held, for `go tool pprof -sample_index=inuse_space`
// (run with -memprofilerate 1 to count every allocation).
func BenchmarkStatePerVessel(b *testing.B) {
	const vessels = 100_000
	shore := geo.DefaultShore()
	for b.Loop() {
		rng := rand.New(rand.NewPCG(1, 1))
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		core := ingest.NewCore(ingest.Options{Places: detect.Places{ShoreM: shore.DistanceToShore}, Open: true})
		type ship struct{ lat, lon, sog, cog float64 }
		ships := make([]ship, vessels)
		for i := range ships {
			ships[i] = ship{rng.Float64()*120 - 60, rng.Float64()*360 - 180, rng.Float64() * 15, rng.Float64() * 360}
			if i%3 == 0 {
				ships[i].sog = rng.Float64()
			}
		}
		for step := 0; step < 12; step++ {
			for i := range ships {
				s := &ships[i]
				t := int64(step)*300_000 + int64(i%300)*1000
				r := fuse.Report{Time: t, MMSI: uint32(200000000 + i), Kind: fuse.Position, Class: fuse.ClassA,
					Lat: s.lat, Lon: s.lon, SOG: float32(s.sog), COG: float32(s.cog), Heading: -1, Status: 0, Heard: 1}
				core.Report(&r)
				core.TakeEvents()
				s.lat, s.lon = geo.Destination(s.lat, s.lon, s.cog, s.sog*1852/12)
				if step == 0 {
					st := fuse.Report{Time: t, MMSI: r.MMSI, Kind: fuse.Static, Class: fuse.ClassA,
						Info: &fuse.StaticInfo{Name: "SHIP", CallSign: "ABCD", IMO: hullIMO(b, 100_000+7*i), Has: fuse.HasName | fuse.HasCallSign | fuse.HasIMO}}
					core.Report(&st)
					core.TakeEvents()
				}
			}
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/vessels, "B/vessel")
		if name := os.Getenv("PICKET_STATE_HEAPPROFILE"); name != "" {
			f, err := os.Create(name)
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.WriteHeapProfile(f); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
		}
		runtime.KeepAlive(core)
	}
}

// hullIMO is the IMO number whose first six digits are body, with its
// check digit.
func hullIMO(b *testing.B, body int) uint32 {
	sum, v := 0, body
	for w := 2; w <= 7; w++ {
		sum += v % 10 * w
		v /= 10
	}
	imo := body*10 + sum%10
	if !identity.HullIMO(imo) {
		b.Fatalf("IMO %d is no hull's", imo)
	}
	return uint32(imo)
}
