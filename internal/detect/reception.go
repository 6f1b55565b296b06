package detect

import "math"

// reception measures, from the data itself, how well AIS was being heard
// where and when: for each cell of cellDeg degrees and each hour, the
// positions vessels there were heard with and the time they spent there
// (between consecutive fixes of a segment, each interval credited to the
// cell of its first fix). Their ratio is positions per vessel-day, the
// measure Global Fishing Watch uses for reception quality: terrestrial
// coverage gives hundreds to thousands, satellite coverage offshore (a
// pass every ~90 min) some ten to a few tens, and a place or time where
// receivers heard nobody gives next to none, because the vessels there
// were heard rarely for long times.
//
// It is how the gap detector tells a transponder switched off (others
// around it were heard as well as usual) from a coverage hole, whatever
// the kind of coverage, instead of relying on a fixed coverage map.
type reception struct {
	cellDeg float64
	maxMs   int64 // longer intervals are left out: the vessel was elsewhere or gone
	cells   map[uint64]rxCount
}

// rxCount is what one cell heard in one hour.
type rxCount struct {
	positions float64
	ms        float64 // vessel-milliseconds spent there
}

func newReception(cellDeg float64, maxMs int64) *reception {
	return &reception{cellDeg: cellDeg, maxMs: maxMs, cells: make(map[uint64]rxCount, 1<<12)}
}

func (r *reception) key(cy, cx int, hour int64) uint64 {
	return uint64(uint16(cy))<<48 | uint64(uint16(cx))<<32 | uint64(uint32(hour))
}

func (r *reception) cell(lat, lon float64) (int, int) {
	return int(math.Floor(lat / r.cellDeg)), int(math.Floor(lon / r.cellDeg))
}

// interval records a vessel heard at (lat, lon) at from and next at to:
// one position, and the time between spread over the hours it spans.
func (r *reception) interval(lat, lon float64, from, to int64) {
	if to < from || to-from > r.maxMs {
		return
	}
	cy, cx := r.cell(lat, lon)
	k := r.key(cy, cx, to/hourMs)
	c := r.cells[k]
	c.positions++
	r.cells[k] = c
	for t := from; t < to; {
		h := t / hourMs
		end := min(to, (h+1)*hourMs)
		k := r.key(cy, cx, h)
		c := r.cells[k]
		c.ms += float64(end - t)
		r.cells[k] = c
		t = end
	}
}

// rate returns the positions per vessel-day heard in [from, to) in the
// cell of (lat, lon) and its eight neighbours, and the vessel-hours it is
// measured on.
func (r *reception) rate(lat, lon float64, from, to int64) (perDay, vesselHours float64) {
	if to <= from {
		return 0, 0
	}
	cy, cx := r.cell(lat, lon)
	var n, ms float64
	for h := from / hourMs; h <= (to-1)/hourMs; h++ {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				c := r.cells[r.key(cy+dy, cx+dx, h)]
				n += c.positions
				ms += c.ms
			}
		}
	}
	if ms <= 0 {
		return 0, 0
	}
	return n / ms * 24 * hourMs, ms / hourMs
}

// forget drops the hours before t.
func (r *reception) forget(t int64) {
	if t <= 0 {
		return // nothing is that old (keys hold hours since 1970)
	}
	h := uint32(t / hourMs)
	for k := range r.cells {
		if uint32(k) < h {
			delete(r.cells, k)
		}
	}
}

// recent counts a segment's positions per hour over the last 13 hours,
// enough to say how many it had in the 12 h before a gap: GFW's
// AIS-disabling rule asks for at least 14 there, so that a vessel heard
// rarely anyway is not said to have gone dark.
type recent struct {
	hour  int64 // the newest hour counted
	count [13]uint16
}

func (c *recent) heard(t int64) {
	h := t / hourMs
	switch {
	case h > c.hour:
		if h-c.hour >= int64(len(c.count)) {
			c.count = [13]uint16{}
		} else {
			for x := c.hour + 1; x <= h; x++ {
				c.count[x%int64(len(c.count))] = 0
			}
		}
		c.hour = h
	case c.hour-h >= int64(len(c.count)):
		return // too old to count
	}
	if i := h % int64(len(c.count)); c.count[i] < math.MaxUint16 {
		c.count[i]++
	}
}

// before returns the positions counted in the 12 hours up to and
// including the hour of t (rounded to whole hours: 12 to 13 h).
func (c *recent) before(t int64) int {
	h := t / hourMs
	n := 0
	for x := h - 12; x <= h; x++ {
		if x >= 0 && x <= c.hour && c.hour-x < int64(len(c.count)) {
			n += int(c.count[x%int64(len(c.count))])
		}
	}
	return n
}
