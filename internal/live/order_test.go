package live

import (
	"bytes"
	"context"
	"math"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// crashImage copies the files of a store's directory as they are on
// disk now, as a kill -9 of the process would leave them, and opens the
// copy.
func crashImage(t *testing.T, dir string) *store.Store {
	t.Helper()
	to := t.TempDir()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if de.Name() == "LOCK" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, de.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(to, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestEventNeverStoredBeforeItsPositions: positions are written as they
// arrive, not held for their provenance (ProvenanceHold is an hour here,
// the time copies may still add a feed, and nothing calls Flush), and an
// event goes to the store only after the positions it was made of: a
// kill -9 at any moment (a copy of the store's files, opened) leaves the
// positions without the event or both, never the event alone. A copy of
// the last transmission heard by a second feed then adds that feed to the
// position already stored, also in what a kill leaves.
func TestEventNeverStoredBeforeItsPositions(t *testing.T) {
	const listed = 636000001
	places := detect.Places{Watch: func(q detect.WatchQuery) []event.Entry {
		if q.MMSI != listed {
			return nil
		}
		return []event.Entry{{List: "TEST", ID: "42", Name: "DARK TANKER", MMSI: listed, By: "mmsi"}}
	}}
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := New(Options{Feeds: []Feed{{Name: "rx", Kind: TCPListener, Address: "127.0.0.1:0"}, {Name: "rx2", Kind: TCPListener, Address: "127.0.0.1:0"}},
		Places: places, ProvenanceHold: time.Hour, MaxHeld: 1 << 20}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}()
	dial := func(feed string) net.Conn {
		conn, err := net.Dial("tcp", p.Addr(feed).String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	sub := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.Watchlist}, Clearance: store.AllFeeds})
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	var buf bytes.Buffer
	for i := int64(0); i < 5; i++ {
		buf.Write(posLine(t, listed, t0+i*60_000, 38.6, 124.0+float64(i)*0.003, 10))
	}
	if _, err := dial("rx").Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	hit := nextAlert(t, sub, "watchlist hit", func(*event.Event) bool { return true })

	// What a kill leaves: every stored event has its positions; and the
	// five positions and the hit reach the store with no Flush, while
	// copies may still add a feed for an hour.
	bits := p.Stats().Feeds
	rx, rx2 := uint64(1)<<bits[0].Bit, uint64(1)<<bits[1].Bit
	killed := func(when string, want ...uint64) bool {
		t.Helper()
		img := crashImage(t, dir)
		evs := storedEvents(t, img)
		for _, e := range evs {
			var n int
			img.Track(e.MMSI, e.Start.UnixMilli(), e.End.UnixMilli()+1, func(store.Position) bool { n++; return true })
			if n == 0 {
				t.Fatalf("%s: event %s (%s, %s .. %s) is stored, none of its vessel's positions are", when, e.ID, e.Type, e.Start, e.End)
			}
		}
		var got []uint64
		img.Track(listed, 0, math.MaxInt64, func(q store.Position) bool { got = append(got, q.Feeds); return true })
		return slices.Equal(got, want) && len(evs) == 1 && evs[0].ID == hit.ID
	}
	waitUntil(t, "the positions and the hit stored", func() bool { return killed("heard by rx", rx, rx, rx, rx, rx) })

	// The last transmission heard by rx2 too: its feed is added to the
	// stored position.
	if _, err := dial("rx2").Write(posLine(t, listed, t0+4*60_000, 38.6, 124.012, 10)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "rx2 added to the stored position", func() bool { return killed("heard by rx and rx2", rx, rx, rx, rx, rx|rx2) })
	if q, ok := st.LatestOf(listed, rx2); !ok || q.Time != t0+4*60_000 {
		t.Fatalf("the latest position heard by rx2: %+v %v", q, ok)
	}
	if s := p.Stats(); s.Stored != 5 || s.Duplicates != 1 {
		t.Errorf("%d positions stored, %d duplicates; want 5 and 1", s.Stored, s.Duplicates)
	}
}

// waitUntil polls cond until it holds, failing the test after 10 s (a
// hang guard, not a measure).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("not within 10 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOneFeedHoldsNothing: with one feed no copy of a transmission can
// add a feed to a position, so none is remembered for ProvenanceHold, and
// positions reach the store as they are tracked.
func TestOneFeedHoldsNothing(t *testing.T) {
	const mmsi = 412000009
	st := openStore(t)
	p, conn, _ := startListening(t, st, detect.Places{})
	sub := p.Hub().Subscribe(Filter{Positions: true, Clearance: store.AllFeeds})
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	var buf bytes.Buffer
	for i := int64(0); i < 5; i++ {
		buf.Write(posLine(t, mmsi, t0+i*60_000, 38.5, 124.0+float64(i)*0.003, 10))
	}
	if _, err := conn.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	for seen := 0; seen < 5; {
		select {
		case m := <-sub.C:
			if m.Position != nil {
				seen++
			}
		case <-time.After(10 * time.Second):
			t.Fatal("positions not streamed")
		}
	}
	// Snapshot hands the store what is not held, without Flush.
	if _, err := p.Snapshot(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	var n int
	st.Track(mmsi, 0, math.MaxInt64, func(store.Position) bool { n++; return true })
	if n != 5 || p.Stats().Held != 0 {
		t.Fatalf("%d of 5 positions stored, %d held, with one feed", n, p.Stats().Held)
	}
}
