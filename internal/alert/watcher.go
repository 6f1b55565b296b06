package alert

import (
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// vessel is what a watcher knows of a vessel: what its partner saw last.
type vessel struct {
	time     int64 // Unix ms of the last position
	lat, lon float64
	sog      float64 // NaN: unknown
	feeds    uint64  // that heard the last position
	name     string  // the last name its partner's feeds said
	imo      uint32  // the last IMO number its partner's feeds said; 0 unknown
	shipType uint8   // the last type its partner's feeds said; 0 unknown
	listed   bool    // a watchlist event the partner sees
}

// placed reports whether the vessel's position is known (a vessel
// learnt of from a watchlist event alone has none).
func (v *vessel) placed() bool { return v.time != math.MinInt64 }

// ruleState is what one rule remembers of the vessels.
type ruleState struct {
	of        *compiled        // the rule as it was when this began (an edit starts again)
	inside    map[uint32]bool  // vessels whose last position is inside
	dark      map[uint32]bool  // vessels already alerted dark, until heard again
	lastCross map[uint32]int64 // data time of the last entry or exit alerted
	events    map[string]int64 // events alerted (by ID), with their end
}

// watcher evaluates one partner's rules on what the partner may see: it
// reads a hub subscription made with the partner's clearance, and
// nothing else.
type watcher struct {
	partner   string
	clearance uint64
	desk      *Desk
	sub       *live.Subscription
	rules     atomic.Pointer[[]*compiled]
	done      chan struct{}

	// Owned by the watcher's goroutine.
	vessels   map[uint32]*vessel
	states    map[string]*ruleState
	installed *[]*compiled
	stateOf   []*ruleState // of each installed rule, in its order
	now       int64        // the newest data time seen
	swept     int64        // data time of the last dark sweep
}

// darkSweepMs is how often (data time) vessels are checked for going
// dark.
const darkSweepMs = 30_000

func newWatcher(d *Desk, partner string, clearance uint64) *watcher {
	return &watcher{partner: partner, clearance: clearance, desk: d, done: make(chan struct{}),
		vessels: map[uint32]*vessel{}, states: map[string]*ruleState{}}
}

// run reads the subscription until it is closed.
func (w *watcher) run() {
	defer close(w.done)
	for m := range w.sub.C {
		w.handle(m)
		if n := w.sub.Dropped(); n > 0 {
			w.desk.dropped(w.partner, n)
		}
	}
}

// handle evaluates one message of the partner's subscription.
func (w *watcher) handle(m live.Message) {
	w.sync()
	switch {
	case m.Position != nil:
		w.position(m)
	case m.Alert != nil:
		w.event(m.Alert, m.Prov)
	}
}

// sync installs the rules the desk last gave: a new rule learns which
// vessels are inside its area from their last positions, so that its
// first alert is a crossing, not every vessel already there.
func (w *watcher) sync() {
	rs := w.rules.Load()
	if rs == w.installed {
		return
	}
	w.installed = rs
	keep := map[string]*ruleState{}
	w.stateOf = w.stateOf[:0]
	for _, r := range *rs {
		if st, ok := w.states[r.ID]; ok && st.of == r {
			keep[r.ID] = st
			w.stateOf = append(w.stateOf, st)
			continue
		}
		st := &ruleState{of: r, inside: map[uint32]bool{}, dark: map[uint32]bool{}, lastCross: map[uint32]int64{}, events: map[string]int64{}}
		for mmsi, v := range w.vessels {
			if v.placed() && r.contains(v.lat, v.lon) {
				st.inside[mmsi] = true
			}
		}
		keep[r.ID] = st
		w.stateOf = append(w.stateOf, st)
	}
	w.states = keep
}

func (w *watcher) position(m live.Message) {
	p := m.Position
	v := w.vessels[p.MMSI]
	known := v != nil && v.placed()
	if v == nil {
		v = &vessel{}
		w.vessels[p.MMSI] = v
	} else if p.Time < v.time {
		return // an older fix than the last: it moves nothing
	}
	v.time, v.lat, v.lon, v.feeds = p.Time, p.Lat, p.Lon, p.Feeds
	v.sog = float64(p.SOG)
	if !m.HideName && p.Name != "" {
		v.name = p.Name
	}
	if !m.HideIMO && p.IMO != 0 {
		v.imo = p.IMO
	}
	if !m.HideShipType && p.ShipType != 0 {
		v.shipType = p.ShipType
	}
	for i, r := range *w.installed {
		st := w.stateOf[i]
		in := r.contains(p.Lat, p.Lon)
		was := st.inside[p.MMSI]
		switch {
		case in:
			if !was {
				st.inside[p.MMSI] = true
			}
			if len(st.dark) > 0 {
				delete(st.dark, p.MMSI) // heard again
			}
		case was:
			delete(st.inside, p.MMSI)
		}
		if !known || in == was || !r.matches(v, p.MMSI, v.sog) {
			continue
		}
		kind := KindExit
		if in {
			kind = KindEntry
		}
		if (in && !r.Triggers.Entry) || (!in && !r.Triggers.Exit) {
			continue
		}
		if t, ok := st.lastCross[p.MMSI]; ok && p.Time-t < defaultRefireMs {
			continue // back and forth across the edge
		}
		st.lastCross[p.MMSI] = p.Time
		verb := "entered"
		if !in {
			verb = "left"
		}
		w.desk.raise(w.partner, r, kept{Alert: Alert{Kind: kind, MMSI: p.MMSI, Name: v.name, Time: time.UnixMilli(p.Time).UTC(),
			Lat: p.Lat, Lon: p.Lon, SOG: speed(v.sog), Summary: describe(v.name, p.MMSI) + " " + verb + " " + r.Name},
			Prov: store.Provenance{Feeds: p.Feeds}})
	}
	if p.Time > w.now {
		w.now = p.Time
		if w.now-w.swept >= darkSweepMs {
			w.swept = w.now
			w.sweepDark()
		}
	}
}

// sweepDark raises a dark alert for each vessel last heard inside an area
// whose rule watches for it and silent for its time, by the partner's
// own newest data (what another partner's feeds hear does not move it).
func (w *watcher) sweepDark() {
	for i, r := range *w.installed {
		if r.darkMs == 0 {
			continue
		}
		st := w.stateOf[i]
		for mmsi := range st.inside {
			v := w.vessels[mmsi]
			if v == nil || st.dark[mmsi] || w.now-v.time < r.darkMs || !r.matches(v, mmsi, v.sog) {
				continue
			}
			st.dark[mmsi] = true
			w.desk.raise(w.partner, r, kept{Alert: Alert{Kind: KindDark, MMSI: mmsi, Name: v.name,
				Time: time.UnixMilli(v.time + r.darkMs).UTC(), Lat: v.lat, Lon: v.lon, SOG: speed(v.sog),
				Summary: describe(v.name, mmsi) + " not heard for " + minutes(r.darkMs) + " inside " + r.Name},
				Prov: store.Provenance{Feeds: v.feeds}})
		}
	}
}

func (w *watcher) event(e *event.Event, prov store.Provenance) {
	if e.Type == event.Watchlist {
		v := w.vessels[e.MMSI]
		if v == nil {
			v = &vessel{sog: math.NaN(), time: math.MinInt64}
			w.vessels[e.MMSI] = v
		}
		v.listed = true
	}
	if e.Withdrawn() || !e.HasPosition() {
		return
	}
	for i, r := range *w.installed {
		if !r.wantsEvent(e.Type) || !r.contains(e.Lat, e.Lon) {
			continue
		}
		st := w.stateOf[i]
		if _, ok := st.events[e.ID]; ok {
			st.events[e.ID] = e.End.UnixMilli()
			continue // an episode emitted again as it grows
		}
		v := w.vessels[e.MMSI]
		sog := math.NaN()
		name := ""
		if v != nil {
			sog, name = v.sog, v.name
		}
		if !r.matches(v, e.MMSI, sog) {
			continue
		}
		st.events[e.ID] = e.End.UnixMilli()
		w.trimEvents(st)
		w.desk.raise(w.partner, r, kept{Alert: Alert{Kind: KindEvent, MMSI: e.MMSI, Name: name, Time: e.Start.UTC(),
			Lat: e.Lat, Lon: e.Lon, SOG: speed(sog), EventID: e.ID, EventType: e.Type,
			Summary: string(e.Type) + " inside " + r.Name + ": " + alertSummary(e)}, Prov: prov})
	}
}

// alertSummary is an event's summary as an alert repeats it: a dark
// vessel's names its candidates, vessels other feeds heard that the
// partner may not see (the API shows each partner only those it sees);
// an alert names none of them (its provenance is the event's alone), and
// the event behind it says what the partner may see of them.
func alertSummary(e *event.Event) string {
	if len(e.Candidates) == 0 {
		return e.Summary
	}
	return detection.SummaryFor(e, func(uint32) bool { return false }) + "; candidates in the event"
}

// trimEvents forgets events that ended over 8 days (data time) before
// the newest: an episode is not emitted again after so long.
func (w *watcher) trimEvents(st *ruleState) {
	if len(st.events) < 4096 {
		return
	}
	for id, end := range st.events {
		if end < w.now-8*24*3600*1000 {
			delete(st.events, id)
		}
	}
}

func speed(sog float64) *float64 {
	if math.IsNaN(sog) {
		return nil
	}
	s := math.Round(sog*10) / 10
	return &s
}

func describe(name string, mmsi uint32) string {
	if name != "" {
		return name + " (" + itoa(int64(mmsi)) + ")"
	}
	return "MMSI " + itoa(int64(mmsi))
}

func minutes(ms int64) string {
	m := ms / 60_000
	if m%60 == 0 {
		return itoa(m/60) + " h"
	}
	return itoa(m) + " min"
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
