package live

import (
	"errors"
	"slices"

	"github.com/picket-ais/picket/internal/store"
)

// storeBatch is what the detect goroutine hands the store goroutine.
type storeBatch struct {
	pos    []store.Position
	feeds  []store.Position // feeds added to positions written before (store.AddFeeds)
	idents []store.Identity
	events []store.EventWithProvenance
	done   chan struct{} // closed once written (Flush)
}

// flush hands the store whatever is pending and forgets the positions
// whose copies can no longer add a feed. done, when not nil, is closed
// once the store has written it.
func (p *Pipeline) flush(done chan struct{}) {
	p.prov.expire(p.nowMs()-p.holdMs, p.opts.MaxHeld)
	p.held.Store(int64(p.prov.len()))
	p.sendStore(done)
}

// sendStore sends the pending positions, the feeds their copies added,
// the identities and the events to the store goroutine, in that order,
// waiting while its queue is full. Every position an event was made of
// was tracked before the event was emitted, so it is in this batch or an
// earlier one, ahead of the event: a crash never leaves an event without
// its positions.
func (p *Pipeline) sendStore(done chan struct{}) {
	for len(p.pendPos) > p.opts.StoreBatch {
		n := p.opts.StoreBatch
		p.storeq <- &storeBatch{pos: append(p.posArray(), p.pendPos[:n]...)}
		p.pendPos = append(p.pendPos[:0], p.pendPos[n:]...)
	}
	b := &storeBatch{done: done}
	if len(p.pendPos) > 0 {
		b.pos = p.pendPos
		p.pendPos = p.posArray()
	}
	if len(p.pendFeeds) > 0 {
		b.feeds, p.pendFeeds = p.pendFeeds, p.posArray()
	}
	if len(p.idents) > 0 {
		b.idents = make([]store.Identity, 0, len(p.idents))
		for k, rec := range p.idents {
			b.idents = append(b.idents, store.Identity{MMSI: k.mmsi, Record: rec})
		}
		clear(p.idents)
	}
	if len(p.pendEv) > 0 {
		b.events, p.pendEv = p.pendEv, nil
	}
	if len(b.pos) == 0 && len(b.feeds) == 0 && len(b.idents) == 0 && len(b.events) == 0 && done == nil {
		return
	}
	p.storeq <- b
}

// posArray returns an empty array for positions bound to the store, one
// the store goroutine gave back if there is one.
func (p *Pipeline) posArray() []store.Position {
	if b, ok := p.posArrays.Get().(*[]store.Position); ok {
		return (*b)[:0]
	}
	return make([]store.Position, 0, 256)
}

// storeLoop is the single writer to the store. It runs until the store
// queue is closed, then syncs the store.
func (p *Pipeline) storeLoop() {
	for b := range p.storeq {
		if len(b.pos) > 0 {
			p.appendPositions(b.pos)
			// The store copied them: the array goes back to the detect
			// goroutine.
			ps := b.pos[:0]
			p.posArrays.Put(&ps)
		}
		if len(b.feeds) > 0 {
			// Feeds are added to positions still in the store's memory;
			// a position already sealed keeps the feeds it had.
			n, err := p.st.AddFeeds(b.feeds)
			if err != nil {
				p.storeErr("feeds", err)
			} else if late := len(b.feeds) - n; late > 0 {
				p.m.provLate.Add(float64(late))
			}
			fs := b.feeds[:0]
			p.posArrays.Put(&fs)
		}
		p.putIdentities(b.idents)
		p.putEvents(b.events)
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

// putIdentities writes a batch's identity records with one write to the
// log; if the store refuses the batch (a record it cannot take), each
// record is written on its own, so that one bad record costs only itself.
func (p *Pipeline) putIdentities(ids []store.Identity) {
	if err := p.st.PutIdentities(ids); err == nil || !errors.Is(err, store.ErrInvalid) {
		if err != nil {
			p.storeErr("identity", err)
		}
		return
	}
	for _, id := range ids {
		if err := p.st.PutIdentity(id.MMSI, id.Record); err != nil {
			p.storeErr("identity", err)
		}
	}
}

// putEvents writes a batch's events with one write to the log, or each
// on its own if the store refuses the batch (as putIdentities).
func (p *Pipeline) putEvents(evs []store.EventWithProvenance) {
	if err := p.st.PutEvents(evs); err == nil || !errors.Is(err, store.ErrInvalid) {
		if err != nil {
			p.storeErr("event", err)
		}
		return
	}
	for _, e := range evs {
		if err := p.st.PutEvent(e.Event, e.Prov); err != nil {
			p.storeErr("event", err)
		}
	}
}

func (p *Pipeline) storeErr(what string, err error) {
	p.nStoreErr.Add(1)
	p.m.storeErrs.WithLabelValues(what).Inc()
	p.warn("store-"+what, "store write failed", "what", what, "err", err)
}
