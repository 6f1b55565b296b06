package sightings

import (
	"cmp"
	"slices"

	"github.com/picket-ais/picket/internal/store"
)

// Filter selects kept detections and scenes. Its zero value selects
// nothing: Clearance 0 sees none.
type Filter struct {
	// From and To bound the time, Unix ms, [From, To); 0 for no bound. A
	// scene without a time is selected by its detections' feed alone.
	From, To int64
	// Box selects by place (a scene: its footprint's extent meets it);
	// nil for everywhere.
	Box *store.BBox
	// Sensors selects detections of these sensors; empty for all.
	Sensors []string
	// Dark: "dark" selects dark detections, "matched" matched ones, ""
	// both.
	Status string
	// Feed selects one feed's; "" for all.
	Feed string
	// Clearance is the feeds the reader is cleared for (a detection or
	// scene is visible through its feed's bit); store.AllFeeds for all.
	Clearance uint64
}

// Status values of Filter.
const (
	StatusDark    = "dark"
	StatusMatched = "matched"
)

func (f *Filter) sees(bit int) bool { return f.Clearance&(1<<bit) != 0 }

func (f *Filter) inTime(t int64) bool {
	return (f.From == 0 || t >= f.From) && (f.To == 0 || t < f.To)
}

// Detections calls fn with the kept detections f selects, in order of
// time, until fn returns false.
func (d *Desk) Detections(f Filter, fn func(Detection) bool) {
	d.mu.RLock()
	var out []Detection
	for i := range d.dets {
		k := &d.dets[i]
		switch {
		case !f.sees(k.Bit), f.Feed != "" && k.Feed != f.Feed, !f.inTime(k.Time),
			f.Box != nil && !f.Box.Contains(k.Lat, k.Lon),
			len(f.Sensors) > 0 && !slices.Contains(f.Sensors, k.Sensor),
			f.Status == StatusDark && !k.Dark(), f.Status == StatusMatched && k.Dark():
			continue
		}
		out = append(out, *k)
	}
	d.mu.RUnlock()
	slices.SortStableFunc(out, func(a, b Detection) int { return cmp.Compare(a.Time, b.Time) })
	for _, k := range out {
		if !fn(k) {
			return
		}
	}
}

// Scenes calls fn with the kept scenes f selects (Sensors and Status do
// not apply), in order of time, until fn returns false.
func (d *Desk) Scenes(f Filter, fn func(Scene) bool) {
	d.mu.RLock()
	var out []Scene
	for _, s := range d.scenes {
		if !f.sees(s.Bit) || f.Feed != "" && s.Feed != f.Feed || s.Time != 0 && !f.inTime(s.Time) {
			continue
		}
		if f.Box != nil && len(s.Footprint) > 0 {
			b := s.Footprint.Bound()
			if !meets(*f.Box, b.Min.Lat(), b.Min.Lon(), b.Max.Lat(), b.Max.Lon()) {
				continue
			}
		}
		out = append(out, *s)
	}
	d.mu.RUnlock()
	slices.SortFunc(out, func(a, b Scene) int {
		if c := cmp.Compare(a.Time, b.Time); c != 0 {
			return c
		}
		if a.Feed != b.Feed {
			return cmp.Compare(a.Feed, b.Feed)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, s := range out {
		if !fn(s) {
			return
		}
	}
}

// meets reports whether the extent [minLat, maxLat] x [minLon, maxLon]
// meets box b (which may cross the antimeridian).
func meets(b store.BBox, minLat, minLon, maxLat, maxLon float64) bool {
	if maxLat < b.MinLat || minLat > b.MaxLat {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return maxLon >= b.MinLon && minLon <= b.MaxLon
	}
	return maxLon >= b.MinLon || minLon <= b.MaxLon
}
