package fuse

// DedupOptions configures a Deduper. The zero value means the defaults.
type DedupOptions struct {
	// WindowMs is how far apart in data time two copies of one payload may
	// be heard and still count as one transmission: receivers' clocks and
	// forwarding delays differ by seconds. A real repeat of an identical
	// payload (static data every 6 minutes) comes much later. Default 30 s.
	WindowMs int64
}

// Deduper recognises the same transmission heard by several receivers:
// the same payload within the window.
type Deduper struct {
	window int64
	seen   map[uint64]entry
	sweep  int64 // data time of the last sweep
	dups   int64
}

type entry struct {
	time  int64
	count uint8
}

// NewDeduper returns a Deduper.
func NewDeduper(opts DedupOptions) *Deduper {
	if opts.WindowMs <= 0 {
		opts.WindowMs = 30_000
	}
	return &Deduper{window: opts.WindowMs, seen: make(map[uint64]entry, 1<<14)}
}

// Seen reports whether a transmission with key (see PayloadKey) was
// already heard within the window around timeMs, and how many receivers
// have heard it so far.
func (d *Deduper) Seen(h uint64, timeMs int64) (dup bool, heard uint8) {
	if timeMs-d.sweep > 4*d.window || timeMs < d.sweep {
		d.expire(timeMs)
	}
	if e, ok := d.seen[h]; ok {
		dt := timeMs - e.time
		if dt <= d.window && dt >= -d.window {
			if e.count < 255 {
				e.count++
			}
			d.seen[h] = e
			d.dups++
			return true, e.count
		}
	}
	d.seen[h] = entry{time: timeMs, count: 1}
	return false, 1
}

// Duplicates is the number of copies recognised so far.
func (d *Deduper) Duplicates() int64 { return d.dups }

func (d *Deduper) expire(now int64) {
	for k, e := range d.seen {
		if now-e.time > d.window || e.time-now > d.window {
			delete(d.seen, k)
		}
	}
	d.sweep = now
}

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
