package ingest

import (
	"time"

	"github.com/picket-ais/picket/internal/fuse"
)

// Reorder puts one input's reports back in time order. Real logs are
// mostly in order, but satellite data mixes receive times with ingest
// times and arrives late (the AMSA exactEarth logs are up to 1.6 h out
// of order). A report waits until the input's newest report is the
// window past it (data time), or it has waited the window on the wall
// clock (a live feed that fell quiet), or more than max reports wait;
// then it leaves, oldest first.
//
// The reports wait in a ring that doubles when full and is never copied
// otherwise: in-order reports go at the end, and a late one is placed by
// binary search, which is cheap because late reports are rare and recent.
type Reorder struct {
	window int64 // ms
	max    int
	ring   []held // len is a power of two
	head   int    // index of the oldest
	n      int
	newest int64
}

type held struct {
	r    fuse.Report
	wall int64 // arrival, Unix ms
}

// NewReorder returns a buffer holding reports for window, and at most
// max of them (0: no bound but the window).
func NewReorder(window time.Duration, max int) *Reorder {
	return &Reorder{window: window.Milliseconds(), max: max, ring: make([]held, 1024)}
}

func (b *Reorder) at(i int) *held { return &b.ring[(b.head+i)&(len(b.ring)-1)] }

func (b *Reorder) grow() {
	next := make([]held, 2*len(b.ring))
	for i := 0; i < b.n; i++ {
		next[i] = *b.at(i)
	}
	b.ring, b.head = next, 0
}

// Push adds a report that arrived at wall (Unix ms; a batch run, which
// has no wall clock, passes 0 throughout).
func (b *Reorder) Push(r *fuse.Report, wall int64) {
	if b.n == len(b.ring) {
		b.grow()
	}
	i := b.n
	if b.n > 0 && r.Time < b.at(b.n-1).r.Time {
		// The first held report later than r, by binary search.
		lo, hi := 0, b.n-1
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if b.at(mid).r.Time > r.Time {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		i = lo
		for j := b.n; j > i; j-- {
			*b.at(j) = *b.at(j - 1)
		}
	}
	*b.at(i) = held{*r, wall}
	b.n++
	b.newest = max(b.newest, r.Time)
}

// Release appends to dst the reports due at wall time (every report
// when all is set), in time order, and returns it.
func (b *Reorder) Release(dst []fuse.Report, wall int64, all bool) []fuse.Report {
	for b.n > 0 {
		h := b.at(0)
		if !all && b.newest-h.r.Time <= b.window && wall-h.wall <= b.window && (b.max <= 0 || b.n <= b.max) {
			break
		}
		dst = append(dst, h.r)
		*h = held{}
		b.head = (b.head + 1) & (len(b.ring) - 1)
		b.n--
	}
	return dst
}

// Len is the number of reports waiting.
func (b *Reorder) Len() int { return b.n }
