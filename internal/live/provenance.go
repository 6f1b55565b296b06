package live

import "github.com/picket-ais/picket/internal/store"

// provenance remembers the positions written in the last ProvenanceHold
// by the transmission they came from, so that a copy another feed hears
// of the same transmission adds that feed to the stored position's Feeds
// (store.AddFeeds). Positions are not held back: each is written on
// arrival with the feed that heard it first, and copies widen it after.
// A position is visible to a partner cleared for any one of its feeds
// (docs/security.md), so until a copy's feed is added the position is
// visible to fewer partners, never to one cleared for no feed that heard
// it. Entries expire in arrival order.
type provenance struct {
	q    []recentPos
	head int
	// base is the sequence number of q[head]; idx maps a transmission's
	// key to the sequence number of its position.
	base int64
	idx  map[uint64]int64
}

type recentPos struct {
	pos  store.Position
	key  uint64
	wall int64 // arrival, Unix ms
}

func (h *provenance) init() { h.idx = make(map[uint64]int64) }

func (h *provenance) len() int { return len(h.q) - h.head }

// add remembers a position written at wall time (Unix ms) as the
// transmission key.
func (h *provenance) add(key uint64, p store.Position, wall int64) {
	h.idx[key] = h.base + int64(h.len())
	h.q = append(h.q, recentPos{pos: p, key: key, wall: wall})
}

// merge adds feed bits to the remembered position of a transmission and
// returns it with the feeds it had before; it reports false when the
// transmission is not remembered (never written, or expired).
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

// expire forgets the positions written before cutoff (wall Unix ms), and
// the oldest beyond max remembered.
func (h *provenance) expire(cutoff int64, max int) {
	for h.head < len(h.q) {
		e := &h.q[h.head]
		if e.wall > cutoff && h.len() <= max {
			break
		}
		if h.idx[e.key] == h.base {
			delete(h.idx, e.key)
		}
		*e = recentPos{}
		h.head++
		h.base++
	}
	if h.head == len(h.q) {
		h.q, h.head = h.q[:0], 0
	} else if h.head > 4096 && h.head > len(h.q)/2 {
		n := copy(h.q, h.q[h.head:])
		h.q, h.head = h.q[:n], 0
	}
}
