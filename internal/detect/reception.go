package detect

import "math"

// reception measures, from the data itself, where and when AIS was being
// heard: for each cell of cellDeg degrees and each hour, which 10-minute
// slots had at least one position from any vessel. It is how the gap
// detector tells a transponder switched off (others were heard around it)
// from a coverage hole (nobody was), instead of relying on a fixed
// coverage map.
type reception struct {
	cellDeg float64
	slots   map[uint64]uint8 // cell+hour -> bitmask of the six 10-minute slots heard
}

func newReception(cellDeg float64) *reception {
	return &reception{cellDeg: cellDeg, slots: make(map[uint64]uint8, 1<<12)}
}

func (r *reception) key(cy, cx int, hour int64) uint64 {
	return uint64(uint16(cy))<<48 | uint64(uint16(cx))<<32 | uint64(uint32(hour))
}

func (r *reception) cell(lat, lon float64) (int, int) {
	return int(math.Floor(lat / r.cellDeg)), int(math.Floor(lon / r.cellDeg))
}

// heard records a position.
func (r *reception) heard(lat, lon float64, t int64) {
	cy, cx := r.cell(lat, lon)
	h := t / hourMs
	slot := uint8(1) << uint((t%hourMs)/(10*minuteMs))
	k := r.key(cy, cx, h)
	r.slots[k] |= slot
}

// coverage returns the fraction of 10-minute slots in [from, to) during
// which something was heard in the cell of (lat, lon) or its eight
// neighbours.
func (r *reception) coverage(lat, lon float64, from, to int64) float64 {
	if to <= from {
		return 0
	}
	cy, cx := r.cell(lat, lon)
	total, heard := 0, 0
	for h := from / hourMs; h <= (to-1)/hourMs; h++ {
		var mask uint8
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				mask |= r.slots[r.key(cy+dy, cx+dx, h)]
			}
		}
		for s := 0; s < 6; s++ {
			st := h*hourMs + int64(s)*10*minuteMs
			if st+10*minuteMs <= from || st >= to {
				continue
			}
			total++
			if mask&(1<<uint(s)) != 0 {
				heard++
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(heard) / float64(total)
}

// forget drops the hours before t.
func (r *reception) forget(t int64) {
	if t <= 0 {
		return // nothing is that old (keys hold hours since 1970)
	}
	h := uint32(t / hourMs)
	for k := range r.slots {
		if uint32(k) < h {
			delete(r.slots, k)
		}
	}
}
