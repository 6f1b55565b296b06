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
	// Workers is how many goroutines tracking and detection run on. 1
	// (and 0): the caller's alone, which a live runner wants, since it
	// takes the events of each report as soon as it has given it. n >= 2:
	// n shards of the vessels by MMSI (Partition), each tracked on a
	// goroutine of its own with its vessels' detectors, and the detectors
	// that measure vessels against each other (detect.Pairs) on one more,
	// fed in the order the reports were given, with the encounter pairs
	// on n more by cell (partition.go); the caller's goroutine
	// de-duplicates and hands out. The events are the same; they are taken
	// once the core is closed (Close, Finish), as a batch run does.
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
	// Handed: given to a shard on another goroutine (Options.Workers),
	// which counts what becomes of it.
	Handed
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
// harness (feedTaking). With Options.Workers it runs in shards
// (partition.go); with one worker, the single shard and the pair side run
// on the caller's goroutine, report by report.
type Core struct {
	tracked func(u *track.Update)
	dd      *fuse.Deduper
	shards  []*shard
	pairs   *detect.Pairs
	run     *workers // the goroutines, nil with one worker
	n       Counts
	pf      detect.PairFix    // scratch, with one worker
	closed  []detect.Emission // the other shards' events, taken when closed
}

// shard is the vessels of one partition: their tracker and the
// detectors' vessel side.
type shard struct {
	tr  *track.Tracker
	eng *detect.Engine
	so  detect.StaticObs
	n   Counts // Tracked, OutOfOrder, Redelivered
}

// report tracks r and runs the vessel side on it, filling pf for the pair
// side (left empty when it has nothing for it).
func (s *shard) report(r *fuse.Report, pf *detect.PairFix) Outcome {
	if r.Kind == fuse.Static {
		v, changes := s.tr.Static(r)
		s.so = detect.StaticObs{Vessel: v, Report: r, Changes: changes}
		s.eng.StaticVessel(&s.so, pf)
		s.so = detect.StaticObs{}
		return Identity
	}
	u, ok := s.tr.Position(r)
	if !ok {
		if !s.eng.UntrackedVessel(u.Vessel, pf) {
			*pf = detect.PairFix{}
		}
		if u.Redelivered {
			s.n.Redelivered++
			return Redelivered
		}
		s.n.OutOfOrder++
		return OutOfOrder
	}
	s.n.Tracked++
	s.eng.PositionVessel(&u, pf)
	return Tracked
}

// NewCore returns an empty core.
func NewCore(opts Options) *Core {
	c := &Core{dd: fuse.NewDeduper(opts.Dedup), tracked: opts.Tracked}
	var eng *detect.Engine
	if opts.Open {
		eng = detect.NewEngine(opts.Detect, opts.Places)
	} else {
		eng = detect.NewBatchEngine(opts.Detect, opts.Places)
	}
	c.pairs = eng.Pairs()
	n := max(1, opts.Workers)
	for i := range n {
		if i > 0 {
			eng = eng.Shard()
		}
		c.shards = append(c.shards, &shard{tr: track.New(opts.Track), eng: eng})
	}
	if n > 1 {
		c.run = startWorkers(c)
	}
	return c
}

// Report takes one report. Reports must come in time order (a Reorder
// per input, and a merge of inputs, make them so); a position that does
// not is counted OutOfOrder when it is older than its segment's last fix.
// With several workers it returns Duplicate or Handed.
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
	if c.run != nil {
		c.run.hand(r)
		return Handed
	}
	out := c.shards[0].report(r, &c.pf)
	c.take(&c.pf)
	return out
}

// take runs the pair side on what a shard made of a report.
func (c *Core) take(pf *detect.PairFix) {
	if pf.Empty() {
		return
	}
	c.pairs.Take(pf)
	if c.tracked != nil {
		if u, ok := pf.Tracked(); ok {
			c.tracked(&u)
		}
	}
}

// TakeEvents returns what the detectors emitted since the last call
// (detect.Engine.TakeEvents): a live runner calls it after every report.
// With several workers, nothing until the core is closed.
func (c *Core) TakeEvents() []detect.Emission {
	if c.run != nil {
		return nil
	}
	out := c.closed
	c.closed = nil
	for _, s := range c.shards {
		out = append(out, s.eng.TakeVessel()...)
	}
	return append(out, c.pairs.TakeEvents()...)
}

// Close closes what the detectors hold open, as at the end of the data;
// what they emit is then taken with TakeEvents. With several workers it
// waits for every report to have gone through; the core then runs on the
// caller's goroutine alone, its shards' vessels in one tracker.
func (c *Core) Close() {
	if c.run != nil {
		c.run.stop()
		c.run = nil
	}
	var now int64
	for _, s := range c.shards {
		now = max(now, s.eng.Now())
	}
	for _, s := range c.shards {
		s.eng.CloseVessel(now)
	}
	c.pairs.Close(now)
	first := c.shards[0]
	for _, s := range c.shards[1:] {
		c.closed = append(c.closed, s.eng.TakeVessel()...)
		first.tr.Absorb(s.tr)
		first.n.Tracked += s.n.Tracked
		first.n.OutOfOrder += s.n.OutOfOrder
		first.n.Redelivered += s.n.Redelivered
	}
	c.shards = c.shards[:1]
}

// Finish closes what is open and returns every event not taken yet, each
// once in its final version, ordered by start then id: all the events of
// a batch run.
func (c *Core) Finish() []event.Event {
	c.Close()
	return detect.Final(c.TakeEvents())
}

// Coverage returns what each feed delivered over time and its outages
// (detect.Engine.Coverage); with several workers, once closed.
func (c *Core) Coverage() detect.Coverage { return c.pairs.Coverage() }

// Tracker is the core's tracker, for reading vessels' state once the
// core is done (profiles, networks) or on the core's goroutine; with
// several workers, once closed.
func (c *Core) Tracker() *track.Tracker { return c.shards[0].tr }

// Counts returns what the core has done so far; with several workers,
// what became of the reports handed out is counted once closed.
func (c *Core) Counts() Counts {
	n := c.n
	for _, s := range c.shards {
		n.Tracked += s.n.Tracked
		n.OutOfOrder += s.n.OutOfOrder
		n.Redelivered += s.n.Redelivered
	}
	return n
}
