package live

import (
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/store"
)

// storeBatch is what the detect goroutine hands the store goroutine.
type storeBatch struct {
	pos    []store.Position
	idents []identity
	events []storedEvent
	done   chan struct{} // closed once written (Flush)
}

type identKey struct {
	mmsi  uint32
	field string
	value string
}

type identity struct {
	mmsi uint32
	rec  store.IdentityRecord
}

type storedEvent struct {
	ev    event.Event
	feeds uint64
}

// maxFutureMs mirrors the store's default MaxFuture: positions stamped
// further ahead of the clock are refused, and one refused position would
// fail its whole batch.
const maxFutureMs = int64(time.Hour / time.Millisecond)

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
		case fn := <-p.ctl:
			fn()
		}
	}
}

// batchState is what tracking one batch gathers.
type batchState struct {
	wall, maxT                       int64
	pub                              bool
	live                             []Position
	dups, tracked, ooo, invalid, all int64
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
			rb.push(r, bs.wall)
			rb.release(bs.wall, false, func(r *fuse.Report) { p.track(r, bs) })
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
			rb.release(bs.wall, all, func(r *fuse.Report) { p.track(r, bs) })
		}
	}
	p.end(bs)
}

// track de-duplicates, tracks and detects one report.
func (p *Pipeline) track(r *fuse.Report, bs *batchState) {
	bit := uint64(1) << r.Feed
	p.vfeeds[r.MMSI] |= bit
	if r.Key != 0 {
		if dup, _ := p.dd.Seen(r.Key, r.Time); dup {
			p.prov.merge(r.Key, bit)
			bs.dups++
			return
		}
	}
	switch r.Kind {
	case fuse.Position:
		u, ok := p.tr.Position(r)
		if ok {
			bs.tracked++
			p.eng.Position(&u)
		} else {
			bs.ooo++
		}
		pos := store.Position{MMSI: r.MMSI, Time: r.Time, Lat: r.Lat, Lon: r.Lon, SOG: r.SOG, COG: r.COG, Heading: r.Heading, Status: r.Status, Feeds: bit}
		if reason := checkPosition(&pos, bs.maxT); reason != "" {
			bs.invalid++
			p.m.invalid.WithLabelValues(reason).Inc()
		} else {
			p.prov.add(r.Key, pos, bs.wall)
		}
		if ok && bs.pub {
			lp := Position{Position: pos}
			lp.Name, _ = u.Vessel.ID.Names.Current()
			if st, ok := u.Vessel.ID.ShipTypes.Current(); ok {
				n, _ := strconv.Atoi(st)
				lp.ShipType = uint8(n)
			}
			bs.live = append(bs.live, lp)
		}
	case fuse.Static:
		v, changes, share := p.tr.Static(r)
		p.eng.Static(&detect.StaticObs{Vessel: v, Report: r, Changes: changes, Share: share})
		p.noteIdentity(r, bit)
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
	p.nInvalid.Add(bs.invalid)
	if len(bs.live) > 0 {
		p.hub.publishPositions(bs.live)
	}
	p.pendPos = p.prov.release(p.pendPos, bs.wall-p.opts.ProvenanceHold.Milliseconds(), p.opts.MaxHeld, false)
	p.held.Store(int64(p.prov.len()))
	var waiting int
	for _, rb := range p.reorder {
		if rb != nil {
			waiting += rb.len()
		}
	}
	p.reordering.Store(int64(waiting))
	if len(p.pendPos) >= p.opts.StoreBatch {
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

// takeEvents picks up the events the detectors emitted since last time.
func (p *Pipeline) takeEvents() {
	evs := p.eng.Events()
	for ; p.emitted < len(evs); p.emitted++ {
		p.newEvent(evs[p.emitted])
	}
}

// newEvent stores and publishes one event. Its provenance is the feeds
// that heard the vessels it involves.
func (p *Pipeline) newEvent(e event.Event) {
	feeds := p.vfeeds[e.MMSI]
	if e.OtherMMSI != 0 {
		feeds |= p.vfeeds[e.OtherMMSI]
	}
	p.pendEv = append(p.pendEv, storedEvent{ev: e, feeds: feeds})
	p.nEvents.Add(1)
	p.m.events.WithLabelValues(string(e.Type)).Inc()
	p.hub.publishAlert(&e)
}

// noteIdentity records the identity a static report carries, merged
// with what was heard since the last flush.
func (p *Pipeline) noteIdentity(r *fuse.Report, feeds uint64) {
	s := r.Info
	if s == nil {
		return
	}
	add := func(field, value string) {
		if value == "" {
			return
		}
		k := identKey{r.MMSI, field, value}
		rec, ok := p.idents[k]
		if !ok {
			rec = store.IdentityRecord{Field: field, Value: value, First: r.Time, Last: r.Time}
		}
		rec.First = min(rec.First, r.Time)
		rec.Last = max(rec.Last, r.Time)
		rec.Feeds |= feeds
		p.idents[k] = rec
	}
	if s.Has&fuse.HasName != 0 {
		add(event.FieldName, s.Name)
	}
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
	p.pendPos = p.prov.release(p.pendPos, p.nowMs()-p.opts.ProvenanceHold.Milliseconds(), p.opts.MaxHeld, all)
	p.held.Store(int64(p.prov.len()))
	p.sendStore(done)
}

// sendStore sends the pending positions, identities and events to the
// store goroutine, waiting while its queue is full.
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
	b.events, p.pendEv = p.pendEv, nil
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
	p.takeEvents()
	had := make(map[string]bool, p.emitted)
	for _, e := range p.eng.Events()[:p.emitted] {
		had[e.ID] = true
	}
	for _, e := range p.eng.Finish() {
		if !had[e.ID] {
			had[e.ID] = true
			p.newEvent(e)
		}
	}
	p.snapMu.Lock()
	p.finalized = true
	p.snapMu.Unlock()
	p.flush(true, nil)
	p.buildSnapshot()
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
			if err := p.st.PutEvent(e.ev, e.feeds); err != nil {
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
