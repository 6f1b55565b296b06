package detect

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/track"
)

func TestDarkRendezvousScenarios(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "darkrendezvous", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata/darkrendezvous")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			scRunFile(t, f, "dark_rendezvous")
		})
	}
}

// drEvent makes a gap event as the gap detector emits it.
func drEvent(mmsi uint32, startH, endH, lat, lon, endLat, endLon float64, intentional bool, reception float64) event.Event {
	return event.Event{
		Type: event.Gap, MMSI: mmsi, Segment: segName(mmsi, 1),
		Start: tm(int64(startH * hourMs)), End: tm(int64(endH * hourMs)),
		Lat: lat, Lon: lon, EndLat: event.Ptr(endLat), EndLon: event.Ptr(endLon),
		Intentional: event.Ptr(intentional),
		Details:     map[string]float64{"reception": reception},
	}
}

// drNM returns the point d nautical miles from (lat, lon) on a bearing.
func drNM(lat, lon, bearing, d float64) (float64, float64) {
	return geo.Destination(lat, lon, bearing, d*metresPerNM)
}

func TestDarkRendezvousPairs(t *testing.T) {
	const lat, lon = 12.0, 50.0
	type gap struct {
		startH, endH float64
		fromNM       [2]float64 // bearing, distance of where it went dark from (lat, lon)
		toNM         [2]float64 // and where it reappeared
		intentional  bool
		rx           float64
	}
	for _, tc := range []struct {
		name  string
		a, b  gap
		opts  DarkRendezvousOptions
		want  bool
		check func(t *testing.T, e event.Event)
	}{
		{
			name: "dark together, both intentional",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 0.9},
			b:    gap{2, 18, [2]float64{180, 5}, [2]float64{90, 12}, true, 0.8},
			want: true,
			check: func(t *testing.T, e event.Event) {
				if e.Confidence < 0.85 {
					t.Errorf("confidence %.2f for a clear case: %s", e.Confidence, e.Summary)
				}
				if h := e.Duration().Hours(); h != 16 {
					t.Errorf("overlap %.1f h, want 16", h)
				}
				if e.Details["needed_kn"] > 2 {
					t.Errorf("needs %.1f kn: %s", e.Details["needed_kn"], e.Summary)
				}
				// The meeting point lies between the two tracks.
				if d := geo.Distance(e.Lat, e.Lon, lat, lon); d > 12*metresPerNM {
					t.Errorf("meeting point %.1f nm from the scene", d/metresPerNM)
				}
			},
		},
		{
			name: "one intentional: lower confidence",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 0.9},
			b:    gap{2, 10, [2]float64{180, 5}, [2]float64{90, 12}, false, 0.8},
			want: true,
			check: func(t *testing.T, e event.Event) {
				if e.Confidence >= 0.85 || e.Details["intentional_gaps"] != 1 {
					t.Errorf("confidence %.2f: %s", e.Confidence, e.Summary)
				}
			},
		},
		{
			name: "neither intentional, good reception: low confidence",
			a:    gap{0, 10, [2]float64{0, 0}, [2]float64{90, 10}, false, 0.9},
			b:    gap{2, 10, [2]float64{180, 5}, [2]float64{90, 12}, false, 0.8},
			want: true,
			check: func(t *testing.T, e event.Event) {
				if e.Confidence >= 0.8 {
					t.Errorf("confidence %.2f: %s", e.Confidence, e.Summary)
				}
			},
		},
		{
			name: "a shared coverage hole",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, false, 0.1},
			b:    gap{2, 18, [2]float64{180, 5}, [2]float64{90, 12}, false, 0},
		},
		{
			name: "hundreds of km apart",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 0.9},
			b:    gap{2, 18, [2]float64{90, 250}, [2]float64{90, 260}, true, 0.9},
		},
		{
			name: "far apart when dark, reappearing together",
			a:    gap{0, 30, [2]float64{270, 100}, [2]float64{0, 0}, true, 0.9},
			b:    gap{2, 28, [2]float64{90, 100}, [2]float64{0, 3}, true, 0.9},
			want: true,
		},
		{
			name: "overlap of an hour",
			a:    gap{0, 13, [2]float64{0, 0}, [2]float64{90, 10}, true, 0.9},
			b:    gap{12, 30, [2]float64{180, 5}, [2]float64{90, 12}, true, 0.9},
		},
		{
			// 40 nm apart at both ends with 3 h of common darkness: they
			// would need 20 kn to meet for an hour and be back in time.
			name: "unreachable in the time",
			a:    gap{0, 7, [2]float64{0, 0}, [2]float64{0, 0}, true, 0.9},
			b:    gap{4, 11, [2]float64{90, 40}, [2]float64{90, 40}, true, 0.9},
		},
		{
			name: "reachable by a fast ship",
			a:    gap{0, 7, [2]float64{0, 0}, [2]float64{0, 0}, true, 0.9},
			b:    gap{4, 11, [2]float64{90, 40}, [2]float64{90, 40}, true, 0.9},
			opts: DarkRendezvousOptions{MaxSpeedKn: 22},
			want: true,
			check: func(t *testing.T, e event.Event) {
				if k := e.Details["needed_kn"]; k < 19.5 || k > 21 {
					t.Errorf("needs %.1f kn, want 20", k)
				}
			},
		},
		{
			name: "the same MMSI twice",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 0.9},
			b:    gap{2, 18, [2]float64{180, 5}, [2]float64{90, 12}, true, 0.9},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []event.Event
			d := NewDarkRendezvousDetector(tc.opts, nil, func(e event.Event) { got = append(got, e) })
			mk := func(mmsi uint32, g gap) event.Event {
				plat, plon := drNM(lat, lon, g.fromNM[0], g.fromNM[1])
				qlat, qlon := drNM(lat, lon, g.toNM[0], g.toNM[1])
				return drEvent(mmsi, g.startH, g.endH, plat, plon, qlat, qlon, g.intentional, g.rx)
			}
			other := uint32(412000002)
			if tc.name == "the same MMSI twice" {
				other = 636000001
			}
			ea, eb := mk(636000001, tc.a), mk(other, tc.b)
			// In order of their end, as the gap detector finds them.
			if eb.End.Before(ea.End) {
				ea, eb = eb, ea
			}
			d.Add(&ea)
			d.Add(&eb)
			d.Finish(0)
			if (len(got) == 1) != tc.want || len(got) > 1 {
				t.Fatalf("%d events, want rendezvous %v: %+v", len(got), tc.want, got)
			}
			if !tc.want {
				return
			}
			e := got[0]
			if e.Type != event.DarkRendezvous || e.MMSI != 412000002 || e.OtherMMSI != 636000001 {
				t.Errorf("wrong event %+v", e)
			}
			if tc.check != nil {
				tc.check(t, e)
			}
		})
	}
}

// TestDarkRendezvousAtBerth: a ship silent at its berth and a boat silent
// in the marina next door did not meet at sea; the same two going dark
// there and sailing off could have.
func TestDarkRendezvousAtBerth(t *testing.T) {
	const plat, plon = 60.15, 24.95 // a port
	port := func(lat, lon, maxM float64) (string, float64, bool) {
		d := geo.Distance(lat, lon, plat, plon)
		return "PORT", d, d <= maxM
	}
	for _, tc := range []struct {
		name  string
		outNM float64 // how far both sail while dark
		want  bool
	}{
		{"both stay put in port", 0.1, false},
		{"both sail 12 nm out while dark", 12, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []event.Event
			d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, nil, func(e event.Event) { got = append(got, e) })
			d.places = &Places{NearestPort: port}
			alat, alon := drNM(plat, plon, 90, 1)
			blat, blon := drNM(plat, plon, 270, 2)
			qalat, qalon := drNM(alat, alon, 180, tc.outNM)
			qblat, qblon := drNM(blat, blon, 180, tc.outNM)
			ea := drEvent(230000001, 0, 12, alat, alon, qalat, qalon, false, 1)
			eb := drEvent(273000002, 1, 13, blat, blon, qblat, qblon, false, 1)
			d.Add(&ea)
			d.Add(&eb)
			d.Finish(0)
			if len(got) != 0 != tc.want {
				t.Fatalf("%d rendezvous, want %v", len(got), tc.want)
			}
		})
	}
}

func TestDrNeededKn(t *testing.T) {
	pl := newDrPlane(0, 0)
	mk := func(lat, lon, lat2, lon2 float64, s, e int64) drPath {
		g := &drGap{plat: lat, plon: lon, qlat: lat2, qlon: lon2, s: s, e: e}
		return drReach(pl, g)
	}
	// Both stay where they are, 20 nm apart, dark 12 h, meeting 1 h: each
	// sails 10 nm out and back in 11 h.
	a := mk(0, 0, 0, 0, 0, 12*hourMs)
	bLat, bLon := drNM(0, 0, 90, 20)
	b := mk(bLat, bLon, bLat, bLon, 0, 12*hourMs)
	if k := drNeededKn(&a, &b, 0, 12*hourMs, hourMs); math.Abs(k-20.0/11) > 0.05 {
		t.Errorf("needs %.3f kn, want %.3f", k, 20.0/11)
	}
	// Together at both ends: no speed needed.
	if k := drNeededKn(&a, &a, 0, 12*hourMs, hourMs); k > 1e-9 {
		t.Errorf("needs %.3f kn to stay put", k)
	}
	// The straight paths cross: closest approach 0 at the crossing.
	n1, e1 := drNM(0, 0, 0, 10)
	s1, w1 := drNM(0, 0, 180, 10)
	c := mk(s1, 0, n1, 0, 0, 10*hourMs)
	dd := mk(0, w1-(e1-w1)/2, 0, e1, 0, 10*hourMs) // crosses the meridian at 5 h
	_, _, dist := drClosest(&c, &dd, 0, 10*hourMs)
	if dist > 50 {
		t.Errorf("closest approach %.0f m, want 0", dist)
	}
}

// TestDarkRendezvousLive: the rendezvous is decided HoldMs after the
// second vessel reappears, before Finish.
func TestDarkRendezvousLive(t *testing.T) {
	var got []event.Event
	gaps := NewGapDetector(GapOptions{}, func(event.Event) {})
	d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, gaps, func(e event.Event) { got = append(got, e) })
	at := func(h float64) *Obs {
		return &Obs{Update: &track.Update{Fix: track.Fix{Time: int64(h * hourMs)}}}
	}
	gaps.Found = append(gaps.Found, drEvent(412000002, 1, 19, 10.05, 60, 10.1, 60.15, true, 0.9))
	d.Position(at(19))
	gaps.Found = append(gaps.Found, drEvent(412000001, 0, 20, 10, 60, 10.1, 60.1, true, 0.9))
	d.Position(at(20))
	d.Position(at(25.9))
	if len(got) != 0 {
		t.Fatal("reported before the hold")
	}
	d.Position(at(26))
	if len(got) != 1 {
		t.Fatalf("%d rendezvous after the hold, want 1", len(got))
	}
	d.Finish(0)
	if len(got) != 1 {
		t.Fatalf("%d rendezvous after Finish, want still 1", len(got))
	}
}

// TestDarkRendezvousDarkFleet: six ships dark in one area at once, in
// three close pairs. Every pair of them could have met; the detector
// reports the three pairs that are each other's nearest, even when a
// nearer partner reappears after a pair was first seen. AllPairs reports
// them all.
func TestDarkRendezvousDarkFleet(t *testing.T) {
	const lat, lon = 26.0, 56.5
	type g struct {
		mmsi             uint32
		startH, endH     float64
		bearing, distNM  float64 // where it went dark
		ebearing, edisNM float64 // where it reappeared
	}
	fleet := []g{
		// Pair 1 and 2 around the centre, pair 3 15 nm east.
		{422000001, 0, 19.0, 0, 8, 0, 9},
		{422000002, 0.5, 20.5, 0, 4, 10, 6}, // nearest to 1, reappears after 3
		{422000003, 0, 19.5, 180, 8, 180, 9},
		{422000004, 0.2, 21.0, 180, 4, 170, 6},
		{422000005, 0, 20.0, 90, 15, 90, 17},
		{422000006, 0.1, 20.2, 90, 12, 95, 14},
	}
	evs := make([]event.Event, len(fleet))
	for i, f := range fleet {
		plat, plon := drNM(lat, lon, f.bearing, f.distNM)
		qlat, qlon := drNM(lat, lon, f.ebearing, f.edisNM)
		evs[i] = drEvent(f.mmsi, f.startH, f.endH, plat, plon, qlat, qlon, true, 0.9)
	}
	slices.SortStableFunc(evs, func(a, b event.Event) int { return a.End.Compare(b.End) })
	for _, all := range []bool{false, true} {
		var got []event.Event
		d := NewDarkRendezvousDetector(DarkRendezvousOptions{AllPairs: all}, nil, func(e event.Event) { got = append(got, e) })
		for i := range evs {
			d.Add(&evs[i])
		}
		d.Finish(0)
		if all {
			if len(got) != 15 {
				t.Errorf("AllPairs: %d pairs, want all 15", len(got))
			}
			continue
		}
		var pairs []string
		for _, e := range got {
			pairs = append(pairs, fmt.Sprintf("%d-%d", e.MMSI, e.OtherMMSI))
		}
		slices.Sort(pairs)
		want := []string{"422000001-422000002", "422000003-422000004", "422000005-422000006"}
		if !slices.Equal(pairs, want) {
			t.Errorf("pairs %v, want %v", pairs, want)
		}
	}
}

// TestDarkRendezvousScale: many gaps over a year find only the planted
// pair, and old gaps are forgotten.
func TestDarkRendezvousScale(t *testing.T) {
	var got []event.Event
	d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, nil, func(e event.Event) { got = append(got, e) })
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 50000
	evs := make([]event.Event, 0, n+2)
	for i := 0; i < n; i++ {
		// Gaps spread over a year and the world's oceans, none
		// intentional, most in coverage holes.
		s := rng.Float64() * 365 * 24
		lat, lon := rng.Float64()*120-60, rng.Float64()*360-180
		elat, elon := drNM(lat, lon, rng.Float64()*360, rng.Float64()*100)
		evs = append(evs, drEvent(uint32(200000000+i), s, s+6+rng.Float64()*30, lat, lon, elat, elon, false, rng.Float64()*0.5))
	}
	evs = append(evs,
		drEvent(412000001, 100, 120, 10, 60, 10.1, 60.1, true, 0.9),
		drEvent(412000002, 101, 119, 10.05, 60, 10.1, 60.15, true, 0.9))
	slices.SortStableFunc(evs, func(a, b event.Event) int { return a.End.Compare(b.End) })
	for i := range evs {
		d.Add(&evs[i])
	}
	if len(got) != 1 || got[0].MMSI != 412000001 {
		t.Fatalf("%d rendezvous: %v", len(got), got)
	}
	// About MaxGapMs of gaps are kept: a week of a year's 50,000.
	if len(d.alive) > 3*n*7/365 {
		t.Errorf("%d gaps kept of %d", len(d.alive), n)
	}
}
