package detect

import (
	"fmt"

	"github.com/picket-ais/picket/internal/event"
)

type zoneStay struct {
	start, last int64 // first and last fix inside
	lat, lon    float64
}

// zoneMergeMs joins stays in one zone less than this apart: a ship sailing
// along a zone's edge, or heard once outside, has not left it.
const zoneMergeMs = hourMs

// ZoneDetector finds vessels inside user zones (EEZs, territorial seas,
// known ship-to-ship hotspots): one event per stay, from entry to exit,
// stays less than an hour apart joined.
type ZoneDetector struct {
	zones func(lat, lon float64, dst []string) []string
	emit  Emitter
	in    map[uint32]map[string]*zoneStay
	buf   []string
}

// NewZoneDetector returns a zone detector; zones may be nil (no zones).
func NewZoneDetector(zones func(lat, lon float64, dst []string) []string, emit Emitter) *ZoneDetector {
	return &ZoneDetector{zones: zones, emit: emit, in: make(map[uint32]map[string]*zoneStay)}
}

func (d *ZoneDetector) Position(o *Obs) {
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
			s = &zoneStay{start: f.Time, lat: f.Lat, lon: f.Lon}
			stays[name] = s
		}
		s.last = f.Time
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
	d.emit(event.Event{
		Type: event.ZoneVisit, MMSI: mmsi, Zone: zone,
		Start: tm(s.start), End: tm(s.last), Lat: s.lat, Lon: s.lon,
		Confidence: 0.9,
		Summary:    fmt.Sprintf("%d in %s for %s", mmsi, zone, hours(s.last-s.start)),
	})
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
