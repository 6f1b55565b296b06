package store

import (
	"math"
	"sort"
)

// AddFeeds adds feeds to the provenance of positions already stored: the
// copies of a transmission that other feeds hear after its first copy
// was written. Each element of ps names a stored position by MMSI, time,
// latitude and longitude (bit for bit), and its Feeds are the feeds to
// add; its other fields are ignored. It returns how many were found.
//
// A position is found while its window is in memory (not yet sealed,
// Options.Grace after it ends in data time): a copy that comes later
// than that adds nothing, and the position keeps the feeds it had. Under
// the rule that a position is visible to a partner cleared for any one of
// its feeds, a position that has not received every feed yet is visible
// to fewer partners, never to more: a crash between Append and AddFeeds,
// or a copy too late, narrows who sees it, never widens it.
//
// When it returns nil the additions are in the write-ahead log, after the
// positions they name, with the durability Append has.
func (s *Store) AddFeeds(ps []Position) (int, error) {
	if len(ps) == 0 {
		return 0, nil
	}
	if len(ps)*posWireBytes > maxRecord/2 {
		h := len(ps) / 2
		a, err := s.AddFeeds(ps[:h])
		if err != nil {
			return a, err
		}
		b, err := s.AddFeeds(ps[h:])
		return a + b, err
	}
	found := 0
	err := s.write(func(w *wal) []byte { return appendPosRecord(w, recFeeds, ps) }, func() {
		for i := range ps {
			if s.applyFeeds(ps[i]) {
				found++
			}
		}
	})
	return found, err
}

// applyFeeds ORs p.Feeds into the stored positions in memory with p's
// MMSI, time and coordinates, and into what the vessel keeps as its
// latest; s.mu is held (or recovery runs alone). It reports whether one
// was found.
func (s *Store) applyFeeds(p Position) bool {
	v := s.vessels[p.MMSI]
	if v == nil || p.Feeds == 0 {
		return false
	}
	same := func(q *Position) bool {
		return q.Time == p.Time && math.Float64bits(q.Lat) == math.Float64bits(p.Lat) &&
			math.Float64bits(q.Lon) == math.Float64bits(p.Lon)
	}
	found := false
	var widened Position
	for i := sort.Search(len(v.pts), func(i int) bool { return v.pts[i].Time >= p.Time }); i < len(v.pts) && v.pts[i].Time == p.Time; i++ {
		if q := &v.pts[i]; same(q) {
			q.Feeds |= p.Feeds
			widened, found = *q, true
		}
	}
	if !found {
		return false
	}
	if v.hasPos && same(&v.last) {
		v.last.Feeds |= p.Feeds
	}
	// The position becomes the latest of each added feed that has none
	// later (and stays that of the feeds it was already the latest of).
	v.noteFeeds(widened)
	return true
}
