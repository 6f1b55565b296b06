package live

import (
	"context"
	"os"
	"testing"

	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// BenchmarkReplay measures live ingest end to end: a simulated feed
// replayed as fast as possible through framing, decoding, de-duplication,
// tracking, every detector (with the world's shore and ports) and the
// store, until the store has synced. lines/s is the sustained rate.
func BenchmarkReplay(b *testing.B) {
	dir := b.TempDir()
	feed := simFeedB(b, dir, sim.Options{Seed: 2, Vessels: 200, Hours: 12})
	fi, _ := os.Stat(feed)
	b.SetBytes(fi.Size())
	b.ReportAllocs()
	pl := places()
	var lines int64
	for b.Loop() {
		st, err := store.Open(b.TempDir(), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := New(Options{Feeds: []Feed{{Name: "sim", Kind: FileReplay, File: feed}}, Places: pl}, st, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		<-p.Done("sim")
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		lines += p.Stats().Feeds[0].Lines
		st.Close()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
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
