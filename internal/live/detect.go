package live

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/store"
)

// The feed log keeps 8 days of data time, as the gap detector keeps
// reception (detect.GapOptions.ReceptionKeepMs): events older than that
// take every feed that heard their vessel (Pipeline.inputFeeds). It is
// trimmed once a minute.
const (
	heardKeepMs      = 8 * 24 * 3600 * 1000
	heardTrimEveryMs = 60 * 1000
)

// storeBatch is what the detect goroutine hands the store goroutine.
type storeBatch struct {
	pos    []store.Position
	idents []identity
	events []storedEvent
	done   chan struct{} // closed once written (Flush)
}

// identKey is an identity record being gathered: one per vessel, field,
// value and feed, so that each partner sees when its feeds heard it.
type identKey struct {
	mmsi  uint32
	field string
	value string
	feed  uint64
}

// shownIdentity is the name and ship type the live stream shows with a
// vessel's positions, each with the feeds that said it: a subscriber
// not cleared for any of them gets the position without it.
type shownIdentity struct {
	name          string
	nameFeeds     uint64
	shipType      uint8
	shipTypeFeeds uint64
}

type identity struct {
	mmsi uint32
	rec  store.IdentityRecord
}

type storedEvent struct {
	ev   event.Event
	prov store.Provenance
	// after is how many positions had entered the provenance hold when
	// the event was emitted: it goes to the store once they have all
	// left it, never ahead of the positions it was made of.
	after int64
}

// maxFutureMs is how far ahead of the clock a report may be stamped: a
// receiver's clock a few minutes fast is tolerated; a line stamped
// further ahead (a broken clock, or one sent on purpose to an open
// receiver) is counted under invalid "future" and not tracked, detected
// or stored, so that it cannot move the vessel's track, or any view's
// "now", ahead of everything else. It is well within the store's
// MaxFuture (1 h), which would refuse the whole batch.
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
		case <-tick.C:
			p.releaseReordered(false)
			p.flush(false, nil)
			if now := p.nowMs(); now-p.heardTrimmed > heardTrimEveryMs {
				p.heardTrimmed = now
				p.heard.trim(p.maxTime - heardKeepMs)
				p.said.trim(p.maxTime - heardKeepMs)
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
// reports of feeds with a reorder window wait in it first.
func (p *Pipeline) process(b []fuse.Report) {
	bs := p.begin()
	bs.all = int64(len(b))
	for i := range b {
		r := &b[i]
		if rb := p.reorder[r.Feed]; rb != nil {
			rb.Push(r, bs.wall)
			p.released = rb.Release(p.released[:0], bs.wall, false)
			for i := range p.released {
				p.track(&p.released[i], bs)
			}
			continue
		}
		p.track(r, bs)
	}
	p.end(bs)
}

// releaseReordered tracks what the reorder windows let go: by time on a
// tick, everything at the end.
func (p *Pipeline) releaseReordered(all bool) {
	bs := p.begin()
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
	p.heard.add(r.MMSI, r.Time, bit)
	p.maxTime = max(p.maxTime, r.Time)
	switch out := p.core.Report(r); out {
	case ingest.Duplicate:
		switch r.Kind {
		case fuse.Position:
			// Subscribers cleared for this feed and none that heard it
			// first get it now.
			if held, prior, ok := p.prov.merge(r.Key, bit); ok && bs.pub && prior&bit == 0 {
				held.Feeds = bit
				bs.live = append(bs.live, p.livePosition(held, prior))
			}
		case fuse.Static:
			p.noteIdentity(r, bit)
		}
		bs.dups++
		return
	case ingest.Identity:
		p.noteIdentity(r, bit)
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
			p.prov.add(r.Key, pos, bs.wall)
		}
		if tracked && bs.pub {
			bs.live = append(bs.live, p.livePosition(pos, 0))
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
	p.pendPos = p.prov.release(p.pendPos, bs.wall-p.holdMs, p.opts.MaxHeld, false)
	p.held.Store(int64(p.prov.len()))
	var waiting int
	for _, rb := range p.reorder {
		if rb != nil {
			waiting += rb.Len()
		}
	}
	p.reordering.Store(int64(waiting))
	if len(p.pendPos) >= p.opts.StoreBatch {
		p.sendStore(nil)
	}
}

// livePosition is pos as the live stream shows it, with the name and
// ship type the vessel said last; prior is the feeds that had heard the
// same transmission already.
func (p *Pipeline) livePosition(pos store.Position, prior uint64) Position {
	sh := p.shown[pos.MMSI]
	return Position{Position: pos, Prior: prior, Name: sh.name, NameFeeds: sh.nameFeeds, ShipType: sh.shipType, ShipTypeFeeds: sh.shipTypeFeeds}
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

// takeEvents picks up the events the detectors emitted since last time.
func (p *Pipeline) takeEvents() {
	for _, em := range p.core.TakeEvents() {
		p.newEvent(em)
	}
}

// newEvent stores and publishes one emission of an event with its
// provenance: an episode (an encounter, a port call) is emitted as soon as
// it qualifies and again as it grows, under one ID; the store keeps its
// latest version (with the provenance of its whole span so far) and
// subscribers get each. Only the first emission of an event counts.
func (p *Pipeline) newEvent(em detect.Emission) {
	e := em.Event
	prov := store.Provenance{Feeds: p.inputFeeds(e.MMSI, &e)}
	if other := cmp.Or(e.OtherMMSI, e.PreviousMMSI()); other != 0 {
		prov.OtherFeeds = p.inputFeeds(other, &e)
	}
	p.pendEv = append(p.pendEv, storedEvent{ev: e, prov: prov, after: p.prov.entered()})
	if em.First {
		p.nEvents.Add(1)
		p.m.events.WithLabelValues(string(e.Type)).Inc()
	}
	p.hub.publishAlert(&e, prov)
}

// inputFeeds is the provenance of one input of an event: the feeds that
// heard the vessel while the event happened. An event about identity (a
// change, a watchlist hit, an invalid identity) is made of what the
// vessel said in its static reports, names included: its input is the
// feeds that heard those. When the feed log has forgotten that time (an
// identity first heard long ago), it is every feed that heard the vessel
// (said it) in this run.
func (p *Pipeline) inputFeeds(mmsi uint32, e *event.Event) uint64 {
	from, to := e.Start.UnixMilli(), e.End.UnixMilli()
	if e.FromIdentities() {
		if f := p.said.during(mmsi, from, to); f != 0 {
			return f
		}
	}
	return p.heard.during(mmsi, from, to)
}

// noteIdentity records the identity a static report carries, merged
// with what was heard since the last flush.
func (p *Pipeline) noteIdentity(r *fuse.Report, feeds uint64) {
	s := r.Info
	if s == nil {
		return
	}
	p.said.add(r.MMSI, r.Time, feeds)
	add := func(field, value string) {
		if value == "" {
			return
		}
		k := identKey{r.MMSI, field, value, feeds}
		rec, ok := p.idents[k]
		if !ok {
			rec = store.IdentityRecord{Field: field, Value: value, First: r.Time, Last: r.Time, Feeds: feeds}
		}
		rec.First = min(rec.First, r.Time)
		rec.Last = max(rec.Last, r.Time)
		p.idents[k] = rec
	}
	sh := p.shown[r.MMSI]
	if s.Has&fuse.HasName != 0 {
		add(event.FieldName, s.Name)
		if s.Name != sh.name {
			sh.name, sh.nameFeeds = s.Name, 0
		}
		sh.nameFeeds |= feeds
	}
	if s.Has&fuse.HasShipType != 0 {
		if s.ShipType != sh.shipType {
			sh.shipType, sh.shipTypeFeeds = s.ShipType, 0
		}
		sh.shipTypeFeeds |= feeds
	}
	p.shown[r.MMSI] = sh
	if s.Has&fuse.HasCallSign != 0 {
		add(event.FieldCallSign, s.CallSign)
	}
	if s.Has&fuse.HasIMO != 0 {
		add(event.FieldIMO, strconv.FormatUint(uint64(s.IMO), 10))
	}
	if s.Has&fuse.HasShipType != 0 {
		add(event.FieldShipType, strconv.Itoa(int(s.ShipType)))
	}
	if s.Has&fuse.HasDestination != 0 {
		add("destination", s.Destination)
	}
}

// flush hands the store what is due: held positions past
// ProvenanceHold (all of them when all is set), identities and events.
// done, when not nil, is closed once the store has written it.
func (p *Pipeline) flush(all bool, done chan struct{}) {
	p.pendPos = p.prov.release(p.pendPos, p.nowMs()-p.holdMs, p.opts.MaxHeld, all)
	p.held.Store(int64(p.prov.len()))
	p.sendStore(done)
}

// sendStore sends the pending positions, identities and the events whose
// positions have left the provenance hold to the store goroutine, in that
// order, waiting while its queue is full. An event still waiting for its
// positions stays pending: were it stored first, a crash could leave the
// event without them.
func (p *Pipeline) sendStore(done chan struct{}) {
	for len(p.pendPos) > p.opts.StoreBatch {
		n := p.opts.StoreBatch
		p.storeq <- &storeBatch{pos: slices.Clone(p.pendPos[:n])}
		p.pendPos = append(p.pendPos[:0], p.pendPos[n:]...)
	}
	b := &storeBatch{done: done}
	if len(p.pendPos) > 0 {
		b.pos = p.pendPos
		p.pendPos = make([]store.Position, 0, p.opts.StoreBatch)
	}
	if len(p.idents) > 0 {
		b.idents = make([]identity, 0, len(p.idents))
		for k, rec := range p.idents {
			b.idents = append(b.idents, identity{mmsi: k.mmsi, rec: rec})
		}
		clear(p.idents)
	}
	n := 0
	for n < len(p.pendEv) && p.pendEv[n].after <= p.prov.left() {
		n++ // emitted in order, so the ready ones come first
	}
	if n == len(p.pendEv) {
		b.events, p.pendEv = p.pendEv, nil
	} else if n > 0 {
		b.events, p.pendEv = p.pendEv[:n:n], slices.Clone(p.pendEv[n:])
	}
	if len(b.pos) == 0 && len(b.idents) == 0 && len(b.events) == 0 && done == nil {
		return
	}
	p.storeq <- b
}

// finish closes what the detectors hold open, as at the end of a file,
// and flushes everything. The detectors' state is not kept across a
// restart, so what is open now would be lost otherwise.
func (p *Pipeline) finish() {
	p.releaseReordered(true)
	p.core.Close()
	p.takeEvents()
	p.snapMu.Lock()
	p.finalized = true
	p.snapMu.Unlock()
	// Every position, then every event: the risk picture is read back
	// from the store once they are written.
	written := make(chan struct{})
	p.flush(true, written)
	<-written // the store goroutine runs until this one has returned
	if evs, err := p.riskEvents(); err == nil {
		p.buildSnapshot(evs)
	} else {
		p.log.Error("risk picture: reading the stored events", "err", err)
	}
}

// storeLoop is the single writer to the store. It runs until the store
// queue is closed, then syncs the store.
func (p *Pipeline) storeLoop() {
	for b := range p.storeq {
		if len(b.pos) > 0 {
			p.appendPositions(b.pos)
		}
		for _, id := range b.idents {
			if err := p.st.PutIdentity(id.mmsi, id.rec); err != nil {
				p.storeErr("identity", err)
			}
		}
		for _, e := range b.events {
			if err := p.st.PutEvent(e.ev, e.prov); err != nil {
				p.storeErr("event", err)
			}
		}
		if b.done != nil {
			close(b.done)
		}
	}
	if err := p.st.Sync(); err != nil {
		p.storeErr("sync", err)
	}
}

// appendPositions appends a batch, taking out any position the store
// refuses (it refuses a batch whole for one bad position).
func (p *Pipeline) appendPositions(ps []store.Position) {
	for len(ps) > 0 {
		err := p.st.Append(ps)
		if err == nil {
			p.nStored.Add(int64(len(ps)))
			p.m.stored.Add(float64(len(ps)))
			return
		}
		var pe *store.PositionError
		if errors.As(err, &pe) && pe.Index >= 0 && pe.Index < len(ps) {
			p.nInvalid.Add(1)
			p.m.invalid.WithLabelValues("store").Inc()
			ps = slices.Delete(ps, pe.Index, pe.Index+1)
			continue
		}
		p.storeErr("append", err)
		return
	}
}

func (p *Pipeline) storeErr(what string, err error) {
	p.nStoreErr.Add(1)
	p.m.storeErrs.WithLabelValues(what).Inc()
	p.warn("store-"+what, "store write failed", "what", what, "err", err)
}
