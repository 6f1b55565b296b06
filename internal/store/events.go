package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// storedEvent is an event as kept: the fields queries select on, and the
// event's JSON (the contract's own form).
type storedEvent struct {
	id         string
	start, end int64 // Unix ms
	mmsi       uint32
	other      uint32
	prov       Provenance
	json       []byte
}

// Provenance is what an event was derived from, per input: the feeds
// that heard the data of its vessel while it happened, and those that
// heard the other vessel's (0 when it has none).
type Provenance struct {
	Feeds, OtherFeeds uint64
}

// AllFeeds is the clearance of a reader cleared for every feed (an
// operator, a server without access control). A clearance is never
// implied: the zero clearance sees nothing.
const AllFeeds = ^uint64(0)

// VisibleTo reports whether a partner cleared for the feeds in clearance
// may see the event: it must be cleared for at least one feed of every
// input (a record heard by several feeds is visible through any of them;
// an event is visible only when each of its inputs is). An event with no
// known feeds is visible to nobody.
func (p Provenance) VisibleTo(clearance uint64) bool {
	return p.Feeds&clearance != 0 && (p.OtherFeeds == 0 || p.OtherFeeds&clearance != 0)
}

// maxEventJSON bounds one event's JSON.
const maxEventJSON = 1 << 20

// PutEvent stores e with its provenance. An event put again with the same ID
// replaces the earlier one: a detector may re-emit an event as it grows.
// e.ID must be set (event.SetID) and e.Start must not be zero.
func (s *Store) PutEvent(e event.Event, prov Provenance) error {
	se, err := newStoredEvent(&e, prov)
	if err != nil {
		return err
	}
	return s.write(func(w *wal) []byte {
		return appendEventRecord(w.begin(recEventProv), se)
	}, func() { s.applyEvent(se) })
}

// EventWithProvenance is an event and its provenance, for PutEvents.
type EventWithProvenance struct {
	Event event.Event
	Prov  Provenance
}

// PutEvents is PutEvent for many events, in order (a later one replaces
// an earlier one with the same ID), written to the log with one
// write(2). It checks every event first and stores none if one is
// invalid (the error names it). Each event is whole in the log on its
// own: a crash of the machine in the middle of the write may keep the
// first events of the batch without the others.
func (s *Store) PutEvents(evs []EventWithProvenance) error {
	if len(evs) == 0 {
		return nil
	}
	ses := make([]*storedEvent, len(evs))
	for i := range evs {
		se, err := newStoredEvent(&evs[i].Event, evs[i].Prov)
		if err != nil {
			return fmt.Errorf("event %d of %d: %w", i, len(evs), err)
		}
		ses[i] = se
	}
	return s.write(func(w *wal) []byte {
		b := w.begin(recEventProv)
		for i, se := range ses {
			if i > 0 {
				b = w.next(b, recEventProv)
			}
			b = appendEventRecord(b, se)
		}
		return b
	}, func() {
		for _, se := range ses {
			s.applyEvent(se)
		}
	})
}

// newStoredEvent checks e and encodes it as kept.
func newStoredEvent(e *event.Event, prov Provenance) (*storedEvent, error) {
	if e.ID == "" {
		return nil, fmt.Errorf("%w: event has no id", ErrInvalid)
	}
	if e.Start.IsZero() || e.MMSI > maxMMSI || e.OtherMMSI > maxMMSI {
		return nil, fmt.Errorf("%w: event %s: zero start or bad mmsi", ErrInvalid, e.ID)
	}
	js, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("%w: event %s: %v", ErrInvalid, e.ID, err)
	}
	if len(js) > maxEventJSON {
		return nil, fmt.Errorf("%w: event %s: %d bytes of JSON", ErrInvalid, e.ID, len(js))
	}
	se := &storedEvent{id: e.ID, start: e.Start.UnixMilli(), end: e.End.UnixMilli(), mmsi: e.MMSI, other: e.OtherMMSI, prov: prov, json: js}
	if se.end < se.start {
		se.end = se.start
	}
	return se, nil
}

// appendEventRecord appends the payload of a recEventProv record.
func appendEventRecord(b []byte, se *storedEvent) []byte {
	b = binary.LittleEndian.AppendUint64(b, se.prov.Feeds)
	b = binary.LittleEndian.AppendUint64(b, se.prov.OtherFeeds)
	return append(b, se.json...)
}

// applyEvent puts se in memory; s.mu is held.
func (s *Store) applyEvent(se *storedEvent) {
	s.events[se.id] = se
}

func parseEventRecord(p []byte) (*storedEvent, error) {
	const n = 16
	if len(p) < n {
		return nil, fmt.Errorf("%w: short event record", ErrCorrupt)
	}
	var e event.Event
	if err := json.Unmarshal(p[n:], &e); err != nil {
		return nil, fmt.Errorf("%w: event record: %v", ErrCorrupt, err)
	}
	prov := Provenance{Feeds: binary.LittleEndian.Uint64(p), OtherFeeds: binary.LittleEndian.Uint64(p[8:])}
	se := &storedEvent{id: e.ID, start: e.Start.UnixMilli(), end: e.End.UnixMilli(), mmsi: e.MMSI, other: e.OtherMMSI,
		prov: prov, json: append([]byte(nil), p[n:]...)}
	if se.end < se.start {
		se.end = se.start
	}
	return se, nil
}

// EventFilter selects events. Its zero value selects every event.
type EventFilter struct {
	// From and To select events whose [start, end] meets [From, To). Zero
	// means unbounded.
	From, To time.Time
	// MMSI selects the events of one vessel (as mmsi or other_mmsi); 0 for
	// all.
	MMSI uint32
	// Types selects events of these types; empty for all.
	Types []event.Type
	// Clearance selects the events a partner cleared for these feeds may
	// see (Provenance.VisibleTo); AllFeeds for every event. The zero
	// clearance sees none: a filter that forgets it fails closed.
	Clearance uint64
	// Limit stops after this many events; 0 for no limit.
	Limit int
}

// Events calls fn with the events f selects, in order of start time (then
// id), each with its provenance, until fn returns false.
func (s *Store) Events(f EventFilter, fn func(e event.Event, prov Provenance) bool) error {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !f.From.IsZero() {
		from = f.From.UnixMilli()
	}
	if !f.To.IsZero() {
		to = f.To.UnixMilli()
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	from = max(from, s.cutoff())
	// The newest version of an event wins: memory first, then segments
	// newest first; an id seen once is not taken again.
	seen := make(map[string]bool)
	var hits []*storedEvent
	match := func(e *storedEvent) bool {
		return e.end >= from && e.start < to &&
			(f.MMSI == 0 || e.mmsi == f.MMSI || e.other == f.MMSI) &&
			(f.Clearance == AllFeeds || e.prov.VisibleTo(f.Clearance))
	}
	for _, e := range s.events {
		seen[e.id] = true
		if match(e) {
			hits = append(hits, e)
		}
	}
	if s.sealing != nil {
		// A seal in progress holds the versions before those.
		for _, e := range s.sealing.evs {
			if !seen[e.id] {
				seen[e.id] = true
				if match(e) {
					hits = append(hits, e)
				}
			}
		}
	}
	segs := make([]*segment, 0, len(s.segs))
	for _, g := range s.segs {
		if g.nEv > 0 && g.evMax >= from && g.evMin < to {
			segs = append(segs, g)
		}
	}
	s.mu.RUnlock()

	var out []event.Event
	var provs []Provenance
	take := func(se *storedEvent) error {
		var e event.Event
		if err := json.Unmarshal(se.json, &e); err != nil {
			return fmt.Errorf("%w: event %s: %v", ErrCorrupt, se.id, err)
		}
		if len(f.Types) == 0 || slices.Contains(f.Types, e.Type) {
			out = append(out, e)
			provs = append(provs, se.prov)
		}
		return nil
	}
	for _, e := range hits {
		if err := take(e); err != nil {
			return err
		}
	}
	for i := len(segs) - 1; i >= 0; i-- {
		g := segs[i]
		var err error
		if gerr := g.events(func(e *storedEvent) bool {
			if seen[e.id] {
				return true
			}
			seen[e.id] = true
			if match(e) {
				if err = take(e); err != nil {
					err = g.damage(g.evOff, g.evLen, "events", err.Error())
				}
			}
			return err == nil
		}); gerr != nil {
			err = gerr
		}
		// A damaged section costs that segment's events, not every
		// answer: it is recorded in the store's health.
		if err != nil && !s.leftOut(err) {
			return err
		}
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := out[a].Start.Compare(out[b].Start); c != 0 {
			return c
		}
		if out[a].ID < out[b].ID {
			return -1
		}
		if out[a].ID > out[b].ID {
			return 1
		}
		return 0
	})
	for n, i := range idx {
		if f.Limit > 0 && n >= f.Limit {
			break
		}
		if !fn(out[i], provs[i]) {
			break
		}
	}
	return nil
}
