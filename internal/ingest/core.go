package ingest

import (
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/track"
)

// Options configures a Core. The zero value means the defaults of each
// stage.
type Options struct {
	Dedup  fuse.DedupOptions
	Track  track.Options
	Detect detect.Options
	Places detect.Places
	// Tracked, when set, is called with every tracked position after the
	// detectors saw it, on the core's goroutine (a batch run keeps the
	// tracks it writes out with it). The update is valid during the call.
	Tracked func(u *track.Update)
	// Open makes the detectors emit episodes (encounters, port calls, ...)
	// as soon as they qualify and again as they grow, for a server whose
	// analysts watch them go on. Default false: each event is emitted
	// once, final, as a run over archived data wants (detect.NewBatchEngine).
	Open bool
	// Workers is how many goroutines the core runs on. 1 (and 0): the
	// caller's alone, which a live runner wants, since it takes the events
	// of each report as soon as it has given it. 2 or more: the detectors
	// that measure vessels against each other (dark periods, encounters,
	// dark rendezvous: detect.Pairs) run on a goroutine of their own, fed
	// in the order the caller's goroutine tracked the positions, with the
	// same events; their events are then taken after Close (or with
	// Finish), for a batch run. More goroutines are not used yet.
	Workers int
}

// Outcome is what the core did with a report.
type Outcome uint8

const (
	// Duplicate: a copy of a transmission already heard, not tracked.
	Duplicate Outcome = iota
	// Tracked: a position, tracked and seen by every detector.
	Tracked
	// OutOfOrder: a position older than its segment's last fix: counted,
	// not tracked.
	OutOfOrder
	// Identity: a static report, taken into the vessel's identity and
	// seen by every detector.
	Identity
	// Redelivered: a position repeating the vessel's earlier position
	// under a later time (track/redelivery.go): counted, not tracked.
	Redelivered
)

// Counts is what a core has done so far.
type Counts struct {
	// Reports reached tracking (Duplicates were not).
	Reports, Duplicates, Tracked, OutOfOrder, Redelivered int64
	// First and Last are the Unix ms of the earliest and latest report.
	First, Last int64
}

// Core takes reports in time order through de-duplication, tracking and
// every detector. It is the one implementation of that path: the batch
// job (and so the quality test) and the live pipeline run it; the detect
// package's own tests, which cannot import this package, mirror it in one
// harness (feedTaking).
type Core struct {
	tracked func(u *track.Update)
	dd      *fuse.Deduper
	tr      *track.Tracker
	eng     *detect.Engine
	pairs   *pairRunner // the pair side's goroutine, nil when none
	n       Counts
}

// NewCore returns an empty core.
func NewCore(opts Options) *Core {
	c := &Core{dd: fuse.NewDeduper(opts.Dedup), tr: track.New(opts.Track), tracked: opts.Tracked}
	if opts.Open {
		c.eng = detect.NewEngine(opts.Detect, opts.Places)
	} else {
		c.eng = detect.NewBatchEngine(opts.Detect, opts.Places)
	}
	if opts.Workers > 1 {
		c.pairs = startPairs(c.eng.Pairs())
	}
	return c
}

// Report takes one report. Reports must come in time order (a Reorder
// per input, and a merge of inputs, make them so); a position that does
// not is counted OutOfOrder when it is older than its segment's last fix.
func (c *Core) Report(r *fuse.Report) Outcome {
	if r.Key != 0 {
		if dup, _ := c.dd.Seen(r.Key, r.Time); dup {
			c.n.Duplicates++
			return Duplicate
		}
	}
	c.n.Reports++
	if c.n.First == 0 || r.Time < c.n.First {
		c.n.First = r.Time
	}
	c.n.Last = max(c.n.Last, r.Time)
	if r.Kind == fuse.Static {
		v, changes, share := c.tr.Static(r)
		c.eng.Static(&detect.StaticObs{Vessel: v, Report: r, Changes: changes, Share: share})
		return Identity
	}
	u, ok := c.tr.Position(r)
	if !ok && u.Redelivered {
		c.n.Redelivered++
		return Redelivered
	}
	if !ok {
		c.n.OutOfOrder++
		return OutOfOrder
	}
	c.n.Tracked++
	if c.pairs != nil {
		c.pairs.position(c.eng, &u)
	} else {
		c.eng.Position(&u)
	}
	if c.tracked != nil {
		c.tracked(&u)
	}
	return Tracked
}

// TakeEvents returns what the detectors emitted since the last call
// (detect.Engine.TakeEvents): a live runner calls it after every report.
// With Workers > 1, what the pair side emitted is taken only after Close.
func (c *Core) TakeEvents() []detect.Emission {
	if c.pairs != nil {
		return c.eng.TakeVessel()
	}
	return c.eng.TakeEvents()
}

// Close closes what the detectors hold open, as at the end of the data;
// what they emit is then taken with TakeEvents. With Workers > 1 it
// waits for the pair side to have seen every position; the core then
// runs on the caller's goroutine alone.
func (c *Core) Close() {
	if c.pairs != nil {
		c.pairs.stop()
		c.pairs = nil
	}
	c.eng.Close()
}

// Finish closes what is open and returns every event not taken yet, each
// once in its final version, ordered by start then id: all the events of
// a batch run.
func (c *Core) Finish() []event.Event {
	c.Close()
	return detect.Final(c.eng.TakeEvents())
}

// Coverage returns what each feed delivered over time and its outages
// (detect.Engine.Coverage); with Workers > 1, only once closed.
func (c *Core) Coverage() detect.Coverage { return c.eng.Coverage() }

// Tracker is the core's tracker, for reading vessels' state once the
// core is done (profiles, networks) or on the core's goroutine.
func (c *Core) Tracker() *track.Tracker { return c.tr }

// Counts returns what the core has done so far.
func (c *Core) Counts() Counts { return c.n }
