package fuse

import "time"

// DedupOptions configures a Deduper. The zero value means the defaults.
type DedupOptions struct {
	// Window is how far apart in data time two copies of one payload may
	// be heard and still count as one transmission: receivers' clocks and
	// forwarding delays differ by seconds. A real repeat of an identical
	// payload (static data every 6 minutes) comes much later. Default 30 s.
	Window time.Duration
}

// Deduper recognises the same transmission heard by several receivers:
// the same payload within the window. It keeps two generations of keys,
// each one window long, and drops the older generation whole: no sweep
// over the table, whatever its size.
type Deduper struct {
	window    int64
	cur, prev map[uint64]entry
	genStart  int64 // data time the current generation began
	dups      int64
}

type entry struct {
	time  int64
	count uint8
}

// NewDeduper returns a Deduper.
func NewDeduper(opts DedupOptions) *Deduper {
	if opts.Window <= 0 {
		opts.Window = 30 * time.Second
	}
	return &Deduper{window: opts.Window.Milliseconds(), cur: make(map[uint64]entry), prev: make(map[uint64]entry)}
}

// Seen reports whether a transmission with key (see PayloadKey) was
// already heard within the window around timeMs, and how many receivers
// have heard it so far.
func (d *Deduper) Seen(h uint64, timeMs int64) (dup bool, heard uint8) {
	if elapsed := timeMs - d.genStart; elapsed >= d.window {
		d.prev, d.cur = d.cur, d.prev
		clear(d.cur)
		if elapsed >= 2*d.window {
			clear(d.prev) // nothing in it is within the window any more
		}
		d.genStart = timeMs
	}
	for _, m := range [2]map[uint64]entry{d.cur, d.prev} {
		if e, ok := m[h]; ok {
			dt := timeMs - e.time
			if dt <= d.window && dt >= -d.window {
				if e.count < 255 {
					e.count++
				}
				m[h] = e
				d.dups++
				return true, e.count
			}
		}
	}
	d.cur[h] = entry{time: timeMs, count: 1}
	return false, 1
}

// Duplicates is the number of copies recognised so far.
func (d *Deduper) Duplicates() int64 { return d.dups }

// PayloadKey identifies a transmission by its armoured payload and fill
// bits (FNV-1a).
func PayloadKey(p []byte, fill int) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range p {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= uint64(fill)
	h *= 1099511628211
	return h
}
