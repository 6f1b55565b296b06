package live

import (
	"time"

	"math/rand/v2"
	"testing"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// TestFeedLog checks the runs against a plain map of bucket to feeds,
// with reports in and out of order, then trimming.
func TestFeedLog(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l := newFeedLog()
	model := map[uint32]map[int64]uint64{}
	const t0 = int64(1_700_000_000_000)
	for i := range 20_000 {
		m := uint32(1 + rng.IntN(5))
		// Mostly forward in time, sometimes hours back (a satellite feed).
		ts := t0 + int64(i)*20_000
		if rng.IntN(10) == 0 {
			ts -= rng.Int64N(6 * 3600_000)
		}
		bit := uint64(1) << rng.IntN(3)
		if rng.IntN(4) == 0 {
			bit = 1 // one feed hears most
		}
		l.add(m, ts, bit)
		if model[m] == nil {
			model[m] = map[int64]uint64{}
		}
		model[m][ts-ts%feedBucketMs] |= bit
	}
	want := func(m uint32, from, to int64) uint64 {
		var f uint64
		for b, x := range model[m] {
			if b+feedBucketMs > from && b <= to {
				f |= x
			}
		}
		return f
	}
	check := func(when string) {
		t.Helper()
		for m := uint32(1); m <= 5; m++ {
			rs := l.runs[m]
			for i := 1; i < len(rs); i++ {
				if rs[i].from < rs[i-1].to || rs[i].from >= rs[i].to {
					t.Fatalf("%s: vessel %d: runs out of order: %+v %+v", when, m, rs[i-1], rs[i])
				}
			}
			for range 200 {
				from := t0 + rng.Int64N(20_000*20_000)
				to := from + rng.Int64N(3*3600_000)
				if got, w := l.feeds(m, from, to), want(m, from, to); got != w {
					t.Fatalf("%s: vessel %d [%d, %d]: feeds %b, want %b", when, m, from, to, got, w)
				}
			}
		}
	}
	check("after adding")
	runs := 0
	for _, rs := range l.runs {
		runs += len(rs)
	}
	buckets := 0
	for _, bs := range model {
		buckets += len(bs)
	}
	if runs > buckets {
		t.Errorf("%d runs for %d buckets", runs, buckets)
	}
	cut := t0 + 200_000_000
	l.trim(func(_ uint64, end int64) bool { return end <= cut })
	for _, bs := range model {
		for b := range bs {
			if b+feedBucketMs <= cut {
				delete(bs, b)
			}
		}
	}
	check("after trimming")
}

// TestEventProvenance checks that an event's provenance names, per
// vessel, the feeds that heard it while the event happened.
func TestEventProvenance(t *testing.T) {
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "a", Kind: FileReplay, File: "x"}}}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const t0 = int64(1_700_000_000_000)
	const h = 3600_000
	// Vessel 1: feed 1 all day, feed 2 only in the morning. Vessel 2:
	// feed 4 only.
	for k := int64(0); k < 24; k++ {
		p.heard.add(1, t0+k*h, 1)
		p.heard.add(2, t0+k*h, 4)
	}
	for k := int64(0); k < 6; k++ {
		p.heard.add(1, t0+k*h, 2)
	}
	for _, c := range []struct {
		name       string
		start, end int64
		other      uint32
		want       store.Provenance
	}{
		{"morning encounter", t0 + 2*h, t0 + 4*h, 2, store.Provenance{Feeds: 1 | 2, OtherFeeds: 4}},
		{"evening encounter", t0 + 18*h, t0 + 20*h, 2, store.Provenance{Feeds: 1, OtherFeeds: 4}},
		{"evening loitering", t0 + 18*h, t0 + 20*h, 0, store.Provenance{Feeds: 1}},
		// Nothing known: visible to nobody, never to every feed that
		// ever heard the vessel.
		{"forgotten time", t0 - 30*24*h, t0 - 30*24*h, 0, store.Provenance{}},
	} {
		e := event.Event{ID: c.name, Type: event.Encounter, MMSI: 1, OtherMMSI: c.other, Start: time.UnixMilli(c.start), End: time.UnixMilli(c.end)}
		p.newEvent(detect.Emission{Event: e, First: true})
		got := p.pendEv[len(p.pendEv)-1].Prov
		if got != c.want {
			t.Errorf("%s: provenance %+v, want %+v", c.name, got, c.want)
		}
	}
	// A flag change names the MMSI whose IMO number the vessel took over:
	// that vessel is an input too.
	e := event.Event{ID: "flag", Type: event.IdentityChange, Field: event.FieldFlag, MMSI: 1, Details: map[string]float64{"previous_mmsi": 2},
		Start: time.UnixMilli(t0 + 18*h), End: time.UnixMilli(t0 + 18*h)}
	p.newEvent(detect.Emission{Event: e, First: true})
	if got, want := p.pendEv[len(p.pendEv)-1].Prov, (store.Provenance{Feeds: 1, OtherFeeds: 4}); got != want {
		t.Errorf("flag change: provenance %+v, want %+v", got, want)
	}
	// Vessel 1's static reports (its name) were heard by feed 2 only: an
	// event made of its identity is released as feed 2's, though feed 1
	// heard its positions then.
	p.said.add(1, t0+3*h, 2)
	for _, e := range []event.Event{
		{ID: "name", Type: event.IdentityChange, Field: event.FieldName, MMSI: 1, Start: time.UnixMilli(t0 + 3*h), End: time.UnixMilli(t0 + 3*h)},
		{ID: "listed", Type: event.Watchlist, MMSI: 1, Start: time.UnixMilli(t0 + 3*h), End: time.UnixMilli(t0 + 20*h)},
		{ID: "forgotten", Type: event.Watchlist, MMSI: 1, Start: time.UnixMilli(t0 + 20*h), End: time.UnixMilli(t0 + 21*h)},
	} {
		p.newEvent(detect.Emission{Event: e, First: true})
		if got, want := p.pendEv[len(p.pendEv)-1].Prov, (store.Provenance{Feeds: 2}); got != want {
			t.Errorf("%s: provenance %+v, want %+v", e.ID, got, want)
		}
	}
}
