package detection

import (
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// beside is a dark object following track tr off metres to its north,
// a sighting every `every` minutes over [from, to].
func beside(tr Track, off float64, from, to, every int64) Dark {
	d := Dark{Sensor: "radar", ID: "r/1/1"}
	o := Options{}
	o.Defaults()
	for m := from; m <= to; m += every {
		la, lo, _, ok := o.at(&tr, t0+m*minute)
		if !ok {
			continue
		}
		la, lo = geo.Destination(la, lo, 0, off)
		d.Sightings = append(d.Sightings, Sighting{Time: t0 + m*minute, Lat: la, Lon: lo, Feed: "coast", Line: int(m) + 100})
	}
	return d
}

func TestDarkEncounters(t *testing.T) {
	slow := sailing(111, 35, 125, 0.5, -60, 300, 2)
	fast := sailing(222, 36, 125, 10, -60, 300, 2)
	cases := []struct {
		name string
		dark Dark
		want uint32 // 0: no event
	}{
		{"alongside 3 h", beside(slow, 200, 0, 180, 1), 111},
		{"alongside 1 h: too short", beside(slow, 200, 0, 60, 1), 0},
		{"2 km off: not alongside", beside(slow, 2000, 0, 180, 1), 0},
		{"together at 10 kn: sailing in company, not a transfer", beside(fast, 200, 0, 180, 1), 0},
		{"one sighting", beside(slow, 200, 0, 0, 1), 0},
	}
	for _, c := range cases {
		evs := DarkEncounters([]Dark{c.dark}, []Track{slow, fast}, EncounterOptions{}, Options{})
		switch {
		case c.want == 0 && len(evs) != 0:
			t.Errorf("%s: %+v, want none", c.name, evs)
		case c.want != 0 && (len(evs) != 1 || evs[0].MMSI != c.want || evs[0].Type != event.DarkEncounter || evs[0].ID == ""):
			t.Errorf("%s: %+v, want one of %d", c.name, evs, c.want)
		}
	}
	// A radar track that leaves the vessel for a while (a sighting 2 km
	// away) splits the time alongside in two short episodes: none.
	d := beside(slow, 200, 0, 180, 1)
	la, lo := geo.Destination(d.Sightings[90].Lat, d.Sightings[90].Lon, 0, 2000)
	d.Sightings[90].Lat, d.Sightings[90].Lon = la, lo
	if evs := DarkEncounters([]Dark{d}, []Track{slow}, EncounterOptions{}, Options{}); len(evs) != 0 {
		t.Errorf("split episode: %+v", evs)
	}
	// Satellite passes 6 h apart, each with a dark hull beside the same
	// loitering vessel: repeated dark detections, one encounter; near a
	// port, none.
	long := sailing(333, 34, 125, 0.2, -60, 800, 30)
	sar := beside(long, 150, 0, 720, 360)
	sar.Sensor, sar.ID = SensorSAR, ""
	// Each image shows another dark hull 3 km off too: the detections
	// taken together are many hulls, and one elsewhere does not end the
	// time alongside.
	var with []Sighting
	for _, s := range sar.Sightings {
		la, lo := geo.Destination(s.Lat, s.Lon, 90, 3000)
		with = append(with, s, Sighting{Time: s.Time, Lat: la, Lon: lo, Feed: s.Feed, Line: s.Line + 1})
	}
	sar.Sightings = with
	evs := DarkEncounters([]Dark{sar}, []Track{long}, EncounterOptions{}, Options{})
	if len(evs) != 1 || evs[0].MMSI != 333 || evs[0].Sensor != "sar" || evs[0].Details["sightings"] != 3 || evs[0].Duration() != 12*time.Hour {
		t.Errorf("repeated SAR: %+v", evs)
	}
	port := EncounterOptions{NearPort: func(lat, lon float64) bool { return geo.Distance(lat, lon, 34, 125) < 10e3 }}
	if evs := DarkEncounters([]Dark{sar}, []Track{long}, port, Options{}); len(evs) != 0 {
		t.Errorf("near a port: %+v", evs)
	}
}

// One dark partner seen by two radars (two tracks alongside one AIS
// vessel at once) is one dark_encounter.
func TestDarkEncountersMerged(t *testing.T) {
	slow := sailing(111, 35, 125, 0.5, -60, 300, 2)
	a, b := beside(slow, 200, 0, 180, 1), beside(slow, 220, 60, 240, 1)
	b.ID = "r2/4/1"
	evs := DarkEncounters([]Dark{a, b}, []Track{slow}, EncounterOptions{}, Options{})
	if len(evs) != 1 || evs[0].Duration() != 4*time.Hour || evs[0].Details["sightings"] != 181+181 {
		t.Errorf("%+v", evs)
	}
}
