package detect

import (
	"math"

	"github.com/picket-ais/picket/internal/event"
)

// How events of open episodes are emitted.
//
// Encounters, loitering, port visits, zone visits, watchlist hits and
// shared MMSIs are episodes: they last. A detector emits the event as soon
// as the episode meets its definition, with End the latest time so far,
// emits it again under the same ID (its Start does not change, and the ID
// does not depend on End) as it grows, and a last time, final, when it
// ends. A consumer replaces an event by ID: the last version is the truth.
//
// An encounter is judged on its whole span (median speed, mean position),
// so one emitted while open can fail the judgement when it ends; it is then
// withdrawn: emitted once more with Confidence 0 and a summary saying why.
// The other episodes only grow and cannot fail once they qualify.

// Re-emission cadence of an open episode: when its End has advanced by
// reemitMs, or its confidence has moved by reemitConf, since it was last
// emitted. An analyst watching live learns of a growing encounter every
// hour, not at every fix.
const (
	reemitMs   = hourMs
	reemitConf = 0.05
)

// state is where an emitted event stands.
type state uint8

const (
	final     state = iota // the event will not change
	open                   // its episode goes on: it will be emitted again under its ID
	withdrawn              // emitted open, it ended without meeting its definition
)

// emitFunc is how episode detectors emit.
type emitFunc func(e event.Event, s state)

// finalOnly adapts an Emitter for a detector used on its own, which then
// emits each event once, when it is final.
func finalOnly(emit Emitter) emitFunc {
	return func(e event.Event, s state) {
		if s == final {
			emit(e)
		}
	}
}

// progress is what an episode detector remembers of the open emissions of
// one episode.
type progress struct {
	sent bool
	end  int64 // End of the last emission, Unix ms
	conf float64
}

// due reports whether an open episode now ending at end with confidence
// conf is to be emitted (again).
func (p *progress) due(end int64, conf float64) bool {
	return !p.sent || end-p.end >= reemitMs || math.Abs(conf-p.conf) >= reemitConf
}

func (p *progress) mark(end int64, conf float64) { p.sent, p.end, p.conf = true, end, conf }

// Emission is one emission of an event by the engine.
type Emission struct {
	Event event.Event
	// First is set on the first emission of the event's ID.
	First bool
	// Open is set while the event's episode goes on: the event will be
	// emitted again under its ID as it grows, and a last time, with Open
	// unset, when it ends.
	Open bool
	// Withdrawn is set when an event emitted open ended without meeting
	// its definition (an encounter whose median speed over its whole span
	// was too high): Event is its last form, with Confidence 0 and a
	// summary saying why. It will not be emitted again.
	Withdrawn bool

	gone bool // withdrawn before it was taken: nobody saw it
}

// Final returns the last version of each event in ems, leaving out the
// withdrawn, ordered by start time then id: what a batch run writes.
func Final(ems []Emission) []event.Event {
	at := make(map[string]int, len(ems))
	var out []event.Event
	for i := range ems {
		em := &ems[i]
		if em.gone {
			continue
		}
		j, ok := at[em.Event.ID]
		if !ok {
			j = len(out)
			at[em.Event.ID] = j
			out = append(out, event.Event{})
		}
		out[j] = em.Event
		if em.Withdrawn {
			out[j].ID = "" // dropped below
		}
	}
	kept := out[:0]
	for _, e := range out {
		if e.ID != "" {
			kept = append(kept, e)
		}
	}
	clear(out[len(kept):])
	sortEvents(kept)
	return kept
}
