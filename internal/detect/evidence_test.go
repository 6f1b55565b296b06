package detect

import (
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// TestEvidence: an episode carries the fixes that open and close it, so
// that an investigator can check it against the raw data: a loitering
// run, a port call and a stay in a zone their first and last fix, with
// the time of each equal to the event's start and end.
func TestEvidence(t *testing.T) {
	var s scene
	s.sail(412000001, 0, 20, 112, 90, 0.5, minute, 4*hourMs) // loitering offshore
	s.sail(440000002, 0, 35.12, 129.04, 0, 0, 3*minute, 5*hourMs)
	zones := func(lat, lon float64, dst []string) []string {
		if lon > 111.9 && lon < 113 {
			dst = append(dst, "STS area")
		}
		return dst
	}
	port := func(lat, lon, maxM float64) (string, float64, bool) {
		if lat > 35 {
			return "BUSAN", 100, true
		}
		return "", 0, false
	}
	evs := s.run(Places{ShoreM: farFromShore, Zones: zones, NearestPort: port})
	for _, c := range []struct {
		typ  event.Type
		mmsi uint32
	}{{event.Loitering, 412000001}, {event.PortVisit, 440000002}, {event.ZoneVisit, 412000001}} {
		typ := c.typ
		var es []event.Event
		for _, e := range only(evs, typ) {
			if e.MMSI == c.mmsi {
				es = append(es, e)
			}
		}
		if len(es) != 1 {
			t.Errorf("%s: %d events", typ, len(es))
			continue
		}
		e := es[0]
		if len(e.Evidence) != 2 || e.Evidence[0].Role != event.First || e.Evidence[1].Role != event.Last ||
			!e.Evidence[0].Time.Equal(e.Start) || !e.Evidence[1].Time.Equal(e.End) || e.Evidence[0].Feed != "0" {
			t.Errorf("%s %s..%s: evidence %+v", typ, e.Start, e.End, e.Evidence)
		}
	}
}

// TestEncounterEvidence: an encounter carries each vessel's fix at its
// first and last measurement, named by MMSI, within minutes of its start
// and end and within the encounter distance of each other.
func TestEncounterEvidence(t *testing.T) {
	var s scene
	lat, lon := 20.0, 112.0
	blat, blon := geo.Destination(lat, lon, 90, 80)
	s.sail(412000011, 0, lat, lon, 45, 0.3, minute, 5*hourMs)
	s.sail(636000022, 30*1000, blat, blon, 45, 0.3, 3*minute, 5*hourMs)
	encs := only(s.run(Places{ShoreM: farFromShore}), event.Encounter)
	if len(encs) != 1 {
		t.Fatalf("%d encounters", len(encs))
	}
	e := encs[0]
	if len(e.Evidence) != 4 {
		t.Fatalf("evidence %+v", e.Evidence)
	}
	for i, f := range e.Evidence {
		wantMMSI := []uint32{e.MMSI, e.OtherMMSI}[i%2]
		wantRole, at := event.First, e.Start
		if i >= 2 {
			wantRole, at = event.Last, e.End
		}
		if f.MMSI != wantMMSI || f.Role != wantRole || f.Time.Sub(at).Abs() > 5*time.Minute {
			t.Errorf("evidence %d: %+v (event %s..%s)", i, f, e.Start, e.End)
		}
	}
	if d := geo.Distance(e.Evidence[0].Lat, e.Evidence[0].Lon, e.Evidence[1].Lat, e.Evidence[1].Lon); d > 500 {
		t.Errorf("first fixes %.0f m apart", d)
	}
}
