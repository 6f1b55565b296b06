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
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 50},
			b:    gap{2, 18, [2]float64{180, 5}, [2]float64{90, 12}, true, 40},
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
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 50},
			b:    gap{2, 10, [2]float64{180, 5}, [2]float64{90, 12}, false, 40},
			want: true,
			check: func(t *testing.T, e event.Event) {
				if e.Confidence >= 0.85 || e.Details["intentional_gaps"] != 1 {
					t.Errorf("confidence %.2f: %s", e.Confidence, e.Summary)
				}
			},
		},
		{
			name: "neither intentional, good reception: low confidence",
			a:    gap{0, 10, [2]float64{0, 0}, [2]float64{90, 10}, false, 50},
			b:    gap{2, 10, [2]float64{180, 5}, [2]float64{90, 12}, false, 40},
			want: true,
			check: func(t *testing.T, e event.Event) {
				if e.Confidence >= 0.8 {
					t.Errorf("confidence %.2f: %s", e.Confidence, e.Summary)
				}
			},
		},
		{
			name: "a shared coverage hole",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, false, 1},
			b:    gap{2, 18, [2]float64{180, 5}, [2]float64{90, 12}, false, 0},
		},
		{
			name: "hundreds of km apart",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 50},
			b:    gap{2, 18, [2]float64{90, 250}, [2]float64{90, 260}, true, 50},
		},
		{
			name: "far apart when dark, reappearing together",
			a:    gap{0, 30, [2]float64{270, 100}, [2]float64{0, 0}, true, 50},
			b:    gap{2, 28, [2]float64{90, 100}, [2]float64{0, 3}, true, 50},
			want: true,
		},
		{
			name: "overlap of an hour",
			a:    gap{0, 13, [2]float64{0, 0}, [2]float64{90, 10}, true, 50},
			b:    gap{12, 30, [2]float64{180, 5}, [2]float64{90, 12}, true, 50},
		},
		{
			// 40 nm apart with 3 h of common darkness: they would need
			// 20 kn to meet for an hour and be back in time.
			name: "unreachable in the time",
			a:    gap{0, 7, [2]float64{0, 0}, [2]float64{0, 0}, true, 50},
			b:    gap{4, 11, [2]float64{90, 40}, [2]float64{90, 50}, true, 50},
			opts: DarkRendezvousOptions{NearNM: 50},
		},
		{
			// Both back where they were, 20 nm apart: waiting, not meeting.
			name: "both stayed put apart",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{0, 1}, true, 50},
			b:    gap{1, 19, [2]float64{90, 20}, [2]float64{90, 21}, true, 50},
		},
		{
			name: "reachable by a fast ship",
			a:    gap{0, 7, [2]float64{0, 0}, [2]float64{0, 0}, true, 50},
			b:    gap{4, 11, [2]float64{90, 40}, [2]float64{90, 50}, true, 50},
			opts: DarkRendezvousOptions{MaxSpeedKn: 22, NearNM: 50},
			want: true,
			check: func(t *testing.T, e event.Event) {
				if k := e.Details["needed_kn"]; k < 19.5 || k > 21 {
					t.Errorf("needs %.1f kn, want 20", k)
				}
			},
		},
		{
			name: "the same MMSI twice",
			a:    gap{0, 20, [2]float64{0, 0}, [2]float64{90, 10}, true, 50},
			b:    gap{2, 18, [2]float64{180, 5}, [2]float64{90, 12}, true, 50},
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
			ea := drEvent(230000001, 0, 12, alat, alon, qalat, qalon, false, 50)
			eb := drEvent(273000002, 1, 13, blat, blon, qblat, qblon, false, 50)
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
	if k, _, _ := drNeededKn(&a, &b, 0, 12*hourMs, hourMs); math.Abs(k-20.0/11) > 0.05 {
		t.Errorf("needs %.3f kn, want %.3f", k, 20.0/11)
	}
	// Together at both ends: no speed needed.
	if k, _, _ := drNeededKn(&a, &a, 0, 12*hourMs, hourMs); k > 1e-9 {
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

// TestDarkRendezvousLive: the rendezvous is decided Hold after the
// second vessel reappears, before Finish.
func TestDarkRendezvousLive(t *testing.T) {
	var got []event.Event
	gaps := NewGapDetector(GapOptions{}, func(event.Event) {})
	d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, gaps, func(e event.Event) { got = append(got, e) })
	at := func(h float64) *Obs {
		return &Obs{Update: &track.Update{Fix: track.Fix{Time: int64(h * hourMs)}}}
	}
	gaps.Found = append(gaps.Found, drEvent(412000002, 1, 19, 10.05, 60, 10.1, 60.15, true, 50))
	d.Position(at(19))
	gaps.Found = append(gaps.Found, drEvent(412000001, 0, 20, 10, 60, 10.1, 60.1, true, 50))
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
		qlat, qlon = drNM(qlat, qlon, 45, 10) // all sailed 10 nm north-east while dark
		evs[i] = drEvent(f.mmsi, f.startH, f.endH, plat, plon, qlat, qlon, true, 50)
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
		evs = append(evs, drEvent(uint32(200000000+i), s, s+6+rng.Float64()*30, lat, lon, elat, elon, false, rng.Float64()*5))
	}
	evs = append(evs,
		drEvent(412000001, 100, 120, 10, 60, 10.1, 60.1, true, 0.9),
		drEvent(412000002, 101, 119, 10.05, 60, 10.1, 60.15, true, 50))
	slices.SortStableFunc(evs, func(a, b event.Event) int { return a.End.Compare(b.End) })
	for i := range evs {
		d.Add(&evs[i])
	}
	if len(got) != 1 || got[0].MMSI != 412000001 {
		t.Fatalf("%d rendezvous: %v", len(got), got)
	}
	// About MaxGap of gaps are kept: a week of a year's 50,000.
	if len(d.alive) > 3*n*7/365 {
		t.Errorf("%d gaps kept of %d", len(d.alive), n)
	}
}

// TestDarkRendezvousBoundedByReach: two ships converging from different
// ports go dark 70 nm apart, heading for each other, within an hour of
// each other, and reappear 60 nm apart heading apart, as synchronised: a
// meeting between needs 4 kn. No fixed distance keeps them apart; the
// same pair unsynchronised, or sailing parallel, is only two ships dark at
// the same time somewhere within reach.
func TestDarkRendezvousBoundedByReach(t *testing.T) {
	const lat, lon = -20.0, 100.0 // 200+ nm offshore
	for _, tc := range []struct {
		name       string
		bStart     float64
		bEnd       float64
		aCourseIn  float64 // a went dark west of b; b's course is the reverse
		aCourseOut float64 // a reappeared north of b
		want       bool
	}{
		{"synchronised and converging", 0.5, 19.5, 90, 0, true},
		{"dark 5 h later", 5, 24, 90, 0, false},
		{"sailing parallel", 0.5, 19.5, 0, 0, false},
		{"reappeared closing", 0.5, 19.5, 90, 180, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []event.Event
			d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, nil, func(e event.Event) { got = append(got, e) })
			aplat, aplon := drNM(lat, lon, 270, 35)
			aqlat, aqlon := drNM(lat, lon, 0, 30)
			bplat, bplon := drNM(lat, lon, 90, 35)
			bqlat, bqlon := drNM(lat, lon, 180, 30)
			ea := drEvent(538000001, 0, 20, aplat, aplon, aqlat, aqlon, true, 15)
			eb := drEvent(636000002, tc.bStart, tc.bEnd, bplat, bplon, bqlat, bqlon, true, 15)
			course := func(e *event.Event, in, out float64) {
				e.Evidence = []event.Fix{
					{Time: e.Start, Lat: e.Lat, Lon: e.Lon, SOG: event.Ptr(11.0), COG: event.Ptr(in), Role: event.LastBefore},
					{Time: e.End, Lat: *e.EndLat, Lon: *e.EndLon, SOG: event.Ptr(10.0), COG: event.Ptr(out), Role: event.FirstAfter},
				}
			}
			course(&ea, tc.aCourseIn, tc.aCourseOut)
			course(&eb, math.Mod(tc.aCourseIn+180, 360), math.Mod(tc.aCourseOut+180, 360))
			if tc.name == "sailing parallel" {
				course(&eb, tc.aCourseIn, 180)
			}
			if eb.End.Before(ea.End) {
				ea, eb = eb, ea
			}
			d.Add(&ea)
			d.Add(&eb)
			d.Finish(0)
			if (len(got) == 1) != tc.want {
				t.Fatalf("%d rendezvous, want %v: %v", len(got), tc.want, got)
			}
			if tc.want && (got[0].Details["start_apart_nm"] < 69 || got[0].Details["synchronised"] != 1 || got[0].Confidence < 0.8) {
				t.Errorf("%.2f %s %v", got[0].Confidence, got[0].Summary, got[0].Details)
			}
		})
	}
}

// TestDarkRendezvousQueueAndOutage: ships waiting at an anchorage that
// re-anchor 2-5 km away, and two ships whose feed had an outage, did not
// meet in secret.
func TestDarkRendezvousQueueAndOutage(t *testing.T) {
	const alat, alon = 29.85, 32.55 // an anchorage off a canal entrance
	anchorage := func(lat, lon, maxM float64) (string, float64, bool) {
		d := geo.Distance(lat, lon, alat, alon)
		return "ANCHORAGE", d, d <= maxM
	}
	t.Run("queue", func(t *testing.T) {
		var got []event.Event
		d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, nil, func(e event.Event) { got = append(got, e) })
		d.places = &Places{NearestPort: anchorage}
		// 2 km apart, both re-anchoring about 3 km away.
		a1, a2 := drNM(alat, alon, 0, 2)
		a3, a4 := drNM(a1, a2, 60, 1.7)
		b1, b2 := drNM(alat, alon, 30, 3)
		b3, b4 := drNM(b1, b2, 200, 1.5)
		ea := drEvent(538000001, 0, 12, a1, a2, a3, a4, true, 50)
		eb := drEvent(636000002, 0.5, 12.5, b1, b2, b3, b4, true, 50)
		d.Add(&ea)
		d.Add(&eb)
		d.Finish(0)
		if len(got) != 0 {
			t.Errorf("a queue taken for a rendezvous: %s", got[0].Summary)
		}
	})
	t.Run("canal convoy", func(t *testing.T) {
		// Two ships 3 km apart in a canal convoy, unheard for 9 h in step
		// (a receiver along the canal down), each 40 nm further on: within
		// 2 nm of the banks at both ends.
		var got []event.Event
		d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, nil, func(e event.Event) { got = append(got, e) })
		d.places = &Places{ShoreM: func(float64, float64) float64 { return 400 }}
		a1, a2 := 30.0, 32.55
		b1, b2 := drNM(a1, a2, 0, 1.6)
		a3, a4 := drNM(a1, a2, 0, 40)
		b3, b4 := drNM(b1, b2, 0, 40)
		ea := drEvent(538000001, 0, 9, a1, a2, a3, a4, false, 50)
		eb := drEvent(636000002, 0.2, 9.3, b1, b2, b3, b4, false, 50)
		d.Add(&ea)
		d.Add(&eb)
		d.Finish(0)
		if len(got) != 0 {
			t.Errorf("a canal convoy taken for a rendezvous: %s", got[0].Summary)
		}
	})
	t.Run("outage", func(t *testing.T) {
		var got []event.Event
		d := NewDarkRendezvousDetector(DarkRendezvousOptions{}, nil, func(e event.Event) { got = append(got, e) })
		ea := drEvent(538000001, 0, 20, 10, 60, 10.1, 60.2, false, 50)
		eb := drEvent(636000002, 1, 19, 10.05, 60, 10.1, 60.25, false, 50)
		for _, e := range []*event.Event{&ea, &eb} {
			e.Details["feed_outage"] = 1
		}
		d.Add(&eb)
		d.Add(&ea)
		d.Finish(0)
		if len(got) != 0 {
			t.Errorf("a feed outage taken for a rendezvous: %s", got[0].Summary)
		}
	})
}

// TestDarkRendezvousAlertsOnReappearance: with open episodes (a server),
// the rendezvous is emitted as soon as the second ship reappears, with
// the fixes before and after each silence as evidence; it is withdrawn if
// a more plausible partner reappears within the hold, and final after it.
func TestDarkRendezvousAlertsOnReappearance(t *testing.T) {
	type em struct {
		ev event.Event
		s  state
	}
	var got []em
	d := newDarkRendezvousDetector(DarkRendezvousOptions{}, nil, func(e event.Event, s state) { got = append(got, em{e, s}) }, true)
	withEvidence := func(e event.Event) event.Event {
		e.Evidence = []event.Fix{
			{Time: e.Start, Lat: e.Lat, Lon: e.Lon, Role: event.LastBefore},
			{Time: e.End, Lat: *e.EndLat, Lon: *e.EndLon, Role: event.FirstAfter},
		}
		return e
	}
	// 1 and 2 synchronised at the start only; 3 reappears later, in step
	// with 1 at both ends and nearer.
	e2 := withEvidence(drEvent(412000002, 1, 16, 10.05, 60, 10.1, 60.15, true, 50))
	e1 := withEvidence(drEvent(412000001, 0, 20, 10, 60, 10.1, 60.1, true, 50))
	e3 := withEvidence(drEvent(412000003, 0.2, 21, 10.01, 60, 10.1, 60.11, true, 50))
	d.Add(&e2)
	d.Add(&e1)
	if len(got) != 1 || got[0].s != open || got[0].ev.OtherMMSI != 412000002 {
		t.Fatalf("want the pair 1-2 open when 1 reappears, got %+v", got)
	}
	if ev := got[0].ev.Evidence; len(ev) != 4 || ev[0].MMSI != 412000001 || ev[0].Role != event.LastBefore || ev[3].MMSI != 412000002 || ev[3].Role != event.FirstAfter {
		t.Errorf("evidence %+v", ev)
	}
	d.Add(&e3)
	var states []string
	for _, g := range got {
		states = append(states, fmt.Sprintf("%d-%d:%d", g.ev.MMSI, g.ev.OtherMMSI, g.s))
	}
	slices.Sort(states[1:])
	want := []string{"412000001-412000002:1", "412000001-412000002:2", "412000001-412000003:1"}
	if !slices.Equal(states, want) {
		t.Fatalf("emissions %v, want %v (1 open, 2 withdrawn)", states, want)
	}
	for _, g := range got {
		if g.s == withdrawn && g.ev.Confidence != 0 {
			t.Errorf("withdrawn with confidence %.2f", g.ev.Confidence)
		}
	}
	d.Finish(0)
	if last := got[len(got)-1]; len(got) != 4 || last.s != final || last.ev.OtherMMSI != 412000003 {
		t.Errorf("final %+v", got)
	}
}
