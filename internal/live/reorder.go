package live

import (
	"sort"

	"github.com/picket-ais/picket/internal/fuse"
)

// reorderBuf puts one feed's reports back in time order: satellite feeds
// deliver them up to hours late and mixed. A report waits until the
// feed's newest report is window past it (data time), or it has waited
// window on the wall clock (a feed that fell quiet), or the buffer is
// over max; then it leaves, oldest first. Late reports are rare and
// recent, so they are placed by binary search from the end.
type reorderBuf struct {
	window int64 // ms
	max    int
	q      []heldReport
	head   int
	newest int64
}

type heldReport struct {
	r    fuse.Report
	wall int64 // arrival, Unix ms
}

func (b *reorderBuf) push(r *fuse.Report, wall int64) {
	live := b.q[b.head:]
	if n := len(live); n == 0 || r.Time >= live[n-1].r.Time {
		b.q = append(b.q, heldReport{*r, wall})
	} else {
		i := sort.Search(n, func(i int) bool { return live[i].r.Time > r.Time })
		b.q = append(b.q, heldReport{})
		live = b.q[b.head:]
		copy(live[i+1:], live[i:])
		live[i] = heldReport{*r, wall}
	}
	b.newest = max(b.newest, r.Time)
}

// release calls fn with the reports due at wall time (all of them when
// all is set), in time order.
func (b *reorderBuf) release(wall int64, all bool, fn func(*fuse.Report)) {
	for b.head < len(b.q) {
		h := &b.q[b.head]
		if !all && b.newest-h.r.Time <= b.window && wall-h.wall <= b.window && len(b.q)-b.head <= b.max {
			break
		}
		fn(&h.r)
		*h = heldReport{}
		b.head++
	}
	if b.head == len(b.q) {
		b.q, b.head = b.q[:0], 0
	} else if b.head > 4096 && b.head > len(b.q)/2 {
		n := copy(b.q, b.q[b.head:])
		clear(b.q[n:])
		b.q, b.head = b.q[:n], 0
	}
}

func (b *reorderBuf) len() int { return len(b.q) - b.head }
