package detect

import (
	"fmt"
	"strconv"
	"strings"

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
	// What was emitted while the vessel is heard: the hit's end, its
	// confidence, and whether its position has changed since.
	prog  progress
	moved bool
}

// watchRefreshMs is how often, in data time, a hit whose evidence has not
// changed is emitted again while the vessel is heard, so that the end of
// a stored hit is never more than a day behind.
const watchRefreshMs = 24 * hourMs

// WatchlistDetector finds vessels on a sanctions list or watchlist, by
// IMO, MMSI or name: one event per vessel and list entry, from the first
// to the last report that matched.
type WatchlistDetector struct {
	match func(q WatchQuery) []event.Entry
	emit  emitFunc
	opens bool // emit a hit when the vessel first matches
	hits  map[uint32]map[string]*watchHit
}

// NewWatchlistDetector returns a watchlist detector that emits each hit
// once, at the end of the data; match may be nil.
func NewWatchlistDetector(match func(q WatchQuery) []event.Entry, emit Emitter) *WatchlistDetector {
	return newWatchlistDetector(match, finalOnly(emit), false)
}

// newWatchlistDetector returns a watchlist detector; with opens, it emits
// a hit as soon as the vessel matches and its position is known, again
// when the match gets stronger (an IMO after a name), the position nearest
// the match is found, or a day has passed, and a last time at the end of
// the data.
func newWatchlistDetector(match func(q WatchQuery) []event.Entry, emit emitFunc, opens bool) *WatchlistDetector {
	return &WatchlistDetector{match: match, emit: emit, opens: opens, hits: make(map[uint32]map[string]*watchHit)}
}

func (h *watchHit) confidence() float64 {
	switch watchRank(h.entry.By) {
	case rankIMO:
		return 0.95
	case rankMMSI:
		return 0.8
	case rankCorroborated:
		return 0.5
	}
	return 0.3 // a name alone: a weak lead
}

// How strongly a hit names the listed vessel, from its entry's By
// ("imo", "mmsi", "name", "alias", "callsign", "type", joined by "+").
const (
	rankName         = iota // a name or alias alone
	rankCorroborated        // a name with the call sign or a ship type that agrees
	rankMMSI
	rankIMO
)

func watchRank(by string) int {
	switch {
	case strings.Contains(by, "imo"):
		return rankIMO
	case strings.Contains(by, "mmsi"):
		return rankMMSI
	case strings.Contains(by, "callsign") || strings.Contains(by, "type"):
		return rankCorroborated
	}
	return rankName
}

// WatchQuery is what the watchlist is asked about a vessel: its IMO
// number, MMSI and name, and the call sign and ship type that may
// corroborate a match by name. Zero values are unknown.
type WatchQuery struct {
	IMO, MMSI uint32
	Name      string
	CallSign  string
	ShipType  uint8
}

// event is a hit's event as it stands.
func (h *watchHit) event(mmsi uint32) event.Event {
	e := h.entry
	return event.Event{
		Type: event.Watchlist, MMSI: mmsi, Entry: &e,
		Start: tm(h.first), End: tm(h.last), Lat: h.lat, Lon: h.lon,
		Confidence: h.confidence(),
		Summary:    fmt.Sprintf("%d matches %s entry %q by %s", mmsi, e.List, e.Name, e.By),
	}
}

// update emits a hit whose evidence is new.
func (d *WatchlistDetector) update(mmsi uint32, h *watchHit) {
	if !d.opens || !h.hasPos {
		return
	}
	conf := h.confidence()
	if !h.prog.sent || h.moved || conf != h.prog.conf || h.last-h.prog.end >= watchRefreshMs {
		h.prog.mark(h.last, conf)
		h.moved = false
		d.emit(h.event(mmsi), open)
	}
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
		} else if watchRank(e.By) > watchRank(h.entry.By) {
			h.entry.By = e.By // the strongest evidence names the hit
		}
		if t > h.last {
			h.last = t
		}
		d.update(mmsi, h)
	}
}

func (d *WatchlistDetector) Position(o *Obs) {
	if d.match == nil {
		return
	}
	mmsi := o.Vessel.MMSI
	if !o.vs.watchChecked {
		o.vs.watchChecked = true
		d.record(o.vs, mmsi, d.match(WatchQuery{MMSI: mmsi}), o.Fix.Time, &o.Fix)
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
					h.moved = h.prog.sent
				}
			}
			h.last = max(h.last, f.Time)
			d.update(mmsi, h)
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
	// The call sign and ship type may come in another report (type 24
	// part B, a CSV row): those last heard stand in.
	q := WatchQuery{IMO: info.IMO, MMSI: s.Vessel.MMSI, Name: info.Name, CallSign: info.CallSign, ShipType: info.ShipType}
	if q.CallSign == "" {
		q.CallSign, _ = s.Vessel.ID.CallSigns.Current()
	}
	if q.ShipType == 0 {
		if st, ok := s.Vessel.ID.ShipTypes.Current(); ok {
			n, _ := strconv.Atoi(st)
			q.ShipType = uint8(n)
		}
	}
	d.record(vstate(s.Vessel), s.Vessel.MMSI, d.match(q), s.Report.Time, lastFix(s.Vessel))
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
			d.emit(h.event(mmsi), final)
		}
	}
	d.hits = map[uint32]map[string]*watchHit{}
}
