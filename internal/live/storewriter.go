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
	idents []identity
	events []storedEvent
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
		p.storeq <- &storeBatch{pos: slices.Clone(p.pendPos[:n])}
		p.pendPos = append(p.pendPos[:0], p.pendPos[n:]...)
	}
	b := &storeBatch{done: done}
	if len(p.pendPos) > 0 {
		b.pos = p.pendPos
		p.pendPos = make([]store.Position, 0, min(p.opts.StoreBatch, 2*len(b.pos)))
	}
	if len(p.pendFeeds) > 0 {
		b.feeds, p.pendFeeds = p.pendFeeds, nil
	}
	if len(p.idents) > 0 {
		b.idents = make([]identity, 0, len(p.idents))
		for k, rec := range p.idents {
			b.idents = append(b.idents, identity{mmsi: k.mmsi, rec: rec})
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

// storeLoop is the single writer to the store. It runs until the store
// queue is closed, then syncs the store.
func (p *Pipeline) storeLoop() {
	for b := range p.storeq {
		if len(b.pos) > 0 {
			p.appendPositions(b.pos)
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
