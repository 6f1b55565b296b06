package cluster

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/store"
)

// BenchmarkSingleNodeBus measures what the bus costs a node alone: a
// simulated day (40 vessels, 181,244 lines) replayed as fast as it goes
// through a one-node cluster (lines published to JetStream on file,
// partitions' owners, outputs, the read model into the store), from the
// first line to the last event in the store. Compare with live's
// BenchmarkReplay, the same path without a bus (docs/benchmarks.md).
func BenchmarkSingleNodeBus(b *testing.B) {
	for _, partitions := range []int{1, 4} {
		b.Run("partitions="+string(rune('0'+partitions)), func(b *testing.B) {
			feed := simFeedB(b)
			var lines int64
			for b.Loop() {
				dir := b.TempDir()
				st, err := store.Open(filepath.Join(dir, "data"), store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				n, err := Start(ctx, NodeOptions{
					Cluster: Options{Name: "n1", Listen: "127.0.0.1:0", Partitions: partitions, StoreDir: filepath.Join(dir, "jetstream"), Lease: time.Second},
					Feeds:   []Feed{{Source: source.Config{Name: "sim", Kind: "file", File: feed}}},
					Core:    ingest.Options{Places: places()}, Store: st, FeedBits: map[string]int{"sim": 0},
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := n.FeedsDone(); err != nil {
					b.Fatal(err)
				}
				if err := n.EndOfData(ctx); err != nil {
					b.Fatal(err)
				}
				if err := n.CaughtUp(ctx); err != nil {
					b.Fatal(err)
				}
				lines += n.FeedCounts()[0].Lines
				cancel()
				n.Close()
				st.Close()
			}
			b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

func simFeedB(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	if _, err := sim.WriteDir(sim.Options{Seed: 5, Vessels: 40, Hours: 24}, dir); err != nil {
		b.Fatal(err)
	}
	return filepath.Join(dir, sim.FeedFile)
}
