package store

import (
	"os"
	"sync"
	"testing"
	"time"
)

// The benchmarks run on the fleet simulation: 10,000 vessels in busy
// waters, each reporting every 10 s to 3 min (about 330 positions a second
// in all, 28 million a day).
const benchVessels = 10_000

var (
	benchOnce sync.Once
	benchPos  []Position // about 2.5 hours of the fleet
)

func benchPositions() []Position {
	benchOnce.Do(func() {
		benchPos = newFleet(benchVessels, 42, t0).next(nil, 3_000_000)
	})
	return benchPos
}

// benchIngest appends the fleet in batches of batch positions, one batch
// per iteration, wrapping round with times shifted past the end.
func benchIngest(b *testing.B, opts Options, batch int) {
	ps := benchPositions()
	span := ps[len(ps)-1].Time - ps[0].Time + 1000
	s := open(b, b.TempDir(), opts)
	buf := make([]Position, batch)
	b.SetBytes(int64(batch * posWireBytes))
	b.ReportAllocs()
	off, shift, n := 0, int64(0), 0
	var longest time.Duration // the longest Append: the one that starts a seal
	start := time.Now()
	for b.Loop() {
		if off+batch > len(ps) {
			off, shift = 0, shift+span
		}
		copy(buf, ps[off:off+batch])
		for i := range buf {
			buf[i].Time += shift
		}
		t := time.Now()
		if err := s.Append(buf); err != nil {
			b.Fatal(err)
		}
		longest = max(longest, time.Since(t))
		off += batch
		n += batch
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "positions/s")
	b.ReportMetric(float64(longest)/1e6, "max-append-ms")
	st := s.Stats()
	if st.SealedPositions > 0 {
		b.ReportMetric(float64(st.SegmentBytes)/float64(st.SealedPositions), "disk-B/position")
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAppend is ingest at the default durability: in the log's file
// before Append returns, fsynced every 100 ms.
func BenchmarkAppend(b *testing.B) { benchIngest(b, Options{}, 1000) }

// BenchmarkAppendFsyncEach fsyncs before every Append returns.
func BenchmarkAppendFsyncEach(b *testing.B) { benchIngest(b, Options{SyncInterval: -1}, 1000) }

// BenchmarkAppendSmallBatches shows what batching buys.
func BenchmarkAppendSmallBatches(b *testing.B) { benchIngest(b, Options{}, 10) }

var (
	dayOnce sync.Once
	dayDir  string
	dayPos  map[uint32]int // positions per vessel in the day
	dayErr  error
)

// dayStore builds, once per run, a store holding one day of the fleet,
// sealed (24 hourly segments), and returns its directory.
func dayStore(b *testing.B) string {
	dayOnce.Do(func() {
		dayDir, dayErr = os.MkdirTemp("", "picket-store-bench-")
		if dayErr != nil {
			return
		}
		s, err := Open(dayDir, Options{})
		if err != nil {
			dayErr = err
			return
		}
		f := newFleet(benchVessels, 43, t0)
		dayPos = make(map[uint32]int)
		var ps []Position
		for {
			ps = f.next(ps[:0], 10_000)
			if ps[0].Time >= t0+25*3_600_000 {
				break
			}
			for _, p := range ps {
				if p.Time < t0+24*3_600_000 {
					dayPos[p.MMSI]++
				}
			}
			if dayErr = s.Append(ps); dayErr != nil {
				return
			}
		}
		dayErr = s.Close()
	})
	if dayErr != nil {
		b.Fatal(dayErr)
	}
	return dayDir
}

// BenchmarkTrackDay reads one vessel's whole day (24 blocks in 24
// segment files) from the page cache; ns/op is the latency of one query.
func BenchmarkTrackDay(b *testing.B) {
	s := open(b, dayStore(b), Options{})
	defer s.Close()
	var mmsis []uint32
	for m := range dayPos {
		mmsis = append(mmsis, m)
	}
	b.ReportAllocs()
	i, n := 0, 0
	for b.Loop() {
		m := mmsis[i%len(mmsis)]
		i++
		if err := s.Track(m, t0, t0+24*3_600_000, func(Position) bool { n++; return true }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(i), "positions/op")
	st := s.Stats()
	b.ReportMetric(float64(st.SegmentBytes)/float64(st.SealedPositions), "disk-B/position")
}

// BenchmarkTrackDayBusiest reads the day of the vessel that reported most.
func BenchmarkTrackDayBusiest(b *testing.B) {
	s := open(b, dayStore(b), Options{})
	defer s.Close()
	var best uint32
	for m, c := range dayPos {
		if c > dayPos[best] {
			best = m
		}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		s.Track(best, t0, t0+24*3_600_000, func(Position) bool { n++; return true })
	}
	b.ReportMetric(float64(n), "positions/op")
}

// BenchmarkLatest is "the vessels in this box now" over 10,000 vessels.
func BenchmarkLatest(b *testing.B) {
	s := open(b, b.TempDir(), Options{})
	defer s.Close()
	ps := benchPositions()[:200_000]
	appendAll(b, s, ps, 1000)
	channel := BBox{MinLat: 49, MinLon: -4, MaxLat: 51.5, MaxLon: 2}
	now := ps[len(ps)-1].Time
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		s.Latest(channel, now-30*60_000, func(Position) bool { n++; return true })
	}
	b.ReportMetric(float64(n), "vessels/op")
}

// BenchmarkEncodeBlock and BenchmarkDecodeBlock: one vessel-hour at a
// 10 s report interval.
func BenchmarkEncodeBlock(b *testing.B) {
	ps := vesselHour()
	var enc encoder
	var buf []byte
	b.SetBytes(int64(len(ps) * posWireBytes))
	b.ReportAllocs()
	for b.Loop() {
		buf = enc.encode(buf[:0], ps)
	}
	b.ReportMetric(float64(len(buf))/float64(len(ps)), "B/position")
}

func BenchmarkDecodeBlock(b *testing.B) {
	ps := vesselHour()
	var enc encoder
	blk := enc.encode(nil, ps)
	out := make([]Position, 0, len(ps))
	b.SetBytes(int64(len(ps) * posWireBytes))
	b.ReportAllocs()
	for b.Loop() {
		out, _ = decode(out[:0], blk, 1)
	}
}

func vesselHour() []Position {
	f := newFleet(1, 44, t0)
	f.vs[0].interval, f.vs[0].anchored, f.vs[0].sog = 10, false, 12
	return f.next(nil, 360)
}

// TestMain removes the day store the Track benchmarks build.
func TestMain(m *testing.M) {
	code := m.Run()
	if dayDir != "" {
		os.RemoveAll(dayDir)
	}
	os.Exit(code)
}
