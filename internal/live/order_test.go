package live

import (
	"bytes"
	"context"
	"math"
	"net"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// TestEventNeverStoredBeforeItsPositions: an event goes to the store only
// after the positions it was made of, also when the risk picture asks for
// the events while those positions still wait for their provenance (a
// crash then must not leave an event whose positions are lost). Positions
// are held for an hour here, so that only Flush lets them go.
func TestEventNeverStoredBeforeItsPositions(t *testing.T) {
	const listed = 636000001
	places := detect.Places{Watch: func(q detect.WatchQuery) []event.Entry {
		if q.MMSI != listed {
			return nil
		}
		return []event.Entry{{List: "TEST", ID: "42", Name: "DARK TANKER", MMSI: listed, By: "mmsi"}}
	}}
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "rx", Kind: TCPListener, Address: "127.0.0.1:0"}}, Places: places,
		ProvenanceHold: time.Hour, MaxHeld: 1 << 20}, st, nil, nil)
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
	conn, err := net.Dial("tcp", p.Addr("rx").String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sub := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.Watchlist}, Clearance: store.AllFeeds})
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	var buf bytes.Buffer
	for i := int64(0); i < 5; i++ {
		buf.Write(posLine(t, listed, t0+i*60_000, 38.6, 124.0+float64(i)*0.003, 10))
	}
	if _, err := conn.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	hit := nextAlert(t, sub, "watchlist hit", func(*event.Event) bool { return true })

	// Every stored event has its positions stored.
	check := func(when string) int {
		t.Helper()
		evs := storedEvents(t, st)
		for _, e := range evs {
			var n int
			st.Track(e.MMSI, e.Start.UnixMilli(), e.End.UnixMilli()+1, func(store.Position) bool { n++; return true })
			if n == 0 {
				t.Fatalf("%s: event %s (%s, %s .. %s) is stored, none of its vessel's positions are", when, e.ID, e.Type, e.Start, e.End)
			}
		}
		return len(evs)
	}
	if _, err := p.Snapshot(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	check("after a risk picture")
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := check("after Flush"); n != 1 {
		t.Fatalf("%d events stored after Flush, want the hit %s", n, hit.ID)
	}
	var last store.Position
	st.Track(listed, 0, math.MaxInt64, func(q store.Position) bool { last = q; return true })
	if last.Time != t0+4*60_000 {
		t.Fatalf("last stored position at %d, want %d", last.Time, t0+4*60_000)
	}
}

// TestOneFeedHoldsNothing: with one feed no copy of a transmission can
// add a feed to a position, so positions are not held for ProvenanceHold
// (left at its default) and reach the store at the next hand-over: a
// kill -9 then loses the last FlushInterval, not the last 2 s.
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
