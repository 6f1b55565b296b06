package detection

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()

const minute = int64(60_000)

// sailing is a track heading east at kn knots from (lat, lon) at t0, one
// fix every `every` from `from` to `to` (minutes relative to t0).
func sailing(mmsi uint32, lat, lon, kn float64, from, to, every int64) Track {
	tr := Track{MMSI: mmsi}
	for m := from; m <= to; m += every {
		la, lo := geo.Destination(lat, lon, 90, geo.KnotsToMetresPerSecond(kn)*float64(m*60))
		tr.Times = append(tr.Times, t0+m*minute)
		tr.Lat = append(tr.Lat, la)
		tr.Lon = append(tr.Lon, lo)
	}
	return tr
}

func det(scene string, lat, lon float64, at int64) Detection {
	return Detection{Time: at, Lat: lat, Lon: lon, Scene: scene, Heading: math.NaN(), Score: 0.9, Sensor: SensorSAR}
}

func TestCorrelateMatchedAndDark(t *testing.T) {
	ship := sailing(111, 35, 125, 12, -60, 60, 3)
	// The ship at t0 with 400 m of position error; 20 km north nothing
	// transmits.
	la, lo := geo.Destination(35, 125, 10, 400)
	set := NewSet()
	set.Detections = []Detection{det("S", la, lo, t0), det("S", 35.18, 125, t0)}
	res := Correlate(set, []Track{ship}, Options{})
	if res[0].MMSI != 111 || res[0].DistanceM > 500 {
		t.Errorf("detection of the ship: %+v, want matched to 111 within 500 m", res[0])
	}
	if !res[1].Dark() {
		t.Errorf("detection 20 km from any AIS: %+v, want dark", res[1])
	}
	evs := Events(set, res)
	if len(evs) != 1 || evs[0].Type != event.DarkVessel || evs[0].MMSI != 0 || evs[0].Sensor != SensorSAR || evs[0].Confidence != 0.9 || evs[0].ID == "" {
		t.Errorf("events %+v, want one dark_vessel, sensor sar, confidence 0.9", evs)
	}
}

// Between sparse fixes (a satellite now and then) the track is
// interpolated; beyond MaxBridge it is not, and the detection is dark.
func TestCorrelateInterpolates(t *testing.T) {
	ship := sailing(222, 35, 125, 10, -40, 40, 40)
	la, lo := geo.Destination(35, 125, 90, geo.KnotsToMetresPerSecond(10)*5*60) // 5 minutes on
	set := NewSet()
	set.Detections = []Detection{det("S", la, lo, t0+5*minute)}
	if res := Correlate(set, []Track{ship}, Options{}); res[0].MMSI != 222 || res[0].DistanceM > 50 {
		t.Errorf("%+v, want 222 within 50 m", res[0])
	}
	if res := Correlate(set, []Track{ship}, Options{MaxBridge: 30 * time.Minute}); !res[0].Dark() {
		t.Errorf("%+v, want dark when fixes 80 min apart may not be bridged", res[0])
	}
}

// Two detections 600 m apart and one ship between them: the ship explains
// one of them (the nearer), the other is dark. In another scene the same
// ship explains one more.
func TestCorrelateOneVesselPerScene(t *testing.T) {
	ship := sailing(333, 35, 125, 0.1, -60, 60, 2)
	a, b := geo.Destination(35, 125, 0, 200)
	c, d := geo.Destination(35, 125, 180, 400)
	set := NewSet()
	set.Detections = []Detection{det("S1", c, d, t0), det("S1", a, b, t0), det("S2", a, b, t0+30*minute)}
	res := Correlate(set, []Track{ship}, Options{})
	if res[1].MMSI != 333 || !res[0].Dark() {
		t.Errorf("scene S1: %+v / %+v, want the nearer matched and the other dark", res[0], res[1])
	}
	if res[2].MMSI != 333 {
		t.Errorf("scene S2: %+v, want matched", res[2])
	}
}

// Length breaks a tie between two vessels about as near.
func TestCorrelateLengthTieBreak(t *testing.T) {
	big := sailing(444, 35, 125, 0, -30, 30, 3)
	big.LengthM = 250
	smallLat, smallLon := geo.Destination(35, 125, 90, 300)
	small := sailing(555, smallLat, smallLon, 0, -30, 30, 3)
	small.LengthM = 30
	la, lo := geo.Destination(35, 125, 90, 180) // nearer the small one
	d := det("S", la, lo, t0)
	d.LengthM = 240
	set := NewSet()
	set.Detections = []Detection{d}
	if res := Correlate(set, []Track{small, big}, Options{}); res[0].MMSI != 444 {
		t.Errorf("%+v, want the 250 m vessel for a 240 m detection", res[0])
	}
}

// Heading breaks a tie too: a hull lying north-south (either end the bow)
// is the ship sailing north, not the one sailing east a little nearer.
func TestCorrelateHeadingTieBreak(t *testing.T) {
	east := sailing(771, 35, 125, 10, -30, 30, 3)
	nLat, nLon := geo.Destination(35, 125, 90, 300)
	north := Track{MMSI: 772}
	for m := int64(-30); m <= 30; m += 3 {
		la, lo := geo.Destination(nLat, nLon, 0, geo.KnotsToMetresPerSecond(10)*float64(m*60))
		north.Times, north.Lat, north.Lon = append(north.Times, t0+m*minute), append(north.Lat, la), append(north.Lon, lo)
	}
	la, lo := geo.Destination(35, 125, 90, 130) // nearer the eastbound one
	for _, heading := range []float64{2, 178} {
		d := det("S", la, lo, t0)
		d.Heading = heading
		set := NewSet()
		set.Detections = []Detection{d}
		if res := Correlate(set, []Track{east, north}, Options{}); res[0].MMSI != 772 {
			t.Errorf("heading %.0f: %+v, want the northbound 772", heading, res[0])
		}
	}
}

// A scene is matched as a whole: a detection that only one ship can explain
// gets it, though another detection is nearer that ship and could be
// explained by a second one. Taken nearest first, the nearer detection
// took the ship and left the other dark.
func TestCorrelateSceneAsAWhole(t *testing.T) {
	a := sailing(881, 35, 125, 0, -30, 30, 3)
	bLat, bLon := geo.Destination(35, 125, 90, 1400)
	b := sailing(882, bLat, bLon, 0, -30, 30, 3)
	la, lo := geo.Destination(35, 125, 90, 400)    // 400 m from a, 1,000 m from b
	wla, wlo := geo.Destination(35, 125, 270, 600) // 600 m from a, 2,000 m from b
	set := NewSet()
	set.Detections = []Detection{det("S", la, lo, t0), det("S", wla, wlo, t0)}
	res := Correlate(set, []Track{a, b}, Options{})
	if res[0].MMSI != 882 || res[1].MMSI != 881 {
		t.Errorf("%d / %d, want 882 / 881 (both explained)", res[0].MMSI, res[1].MMSI)
	}
}

// A vessel silent around a dark detection that could have sailed there is
// a candidate; one too far to have made it, or heard just before, is not.
func TestCandidates(t *testing.T) {
	// Silent from -3 h to +3 h, sailing through the detection's place.
	gap := sailing(666, 35, 125, 10, -240, -180, 5)
	after := sailing(666, 35, 125, 10, 180, 240, 5)
	gap.Times, gap.Lat, gap.Lon = append(gap.Times, after.Times...), append(gap.Lat, after.Lat...), append(gap.Lon, after.Lon...)
	far := sailing(777, 37, 125, 10, -240, -180, 5) // 220 km north, silent since
	heard := sailing(888, 35.3, 125, 10, -120, 120, 5)
	set := NewSet()
	set.Detections = []Detection{det("S", 35, 125, t0)}
	res := Correlate(set, []Track{gap, far, heard}, Options{})
	if !res[0].Dark() {
		t.Fatalf("%+v, want dark", res[0])
	}
	var got []uint32
	for _, c := range res[0].Candidates {
		got = append(got, c.MMSI)
	}
	if !slices.Equal(got, []uint32{666}) {
		t.Errorf("candidates %v, want [666]", got)
	}
	if evs := Events(set, res); len(evs) != 1 || !slices.Equal(evs[0].Candidates, []uint32{666}) || len(evs[0].Evidence) != 2 {
		t.Errorf("event %+v, want candidates [666] and the detection and the candidate's last fix as evidence", evs)
	}
}

// The tracks placed once per scene include every track a detection of the
// scene could be matched to, detections a minute apart included.
func TestNearbyLeavesNoMatchOut(t *testing.T) {
	var tracks []Track
	for k := range 400 {
		lat, lon := 34+0.01*float64(k%20), 125+0.01*float64(k/20)
		tracks = append(tracks, sailing(uint32(100+k), lat, lon, float64(k%25), -30-int64(k%40), 30, 1+int64(k%13)))
	}
	set := NewSet()
	for i := range 30 {
		set.Detections = append(set.Detections, det("S", 34+0.007*float64(i), 125+0.006*float64(i), t0+int64(i%3)*minute))
	}
	o := Options{}
	o.Defaults()
	members := make([]int, len(set.Detections))
	for i := range members {
		members[i] = i
	}
	span := o.ToleranceM/111e3 + 0.05
	near := o.nearby(set, members, tracks, span)
	checked := 0
	for i := range set.Detections {
		d := &set.Detections[i]
		got := map[int]bool{}
		for _, k := range near(d) {
			got[k] = true
		}
		for k := range tracks {
			lat, lon, _, ok := o.at(&tracks[k], d.Time)
			if ok && geo.Distance(d.Lat, d.Lon, lat, lon) <= o.ToleranceM {
				checked++
				if !got[k] {
					t.Errorf("detection %d: track %d within tolerance but not listed", i, k)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no detection near any track: the test tests nothing")
	}
}

// A detection no AIS explains scored under MinScore (most false
// detections: clutter, wakes) is not reported; one without a score is.
func TestCorrelateMinScore(t *testing.T) {
	set := NewSet()
	low, none := det("S", 35.18, 125, t0), det("S", 35.5, 125, t0)
	low.Score, none.Score = 0.3, math.NaN()
	set.Detections = []Detection{low, none}
	res := Correlate(set, nil, Options{})
	if !res[0].LowScore || res[1].LowScore {
		t.Fatalf("%+v", res)
	}
	if evs := Events(set, res); len(evs) != 1 || evs[0].Confidence != 0.5 {
		t.Errorf("events %+v, want the one without a score", evs)
	}
}
