package server

import (
	"slices"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
)

// redactCandidates keeps, of a dark vessel's candidates (AIS vessels in a
// gap that could be the dark one, heard by feeds other than the sensor's
// that made the event), those the view sees a position of; the others go
// from the list, from the evidence (their last fixes) and from the
// summary, so that an event a partner may see through its sensor's feed
// does not name vessels it may not see. The event is changed in place:
// callers pass their own copy.
func (sc scope) redactCandidates(e *event.Event) {
	if len(e.Candidates) == 0 || sc.v.full {
		return
	}
	var kept, dropped []uint32
	for _, m := range e.Candidates {
		if _, ok := sc.LatestOf(m); ok {
			kept = append(kept, m)
		} else {
			dropped = append(dropped, m)
		}
	}
	if len(dropped) == 0 {
		return
	}
	// The summary names each candidate: say only the kept ones.
	e.Summary = detection.SummaryFor(e, func(m uint32) bool { return slices.Contains(kept, m) })
	e.Candidates = kept
	var ev []event.Fix
	for _, f := range e.Evidence {
		if f.MMSI != 0 && slices.Contains(dropped, f.MMSI) {
			continue
		}
		ev = append(ev, f)
	}
	e.Evidence = ev
	if e.Details != nil {
		d := make(map[string]float64, len(e.Details))
		for k, v := range e.Details {
			d[k] = v
		}
		d["candidates"] = float64(len(kept))
		if len(kept) == 0 {
			delete(d, "candidates")
		}
		e.Details = d
	}
}
