package store

import (
	"fmt"
	"os"
	"slices"
)

// Track calls fn with the positions of vessel mmsi whose time is in
// [from, to) (Unix ms), in order of time, until fn returns false.
// Positions with equal times come in the order they were appended in.
func (s *Store) Track(mmsi uint32, from, to int64, fn func(Position) bool) error {
	return s.track(mmsi, from, to, nil, fn)
}

// Tracks is Track for each vessel of mmsis in turn, until fn returns
// false, opening each segment file of the range once for all of them
// instead of once a vessel (a density map reads thousands of tracks).
func (s *Store) Tracks(mmsis []uint32, from, to int64, fn func(Position) bool) error {
	files := map[*segment]*os.File{}
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	stop := false
	for _, m := range mmsis {
		err := s.track(m, from, to, files, func(p Position) bool {
			stop = !fn(p)
			return !stop
		})
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// track is Track, with the segment files already open in files (nil:
// open each for this call).
func (s *Store) track(mmsi uint32, from, to int64, files map[*segment]*os.File, fn func(Position) bool) error {
	if from >= to {
		return nil
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	from = max(from, s.cutoff())
	var segs []*segment
	for _, g := range s.segs {
		if g.nIdx > 0 && g.maxT >= from && g.minT < to {
			segs = append(segs, g)
		}
	}
	head := s.sealingTrack(mmsi, from, to, nil)
	if v := s.vessels[mmsi]; v != nil {
		i, _ := slices.BinarySearchFunc(v.pts, from, func(p Position, t int64) int { return cmpI64(p.Time, t) })
		for ; i < len(v.pts) && v.pts[i].Time < to; i++ {
			head = append(head, v.pts[i])
		}
	}
	s.mu.RUnlock()

	var out []Position
	var buf []byte
	var err error
	for _, g := range segs {
		if out, buf, err = g.trackIn(files, mmsi, from, to, out, buf); err != nil {
			// A damaged block costs that block's hour, not the track.
			if !s.leftOut(err) {
				return err
			}
		}
	}
	out = append(out, head...)
	// Segments are in seal order, and each holds a sorted block, but a
	// late position sealed after its window makes them overlap.
	if !slices.IsSortedFunc(out, byTime) {
		slices.SortStableFunc(out, byTime)
	}
	for _, p := range out {
		if !fn(p) {
			break
		}
	}
	return nil
}

func byTime(a, b Position) int { return cmpI64(a.Time, b.Time) }

// BBox is an area in degrees. A box with MinLon > MaxLon crosses the
// antimeridian.
type BBox struct {
	MinLat, MinLon, MaxLat, MaxLon float64
}

// Contains reports whether (lat, lon) is in b, edges included.
func (b BBox) Contains(lat, lon float64) bool {
	if lat < b.MinLat || lat > b.MaxLat {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return lon >= b.MinLon && lon <= b.MaxLon
	}
	return lon >= b.MinLon || lon <= b.MaxLon
}

func (b BBox) valid() bool {
	return b.MinLat >= -90 && b.MaxLat <= 90 && b.MinLat <= b.MaxLat &&
		b.MinLon >= -180 && b.MinLon <= 180 && b.MaxLon >= -180 && b.MaxLon <= 180
}

// Latest calls fn with the latest position of every vessel whose latest
// position is inside b and no older than since (Unix ms), in MMSI order,
// until fn returns false: "the vessels in this box now" is since = now
// minus how stale a position may be. It reads only memory.
func (s *Store) Latest(b BBox, since int64, fn func(Position) bool) error {
	return s.LatestFor(b, since, AllFeeds, fn)
}

// LatestOf returns the latest position of one vessel heard by a feed in
// clearance (AllFeeds: every feed), from memory; false when there is none.
func (s *Store) LatestOf(mmsi uint32, clearance uint64) (Position, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := s.vessels[mmsi]
	if s.closed || v == nil {
		return Position{}, false
	}
	if clearance == AllFeeds {
		return v.last, v.hasPos
	}
	return v.latestFor(clearance)
}

// LatestFor is Latest as a partner cleared for the feeds in clearance
// sees it: each vessel's latest position heard by one of those feeds
// (AllFeeds: every feed; 0: none).
func (s *Store) LatestFor(b BBox, since int64, clearance uint64, fn func(Position) bool) error {
	if !b.valid() {
		return fmt.Errorf("%w: bounding box %+v", ErrInvalid, b)
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	since = max(since, s.cutoff())
	var out []Position
	for _, v := range s.vessels {
		p, ok := v.last, v.hasPos
		if clearance != AllFeeds {
			p, ok = v.latestFor(clearance)
		}
		if ok && p.Time >= since && b.Contains(p.Lat, p.Lon) {
			out = append(out, p)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Position) int { return cmpU64(uint64(a.MMSI), uint64(b.MMSI)) })
	for _, p := range out {
		if !fn(p) {
			break
		}
	}
	return nil
}
