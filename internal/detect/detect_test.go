package detect

import (
	"math"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
)

const minute = int64(minuteMs)

// scene feeds hand-made tracks through a tracker and an engine, in time
// order, as the pipeline does.
type scene struct {
	reports []fuse.Report
}

// sail adds fixes of one vessel from (lat, lon) on a course at a speed,
// every interval, for a duration; it returns where the vessel ends.
func (s *scene) sail(mmsi uint32, start int64, lat, lon, course, kn float64, every, dur int64) (float64, float64) {
	for t := start; t <= start+dur; t += every {
		s.reports = append(s.reports, fuse.Report{Time: t, MMSI: mmsi, Kind: fuse.Position, Class: fuse.ClassA,
			Lat: lat, Lon: lon, SOG: float32(kn), COG: float32(course), Heading: -1, Status: 0, Heard: 1})
		lat, lon = geo.Destination(lat, lon, course, kn*1852*float64(every)/3.6e6)
	}
	return lat, lon
}

func (s *scene) static(mmsi uint32, t int64, name, call string, imo uint32) {
	info := &fuse.StaticInfo{Name: name, CallSign: call, IMO: imo, Has: fuse.HasName | fuse.HasCallSign}
	if imo != 0 {
		info.Has |= fuse.HasIMO
	}
	s.reports = append(s.reports, fuse.Report{Time: t, MMSI: mmsi, Kind: fuse.Static, Class: fuse.ClassA, Info: info})
}

// run sorts the reports by time and runs everything.
func (s *scene) run(places Places) []event.Event {
	rs := s.reports
	for i := 1; i < len(rs); i++ { // insertion sort keeps equal times stable
		for j := i; j > 0 && rs[j].Time < rs[j-1].Time; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
	_, ts := feedTaking(rs, Options{}, places)
	return Final(emissions(ts))
}

func only(evs []event.Event, typ event.Type) []event.Event {
	var out []event.Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// farFromShore is open sea everywhere.
func farFromShore(float64, float64) float64 { return 200 * 1852 }

// shoreEast puts the coast on the meridian 125°E.
func shoreEast(lat, lon float64) float64 {
	return math.Max(0, (125-lon)*60*1852*math.Cos(lat*math.Pi/180))
}

func TestGapIntentionalAndCoverageHole(t *testing.T) {
	var s scene
	// 412000001 sails, is heard every minute, then goes dark for 14 h far
	// offshore while others around it are still heard.
	lat, lon := s.sail(412000001, 0, 30, 124, 90, 10, minute, 6*60*minute)
	s.sail(412000001, 20*60*minute, lat, lon+0.5, 90, 10, minute, 60*minute)
	s.sail(412000002, 0, 30.2, 125.1, 0, 0.1, 2*minute, 24*60*minute) // a neighbour 25 km away, heard all along
	// 412000003, far away where nobody else is heard, is silent 8 h: a
	// coverage hole, recorded but not intentional.
	lat, lon = s.sail(412000003, 0, 10, 150, 0, 10, 10*minute, 6*60*minute)
	s.sail(412000003, 14*60*minute, lat+1, lon, 0, 10, 10*minute, 60*minute)
	gaps := only(s.run(Places{ShoreM: farFromShore}), event.Gap)
	if len(gaps) != 2 {
		t.Fatalf("%d gaps: %+v", len(gaps), gaps)
	}
	for _, g := range gaps {
		switch g.MMSI {
		case 412000001:
			if !*g.Intentional || g.Duration().Hours() < 13.9 || g.EndLat == nil {
				t.Errorf("dark ship: %s", g.Summary)
			}
		case 412000003:
			if *g.Intentional {
				t.Errorf("coverage hole judged intentional: %s", g.Summary)
			}
		default:
			t.Errorf("unexpected gap %s", g.Summary)
		}
	}
}

func TestLoiteringOffshoreOnly(t *testing.T) {
	var s scene
	s.sail(412000010, 0, 30, 123.0, 45, 0.8, 5*minute, 5*60*minute) // 100+ nm offshore: loitering
	s.sail(412000011, 0, 30, 124.8, 45, 0.8, 5*minute, 5*60*minute) // 10 nm off the coast: not
	s.sail(412000012, 0, 30, 123.0, 45, 12, 5*minute, 5*60*minute)  // sailing: not
	s.sail(412000013, 0, 31, 123.0, 45, 0.8, 5*minute, 90*minute)   // too short: not
	ev := only(s.run(Places{ShoreM: shoreEast}), event.Loitering)
	if len(ev) != 1 || ev[0].MMSI != 412000010 || ev[0].Duration().Hours() < 4.9 {
		t.Fatalf("loitering %+v", ev)
	}
}

func TestPortVisit(t *testing.T) {
	port := [2]float64{35.10, 129.04} // Busan
	near := func(lat, lon, maxM float64) (string, float64, bool) {
		d := geo.Distance(lat, lon, port[0], port[1])
		return "BUSAN", d, d <= maxM
	}
	var s scene
	// Arrives from 20 km south, stops 6 h at the berth, leaves.
	lat, lon := s.sail(440000020, 0, port[0]-0.18, port[1], 0, 8, minute, 80*minute)
	s.sail(440000020, 81*minute, lat, lon, 0, 0, 3*minute, 6*60*minute)
	s.sail(440000020, 81*minute+6*60*minute+minute, lat, lon, 180, 8, minute, 120*minute)
	// Passes by 2 km off without stopping.
	s.sail(440000021, 0, port[0]-0.2, port[1]+0.02, 0, 12, minute, 120*minute)
	ev := only(s.run(Places{ShoreM: farFromShore, NearestPort: near}), event.PortVisit)
	if len(ev) != 1 || ev[0].MMSI != 440000020 || ev[0].Port != "BUSAN" || ev[0].Duration().Hours() < 6 {
		t.Fatalf("visits %+v", ev)
	}
}

func TestZoneVisit(t *testing.T) {
	zones := func(lat, lon float64, dst []string) []string {
		if lat > 38 && lat < 39.5 && lon > 123 && lon < 125 {
			dst = append(dst, "Korea Bay")
		}
		return dst
	}
	var s scene
	s.sail(412000030, 0, 37.5, 124, 0, 10, 5*minute, 12*60*minute) // crosses the box northward
	ev := only(s.run(Places{ShoreM: farFromShore, Zones: zones}), event.ZoneVisit)
	if len(ev) != 1 || ev[0].Zone != "Korea Bay" || ev[0].Lat < 38 {
		t.Fatalf("zone visits %+v", ev)
	}
}

func TestIdentityChangeNeedsConfirmation(t *testing.T) {
	var s scene
	s.sail(412000040, 0, 30, 123, 0, 10, minute, 60*60*minute)
	for i := int64(0); i < 5; i++ {
		s.static(412000040, i*6*minute, "OCEAN STAR", "BXYZ", 9074729)
	}
	// Renamed: two reports with the new name.
	s.static(412000040, 40*6*minute, "SEA BIRD", "BXYZ", 9074729)
	s.static(412000040, 41*6*minute, "SEA BIRD", "BXYZ", 9074729)
	// A typo flipping back at once is not a change.
	s.static(412000040, 50*6*minute, "SEA BlRD", "BXYZ", 9074729)
	s.static(412000040, 51*6*minute, "SEA BIRD", "BXYZ", 9074729)
	s.static(412000040, 52*6*minute, "SEA BIRD", "BXYZ", 9074729)
	ev := only(s.run(Places{ShoreM: farFromShore}), event.IdentityChange)
	if len(ev) != 1 || ev[0].Field != "name" || ev[0].From != "OCEAN STAR" || ev[0].To != "SEA BIRD" {
		t.Fatalf("identity changes %+v", ev)
	}
}

func TestInvalidIdentity(t *testing.T) {
	var s scene
	s.sail(123456789, 0, 30, 123, 0, 10, minute, 10*minute)   // placeholder MMSI
	s.sail(412000050, 0, 31, 123, 0, 10, minute, 10*minute)   // fine MMSI...
	s.static(412000050, 5*minute, "BAD IMO", "BBAD", 9074728) // ...with an IMO failing its check digit
	s.sail(412000051, 0, 32, 123, 0, 10, minute, 10*minute)   // fine
	s.static(412000051, 5*minute, "GOOD", "BGOO", 9074729)
	var got []string
	for _, e := range only(s.run(Places{ShoreM: farFromShore}), event.Spoofing) {
		if e.Subtype == event.InvalidIdentity {
			got = append(got, e.Field+":"+itoa(e.MMSI))
		}
	}
	if len(got) != 2 || got[0] != "mmsi:123456789" || got[1] != "imo:412000050" {
		t.Fatalf("invalid identities %v", got)
	}
}

func itoa(v uint32) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + v%10)}, b...)
		v /= 10
		if v == 0 {
			return string(b)
		}
	}
}

func TestSpoofedJumpVersusClone(t *testing.T) {
	var s scene
	// 412000060 reports positions 400 km away for 90 minutes (its GNSS
	// spoofed), then is back on its track: an impossible jump.
	lat, lon := s.sail(412000060, 0, 30, 123, 90, 10, minute, 120*minute)
	s.sail(412000060, 121*minute, lat+3.6, lon, 0, 10, 10*minute, 90*minute)
	s.sail(412000060, 212*minute, lat, lon+0.25, 90, 10, minute, 120*minute)
	// 412000061 is cloned: a second transmitter 300 km away for hours.
	s.sail(412000061, 0, 33, 123, 90, 10, 2*minute, 8*60*minute)
	s.sail(412000061, 60*minute+minute, 35.7, 124, 0, 5, 2*minute, 6*60*minute)
	var jumps, clones []event.Event
	for _, e := range only(s.run(Places{ShoreM: farFromShore}), event.Spoofing) {
		switch e.Subtype {
		case event.ImpossibleSpeed:
			jumps = append(jumps, e)
		case event.SharedMMSI:
			clones = append(clones, e)
		}
	}
	if len(jumps) != 1 || jumps[0].MMSI != 412000060 {
		t.Errorf("jumps %+v", jumps)
	}
	if len(clones) != 1 || clones[0].MMSI != 412000061 || clones[0].Duration().Hours() < 5 {
		t.Errorf("clones %+v", clones)
	}
}

func TestReceptionForgetsOldHours(t *testing.T) {
	r := newReception(0.5, 24*hourMs)
	r.interval(30, 125, 0, 10*minuteMs)
	r.interval(30, 125, 10*24*hourMs, 10*24*hourMs+10*minuteMs)
	if n, _ := r.rate(30, 125, 0, hourMs); n == 0 {
		t.Fatal("fresh history not counted")
	}
	r.forget(2 * 24 * hourMs)
	if n, _ := r.rate(30, 125, 0, hourMs); n != 0 || len(r.cells) != 1 {
		t.Errorf("old hour kept: %d cells", len(r.cells))
	}
	if n, _ := r.rate(30, 125, 10*24*hourMs, 10*24*hourMs+hourMs); n == 0 {
		t.Error("recent hour dropped")
	}
}

func TestReceptionPositionsPerVesselDay(t *testing.T) {
	r := newReception(1, 24*hourMs)
	// Two vessels heard every 90 min for a day (satellite passes): 16 a day.
	for _, lat := range []float64{30.2, 30.6} {
		for t0 := int64(0); t0 < 24*hourMs; t0 += 90 * minuteMs {
			r.interval(lat, 125.5, t0, t0+90*minuteMs)
		}
	}
	n, vh := r.rate(30.5, 125.5, 0, 25*hourMs) // the last positions fall in hour 24
	if n < 15.9 || n > 16.1 || vh < 47.9 || vh > 48.1 {
		t.Errorf("rate %.2f a day on %.1f vessel-hours, want 16 on 48", n, vh)
	}
	// An interval longer than the limit is nobody's reception.
	r.interval(31, 126, 0, 25*hourMs)
	if _, vh2 := r.rate(31, 126, 0, 25*hourMs); vh2 != vh {
		t.Errorf("a 25 h interval counted: %.1f vessel-hours", vh2)
	}
}

func TestRecentCountsTwelveHours(t *testing.T) {
	var c recent
	for t0 := int64(0); t0 < 20*hourMs; t0 += 30 * minuteMs {
		c.heard(t0)
	}
	// Hours 7..19 before the last fix at 19:30: 13 hours, 2 a hour.
	if n := c.before(19*hourMs + 30*minuteMs); n != 26 {
		t.Errorf("%d positions in the 12 h before, want 26", n)
	}
	if n := c.before(40 * hourMs); n != 0 {
		t.Errorf("%d positions long after, want 0", n)
	}
}
