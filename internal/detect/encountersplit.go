package detect

import (
	"math"

	"github.com/picket-ais/picket/internal/cell"
)

// How the encounter detector is split by cell.
//
// One detector, the router, keeps the index of slow vessels (which are
// in it, their last two slow fixes, the grid) and, for each new fix,
// finds the vessels within MaxDistanceM of its path, exactly as the
// detector on its own does. It keeps no pairs. Each pair belongs to one
// of n owners, each an encounter detector without an index, on a
// goroutine of its own: the owner of the cell (internal/cell, S2) of the
// pair's first close fix, the neighbour's fix measured against, kept for
// as long as the pair can live. The router tells an owner, in the order
// the reports were given:
//
//   - every fix of a vessel that has a pair there, with the vessel's
//     state after it (its last two slow fixes), and with the neighbours
//     the router found within MaxDistanceM whose pair is that owner's,
//     each with its state, so that the owner measures them as the
//     detector on its own would (its partners first, then the
//     neighbours not among them);
//   - the end of such a vessel's stay in the index (it sped up, entered a
//     port), which ends its pairs' episodes;
//   - every sweep, at the data time the detector on its own sweeps.
//
// So an owner's copy of a vessel is the index's whenever one of its
// pairs reads it, and each pair sees exactly the measurements it sees in
// the detector on its own: the events are the same. A pair is
// registered with its owner from its first close fix until the first
// sweep at which the router's latest close measurement of the two is
// more than max(MergeGap, MaxGap) old; every close measurement the pair
// takes is one the router found, so by then the owner has ended the
// episode, judged the encounter and forgotten the pair. A pair whose
// vessels drift apart, or that is found again after one vessel left the
// index, stays with its owner: the registry, not the vessels' positions,
// says where a pair is. That is why the router sees every slow fix: a
// split by position alone, each owner fed its cells and a halo, loses
// pairs whose vessels drift together out of the halo while an encounter
// is being built, and cannot tell a pair found again elsewhere within
// MergeGap that it is one encounter.
//
// The router does what every fix needs (the speed and port tests, the
// index, the grid search); the owners do what grows with the number of
// pairs (each fix measured against every partner, the episodes, the
// judgement), which is the larger part wherever ships lie close together.
type encSplit struct {
	owners  []*EncounterDetector
	out     []*EncounterBatch // pending, by owner
	regs    map[encPairKey]*encReg
	of      map[uint64][]*encReg // by vesselKey: the pairs registered with a vessel
	keep    int64                // ms a pair stays registered after its latest close measurement
	fed     []bool               // by owner: given a fix (an owner never given one has nothing to sweep)
	marked  []bool               // scratch, by owner
	touched []int                // scratch: the owners marked
	nbs     [][]encState         // scratch, by owner: the new pairs' neighbours of the fix being routed
	keys    [][]uint64           // scratch, by owner: the registered pairs' neighbours
}

// encReg is a pair registered with its owner.
type encReg struct {
	key       encPairKey
	owner     int
	lastClose int64      // the latest close measurement the router found
	va, vb    *encVessel // the router's vessels, while in its index
}

// encRoute is what the router keeps of a vessel in its index: the pairs
// registered with it, and a mark set on the partners of the vessel whose
// fix is being routed, so that a neighbour's registration is found
// without a lookup.
type encRoute struct {
	regs []*encReg
	mark uint64
	reg  *encReg // the registration with the vessel marked for
}

// encState is a vessel's state in the index after a fix.
type encState struct {
	key        segKey
	prev, last encFix
	hasPrev    bool
}

// What an encMsg tells an owner.
const (
	encFixMsg    = iota // a vessel's new fix: its state and its neighbours
	encRemoveMsg        // a vessel left the index: its episodes end
	encSweepMsg         // sweep at now
)

type encMsg struct {
	kind     uint8
	now      int64
	v        encState
	nb0, nb1 int32 // the neighbours of new pairs, in the batch's nbs
	k0, k1   int32 // the neighbours of registered pairs, in the batch's keys
}

// EncounterBatch is what the router has for one owner since the last
// Routed, in order.
type EncounterBatch struct {
	msgs []encMsg
	nbs  []encState // neighbours the owner may not have: with their state
	keys []uint64   // neighbours it has, up to date: by vesselKey
}

// EncounterOwner is one owner of pairs of an encounter detector split by
// cell (Pairs.SplitEncounters): it runs on a goroutine of its own, fed
// its batches in order.
type EncounterOwner struct {
	d *EncounterDetector
	outbox
}

// SplitEncounters splits the pair side's encounter detector over n
// owners by cell (encountersplit.go) and returns them; the pair side
// then routes each fix (Routed). Call it before the first Take, with n
// of at least 2. The events are the same.
func (p *Pairs) SplitEncounters(n int) []*EncounterOwner {
	d := p.enc
	s := &encSplit{regs: make(map[encPairKey]*encReg), of: make(map[uint64][]*encReg),
		keep: max(d.opts.MergeGap, d.opts.MaxGap).Milliseconds(), fed: make([]bool, n), marked: make([]bool, n), nbs: make([][]encState, n), keys: make([][]uint64, n)}
	owners := make([]*EncounterOwner, n)
	for i := range owners {
		o := &EncounterOwner{outbox: newOutbox()}
		o.d = newEncounterDetector(d.opts, o.emit, d.opens)
		o.d.places = &p.places
		owners[i] = o
		s.owners = append(s.owners, o.d)
		s.out = append(s.out, &EncounterBatch{})
	}
	d.split = s
	p.owners = owners
	return owners
}

// Routed returns, by owner, what the router has for it since the last
// call, nil for an owner it has nothing for; each batch is to be given
// to its owner's Take, in the order returned by successive calls. An
// owner never given a fix is given nothing, not even a sweep: it holds
// no pair. The next batches start in spare[i], batches Take has emptied,
// where given (spare may be nil, and any of its entries); Routed sets
// the entries it takes to nil.
func (p *Pairs) Routed(spare []*EncounterBatch) []*EncounterBatch {
	s := p.enc.split
	out := make([]*EncounterBatch, len(s.out))
	for i, b := range s.out {
		if len(b.msgs) == 0 {
			continue
		}
		out[i] = b
		if i < len(spare) && spare[i] != nil {
			s.out[i], spare[i] = spare[i], nil
		} else {
			s.out[i] = &EncounterBatch{msgs: make([]encMsg, 0, len(b.msgs)), nbs: make([]encState, 0, len(b.nbs)), keys: make([]uint64, 0, len(b.keys))}
		}
	}
	return out
}

// Take runs the owner on a batch of its messages and empties it.
func (o *EncounterOwner) Take(b *EncounterBatch) {
	d := o.d
	for i := range b.msgs {
		m := &b.msgs[i]
		switch m.kind {
		case encFixMsg:
			v := d.copyOf(&m.v)
			d.measurePartners(v)
			for j := m.k0; j < m.k1; j++ {
				w := d.vessels[b.keys[j]]
				if w == nil {
					panic("detect: an encounter owner has no copy of a vessel of its pairs")
				}
				d.neighbour(v, w)
			}
			for j := m.nb0; j < m.nb1; j++ {
				d.neighbour(v, d.copyOf(&b.nbs[j]))
			}
		case encRemoveMsg:
			if v := d.vessels[vesselKey(m.v.key)]; v != nil {
				d.remove(v, true)
			}
		case encSweepMsg:
			d.sweep(m.now)
		}
	}
	b.msgs, b.nbs, b.keys = b.msgs[:0], b.nbs[:0], b.keys[:0] // empty, for Routed to reuse
}

// neighbour measures v's new fix against w, a neighbour the router found
// within MaxDistanceM, unless w is a partner, measured already.
func (d *EncounterDetector) neighbour(v, w *encVessel) {
	if w.stamp == d.stamp {
		return
	}
	w.stamp = d.stamp
	lat, lon, kn := v.at(w.last.t)
	d.sample(d.pair(v, w), v, w, lat, lon, kn, flatDist(math.Cos(v.last.lat*math.Pi/180), lat, lon, w.last.lat, w.last.lon))
}

// copyOf returns the owner's copy of a vessel, brought to st.
func (d *EncounterDetector) copyOf(st *encState) *encVessel {
	v := d.vessels[vesselKey(st.key)]
	if v == nil {
		v = &encVessel{key: st.key, slot: -1}
		d.vessels[vesselKey(st.key)] = v
	}
	v.prev, v.last, v.hasPrev = st.prev, st.last, st.hasPrev
	return v
}

func (v *encVessel) state() encState {
	return encState{key: v.key, prev: v.prev, last: v.last, hasPrev: v.hasPrev}
}

// route tells the owners of v's pairs, and of the pairs its neighbours
// make with it, of v's new fix.
func (s *encSplit) route(d *EncounterDetector, v *encVessel) {
	d.stamp++
	v.stamp = d.stamp
	if v.rt != nil {
		for _, r := range v.rt.regs {
			if w := r.other(v); w != nil {
				w.route().mark, w.rt.reg = d.stamp, r
			}
			s.mark(r.owner)
		}
	}
	d.neighbours(v, func(w *encVessel, _, _, _, _ float64) {
		if w.rt != nil && w.rt.mark == d.stamp {
			r := w.rt.reg
			r.lastClose = max(r.lastClose, w.last.t)
			s.keys[r.owner] = append(s.keys[r.owner], vesselKey(w.key))
			return
		}
		a, b := v.key, w.key
		if b.mmsi < a.mmsi {
			a, b = b, a
		}
		k := encPairKey{a, b}
		r := s.regs[k]
		if r == nil {
			r = &encReg{key: k, owner: cell.Owner(cell.Of(w.last.lat, w.last.lon), len(s.owners))}
			s.regs[k] = r
			for _, x := range [2]*encVessel{v, w} {
				xk := vesselKey(x.key)
				s.of[xk] = append(s.of[xk], r)
				x.route().regs = append(x.rt.regs, r)
				r.attach(x)
			}
		}
		r.lastClose = max(r.lastClose, w.last.t)
		s.mark(r.owner)
		s.nbs[r.owner] = append(s.nbs[r.owner], w.state())
	})
	st := v.state()
	for _, i := range s.touched {
		b := s.out[i]
		m := encMsg{kind: encFixMsg, v: st, nb0: int32(len(b.nbs)), k0: int32(len(b.keys))}
		b.nbs = append(b.nbs, s.nbs[i]...)
		b.keys = append(b.keys, s.keys[i]...)
		m.nb1, m.k1 = int32(len(b.nbs)), int32(len(b.keys))
		b.msgs = append(b.msgs, m)
		s.nbs[i], s.keys[i] = s.nbs[i][:0], s.keys[i][:0]
		s.marked[i] = false
		s.fed[i] = true
	}
	s.touched = s.touched[:0]
}

// route returns the router's state of v, made on first use.
func (v *encVessel) route() *encRoute {
	if v.rt == nil {
		v.rt = &encRoute{}
	}
	return v.rt
}

// attach puts the router's vessel x in r.
func (r *encReg) attach(x *encVessel) {
	if x.key == r.key.a {
		r.va = x
	} else {
		r.vb = x
	}
}

// other is r's vessel that is not v, nil when out of the index.
func (r *encReg) other(v *encVessel) *encVessel {
	if r.va == v {
		return r.vb
	}
	return r.va
}

// entered attaches a vessel new in the router's index to the pairs
// registered with its segment.
func (s *encSplit) entered(v *encVessel) {
	rs := s.of[vesselKey(v.key)]
	if len(rs) == 0 {
		return
	}
	v.route().regs = append(v.rt.regs[:0], rs...)
	for _, r := range rs {
		r.attach(v)
	}
}

func (s *encSplit) mark(i int) {
	if !s.marked[i] {
		s.marked[i] = true
		s.touched = append(s.touched, i)
	}
}

// removed detaches a vessel leaving the router's index from its
// registrations and, when ending (it sped up, entered a port: not gone
// stale, which each owner's sweep finds itself), tells their owners.
func (s *encSplit) removed(v *encVessel, ending bool) {
	if v.rt == nil {
		return
	}
	for _, r := range v.rt.regs {
		if r.va == v {
			r.va = nil
		} else if r.vb == v {
			r.vb = nil
		}
		if ending {
			s.mark(r.owner)
		}
	}
	for _, i := range s.touched {
		s.out[i].msgs = append(s.out[i].msgs, encMsg{kind: encRemoveMsg, v: encState{key: v.key}})
		s.marked[i] = false
	}
	s.touched = s.touched[:0]
	v.rt.regs = v.rt.regs[:0]
}

// sweep tells every owner given a fix to sweep at now, then forgets the
// pairs whose owners have forgotten them.
func (s *encSplit) sweep(now int64) {
	for i, b := range s.out {
		if s.fed[i] {
			b.msgs = append(b.msgs, encMsg{kind: encSweepMsg, now: now})
		}
	}
	for k, r := range s.regs {
		if now-r.lastClose > s.keep {
			delete(s.regs, k)
			s.unlink(vesselKey(k.a), r)
			s.unlink(vesselKey(k.b), r)
			for _, x := range [2]*encVessel{r.va, r.vb} {
				if x != nil {
					x.rt.regs = dropReg(x.rt.regs, r)
				}
			}
		}
	}
}

func (s *encSplit) unlink(vk uint64, r *encReg) {
	rs := dropReg(s.of[vk], r)
	if len(rs) == 0 {
		delete(s.of, vk)
	} else {
		s.of[vk] = rs
	}
}

// finish hands the owners what is pending, on the caller's goroutine
// (the owners' goroutines are done), and closes them as at the end of
// the data.
func (s *encSplit) finish(owners []*EncounterOwner, now int64) {
	for i, o := range owners {
		o.Take(s.out[i])
		s.out[i] = &EncounterBatch{}
		o.d.Finish(now)
	}
}

// dropReg removes r from rs.
func dropReg(rs []*encReg, r *encReg) []*encReg {
	for i, q := range rs {
		if q == r {
			last := len(rs) - 1
			rs[i] = rs[last]
			rs[last] = nil
			return rs[:last]
		}
	}
	return rs
}
