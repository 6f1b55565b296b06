package nmea

// maxPending bounds the messages waiting for fragments at once; the oldest
// is given up (counted Incomplete) when a new one needs the room. Real feeds
// rarely have more than a handful in flight.
const maxPending = 32

// maxPayload bounds a reassembled payload: 9 fragments of an 82-character
// sentence carry well under this.
const maxPayload = 9 * 82

// pending is a multi-sentence message waiting for its other fragments.
type pending struct {
	used    bool
	key     uint64
	total   int
	next    int // fragment number expected next
	lines   int // lines held so far
	line    int64
	talker  [2]byte
	own     bool
	channel byte
	env     envelope
	buf     []byte
	ends    [9]int // end of each fragment's payload in buf
	fills   [9]int // fill bits each fragment declared
}

// assembler holds the messages in flight.
type assembler struct {
	slots [maxPending]pending
}

// fragmentKey ties the fragments of one message together: the tag-block
// group when there is one, else channel, sequential id and fragment count.
func fragmentKey(s *Sentence, group uint64) uint64 {
	if group != 0 {
		return group<<8 | uint64(s.Total)
	}
	return uint64(s.Channel)<<16 | uint64(s.SeqID+1)<<8 | uint64(s.Total)
}

func (a *assembler) find(key uint64) *pending {
	for i := range a.slots {
		if a.slots[i].used && a.slots[i].key == key {
			return &a.slots[i]
		}
	}
	return nil
}

// free returns a slot for a new message, giving up the oldest pending one
// when all are taken. It returns the lines given up.
func (a *assembler) free() (*pending, int) {
	oldest := -1
	for i := range a.slots {
		if !a.slots[i].used {
			return &a.slots[i], 0
		}
		if oldest < 0 || a.slots[i].line < a.slots[oldest].line {
			oldest = i
		}
	}
	p := &a.slots[oldest]
	lost := p.lines
	p.used = false
	return p, lost
}

// expire gives up messages older than maxLines lines or maxMs of data time
// before (line, nowMs). It returns the lines given up.
func (a *assembler) expire(line int64, nowMs int64, hasTime bool, maxLines int64, maxMs int64) int {
	lost := 0
	for i := range a.slots {
		p := &a.slots[i]
		if !p.used {
			continue
		}
		stale := line-p.line > maxLines
		if !stale && hasTime && p.env.hasTime {
			d := nowMs - p.env.timeMs
			stale = d > maxMs || d < -maxMs
		}
		if stale {
			lost += p.lines
			p.used = false
		}
	}
	return lost
}

// drain gives up every pending message and returns the lines given up.
func (a *assembler) drain() int {
	lost := 0
	for i := range a.slots {
		if a.slots[i].used {
			lost += a.slots[i].lines
			a.slots[i].used = false
		}
	}
	return lost
}
