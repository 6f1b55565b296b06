package pipeline

import (
	"sort"

	"github.com/picket-ais/picket/internal/fuse"
)

// reorder puts the reports of one input back in time order. Real logs are
// mostly in order, but satellite data mixes receive times with ingest
// times and arrives late (the AMSA exactEarth logs are up to 1.6 h out of
// order). Reports are held until they are windowMs older than the newest,
// or until the buffer holds maxHeld of them, and released oldest first.
// In-order reports append at the end; a late one is placed by binary
// search, which is cheap because late reports are rare and recent.
type reorder struct {
	windowMs int64
	maxHeld  int
	buf      []fuse.Report
	head     int
	newest   int64
}

func newReorder(windowMs int64, maxHeld int) *reorder {
	return &reorder{windowMs: windowMs, maxHeld: maxHeld}
}

// push adds a report and appends to out the reports now released.
func (r *reorder) push(rep fuse.Report, out []fuse.Report) []fuse.Report {
	n := len(r.buf)
	if n == r.head || rep.Time >= r.buf[n-1].Time {
		r.buf = append(r.buf, rep)
	} else {
		live := r.buf[r.head:]
		i := sort.Search(len(live), func(i int) bool { return live[i].Time > rep.Time })
		r.buf = append(r.buf, fuse.Report{})
		live = r.buf[r.head:]
		copy(live[i+1:], live[i:])
		live[i] = rep
	}
	if rep.Time > r.newest {
		r.newest = rep.Time
	}
	for r.head < len(r.buf) && (r.newest-r.buf[r.head].Time > r.windowMs || len(r.buf)-r.head > r.maxHeld) {
		out = append(out, r.buf[r.head])
		r.buf[r.head] = fuse.Report{}
		r.head++
	}
	// Reclaim the released front now and then.
	if r.head > 4096 && r.head > len(r.buf)/2 {
		n := copy(r.buf, r.buf[r.head:])
		clear(r.buf[n:])
		r.buf = r.buf[:n]
		r.head = 0
	}
	return out
}

// flush releases everything held.
func (r *reorder) flush(out []fuse.Report) []fuse.Report {
	out = append(out, r.buf[r.head:]...)
	r.buf, r.head = r.buf[:0], 0
	return out
}
