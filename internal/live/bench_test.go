package live

import (
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// BenchmarkReplay measures live ingest end to end: a simulated feed
// replayed as fast as possible through framing, decoding, de-duplication,
// tracking, every detector (with the world's shore and ports) and the
// store, until the store has synced. lines/s is the sustained rate.
func BenchmarkReplay(b *testing.B) {
	replay(b, "sim")
}

// BenchmarkReplayProvenance is BenchmarkReplay with provenance on: the
// same feed heard by two receivers (two feeds replaying the same file),
// so that every transmission is written once with the feed that heard it
// first and the other feed is added to it (store.AddFeeds). lines/s
// counts the lines of both.
func BenchmarkReplayProvenance(b *testing.B) {
	replay(b, "sim", "sim2")
}

// replay replays one simulated file as the named feeds, as fast as
// possible, and reports lines/s and what was allocated per line
// (allocs/line, B/line: figures that do not depend on the machine's
// load).
func replay(b *testing.B, names ...string) {
	dir := b.TempDir()
	feed := simFeedB(b, dir, sim.Options{Seed: 2, Vessels: 200, Hours: 12})
	fi, _ := os.Stat(feed)
	b.SetBytes(fi.Size() * int64(len(names)))
	b.ReportAllocs()
	pl := places()
	var feeds []Feed
	for _, n := range names {
		feeds = append(feeds, Feed{Name: n, Kind: FileReplay, File: feed})
	}
	var lines int64
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := cpuTime()
	for b.Loop() {
		st, err := store.Open(b.TempDir(), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := New(Options{Feeds: feeds, Places: pl}, st, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		for _, n := range names {
			<-p.Done(n)
		}
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		for _, f := range p.Stats().Feeds {
			lines += f.Lines
		}
		st.Close()
	}
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(cpuTime()-cpu0)/1e3/float64(lines), "cpu-µs/line")
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(lines), "allocs/line")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(lines), "B/line")
}

func simFeedB(b *testing.B, dir string, opts sim.Options) string {
	b.Helper()
	f, err := os.Create(dir + "/feed.nmea")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := sim.Generate(opts, f); err != nil {
		b.Fatal(err)
	}
	return f.Name()
}
