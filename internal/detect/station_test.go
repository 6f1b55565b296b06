package detect

import (
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
)

// shipType adds a static report giving a vessel's ship type and name.
func (s *scene) shipType(mmsi uint32, t int64, typ uint8, name string) {
	info := &fuse.StaticInfo{Name: name, ShipType: typ, Has: fuse.HasShipType | fuse.HasName}
	s.reports = append(s.reports, fuse.Report{Time: t, MMSI: mmsi, Type: 24, Kind: fuse.Static, Class: fuse.ClassB, Info: info})
}

// shore2km puts the coast 2 km east of 124.0°E at 30°N.
func shore2km(lat, lon float64) float64 { return max(0, (124.0-lon)*96_500+2000) }

// TestNonShipsGetNoShipRules: two yachts moored side by side near the
// shore are no encounter (two cargo ships there are); AtoN-form numbers
// and net buoys drifting together offshore, silent for hours, are no
// encounter, no gap and no loitering.
func TestNonShipsGetNoShipRules(t *testing.T) {
	var s scene
	// Yachts 2 km off the coast, 100 m apart, 6 h.
	s.sail(235000001, 0, 30, 124.0, 0, 0, 10*minute, 6*60*minute)
	s.sail(235000002, 0, 30.0009, 124.0, 0, 0, 10*minute, 6*60*minute)
	s.shipType(235000001, 0, 37, "SEA JOY")
	s.shipType(235000002, 0, 36, "WINDFALL")
	// Cargo ships in the same spot a day later: an encounter.
	s.sail(235000003, 24*60*minute, 30, 124.0, 0, 0, 10*minute, 6*60*minute)
	s.sail(235000004, 24*60*minute, 30.0009, 124.0, 0, 0, 10*minute, 6*60*minute)
	s.shipType(235000003, 24*60*minute, 70, "CARGO ONE")
	s.shipType(235000004, 24*60*minute, 70, "CARGO TWO")
	// Offshore: an AtoN-form number and a net buoy drifting together,
	// silent 8 h in the middle.
	for _, m := range []uint32{992351234, 412000777} {
		lat := 29.0 + float64(m%2)*0.0005
		s.sail(m, 0, lat, 123.0, 0, 0.3, 10*minute, 4*60*minute)
		s.sail(m, 12*60*minute, lat+0.02, 123.0, 0, 0.3, 10*minute, 4*60*minute)
	}
	s.shipType(412000777, 0, 30, "ZHEYU 12345 12.5V")
	evs := s.run(Places{ShoreM: shore2km})
	var enc []event.Event
	for _, e := range evs {
		switch {
		case e.Type == event.Encounter:
			enc = append(enc, e)
		case e.MMSI == 992351234 || e.MMSI == 412000777:
			if e.Type == event.Gap || e.Type == event.Loitering {
				t.Errorf("non-ship: %s", e.Summary)
			}
		}
	}
	if len(enc) != 1 || enc[0].MMSI+enc[0].OtherMMSI != 235000003+235000004 {
		for _, e := range enc {
			t.Errorf("encounter %s", e.Summary)
		}
		t.Errorf("%d encounters, want the cargo ships' only", len(enc))
	}
}
