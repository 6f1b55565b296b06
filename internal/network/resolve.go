package network

import (
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/track"
)

// resolver turns an MMSI at some time into a member. Most MMSIs are one
// member. An MMSI with a shared_mmsi event, whose segments the tracker
// knows, is as many members as it has transmitters, and everything that
// involves it is put on one of them.
type resolver struct {
	split map[uint32][]*track.Segment
}

func newResolver(tr *track.Tracker, events []event.Event) *resolver {
	r := &resolver{split: make(map[uint32][]*track.Segment)}
	if tr == nil {
		return r
	}
	for i := range events {
		e := &events[i]
		if e.Type != event.Spoofing || e.Subtype != event.SharedMMSI {
			continue
		}
		if _, done := r.split[e.MMSI]; done {
			continue
		}
		v := tr.Vessel(e.MMSI)
		if v == nil {
			continue
		}
		if segs, _ := v.Segments(); len(segs) >= 2 {
			r.split[e.MMSI] = segs
		}
	}
	return r
}

// node returns the member for mmsi over [from, to] (Unix ms). own is the
// segment number when the evidence names it, else 0.
func (r *resolver) node(mmsi uint32, own int32, from, to int64) node {
	segs := r.split[mmsi]
	if segs == nil {
		return node{mmsi: mmsi}
	}
	if own > 0 {
		return node{mmsi, own}
	}
	return node{mmsi, pick(segs, from, to, 0)}
}

// pick chooses the segment most likely behind evidence over [from, to]
// that names none (a static report, the other side of a pair event):
// among the segments heard over that time, the one with the most fixes
// (usually the genuine ship rather than the clone); failing any, the one
// nearest in time. Ties go to the lower number. not is excluded; 0 means
// there is no candidate. Where shared_mmsi events link the transmitters
// of an MMSI to each other, the choice moves a link within a network,
// never between networks.
func pick(segs []*track.Segment, from, to int64, not int32) int32 {
	best, bestGap, bestFixes := int32(0), int64(-1), -1
	for _, s := range segs {
		n := int32(s.N)
		if n == not {
			continue
		}
		gap := max(s.First.Time-to, from-s.Last.Time, 0)
		switch {
		case best == 0, gap < bestGap, gap == bestGap && s.Fixes > bestFixes:
			best, bestGap, bestFixes = n, gap, s.Fixes
		}
	}
	return best
}
