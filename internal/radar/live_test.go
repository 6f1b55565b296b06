package radar

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// The live correlator on a radar watching a slow AIS ship with a dark
// hull alongside, and a dark ship far from any AIS: the ship's own track
// is explained, the two others are reported dark after MinDark (the far
// one naming the ship silent nearby), and the ship alongside the dark
// hull for two hours is a dark encounter, re-sent as it grows.
func TestLiveCorrelation(t *testing.T) {
	pic := NewPicture()
	l := NewLive(pic, LiveOptions{})
	pic.Update(Fix{MMSI: 333, Time: t0 - 3*3_600_000, Lat: 35.5, Lon: 124.8, SOG: math.NaN(), COG: math.NaN(), Feeds: 4})
	var evs []Emission
	for m := int64(0); m <= 180; m++ {
		now := t0 + m*60_000
		la, lo := geo.Destination(35, 125, 90, geo.KnotsToMetresPerSecond(0.5)*float64(m*60))
		pic.Update(Fix{MMSI: 111, Time: now - 20_000, Lat: la, Lon: lo, SOG: 0.5, COG: 90, Feeds: 2})
		own := Plot{Time: now}
		own.Lat, own.Lon = geo.Destination(la, lo, 0, 80)
		side := Plot{Time: now + 1000}
		side.Lat, side.Lon = geo.Destination(la, lo, 0, 250)
		far := Plot{Time: now + 2000}
		far.Lat, far.Lon = geo.Destination(35.6, 124.9, 45, float64(m*100))
		evs = append(evs, l.Plot("coast", "coast/1/1", own)...)
		evs = append(evs, l.Plot("coast", "coast/2/1", side)...)
		evs = append(evs, l.Plot("coast", "coast/3/1", far)...)
		// A second plot in the same minute is not a sample.
		if got := l.Plot("coast", "coast/3/1", far); got != nil {
			t.Fatalf("second plot of a minute: %+v", got)
		}
	}
	kinds := map[string]int{}
	ids := map[string]bool{}
	for _, e := range evs {
		if e.First {
			kinds[string(e.Event.Type)+" "+e.Event.Scene]++
		}
		ids[e.Event.ID] = true
	}
	if kinds["dark_vessel coast/2/1"] != 1 || kinds["dark_vessel coast/3/1"] != 1 || kinds["dark_vessel coast/1/1"] != 0 || kinds["dark_encounter coast/2/1"] != 1 || len(ids) != 3 {
		t.Fatalf("first emissions %v, %d ids", kinds, len(ids))
	}
	for _, e := range evs {
		switch {
		case e.Event.Type == event.DarkVessel && e.First:
			if e.Event.Start != time.UnixMilli(t0+int64(e.Event.Scene[6]-'1')*1000).UTC() || e.Event.End.Sub(e.Event.Start) < 10*time.Minute-3*time.Second {
				t.Errorf("dark vessel %s: %v to %v", e.Event.Scene, e.Event.Start, e.Event.End)
			}
			if e.Event.Scene == "coast/3/1" && (len(e.Event.Candidates) != 1 || e.Event.Candidates[0] != 333) {
				t.Errorf("candidates of the far track %v", e.Event.Candidates)
			}
		case e.Event.Type == event.DarkEncounter:
			if e.Event.MMSI != 111 || e.VesselFeeds != 2 || e.Event.Duration() < 2*time.Hour || e.Feed != "coast" {
				t.Errorf("dark encounter %+v", e)
			}
		}
	}
	var last Emission
	for _, e := range evs {
		if e.Event.Type == event.DarkEncounter {
			last = e
		}
	}
	if last.Event.Duration() < 170*time.Minute {
		t.Errorf("last dark encounter %v long, want it grown near 3 h (re-sent every 10 sightings)", last.Event.Duration())
	}
}

// A target tracked dark before its AIS is heard is withdrawn once AIS
// explains it.
func TestLiveWithdraws(t *testing.T) {
	pic := NewPicture()
	l := NewLive(pic, LiveOptions{})
	var evs []Emission
	for m := int64(0); m <= 40; m++ {
		now := t0 + m*60_000
		la, lo := geo.Destination(35, 125, 90, geo.KnotsToMetresPerSecond(10)*float64(m*60))
		if m >= 15 {
			pic.Update(Fix{MMSI: 111, Time: now, Lat: la, Lon: lo, SOG: 10, COG: 90, Feeds: 1})
		}
		evs = append(evs, l.Plot("r", "r/1/1", Plot{Time: now, Lat: la, Lon: lo})...)
	}
	n := len(evs)
	if n < 2 || !evs[0].First || evs[n-1].Event.Confidence != 0 || evs[n-1].Event.ID != evs[0].Event.ID || evs[n-2].Event.Confidence == 0 {
		t.Fatalf("%+v", evs)
	}
}

// BenchmarkLiveCorrelate: radar plots matched against a live picture of
// 10,000 AIS vessels spread over 10 by 10 degrees (about 100 in each
// degree square); each op is one plot of 100 tracks, half on a vessel.
// Reports plots (detections) per second.
func BenchmarkLiveCorrelate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	pic := NewPicture()
	for k := range 10_000 {
		pic.Update(Fix{MMSI: uint32(200_000_000 + k), Time: t0, Lat: 30 + 10*rng.Float64(), Lon: 120 + 10*rng.Float64(), SOG: 10 * rng.Float64(), COG: 360 * rng.Float64(), Feeds: 1})
	}
	type tr struct {
		id       string
		lat, lon float64
	}
	tracks := make([]tr, 100)
	for i := range tracks {
		tracks[i] = tr{id: "r/" + string(rune('A'+i%26)) + string(rune('a'+i/26)), lat: 30 + 10*rng.Float64(), lon: 120 + 10*rng.Float64()}
		if i%2 == 0 {
			f := pic.fixes[uint32(200_000_000+rng.IntN(10_000))]
			tracks[i].lat, tracks[i].lon = f.Lat+0.002, f.Lon
		}
	}
	l := NewLive(pic, LiveOptions{})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		now := t0 + int64(n%8)*60_000 // within the picture's window
		n++
		if n%8 == 0 {
			l = NewLive(pic, LiveOptions{}) // tracks start again, not piling up
		}
		for _, x := range tracks {
			l.Plot("r", x.id, Plot{Time: now, Lat: x.lat, Lon: x.lon})
		}
	}
	b.ReportMetric(float64(len(tracks)*b.N)/b.Elapsed().Seconds(), "detections/s")
}
