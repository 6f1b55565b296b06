package live

import (
	"bytes"
	"context"
	"math"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/store"
)

// TestLineAheadOfItsFeed: a receiver feed delivering data three hours
// old gets one line stamped with the clock (within the wall-clock guard,
// three hours ahead of the feed): it is held, not tracked or stored, and
// not trusted to move the feed's time; the feed going on in its own time
// shows it stray, and a minute later it is counted invalid and dropped.
// A line half an hour ahead of the feed (a sparse feed's gap) is taken at
// once. Two lines of other vessels stamped with the clock (the receiver
// back after a silence), a line of its backlog between them, confirm each
// other and are taken; so is, after a minute of wall clock, one line back
// after a silence that nothing contradicts.
func TestLineAheadOfItsFeed(t *testing.T) {
	wall := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	var skew atomic.Int64 // ms added to wall
	now := func() time.Time { return wall.Add(time.Duration(skew.Load()) * time.Millisecond) }
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "rx", Kind: TCPListener, Address: "127.0.0.1:0"}}, Now: now}, st, nil, nil)
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
	send := func(lines ...[]byte) {
		t.Helper()
		if _, err := conn.Write(bytes.Join(lines, nil)); err != nil {
			t.Fatal(err)
		}
	}
	stored := func(mmsi uint32) int {
		p.Flush(context.Background())
		n := 0
		st.Track(mmsi, 0, math.MaxInt64, func(store.Position) bool { n++; return true })
		return n
	}
	const old, stray, gap, back1, back2, alone = 412000001, 412000002, 412000003, 412000004, 412000005, 412000006
	w := wall.UnixMilli()
	lag := w - 3*3600_000

	// The feed's own time: three hours behind the clock.
	send(posLine(t, old, lag, 30, 122, 10), posLine(t, old, lag+60_000, 30, 122.01, 10))
	// One line stamped with the clock.
	send(posLine(t, stray, w, 31, 123, 10))
	waitUntil(t, "the stray line held", func() bool { return p.Stats().Ahead == 1 })
	if n := stored(old); n != 2 {
		t.Fatalf("%d of the feed's 2 positions stored", n)
	}
	if n := stored(stray); n != 0 {
		t.Fatalf("the line three hours ahead of its feed was stored")
	}
	// The feed goes on in its own time: the held line was a stray, and
	// a minute of wall clock later, unconfirmed, it is counted and dropped.
	send(posLine(t, old, lag+120_000, 30, 122.02, 10))
	waitUntil(t, "the feed's next line stored", func() bool { return stored(old) == 3 })
	if s := p.Stats(); s.Ahead != 1 || s.Invalid != 0 {
		t.Fatalf("held %d, invalid %d; want the stray line held until it expires", s.Ahead, s.Invalid)
	}
	skew.Store(aheadWaitMs + 1000)
	waitUntil(t, "the stray line counted", func() bool { s := p.Stats(); return s.Invalid == 1 && s.Ahead == 0 })
	if n := stored(stray); n != 0 {
		t.Fatalf("the stray line was stored")
	}

	// Half an hour ahead of the feed: a gap, not a stray.
	send(posLine(t, gap, lag+30*60_000, 32, 124, 10))
	waitUntil(t, "the line after a gap stored", func() bool { return stored(gap) == 1 })

	// The receiver comes back after a silence, its backlog mixed in (a
	// satellite pass): a line stamped with the clock, one in the old time,
	// then another with the clock, which confirms the first.
	w = now().UnixMilli()
	send(posLine(t, back1, w, 33, 125, 10))
	waitUntil(t, "the first line back held", func() bool { return p.Stats().Ahead == 1 })
	send(posLine(t, old, lag+180_000, 30, 122.03, 10), posLine(t, back2, w+1000, 34, 126, 10))
	waitUntil(t, "both lines back stored", func() bool { return stored(back1) == 1 && stored(back2) == 1 && stored(old) == 4 })

	// Silent for two hours, then one line: taken after a minute of wall
	// clock, since nothing came in the old time.
	skew.Store(aheadWaitMs + 2*3600_000)
	send(posLine(t, alone, w+2*3600_000, 35, 127, 10))
	waitUntil(t, "the line back alone held", func() bool { return p.Stats().Ahead == 1 })
	if stored(alone) != 0 {
		t.Fatal("the line back alone was taken at once")
	}
	skew.Store(2*aheadWaitMs + 2*3600_000 + 1000)
	waitUntil(t, "the line back alone stored", func() bool { return stored(alone) == 1 })
	if s := p.Stats(); s.Ahead != 0 || s.Invalid != 1 {
		t.Fatalf("held %d, invalid %d at the end", s.Ahead, s.Invalid)
	}
}
