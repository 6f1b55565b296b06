package live

import (
	"time"

	"github.com/picket-ais/picket/internal/fuse"
)

// A receiver's clock, or a line sent on purpose to an open receiver, may
// stamp a report far ahead of what the feed has been sending: a feed that
// delivers data hours old (a satellite feed, a receiver forwarding its
// backlog) would have its time, and the "now" of every view cleared for
// it, moved hours on by one line stamped with the clock, which the
// wall-clock guard (maxFutureMs) lets through. So a network feed's report
// stamped more than maxAheadMs past the feed's own recent time (the
// newest time of the reports it took) is held, not trusted:
//
//   - it is taken as soon as the feed confirms the move: another report
//     of the feed, of another transmission, stamped within maxAheadMs of
//     it (a receiver back after a silence, a satellite feed's next pass:
//     both send more, old backlog mixed in or not), or the feed's time
//     catching up with it;
//   - unconfirmed after aheadWaitMs of wall clock, it is counted under
//     invalid "ahead" and dropped if the feed went on in its old time
//     meanwhile (a report stamped within maxAheadMs of the feed's recent
//     time came after it): a stray line;
//   - otherwise it is taken then: a feed that fell silent for over an
//     hour and came back with one report.
//
// maxAheadMs is an hour, so that a sparse feed's gaps, and a receiver's
// clock a few minutes off, hold nothing. File replays are the operator's
// own data and are not held.
const (
	maxAheadMs   = int64(time.Hour / time.Millisecond)
	aheadWaitMs  = int64(time.Minute / time.Millisecond)
	maxAheadHeld = 256 // per feed; past it the oldest is counted and dropped
)

// aheadGuard is one network feed's recent time and the reports it holds.
type aheadGuard struct {
	recent int64 // newest time of the reports taken, Unix ms; 0 before the first
	held   []heldAhead
}

type heldAhead struct {
	r     fuse.Report
	wall  int64 // arrival, Unix ms
	stray bool  // the feed went on in its old time after it
}

// admit appends to out the reports of the feed to take now: r, unless it
// is held, and the held reports r confirms or the feed's time has caught
// up with. dropped counts a report pushed out of a full hold.
func (g *aheadGuard) admit(out []fuse.Report, r *fuse.Report, wall int64) (_ []fuse.Report, dropped int) {
	if g.recent == 0 || r.Time <= g.recent+maxAheadMs {
		g.recent = max(g.recent, r.Time)
		out = g.release(append(out, *r))
		// What is held still, r contradicts: stray lines, unless the
		// feed confirms them before they expire.
		for i := range g.held {
			g.held[i].stray = true
		}
		return out, 0
	}
	for i := range g.held {
		h := &g.held[i].r
		if !sameTransmission(h, r) && h.Time >= r.Time-maxAheadMs && h.Time <= r.Time+maxAheadMs {
			// Confirmed: the feed has moved on.
			g.recent = r.Time
			out = append(out, *r)
			return g.release(out), 0
		}
	}
	if len(g.held) >= maxAheadHeld {
		g.held = append(g.held[:0], g.held[1:]...)
		dropped = 1
	}
	g.held = append(g.held, heldAhead{r: *r, wall: wall})
	return out, dropped
}

// release appends the held reports within maxAheadMs of the feed's
// recent time to out, in the order they came, and moves the recent time
// on with them.
func (g *aheadGuard) release(out []fuse.Report) []fuse.Report {
	for moved := true; moved && len(g.held) > 0; {
		moved = false
		k := 0
		for _, h := range g.held {
			if h.r.Time <= g.recent+maxAheadMs {
				out = append(out, h.r)
				if h.r.Time > g.recent {
					g.recent, moved = h.r.Time, true
				}
				continue
			}
			g.held[k] = h
			k++
		}
		clear(g.held[k:])
		g.held = g.held[:k]
	}
	return out
}

// expire settles the reports held since before cutoff (wall Unix ms),
// or all of them when the pipeline stops: those the feed contradicted are
// dropped (dropped counts them), the others appended to out in the order
// they came, moving the feed's time on with them.
func (g *aheadGuard) expire(out []fuse.Report, cutoff int64, all bool) (_ []fuse.Report, dropped int) {
	for len(g.held) > 0 && (all || g.held[0].wall <= cutoff) {
		h := g.held[0]
		g.held = append(g.held[:0], g.held[1:]...)
		if h.stray {
			dropped++
			continue
		}
		g.recent = max(g.recent, h.r.Time)
		out = g.release(append(out, h.r))
	}
	return out, dropped
}

// sameTransmission reports whether a and b are the same transmission at
// the same time: a copy confirms nothing.
func sameTransmission(a, b *fuse.Report) bool {
	return a.MMSI == b.MMSI && a.Time == b.Time && a.Key == b.Key
}
