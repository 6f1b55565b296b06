package detect

import (
	"fmt"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/track"
)

type watchHit struct {
	entry       event.Entry
	first, last int64
	// The position is the vessel's fix nearest in time to the first match:
	// the last fix before it, or the first after it if that is nearer.
	lat, lon float64
	posTime  int64
	hasPos   bool
	settled  bool // a fix after the match has been seen
}

// WatchlistDetector finds vessels on a sanctions list or watchlist, by
// IMO, MMSI or name: one event per vessel and list entry, from the first
// to the last report that matched.
type WatchlistDetector struct {
	match func(imo, mmsi uint32, name string) []event.Entry
	emit  Emitter
	hits  map[uint32]map[string]*watchHit
}

// NewWatchlistDetector returns a watchlist detector; match may be nil.
func NewWatchlistDetector(match func(imo, mmsi uint32, name string) []event.Entry, emit Emitter) *WatchlistDetector {
	return &WatchlistDetector{match: match, emit: emit, hits: make(map[uint32]map[string]*watchHit)}
}

func (d *WatchlistDetector) record(vs *vesselState, mmsi uint32, entries []event.Entry, t int64, before *track.Fix) {
	if len(entries) == 0 {
		return
	}
	vs.watchHits = true
	m := d.hits[mmsi]
	if m == nil {
		m = make(map[string]*watchHit)
		d.hits[mmsi] = m
	}
	for _, e := range entries {
		key := e.List + "|" + e.ID + "|" + e.Name
		h := m[key]
		if h == nil {
			h = &watchHit{entry: e, first: t}
			if before != nil {
				h.lat, h.lon, h.posTime, h.hasPos = before.Lat, before.Lon, before.Time, true
			}
			m[key] = h
		} else if e.By == "imo" && h.entry.By != "imo" {
			h.entry.By = e.By // the strongest evidence names the hit
		}
		if t > h.last {
			h.last = t
		}
	}
}

func (d *WatchlistDetector) Position(o *Obs) {
	if d.match == nil {
		return
	}
	mmsi := o.Vessel.MMSI
	if !o.vs.watchChecked {
		o.vs.watchChecked = true
		d.record(o.vs, mmsi, d.match(0, mmsi, ""), o.Fix.Time, &o.Fix)
	}
	if !o.vs.watchHits {
		return
	}
	if m := d.hits[mmsi]; m != nil {
		f := &o.Fix
		for _, h := range m {
			if !h.settled && f.Time >= h.first {
				h.settled = true
				if !h.hasPos || f.Time-h.first < h.first-h.posTime {
					h.lat, h.lon, h.posTime, h.hasPos = f.Lat, f.Lon, f.Time, true
				}
			}
			h.last = max(h.last, f.Time)
		}
	}
}

func (d *WatchlistDetector) Static(s *StaticObs) {
	if d.match == nil || s.Report.Info == nil {
		return
	}
	info := s.Report.Info
	if info.IMO == 0 && info.Name == "" {
		return
	}
	d.record(vstate(s.Vessel), s.Vessel.MMSI, d.match(info.IMO, s.Vessel.MMSI, info.Name), s.Report.Time, lastFix(s.Vessel))
}

// lastFix is the vessel's most recent fix over its open segments, or nil.
func lastFix(v *track.Vessel) *track.Fix {
	var f *track.Fix
	for _, s := range v.Open() {
		if f == nil || s.Last.Time > f.Time {
			f = &s.Last
		}
	}
	return f
}

func (d *WatchlistDetector) Finish(int64) {
	for mmsi, m := range d.hits {
		for _, h := range m {
			conf := 0.5
			switch h.entry.By {
			case "imo":
				conf = 0.95
			case "mmsi":
				conf = 0.8
			}
			e := h.entry
			d.emit(event.Event{
				Type: event.Watchlist, MMSI: mmsi, Entry: &e,
				Start: tm(h.first), End: tm(h.last), Lat: h.lat, Lon: h.lon,
				Confidence: conf,
				Summary:    fmt.Sprintf("%d matches %s entry %q by %s", mmsi, e.List, e.Name, e.By),
			})
		}
	}
	d.hits = map[uint32]map[string]*watchHit{}
}
