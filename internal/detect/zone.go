package detect

import (
	"fmt"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/track"
)

type zoneStay struct {
	start, last int64 // first and last fix inside
	lat, lon    float64
	fixes       int
	prog        progress
	// firstFix and lastFix are the evidence: the first and last fix inside.
	firstFix, lastFix track.Fix
}

// counts reports whether a stay is one: a single fix inside, for no time,
// is a vessel cutting a corner or a stray position, not a visit.
func (s *zoneStay) counts() bool { return s.fixes >= 2 && s.last > s.start }

// zoneMergeMs joins stays in one zone less than this apart: a ship sailing
// along a zone's edge, or heard once outside, has not left it.
const zoneMergeMs = hourMs

// ZoneDetector finds vessels inside user zones (EEZs, territorial seas,
// known ship-to-ship hotspots): one event per stay, from entry to exit,
// stays less than an hour apart joined; a stay of one fix is none.
type ZoneDetector struct {
	zones func(lat, lon float64, dst []string) []string
	emit  emitFunc
	opens bool // emit stays from the entry on
	in    map[uint32]map[string]*zoneStay
	buf   []string
	name  func(uint16) string // names a feed in evidence; set at the first fix
}

// NewZoneDetector returns a zone detector that emits each stay once, when
// the vessel has left; zones may be nil (no zones).
func NewZoneDetector(zones func(lat, lon float64, dst []string) []string, emit Emitter) *ZoneDetector {
	return newZoneDetector(zones, finalOnly(emit), false)
}

// newZoneDetector returns a zone detector; with opens, it emits a stay
// from its second fix inside and again as it goes on.
func newZoneDetector(zones func(lat, lon float64, dst []string) []string, emit emitFunc, opens bool) *ZoneDetector {
	return &ZoneDetector{zones: zones, emit: emit, opens: opens, in: make(map[uint32]map[string]*zoneStay)}
}

func (d *ZoneDetector) Position(o *Obs) {
	if d.name == nil {
		d.name = o.places.feedName
	}
	if d.zones == nil {
		return
	}
	f := &o.Fix
	d.buf = d.zones(f.Lat, f.Lon, d.buf[:0])
	stays := d.in[o.Vessel.MMSI]
	if len(d.buf) == 0 && len(stays) == 0 {
		return
	}
	if stays == nil {
		stays = make(map[string]*zoneStay)
		d.in[o.Vessel.MMSI] = stays
	}
	for name, s := range stays {
		if !contains(d.buf, name) && f.Time-s.last > zoneMergeMs {
			d.close(o.Vessel.MMSI, name, s)
			delete(stays, name)
		}
	}
	for _, name := range d.buf {
		s := stays[name]
		if s == nil {
			s = &zoneStay{start: f.Time, lat: f.Lat, lon: f.Lon, firstFix: *f}
			stays[name] = s
		}
		s.last = f.Time
		s.lastFix = *f
		s.fixes++
		if d.opens && s.counts() && s.prog.due(s.last, zoneConfidence) {
			s.prog.mark(s.last, zoneConfidence)
			d.emit(d.zoneEvent(o.Vessel.MMSI, name, s), open)
		}
	}
}

const zoneConfidence = 0.9

// zoneEvent is a stay's event as it stands.
func (d *ZoneDetector) zoneEvent(mmsi uint32, zone string, s *zoneStay) event.Event {
	return event.Event{
		Type: event.ZoneVisit, MMSI: mmsi, Zone: zone,
		Start: tm(s.start), End: tm(s.last), Lat: s.lat, Lon: s.lon,
		Confidence: zoneConfidence,
		Summary:    fmt.Sprintf("%d in %s for %s", mmsi, zone, hours(s.last-s.start)),
		Evidence:   []event.Fix{evidenceFix(&s.firstFix, d.name, event.First), evidenceFix(&s.lastFix, d.name, event.Last)},
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *ZoneDetector) close(mmsi uint32, zone string, s *zoneStay) {
	if !s.counts() {
		return
	}
	d.emit(d.zoneEvent(mmsi, zone, s), final)
}

func (d *ZoneDetector) Static(*StaticObs) {}

func (d *ZoneDetector) Finish(int64) {
	for mmsi, stays := range d.in {
		for name, s := range stays {
			d.close(mmsi, name, s)
		}
	}
	d.in = map[uint32]map[string]*zoneStay{}
}
