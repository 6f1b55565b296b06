package live

import (
	"time"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/store"
)

// maxFutureMs is how far ahead of the clock a report may be stamped: a
// receiver's clock a few minutes fast is tolerated; a line stamped
// further ahead (a broken clock, or one sent on purpose to an open
// receiver) is counted under invalid "future" and not tracked, detected
// or stored, so that it cannot move the vessel's track, or any view's
// "now", ahead of everything else. It is well within the store's
// MaxFuture (1 h), which would refuse the whole batch. A line within it
// but far ahead of its own feed's recent time is judged against that
// (ahead.go).
const maxFutureMs = int64(10 * time.Minute / time.Millisecond)

// detectLoop is the single owner of the tracker and the detectors. It
// runs until the report queue is closed (every feed has stopped), then
// closes what is open, flushes everything to the store and closes the
// store queue.
func (p *Pipeline) detectLoop() {
	defer close(p.detectDone)
	defer close(p.storeq)
	tick := time.NewTicker(p.opts.FlushInterval)
	defer tick.Stop()
	for {
		select {
		case b, ok := <-p.reports:
			if !ok {
				p.finish()
				return
			}
			p.process(b)
			p.giveReportArray(b)
		case <-tick.C:
			p.releaseReordered(false)
			p.releaseRadar(false)
			p.flush(nil)
			if now := p.nowMs(); now-p.heardTrimmed > heardTrimEveryMs {
				p.heardTrimmed = now
				p.heard.trim(p.forgettable)
				p.said.trim(p.forgettable)
				p.trimGiven()
			}
		case fn := <-p.ctl:
			fn()
		}
	}
}

// batchState is what tracking one batch gathers.
type batchState struct {
	wall, maxT                                int64
	pub                                       bool
	live                                      []Position
	dups, tracked, ooo, redeliv, invalid, all int64
}

func (p *Pipeline) begin() *batchState {
	wall := p.nowMs()
	return &batchState{wall: wall, maxT: wall + maxFutureMs, pub: p.hub.Subscribers() > 0}
}

// process tracks one batch of reports and runs the detectors on it;
// a network feed's reports stamped far ahead of the feed's own recent
// time wait until the feed confirms them (ahead.go), and reports of
// feeds with a reorder window wait in it.
func (p *Pipeline) process(b []fuse.Report) {
	bs := p.begin()
	bs.all = int64(len(b))
	for i := range b {
		r := &b[i]
		if g := p.ahead[r.Feed]; g != nil && r.Time <= bs.maxT {
			var dropped int
			p.admitted, dropped = g.admit(p.admitted[:0], r, bs.wall)
			p.countAhead(bs, dropped)
			for i := range p.admitted {
				p.take(&p.admitted[i], bs)
			}
			continue
		}
		p.take(r, bs)
	}
	p.end(bs)
}

// take tracks a report, or puts it in its feed's reorder window.
func (p *Pipeline) take(r *fuse.Report, bs *batchState) {
	rb := p.reorder[r.Feed]
	if rb == nil {
		p.track(r, bs)
		return
	}
	rb.Push(r, bs.wall)
	p.released = rb.Release(p.released[:0], bs.wall, false)
	for i := range p.released {
		p.track(&p.released[i], bs)
	}
}

// countAhead counts n reports dropped because they were stamped far
// ahead of their feed and the feed never confirmed them.
func (p *Pipeline) countAhead(bs *batchState, n int) {
	if n > 0 {
		bs.invalid += int64(n)
		p.m.invalid.WithLabelValues("ahead").Add(float64(n))
	}
}

// releaseReordered tracks what the reorder windows let go: by time on a
// tick, everything at the end. Reports held for being far ahead of their
// feed and not confirmed in aheadWaitMs (all of them at the end) are
// taken, or counted and dropped if the feed contradicted them.
func (p *Pipeline) releaseReordered(all bool) {
	bs := p.begin()
	for _, g := range p.ahead {
		if g != nil {
			var dropped int
			p.admitted, dropped = g.expire(p.admitted[:0], bs.wall-aheadWaitMs, all)
			p.countAhead(bs, dropped)
			for i := range p.admitted {
				p.take(&p.admitted[i], bs)
			}
		}
	}
	for _, rb := range p.reorder {
		if rb != nil {
			p.released = rb.Release(p.released[:0], bs.wall, all)
			for i := range p.released {
				p.track(&p.released[i], bs)
			}
		}
	}
	p.end(bs)
}

// track de-duplicates, tracks and detects one report.
func (p *Pipeline) track(r *fuse.Report, bs *batchState) {
	if r.Time > bs.maxT {
		bs.invalid++
		p.m.invalid.WithLabelValues("future").Inc()
		return
	}
	bit := p.bits[r.Feed]
	if r.Kind == fuse.Position {
		// Events built from positions take the feeds that heard
		// positions: a feed that heard only the vessel's name must not
		// release where it was (static reports go to p.said).
		p.heard.add(r.MMSI, r.Time, bit)
	}
	p.maxTime = max(p.maxTime, r.Time)
	p.feedMax[r.Feed] = max(p.feedMax[r.Feed], r.Time)
	switch out := p.core.Report(r); out {
	case ingest.Duplicate:
		switch r.Kind {
		case fuse.Position:
			// The stored position gets this feed too; subscribers
			// cleared for this feed and none that heard it first get it
			// now.
			if held, prior, ok := p.prov.merge(r.Key, bit); ok && prior&bit == 0 {
				p.pendFeeds = append(p.pendFeeds, store.Position{MMSI: held.MMSI, Time: held.Time, Lat: held.Lat, Lon: held.Lon, Feeds: bit})
				if bs.pub {
					held.Feeds = bit
					bs.live = append(bs.live, p.livePosition(held, prior))
				}
			}
		case fuse.Static:
			p.noteIdentity(r, bit)
		}
		bs.dups++
		return
	case ingest.Identity:
		p.noteIdentity(r, bit)
		p.radarCraft(r)
	case ingest.Tracked, ingest.OutOfOrder, ingest.Redelivered:
		tracked := out == ingest.Tracked
		switch out {
		case ingest.Tracked:
			bs.tracked++
		case ingest.Redelivered:
			bs.redeliv++ // stored, not tracked
		default:
			bs.ooo++ // stored, not tracked
		}
		pos := store.Position{MMSI: r.MMSI, Time: r.Time, Lat: r.Lat, Lon: r.Lon, SOG: r.SOG, COG: r.COG, Heading: r.Heading, Status: r.Status, Feeds: bit}
		if reason := checkPosition(&pos, bs.maxT); reason != "" {
			bs.invalid++
			p.m.invalid.WithLabelValues(reason).Inc()
		} else {
			// Written on arrival (end); copies other feeds hear later add
			// their feeds to it.
			p.pendPos = append(p.pendPos, pos)
			if p.holdMs > 0 && r.Key != 0 {
				p.prov.add(r.Key, pos, bs.wall)
			}
		}
		if tracked && bs.pub {
			bs.live = append(bs.live, p.livePosition(pos, 0))
		}
		if tracked {
			p.radarFix(r, bit)
		}
	}
	p.takeEvents()
}

// end publishes and counts what a batch did, and hands the store what
// is due.
func (p *Pipeline) end(bs *batchState) {
	p.nReports.Add(bs.all)
	p.nDups.Add(bs.dups)
	p.nTracked.Add(bs.tracked)
	p.nOutOfOrder.Add(bs.ooo)
	p.nRedelivered.Add(bs.redeliv)
	p.nInvalid.Add(bs.invalid)
	if len(bs.live) > 0 {
		p.hub.publishPositions(bs.live)
	}
	p.prov.expire(bs.wall-p.holdMs, p.opts.MaxHeld)
	p.held.Store(int64(p.prov.len()))
	var waiting int
	for _, rb := range p.reorder {
		if rb != nil {
			waiting += rb.Len()
		}
	}
	p.reordering.Store(int64(waiting))
	waiting = 0
	for _, g := range p.ahead {
		if g != nil {
			waiting += len(g.held)
		}
	}
	p.aheadHeld.Store(int64(waiting))
	// What was tracked goes to the store now, unless more reports are
	// queued: then it goes with theirs (a batch of up to StoreBatch
	// positions, one write), so that a busy feed is written in large
	// batches and a quiet one at once.
	if len(p.reports) == 0 || len(p.pendPos)+len(p.pendFeeds) >= p.opts.StoreBatch {
		p.sendStore(nil)
	}
}

// checkPosition returns why the store would refuse p, or "".
func checkPosition(p *store.Position, maxT int64) string {
	switch {
	case p.MMSI > 999_999_999:
		return "mmsi"
	case p.Time <= 0 || p.Time > maxT:
		return "time"
	}
	return ""
}

// finish closes what the detectors hold open, as at the end of a file,
// and flushes everything. The detectors' state is not kept across a
// restart, so what is open now would be lost otherwise.
func (p *Pipeline) finish() {
	p.releaseReordered(true)
	p.releaseRadar(true)
	if p.unseen != nil {
		p.radarEmit(p.unseen.Flush())
	}
	p.core.Close()
	p.takeEvents()
	p.snapMu.Lock()
	p.finalized = true
	p.snapMu.Unlock()
	// Every position, then every event: the risk picture is read back
	// from the store once they are written.
	written := make(chan struct{})
	p.flush(written)
	<-written // the store goroutine runs until this one has returned
	if evs, err := p.riskEvents(); err == nil {
		p.buildSnapshot(evs)
	} else {
		p.log.Error("risk picture: reading the stored events", "err", err)
	}
}
