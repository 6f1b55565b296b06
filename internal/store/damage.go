package store

import (
	"errors"
	"fmt"
	"sync"
)

// Damage is a part of the store's files that failed its checks (a
// checksum, a length, a decoding) and was left out, so that the rest
// stays readable: a record of the write-ahead log, the events of a
// segment, one vessel's block. What it held is not served; the file is
// kept (a damaged log file is also linked aside as *.damaged, since a
// seal would otherwise delete it) so that it can be examined.
type Damage struct {
	File   string // base name of the file in the store's directory
	Offset int64  // where the damaged bytes start
	Size   int64  // how many bytes were left out
	What   string // what they held: "write-ahead log record", "events", "block of mmsi N"
	Reason string // which check failed
}

func (d Damage) String() string {
	return fmt.Sprintf("%s at offset %d (%d bytes, %s): %s", d.File, d.Offset, d.Size, d.What, d.Reason)
}

// maxDamages bounds the damages a store remembers (the first ones); the
// count goes on.
const maxDamages = 64

// damages is what a store found damaged since it was opened.
type damages struct {
	mu   sync.Mutex
	list []Damage
	seen map[Damage]bool
	n    int
}

// note records d once (a query that meets the same damage again adds
// nothing) and reports whether it was new.
func (ds *damages) note(d Damage) bool {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.seen == nil {
		ds.seen = make(map[Damage]bool)
	}
	if ds.seen[d] {
		return false
	}
	ds.seen[d] = true
	ds.n++
	if len(ds.list) < maxDamages {
		ds.list = append(ds.list, d)
	}
	return true
}

// damaged records d, logs it the first time and counts it.
func (s *Store) damaged(d Damage) {
	if s.dmg.note(d) {
		s.opts.Logger.Error("store: damaged data left out", "file", d.File, "offset", d.Offset, "size", d.Size, "what", d.What, "reason", d.Reason)
	}
}

// Damages returns the damaged parts of the store's files found since it
// was opened (the first 64), in the order they were found.
func (s *Store) Damages() []Damage {
	s.dmg.mu.Lock()
	defer s.dmg.mu.Unlock()
	return append([]Damage(nil), s.dmg.list...)
}

// Health returns nil while none of the store's files was found damaged,
// else an error wrapping ErrCorrupt that counts the damages and names
// the first: the store goes on serving what is intact, but something on
// its disk is wrong and an operator should look (see Damages).
func (s *Store) Health() error {
	s.dmg.mu.Lock()
	defer s.dmg.mu.Unlock()
	if s.dmg.n == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d damaged part(s) of the store's files left out, the first %s", ErrCorrupt, s.dmg.n, s.dmg.list[0])
}

// damagedSuffix names a damaged log file's copy, kept out of the store's
// recovery and cleanup.
const damagedSuffix = ".damaged"

// leftOut records err when it is damage found by a query and reports
// whether it was: the query goes on without the damaged part.
func (s *Store) leftOut(err error) bool {
	var de *damageError
	if !errors.As(err, &de) {
		return false
	}
	s.damaged(de.d)
	return true
}
