package profile

import (
	"cmp"
	"slices"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/track"
)

// evIndex lists, for every MMSI, the events that involve it, as indices
// into the events slice. Each vessel's list is put in order (ordered) by
// whoever builds its profile, so that the work spreads over the workers.
//
// It is one flat array cut by offsets rather than a map of slices: a
// million events then cost two allocations, and a sort of packed uint64s.
type evIndex struct {
	mmsis []uint32 // ascending: tracked vessels and every MMSI an event names
	off   []int32  // events of mmsis[i] are refs[off[i]:off[i+1]]
	refs  []int32
	// shared marks the MMSIs with a shared_mmsi spoofing event.
	shared map[uint32]bool
}

func (x *evIndex) of(i int) []int32 { return x.refs[x.off[i]:x.off[i+1]] }

// involved calls f with each MMSI an event concerns: its own, the other
// vessel of a pair, and the MMSI a flag change came from (the same hull
// under its former identity), and the candidates of a dark vessel (which
// itself has no MMSI).
func involved(e *event.Event, f func(uint32)) {
	if e.Type == event.DarkVessel {
		for _, c := range e.Candidates {
			f(c)
		}
		return
	}
	f(e.MMSI)
	if o := e.OtherMMSI; o != 0 && o != e.MMSI {
		f(o)
	}
	if p := e.PreviousMMSI(); p != 0 && p != e.MMSI && p != e.OtherMMSI {
		f(p)
	}
}

func index(tr *track.Tracker, events []event.Event) *evIndex {
	x := &evIndex{shared: make(map[uint32]bool)}
	keys := make([]uint64, 0, len(events)+len(events)/4)
	for i := range events {
		e := &events[i]
		involved(e, func(m uint32) { keys = append(keys, uint64(m)<<32|uint64(i)) })
		if e.Type == event.Spoofing && e.Subtype == event.SharedMMSI {
			x.shared[e.MMSI] = true
		}
	}
	slices.Sort(keys)

	var tracked []uint32
	if tr != nil {
		tracked = make([]uint32, 0, tr.Len())
		tr.Vessels(func(v *track.Vessel) { tracked = append(tracked, v.MMSI) })
		slices.Sort(tracked)
	}

	x.refs = make([]int32, 0, len(keys))
	x.mmsis = make([]uint32, 0, len(tracked)+16)
	x.off = make([]int32, 0, len(tracked)+17)
	k, t := 0, 0
	for k < len(keys) || t < len(tracked) {
		var m uint32
		switch {
		case k >= len(keys):
			m = tracked[t]
		case t >= len(tracked):
			m = uint32(keys[k] >> 32)
		default:
			m = min(tracked[t], uint32(keys[k]>>32))
		}
		if t < len(tracked) && tracked[t] == m {
			t++
		}
		x.mmsis = append(x.mmsis, m)
		x.off = append(x.off, int32(len(x.refs)))
		for ; k < len(keys) && uint32(keys[k]>>32) == m; k++ {
			x.refs = append(x.refs, int32(uint32(keys[k])))
		}
	}
	x.off = append(x.off, int32(len(x.refs)))
	return x
}

// ordered sorts one vessel's events by start then id and drops a pair
// event repeated under the same id (a detector may emit it once from each
// side).
func ordered(events []event.Event, refs []int32) []int32 {
	if len(refs) < 2 {
		return refs
	}
	slices.SortFunc(refs, func(a, b int32) int {
		if c := event.Compare(&events[a], &events[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return slices.CompactFunc(refs, func(a, b int32) bool { return same(events, a, b) })
}

// same reports whether two events are one: the same index, or the same
// pair event seen from both sides. Single-vessel events with one id are
// kept apart: ids do not include a watchlist entry, so two entries matched
// by the same report share one.
func same(events []event.Event, a, b int32) bool {
	if a == b {
		return true
	}
	ea, eb := &events[a], &events[b]
	return ea.ID != "" && ea.ID == eb.ID && ea.Pair() && eb.Pair()
}
