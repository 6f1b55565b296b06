package live

import "github.com/picket-ais/picket/internal/store"

// provenance holds positions for a while before they are stored, so that
// the copies of a transmission other feeds hear add their bits to its
// Feeds. Positions leave in arrival order.
type provenance struct {
	q    []heldPos
	head int
	// base is the sequence number of q[head]; idx maps a transmission's
	// key to the sequence number of its position.
	base int64
	idx  map[uint64]int64
}

type heldPos struct {
	pos  store.Position
	key  uint64
	wall int64 // arrival, Unix ms
}

func (h *provenance) init() { h.idx = make(map[uint64]int64) }

func (h *provenance) len() int { return len(h.q) - h.head }

// entered is how many positions have been held so far; left is how many
// of them have been released. Positions leave in the order they came.
func (h *provenance) entered() int64 { return h.base + int64(h.len()) }
func (h *provenance) left() int64    { return h.base }

// add holds a position heard at wall time (Unix ms).
func (h *provenance) add(key uint64, p store.Position, wall int64) {
	if key != 0 {
		h.idx[key] = h.base + int64(h.len())
	}
	h.q = append(h.q, heldPos{pos: p, key: key, wall: wall})
}

// merge adds feed bits to the held position of a transmission and
// returns it with the feeds it had before; it reports false when the
// position has already left.
func (h *provenance) merge(key uint64, feeds uint64) (store.Position, uint64, bool) {
	seq, ok := h.idx[key]
	if !ok || seq < h.base {
		return store.Position{}, 0, false
	}
	pos := &h.q[h.head+int(seq-h.base)].pos
	prior := pos.Feeds
	pos.Feeds |= feeds
	return *pos, prior, true
}

// release appends to out the positions held since before cutoff (wall
// Unix ms), or beyond max held, or all of them when all is set.
func (h *provenance) release(out []store.Position, cutoff int64, max int, all bool) []store.Position {
	for h.head < len(h.q) {
		e := &h.q[h.head]
		if !all && e.wall > cutoff && h.len() <= max {
			break
		}
		out = append(out, e.pos)
		if e.key != 0 && h.idx[e.key] == h.base {
			delete(h.idx, e.key)
		}
		*e = heldPos{}
		h.head++
		h.base++
	}
	if h.head == len(h.q) {
		h.q, h.head = h.q[:0], 0
	} else if h.head > 4096 && h.head > len(h.q)/2 {
		n := copy(h.q, h.q[h.head:])
		h.q, h.head = h.q[:n], 0
	}
	return out
}
