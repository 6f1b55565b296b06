package detect

import (
	"math/rand/v2"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
)

// busan is a port at Busan for the tests, found within maxM.
func busan(lat, lon, maxM float64) (string, float64, bool) {
	d := geo.Distance(lat, lon, 35.10, 129.04)
	return "BUSAN", d, d <= maxM
}

// withoutSOG drops the speed and course of every position of mmsi, as CSV
// exports of positions only (epoch, mmsi, lat, lon) do, and moves each fix
// by up to jitterM of GPS noise.
func (s *scene) withoutSOG(mmsi uint32, jitterM float64, rng *rand.Rand) {
	for i := range s.reports {
		r := &s.reports[i]
		if r.MMSI != mmsi || r.Kind != fuse.Position {
			continue
		}
		r.SOG, r.COG = fuse.NotAvailable, fuse.NotAvailable
		r.Lat, r.Lon = geo.Destination(r.Lat, r.Lon, rng.Float64()*360, rng.Float64()*jitterM)
	}
}

// TestPortVisitWithoutSOG: a vessel whose fixes carry no speed calls at a
// port; the stop is found from the distance it moved, though GPS noise
// between fixes 30 s apart reads as knots.
func TestPortVisitWithoutSOG(t *testing.T) {
	var s scene
	lat, lon := s.sail(440000020, 0, 35.10-0.18, 129.04, 0, 8, minute/2, 80*minute)
	s.sail(440000020, 81*minute, lat, lon, 0, 0, minute/2, 6*60*minute)
	s.sail(440000020, 81*minute+6*60*minute+minute, lat, lon, 180, 8, minute/2, 120*minute)
	// Passes 2 km off at 12 kn without stopping.
	s.sail(440000021, 0, 35.10-0.2, 129.04+0.02, 0, 12, minute/2, 120*minute)
	rng := rand.New(rand.NewPCG(1, 2))
	s.withoutSOG(440000020, 15, rng)
	s.withoutSOG(440000021, 15, rng)
	ev := only(s.run(Places{ShoreM: farFromShore, NearestPort: busan}), event.PortVisit)
	if len(ev) != 1 || ev[0].MMSI != 440000020 || ev[0].Port != "BUSAN" {
		t.Fatalf("visits %+v", ev)
	}
	if h := ev[0].Details["stopped_hours"]; h < 5.5 || h > 6.5 {
		t.Errorf("stopped %.1f h, want about 6: %s", h, ev[0].Summary)
	}
}

// TestPortVisitOneFix: a vessel heard once, stopped, near a port, and
// never again there has passed it (or been heard in passing): no visit.
func TestPortVisitOneFix(t *testing.T) {
	var s scene
	s.sail(440000030, 0, 35.10, 129.05, 0, 0, minute, 0)
	// Heard once in port, then 40 km away hours later.
	s.sail(440000031, 0, 35.10, 129.045, 0, 0.1, minute, 0)
	s.sail(440000031, 5*60*minute, 35.46, 129.04, 0, 10, minute, 10*minute)
	for _, e := range only(s.run(Places{ShoreM: farFromShore, NearestPort: busan}), event.PortVisit) {
		t.Errorf("visit of one fix: %s", e.Summary)
	}
}

// TestZoneVisitOneFix: one fix inside a zone, for no time, is no stay;
// two fixes minutes apart are one.
func TestZoneVisitOneFix(t *testing.T) {
	zones := func(lat, lon float64, dst []string) []string {
		if lat > 38 && lat < 39.5 && lon > 123 && lon < 125 {
			dst = append(dst, "Korea Bay")
		}
		return dst
	}
	var s scene
	// Cuts the zone's corner: one fix inside in an hourly track.
	s.sail(412000031, 0, 38.6, 124.9, 90, 20, 60*minute, 3*60*minute)
	// Two fixes inside, 5 minutes apart.
	s.sail(412000032, 0, 38.5, 124, 0, 10, 5*minute, 5*minute)
	ev := only(s.run(Places{ShoreM: farFromShore, Zones: zones}), event.ZoneVisit)
	if len(ev) != 1 || ev[0].MMSI != 412000032 || ev[0].Duration() <= 0 {
		for _, e := range ev {
			t.Errorf("zone visit %s (%s .. %s)", e.Summary, e.Start, e.End)
		}
	}
}
