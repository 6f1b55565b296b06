package radar

import (
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// unseenScene is a coast radar at usite reporting, every minute from u0,
// a ship 15 km north of it and one 30 km south (its observed range:
// misses count within 24 km), and one AIS vessel, 12 km east unless
// moved, heard every 30 s.
type unseenScene struct {
	minutes int64
	vessel  func(m int64) (lat, lon float64)
	lengthM float64
	classB  bool
	outage  func(m int64) bool // the radar writes nothing that minute
	seenAt  func(m int64) bool // the radar plots the vessel that minute
	jumpAt  int64              // a fix 100 km off at this minute (0: none)
	ownShip bool               // the radar is on the vessel
}

var (
	usite = [2]float64{35, 125}
	u0    = int64(1_772_000_000_000) - int64(1_772_000_000_000)%60_000
)

func (sc *unseenScene) plots() [][3]any {
	var out [][3]any // feed, track, Plot
	for m := int64(0); m < sc.minutes; m++ {
		if sc.outage != nil && sc.outage(m) {
			continue
		}
		ms := u0 + m*60_000
		st := usite
		if sc.ownShip {
			la, lo := sc.vessel(m)
			st = [2]float64{la, lo}
		}
		nla, nlo := geo.Destination(st[0], st[1], 0, 15e3)
		sla, slo := geo.Destination(st[0], st[1], 180, 30e3)
		out = append(out, [3]any{"coast", "coast/1/1", Plot{Time: ms, Lat: nla, Lon: nlo, Site: st, HasSite: true}})
		out = append(out, [3]any{"coast", "coast/2/1", Plot{Time: ms, Lat: sla, Lon: slo, Site: st, HasSite: true}})
		if sc.seenAt != nil && sc.seenAt(m) {
			la, lo := sc.vessel(m)
			la, lo = geo.Destination(la, lo, 45, 80)
			out = append(out, [3]any{"coast", "coast/3/1", Plot{Time: ms + 5, Lat: la, Lon: lo, Site: st, HasSite: true}})
		}
	}
	return out
}

func (sc *unseenScene) fixes() []AISFix {
	var out []AISFix
	for m := int64(0); m < sc.minutes; m++ {
		for _, s := range []int64{10_000, 40_000} {
			la, lo := sc.vessel(m)
			if sc.jumpAt > 0 && m == sc.jumpAt && s == 10_000 {
				la += 0.9
			}
			out = append(out, AISFix{MMSI: 244000001, Time: u0 + m*60_000 + s, Lat: la, Lon: lo, ClassB: sc.classB, Feeds: 2})
		}
	}
	return out
}

func east(km float64) func(int64) (float64, float64) {
	return func(m int64) (float64, float64) {
		// Sailing north at 10 kn from km east of the radar.
		la, lo := geo.Destination(usite[0], usite[1], 90, km*1000)
		return geo.Destination(la, lo, 0, geo.KnotsToMetresPerSecond(10)*float64(m*60))
	}
}

// run feeds the scene to an Unseen: all plots then all fixes, all fixes
// then all plots, or interleaved by time (a live run); it returns each
// event in its last form, withdrawn ones left out.
func (sc *unseenScene) run(order string) []event.Event {
	u := NewUnseen(UnseenOptions{})
	u.Craft(244000001, sc.lengthM)
	var ems []Emission
	plots, fixes := sc.plots(), sc.fixes()
	plot := func(x [3]any) { ems = append(ems, u.Plot(x[0].(string), x[1].(string), x[2].(Plot))...) }
	fix := func(f AISFix) { ems = append(ems, u.Fix(f)...) }
	switch order {
	case "plots first":
		for _, x := range plots {
			plot(x)
		}
		for _, f := range fixes {
			fix(f)
		}
	case "fixes first":
		for _, f := range fixes {
			fix(f)
		}
		for _, x := range plots {
			plot(x)
		}
	default:
		i := 0
		for _, f := range fixes {
			for i < len(plots) && plots[i][2].(Plot).Time <= f.Time {
				plot(plots[i])
				i++
			}
			fix(f)
		}
		for ; i < len(plots); i++ {
			plot(plots[i])
		}
	}
	ems = append(ems, u.Flush()...)
	last := map[string]event.Event{}
	var ids []string
	for _, em := range ems {
		if _, ok := last[em.Event.ID]; !ok {
			ids = append(ids, em.Event.ID)
		}
		last[em.Event.ID] = em.Event
	}
	var out []event.Event
	for _, id := range ids {
		if e := last[id]; !e.Withdrawn() {
			out = append(out, e)
		}
	}
	return out
}

// An AIS vessel 12 km from a coast radar that reports ships at 15 and
// 30 km, no plot anywhere near it for 40 sweeps: one spoofing event of
// subtype unseen_by_radar, with the AIS positions, the radar's usite and
// what the radar saw nearest as evidence; the same whatever order the
// plots and the fixes come in.
func TestUnseenFires(t *testing.T) {
	sc := &unseenScene{minutes: 40, vessel: east(12), lengthM: 180}
	var first []event.Event
	for _, order := range []string{"plots first", "fixes first", "interleaved"} {
		evs := sc.run(order)
		if len(evs) != 1 {
			t.Fatalf("%s: %d events, want 1: %+v", order, len(evs), evs)
		}
		e := evs[0]
		if e.Type != event.Spoofing || e.Subtype != event.UnseenByRadar || e.MMSI != 244000001 || e.Sensor != "radar" || e.Scene != "coast" {
			t.Errorf("%s: %+v", order, e)
		}
		// The first sweep comes before the vessel's first fix: not placed.
		if e.Start.UnixMilli() != u0+60_000 || e.End.UnixMilli() != u0+39*60_000 || e.Details["sweeps_missed"] != 39 || e.Details["sweeps_seen"] != 0 {
			t.Errorf("%s: %s to %s, details %v", order, e.Start, e.End, e.Details)
		}
		roles := map[string]int{}
		for _, f := range e.Evidence {
			roles[f.Role]++
			if f.Role == event.Site && (f.Lat != usite[0] || f.Lon != usite[1] || f.Feed != "coast") {
				t.Errorf("usite evidence %+v", f)
			}
		}
		if roles[event.First] != 1 || roles[event.Last] != 1 || roles[event.Site] != 1 || roles[event.Detected] != 2 {
			t.Errorf("%s: evidence %+v", order, e.Evidence)
		}
		if first == nil {
			first = evs
		} else if first[0].ID != e.ID || first[0].Summary != e.Summary || first[0].Confidence != e.Confidence {
			t.Errorf("%s gives %+v, plots first %+v", order, e, first[0])
		}
	}
	t.Log(first[0].Summary)
	// Confidence grows with the sweeps missed.
	short := (&unseenScene{minutes: 12, vessel: east(12), lengthM: 180}).run("interleaved")
	if len(short) != 1 || short[0].Confidence >= first[0].Confidence {
		t.Errorf("12 sweeps missed: %+v; 40: confidence %.2f", short, first[0].Confidence)
	}
}

// What must not make an event.
func TestUnseenMustNotFire(t *testing.T) {
	for _, tc := range []struct {
		name string
		sc   unseenScene
	}{
		{"fewer sweeps than MinSweeps", unseenScene{minutes: 9, vessel: east(12), lengthM: 180}},
		{"a small boat", unseenScene{minutes: 40, vessel: east(12), lengthM: 15}},
		{"a Class B transponder", unseenScene{minutes: 40, vessel: east(12), lengthM: 40, classB: true}},
		{"length unknown", unseenScene{minutes: 40, vessel: east(12)}},
		{"beyond reliable range", unseenScene{minutes: 40, vessel: east(26), lengthM: 180}},
		{"a radar outage", unseenScene{minutes: 40, vessel: east(12), lengthM: 180, outage: func(int64) bool { return true }}},
		{"an outage after 8 sweeps", unseenScene{minutes: 40, vessel: east(12), lengthM: 180, outage: func(m int64) bool { return m >= 8 }}},
		{"seen by the radar", unseenScene{minutes: 40, vessel: east(12), lengthM: 180, seenAt: func(int64) bool { return true }}},
		{"seen in half the sweeps", unseenScene{minutes: 40, vessel: east(12), lengthM: 180, seenAt: func(m int64) bool { return m%2 == 0 }}},
		{"the radar's own ship", unseenScene{minutes: 40, vessel: east(12), lengthM: 180, ownShip: true}},
		{"a jump (another transmitter)", unseenScene{minutes: 40, vessel: east(12), lengthM: 180, jumpAt: 1}},
	} {
		for _, order := range []string{"plots first", "interleaved"} {
			if evs := tc.sc.run(order); len(evs) != 0 {
				t.Errorf("%s (%s): %d events: %s", tc.name, order, len(evs), evs[0].Summary)
			}
		}
	}
}

// A vessel the radar starts to see after the event was sent: withdrawn
// once its seen sweeps pass MaxSeenShare; in a live run that is sent with
// confidence 0.
func TestUnseenWithdrawn(t *testing.T) {
	sc := &unseenScene{minutes: 40, vessel: east(12), lengthM: 180, seenAt: func(m int64) bool { return m >= 12 }}
	u := NewUnseen(UnseenOptions{})
	u.Craft(244000001, sc.lengthM)
	var ems []Emission
	for _, x := range sc.plots() {
		ems = append(ems, u.Plot(x[0].(string), x[1].(string), x[2].(Plot))...)
	}
	for _, f := range sc.fixes() {
		ems = append(ems, u.Fix(f)...)
	}
	ems = append(ems, u.Flush()...)
	if len(ems) < 2 || !ems[0].First || ems[0].Event.Withdrawn() || !ems[len(ems)-1].Event.Withdrawn() {
		t.Fatalf("emissions %+v", ems)
	}
	if evs := sc.run("interleaved"); len(evs) != 0 {
		t.Errorf("withdrawn, yet %d events", len(evs))
	}
}

// Behind land from the radar, or within a kilometre of the coast, a miss
// is no evidence: a radar on the south coast of Jeju looking north across
// the island.
func TestUnseenShadow(t *testing.T) {
	sh := geo.DefaultShore()
	st := [2]float64{33.2, 126.55} // off Seogwipo
	across := [2]float64{33.62, 126.55}
	open := [2]float64{33.05, 126.7}
	if !Shadowed(sh, st, across[0], across[1], 3000) || Shadowed(sh, st, open[0], open[1], 3000) {
		t.Fatalf("shadowed across Jeju %v, in the open sea %v", Shadowed(sh, st, across[0], across[1], 3000), Shadowed(sh, st, open[0], open[1], 3000))
	}
	count := func(p [2]float64) int {
		u := NewUnseen(UnseenOptions{Shore: sh, RangeM: 30e3})
		u.Craft(1, 100)
		n := 0
		for m := int64(0); m < 30; m++ {
			ms := u0 + m*60_000
			n += len(u.Plot("r", "r/1/1", Plot{Time: ms, Lat: 33.1, Lon: 126.4, Site: st, HasSite: true}))
			n += len(u.Fix(AISFix{MMSI: 1, Time: ms + 1000, Lat: p[0], Lon: p[1]}))
		}
		return n + len(u.Flush())
	}
	if n := count(across); n != 0 {
		t.Errorf("behind Jeju: %d emissions", n)
	}
	if n := count(open); n == 0 {
		t.Error("in the open sea: no event")
	}
}

// A radar that stopped is not waited for: a vessel's fixes are kept an
// hour (Keep) behind the AIS, not from when the radar stopped.
func TestUnseenRadarStoppedKeepsNoFixes(t *testing.T) {
	u := NewUnseen(UnseenOptions{})
	u.Craft(1, 100)
	for m := int64(0); m < 10; m++ {
		u.Plot("r", "r/1/1", Plot{Time: u0 + m*60_000, Lat: 35.1, Lon: 125, Site: usite, HasSite: true})
	}
	for s := int64(0); s < 3*3600; s += 10 {
		u.Fix(AISFix{MMSI: 1, Time: u0 + s*1000, Lat: 35.2, Lon: 125.1})
	}
	if n := len(u.vessels[1].fixes); n > 370 {
		t.Errorf("%d fixes kept three hours after the radar stopped (want an hour's, 360)", n)
	}
}
