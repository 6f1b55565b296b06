package ingest

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
)

// BenchmarkCoreFleet measures the core (de-duplication, tracking, every
// detector) per report as the fleet grows: ships spread over the open
// ocean, a third of them slow, each reporting every 10 s (Class A under
// way), in time order, with the coastline for the detectors' distance to
// shore. Decoding is not in it (BenchmarkCore in internal/pipeline).
// Reported: ns/report (wall), cpu-ns/report (the process's CPU time, every
// goroutine, two GCs per run included), the live heap per vessel after
// the run, and the process's peak RSS so far (whole process, the input
// reports held in memory included, reported beside it as reports-MiB: run
// one fleet size and mode alone for its own). 100,000 and 400,000 vessels
// are the world's active fleet in AIS, a day's and the lot. The cost per
// report should not grow with the fleet; see docs/benchmarks.md.
// workers=1 is the live runner's core (open episodes, events taken after
// every report); workers=N a batch run's on N shards (Options.Workers,
// events taken at the end), N being GOMAXPROCS, and workers=1batch the
// same batch run on one goroutine, to compare with it.
func BenchmarkCoreFleet(b *testing.B) {
	shore := geo.DefaultShore()
	type mode struct {
		name    string
		workers int
		open    bool
	}
	modes := []mode{{"1", 1, true}, {"1batch", 1, false}}
	if n := runtime.GOMAXPROCS(0); n > 1 {
		modes = append(modes, mode{fmt.Sprint(n), n, false})
	}
	for _, vessels := range []int{1_000, 5_000, 20_000, 100_000, 400_000} {
		reports := lazyReports(func() []fuse.Report { return fleetReports(vessels) })
		for _, m := range modes {
			benchCore(b, shore, reports, vessels, m.name, m.workers, m.open)
		}
	}
}

// BenchmarkCoreAnchorages measures the core where ships lie close
// together, the encounter detector's worst case: anchorages in the open
// ocean of 40 ships each within 1.5 km, two thirds of them at anchor, the
// rest leaving at 12 kn, each reporting every 10 s, with the coastline
// and no ports (so every pair at anchor is followed as an encounter).
// workers=1 is a batch run on one goroutine, workers=N a batch run on N
// shards with the encounter pairs split over N owners by cell
// (detect/encountersplit.go). Reported: reports/s (wall) and
// cpu-ns/report (every goroutine).
func BenchmarkCoreAnchorages(b *testing.B) {
	shore := geo.DefaultShore()
	for _, vessels := range []int{2_000, 10_000} {
		reports := lazyReports(func() []fuse.Report { return anchorageReports(vessels) })
		for _, workers := range []int{1, 2, 4} {
			benchCore(b, shore, reports, vessels, fmt.Sprint(workers), workers, false)
		}
	}
}

// anchorageReports makes 10 minutes of reports of vessels in anchorages
// of 40, in time order.
func anchorageReports(vessels int) []fuse.Report {
	const reportsPerVessel = 60
	rng := rand.New(rand.NewPCG(2, uint64(vessels)))
	type ship struct{ lat, lon, sog, cog float64 }
	ships := make([]ship, vessels)
	var clat, clon float64
	for i := range ships {
		if i%40 == 0 {
			clat, clon = rng.Float64()*100-50, rng.Float64()*360-180
		}
		lat, lon := geo.Destination(clat, clon, rng.Float64()*360, rng.Float64()*1500)
		ships[i] = ship{lat, lon, 0.1, rng.Float64() * 360}
		if i%3 == 0 {
			ships[i].sog = 12
		}
	}
	reports := make([]fuse.Report, 0, vessels*reportsPerVessel)
	for step := 0; step < reportsPerVessel; step++ {
		for i := range ships {
			s := &ships[i]
			t := int64(step)*10_000 + int64(i%10_000)
			lat, lon := s.lat, s.lon
			if s.sog < 1 { // swinging at anchor: never the same position twice
				lat, lon = geo.Destination(lat, lon, rng.Float64()*360, 5+rng.Float64()*10)
			}
			reports = append(reports, fuse.Report{Time: t, MMSI: uint32(200_000_000 + i), Kind: fuse.Position, Class: fuse.ClassA,
				Lat: lat, Lon: lon, SOG: float32(s.sog), COG: float32(s.cog), Heading: -1, Heard: 1, Key: uint64(step)<<32 | uint64(i) + 1})
			if s.sog >= 1 {
				s.lat, s.lon = geo.Destination(s.lat, s.lon, s.cog, s.sog*1852*10/3600)
			}
		}
	}
	return reports
}

// fleetReports makes 10 minutes of reports of vessels spread over the
// open ocean, a third of them slow, in time order.
func fleetReports(vessels int) []fuse.Report {
	const reportsPerVessel = 60 // 10 minutes of a ship under way
	rng := rand.New(rand.NewPCG(1, uint64(vessels)))
	type ship struct{ lat, lon, sog, cog float64 }
	ships := make([]ship, vessels)
	for i := range ships {
		ships[i] = ship{rng.Float64()*100 - 50, rng.Float64()*360 - 180, 8 + rng.Float64()*8, rng.Float64() * 360}
		if i%3 == 0 {
			ships[i].sog = rng.Float64()
		}
	}
	reports := make([]fuse.Report, 0, vessels*reportsPerVessel)
	for step := 0; step < reportsPerVessel; step++ {
		for i := range ships {
			s := &ships[i]
			t := int64(step)*10_000 + int64(i%10_000)
			reports = append(reports, fuse.Report{Time: t, MMSI: uint32(200_000_000 + i), Kind: fuse.Position, Class: fuse.ClassA,
				Lat: s.lat, Lon: s.lon, SOG: float32(s.sog), COG: float32(s.cog), Heading: -1, Heard: 1, Key: uint64(step)<<32 | uint64(i) + 1})
			s.lat, s.lon = geo.Destination(s.lat, s.lon, s.cog, s.sog*1852*10/3600)
		}
	}
	return reports
}

// lazyReports returns a function that makes the reports with mk on its
// first call and returns the same ones after: a sub-benchmark the -bench
// pattern leaves out makes none, so a run of one fleet size and mode
// holds one set of reports, not one per size and mode made before it
// (garbage the heap may still hold at that run's peak RSS).
func lazyReports(mk func() []fuse.Report) func() []fuse.Report {
	var reports []fuse.Report
	return func() []fuse.Report {
		if reports == nil {
			reports = mk()
		}
		return reports
	}
}

// benchCore runs the core on the reports of vessels and reports what it
// took.
func benchCore(b *testing.B, shore *geo.Shore, mk func() []fuse.Report, vessels int, name string, workers int, open bool) {
	b.Run(fmt.Sprintf("vessels=%d/workers=%s", vessels, name), func(b *testing.B) {
		reports := mk()
		b.ReportAllocs()
		var heap float64
		cpu0, _ := usage()
		for b.Loop() {
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			c := NewCore(Options{Places: detect.Places{ShoreM: shore.DistanceToShore}, Open: open, Workers: workers})
			for i := range reports {
				c.Report(&reports[i])
				if open {
					c.TakeEvents()
				}
			}
			if !open {
				c.Close() // the shards' goroutines done; what is closed is still held
			}
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			heap = float64(after.HeapAlloc-before.HeapAlloc) / float64(vessels)
			runtime.KeepAlive(c)
		}
		cpu1, peak := usage()
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(reports)), "ns/report")
		b.ReportMetric(float64(len(reports))*float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N)/float64(len(reports)), "cpu-ns/report")
		b.ReportMetric(heap, "B/vessel")
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
		b.ReportMetric(float64(uintptr(len(reports))*unsafe.Sizeof(reports[0]))/(1<<20), "reports-MiB")
	})
}
