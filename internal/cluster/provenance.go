package cluster

// spanLog says which feeds heard a vessel when, within one partition's
// core, as spans of data time per feed: an event's provenance is the
// feeds that heard its vessels while it happened (as package live does),
// never every feed that ever heard them.
type spanLog map[uint32][]feedSpan

type feedSpan struct {
	feed        uint8 // the worker's feed index
	first, last int64 // Unix ms
}

// Spans of one feed further apart than this are two spans.
const spanGapMs = int64(3_600_000)

// maxSpans bounds the spans kept per vessel: the oldest go.
const maxSpans = 256

func (l spanLog) add(mmsi uint32, t int64, feed uint8) {
	ss := l[mmsi]
	for i := len(ss) - 1; i >= 0 && i >= len(ss)-8; i-- {
		s := &ss[i]
		if s.feed == feed && t >= s.first-spanGapMs && t <= s.last+spanGapMs {
			s.first, s.last = min(s.first, t), max(s.last, t)
			return
		}
	}
	if len(ss) == maxSpans {
		ss = append(ss[:0], ss[1:]...)
	}
	l[mmsi] = append(ss, feedSpan{feed, t, t})
}

// feeds returns the feeds (bits of the worker's indices) that heard mmsi
// between from and to.
func (l spanLog) feeds(mmsi uint32, from, to int64) uint64 {
	var f uint64
	for _, s := range l[mmsi] {
		if s.last >= from && s.first <= to {
			f |= 1 << s.feed
		}
	}
	return f
}
