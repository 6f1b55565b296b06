package sim

import (
	"math"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/identity"
)

// Injected behaviour kinds (injection.kind).
const (
	injEncounter       = "encounter"
	injDarkRendezvous  = "dark_rendezvous"
	injLoitering       = "loitering"
	injGap             = "gap"
	injGapAccidental   = "gap_accidental"
	injImpossibleSpeed = "impossible_speed"
	injSharedMMSI      = "shared_mmsi"
	injInvalidMMSI     = "invalid_mmsi"
	injInvalidIMO      = "invalid_imo"
	injNameChange      = "identity_change"
	injFlagHop         = "flag_hop"
	injSharedIMO       = "shared_imo"
)

// Thresholds the staging respects, from DESIGN.md's detection defaults.
const (
	// Encounters and loitering at sea: >= 20 nm from shore (GFW loitering),
	// >= 10 km from any port or anchorage (GFW encounters); staged with a
	// margin.
	encounterShoreM = 20 * nm
	encounterPortM  = 12e3
	// Intentional gaps start >= 50 nm from shore in good reception (GFW's
	// AIS-disabling events) and last >= 12 h.
	gapShoreM = 50 * nm
	gapMinMs  = 12 * hour
	// Behaviours are staged this far apart so that they do not mix.
	apartM = 40e3
	// Dark periods are staged farther apart: picket's dark-rendezvous
	// detector pairs overlapping gaps that went dark or reappeared within
	// 30 nm (DarkRendezvousOptions.NearNM), and two staged gaps that close
	// would make a rendezvous the truth does not have.
	darkApartM = 130e3
)

func (s *scenario) site(q siteQuery) (site, string, bool) {
	q.Avoid = s.used
	q.MinApartM = apartM
	c, relaxed, ok := s.w.findSite(s.rng, q)
	if ok {
		s.used = append(s.used, pt{c.Lat, c.Lon})
	}
	return c, relaxed, ok
}

// darkSite is site for a staged dark period, far from the others.
func (s *scenario) darkSite(q siteQuery) (site, string, bool) {
	q.AvoidFar = s.darkUsed
	q.MinFarM = darkApartM
	c, relaxed, ok := s.site(q)
	if ok {
		s.darkUsed = append(s.darkUsed, pt{c.Lat, c.Lon})
	}
	return c, relaxed, ok
}

func (s *scenario) hotspot() int {
	for i := range s.r.Zones {
		if s.r.Zones[i].Name == s.r.HotspotZone {
			return i
		}
	}
	return -1
}

// stageBehaviours places the behaviours that shape a vessel's whole plan.
func (s *scenario) stageBehaviours(set int) {
	s.stageEncounter(set)
	s.stageLoitering(set)
	s.stageGap(set)
	s.stageDarkRendezvous(set)
	s.stageSatDarkRendezvous(set)
}

// leaveAndTrade sends a vessel from where it is to ports for the rest of
// the scenario.
func (s *scenario) leaveAndTrade(v int, pl *planner) {
	s.traderLife(v, pl, -1)
}

// stageEncounter: two tankers meet at sea, 20+ nm from shore and 10+ km
// from any port or anchorage, 50-300 m apart, both under 1 kn, for 3-8 h,
// inside terrestrial coverage.
func (s *scenario) stageEncounter(set int) {
	zone := -1
	if set == 0 {
		zone = s.hotspot()
	}
	dur := s.hours(3, 8)
	tm := s.start + int64(float64(s.end-s.start)*(0.2+0.15*s.rng.Float64()))
	if tm+dur+2*hour > s.end {
		dur = s.end - 2*hour - tm
	}
	if dur < 3*hour {
		s.skip(injEncounter, set, "scenario too short (needs about 10 h)")
		return
	}
	c, relaxed, ok := s.site(siteQuery{MinShoreM: encounterShoreM, MinPortM: encounterPortM, MinCoverM: 12 * nm, Zone: zone})
	if !ok {
		s.skip(injEncounter, set, relaxed)
		return
	}
	a := s.pick("encounter", false, Tanker)
	b := s.pick("encounter", false, Tanker, Bulk, Cargo)
	if a < 0 || b < 0 {
		s.skip(injEncounter, set, "not enough tankers")
		return
	}
	m := pt{c.Lat, c.Lon}
	pa := s.planner(a)
	if !s.arriveAt(a, pa, m, tm, 2e3, 4) {
		s.skip(injEncounter, set, "no route to the meeting point")
		return
	}
	pa.drift(tm+dur, statusUnderWay, s.randomBearing(), s.rng, 0.8)
	// The second ship comes alongside a little later, 50-300 m off, drifts
	// with the first, and casts off a little earlier.
	late := int64(5+s.rng.IntN(20)) * min_
	dist := 80 + 180*s.rng.Float64()
	brg := s.randomBearing()
	offN, offE := dist*math.Cos(brg*math.Pi/180), dist*math.Sin(brg*math.Pi/180)
	var h int
	lat, lon := s.fp.pos(a, tm+late, &h)
	mlat, mlon := offsetPos(lat, lon, offN, offE)
	pb := s.planner(b)
	if !s.arriveAt(b, pb, pt{mlat, mlon}, tm+late, 2e3, 4) {
		s.skip(injEncounter, set, "no route to the meeting point")
		return
	}
	early := int64(s.rng.IntN(20)) * min_
	pb.follow(a, tm+dur-early, offN, offE, statusRestricted)
	// Part: the second ship draws off first.
	lat2, lon2 := geo.Destination(pb.lat, pb.lon, brg, 1500)
	pb.sailTo(lat2, lon2, 4, statusUnderWay)
	s.leaveAndTrade(b, pb)
	lat3, lon3 := geo.Destination(pa.lat, pa.lon, brg+180, 1500)
	pa.sailTo(lat3, lon3, 4, statusUnderWay)
	s.leaveAndTrade(a, pa)
	s.inj = append(s.inj, &injection{kind: injEncounter, a: a, b: b, at: m, from: tm + late, to: tm + dur - early, relaxed: relaxed, shoreNM: c.ShoreM / nm, distM: dist})
}

// stageLoitering: one vessel drifts under 1.5 kn, 20+ nm from shore, alone,
// for 3-6 h.
func (s *scenario) stageLoitering(set int) {
	dur := s.hours(3, 6)
	tl := s.start + int64(float64(s.end-s.start)*(0.15+0.4*s.rng.Float64()))
	if tl+dur+hour > s.end {
		dur = s.end - hour - tl
	}
	if dur < 3*hour {
		s.skip(injLoitering, set, "scenario too short (needs about 8 h)")
		return
	}
	c, relaxed, ok := s.site(siteQuery{MinShoreM: encounterShoreM + 3*nm, MinPortM: encounterPortM, MinCoverM: 12 * nm, Zone: -1})
	if !ok {
		s.skip(injLoitering, set, relaxed)
		return
	}
	v := s.pick("loitering", false, Tanker, Bulk, Cargo)
	if v < 0 {
		s.skip(injLoitering, set, "no free vessel")
		return
	}
	pl := s.planner(v)
	if !s.arriveAt(v, pl, pt{c.Lat, c.Lon}, tl, 3e3, 5) {
		s.skip(injLoitering, set, "no route")
		return
	}
	pl.drift(tl+dur, statusUnderWay, s.randomBearing(), s.rng, 1.5)
	s.leaveAndTrade(v, pl)
	s.inj = append(s.inj, &injection{kind: injLoitering, a: v, b: -1, at: pt{c.Lat, c.Lon}, from: tl, to: tl + dur, relaxed: relaxed, shoreNM: c.ShoreM / nm})
}

// darkStart is when the staged dark periods of a set begin: 6.5 h in,
// after 6 h of dense reports; in scenarios long enough the sets take turns
// (20 h apart) so that their gaps do not overlap.
func (s *scenario) darkStart(set int) int64 {
	t := s.start + 6*hour + 30*min_
	if s.opts.Sets > 1 {
		if room := s.end - t - 24*hour; room > 0 {
			t += int64(set) * min(20*hour, room/int64(s.opts.Sets-1))
		}
	}
	return t
}

// patrol slow-steams around centre, within radius, until end: a ship
// heard densely before it goes dark.
func (s *scenario) patrol(pl *planner, centre pt, radius float64, end int64, knots float64) {
	for pl.t < end {
		lat, lon := geo.Destination(centre.Lat, centre.Lon, s.randomBearing(), radius*(0.3+0.7*s.rng.Float64()))
		d := geo.Distance(pl.lat, pl.lon, lat, lon)
		if pl.t+int64(d/(knots*kn)*1000) > end {
			// Cut the last leg short to stop on time.
			x := float64(end-pl.t) / 1000 * knots * kn / max(d, 1)
			pl.sailTo(pl.lat+x*(lat-pl.lat), pl.lon+x*(lon-pl.lon), knots, statusUnderWay)
			p := pl.plan()
			p.legs[len(p.legs)-1].t1 = end
			pl.t = end
			return
		}
		pl.sailTo(lat, lon, knots, statusUnderWay)
	}
}

// witnesses puts fishing boats around a place in good coverage for the
// whole scenario: the other vessels heard nearby that make a gap there
// look intentional.
func (s *scenario) witnesses(centre pt, n int) {
	for i := 0; i < n; i++ {
		v := s.pick("fishing near a staged dark period", false, Fishing)
		if v < 0 {
			v = s.pick("fishing near a staged dark period", true, Fishing)
		}
		if v < 0 {
			return
		}
		ground := s.fishingGround(true, centre)
		pl := s.planner(v)
		s.fleet[v].home = -1
		s.fishingLife(v, pl, ground, s.end+hour)
	}
}

// stageGap: a vessel is heard densely for 6 h in good coverage 50+ nm from
// shore, then goes dark for 12-30 h, then reappears nearby.
func (s *scenario) stageGap(set int) {
	td := s.darkStart(set)
	maxLen := min(30*float64(hour), float64(s.end-td-3*hour))
	if maxLen < float64(gapMinMs+30*min_) {
		s.skip(injGap, set, "scenario too short (needs about 22 h)")
		return
	}
	length := int64(float64(gapMinMs+30*min_) + s.rng.Float64()*(maxLen-float64(gapMinMs+30*min_)))
	c, relaxed, ok := s.darkSite(siteQuery{MinShoreM: gapShoreM + 5*nm, MinCoverM: 18 * nm, Zone: -1})
	if !ok {
		s.skip(injGap, set, relaxed)
		return
	}
	v := s.pick("goes dark", false, Tanker, Bulk, Cargo)
	if v < 0 {
		s.skip(injGap, set, "no free vessel")
		return
	}
	ves := s.fleet[v]
	centre := pt{c.Lat, c.Lon}
	pl := s.planner(v)
	if !s.arriveAt(v, pl, centre, td-6*hour, 0, 6) {
		s.skip(injGap, set, "no route")
		return
	}
	s.patrol(pl, centre, 8e3, td, 6)
	// Dark: wander slowly, come back near the place.
	pl.drift(td+length-2*hour, statusUnderWay, s.randomBearing(), s.rng, 1.5)
	lat, lon := geo.Destination(c.Lat, c.Lon, s.randomBearing(), 5e3+5e3*s.rng.Float64())
	pl.sailTo(lat, lon, 3, statusUnderWay)
	pl.still(td+length, statusUnderWay, 0, 0)
	pl.patrolAfter(s, centre, td+length+hour)
	ves.dark = append(ves.dark, darkSpan{span: span{td, td + length}, deliberate: true})
	s.leaveAndTrade(v, pl)
	s.witnesses(centre, 3)
	s.inj = append(s.inj, &injection{kind: injGap, a: v, b: -1, at: centre, from: td, to: td + length, relaxed: relaxed, shoreNM: c.ShoreM / nm})
}

// patrolAfter keeps a reappeared vessel slow-steaming near centre for a
// while so it is heard again where it went dark.
func (pl *planner) patrolAfter(s *scenario, centre pt, end int64) {
	s.patrol(pl, centre, 8e3, end, 6)
}

// stageDarkRendezvous: two vessels go dark 12-18 km from a place 50+ nm
// offshore in good coverage, meet there during the dark, part, and
// reappear 12-18 km away with gaps >= 12 h that overlap.
func (s *scenario) stageDarkRendezvous(set int) {
	td := s.darkStart(set)
	if s.end-td < gapMinMs+5*hour {
		s.skip(injDarkRendezvous, set, "scenario too short (needs about 24 h)")
		return
	}
	c, relaxed, ok := s.darkSite(siteQuery{MinShoreM: gapShoreM + 5*nm, MinCoverM: 18 * nm, Zone: -1})
	if !ok {
		s.skip(injDarkRendezvous, set, relaxed)
		return
	}
	a := s.pick("dark rendezvous", false, Tanker)
	b := s.pick("dark rendezvous", false, Tanker, Bulk, Cargo)
	if a < 0 || b < 0 {
		s.skip(injDarkRendezvous, set, "not enough tankers")
		return
	}
	m := pt{c.Lat, c.Lon}
	brgA := s.randomBearing()
	brgB := brgA + 120 + 120*s.rng.Float64()
	type side struct {
		v        int
		pl       *planner
		dark     pt
		resume   pt
		td, tr   int64
		arriveAt int64
	}
	sides := []*side{{v: a, td: td}, {v: b, td: td + int64(s.rng.IntN(90))*min_}}
	for i, sd := range sides {
		brg := brgA
		if i == 1 {
			brg = brgB
		}
		lat, lon := geo.Destination(m.Lat, m.Lon, brg, 12e3+6e3*s.rng.Float64())
		sd.dark = pt{lat, lon}
		lat, lon = geo.Destination(m.Lat, m.Lon, brg+40+40*s.rng.Float64(), 12e3+6e3*s.rng.Float64())
		sd.resume = pt{lat, lon}
		sd.pl = s.planner(sd.v)
		if !s.arriveAt(sd.v, sd.pl, sd.dark, sd.td-6*hour, 0, 6) {
			s.skip(injDarkRendezvous, set, "no route")
			return
		}
		s.patrol(sd.pl, sd.dark, 6e3, sd.td, 6)
	}
	// A waits at the meeting point; B comes alongside.
	meet, dur, dist := s.comeAlongside(a, sides[0].pl, sides[1].pl, m, 6)
	for _, sd := range sides {
		sd.pl.sailTo(sd.resume.Lat, sd.resume.Lon, 5, statusUnderWay)
		sd.tr = max(sd.td+gapMinMs+30*min_+int64(s.rng.IntN(120))*min_, sd.pl.t+30*min_)
		if sd.tr+2*hour > s.end {
			sd.tr = max(sd.pl.t+10*min_, s.end-2*hour)
		}
		sd.pl.drift(sd.tr, statusUnderWay, s.randomBearing(), s.rng, 1.2)
		s.patrol(sd.pl, sd.resume, 6e3, sd.tr+hour, 6)
		s.fleet[sd.v].dark = append(s.fleet[sd.v].dark, darkSpan{span: span{sd.td, sd.tr}, deliberate: true})
		s.leaveAndTrade(sd.v, sd.pl)
	}
	if sides[0].tr-sides[0].td < gapMinMs || sides[1].tr-sides[1].td < gapMinMs {
		s.notes = append(s.notes, "dark rendezvous: a gap came out shorter than 12 h (scenario too short)")
	}
	s.witnesses(m, 3)
	s.inj = append(s.inj, &injection{kind: injDarkRendezvous, a: a, b: b, at: m, from: meet, to: meet + dur, relaxed: relaxed, shoreNM: c.ShoreM / nm, distM: dist})
}

// comeAlongside stages a meeting at sea: A (vessel a, planned by pa)
// sails to m at knots and drifts there for 3-6 h; B (pb) comes alongside
// 60-180 m off at the same speed and keeps station on A meanwhile. It
// returns when the meeting began, how long it lasted and how far apart
// the two lay.
func (s *scenario) comeAlongside(a int, pa, pb *planner, m pt, knots float64) (meet, dur int64, dist float64) {
	pa.sailTo(m.Lat, m.Lon, knots, statusUnderWay)
	tb := pb.t + int64(geo.Distance(pb.lat, pb.lon, m.Lat, m.Lon)/(knots*kn)*1000)
	meet = max(pa.t, tb) + 10*min_
	dur = s.hours(3, 6)
	pa.drift(meet+dur, statusUnderWay, s.randomBearing(), s.rng, 0.8)
	dist = 60 + 120*s.rng.Float64()
	brg := s.randomBearing()
	offN, offE := dist*math.Cos(brg*math.Pi/180), dist*math.Sin(brg*math.Pi/180)
	var h int
	lat, lon := s.fp.pos(a, meet, &h)
	mlat, mlon := offsetPos(lat, lon, offN, offE)
	pb.sailTo(mlat, mlon, knots, statusUnderWay)
	pb.still(meet, statusUnderWay, 0, 0)
	pb.follow(a, meet+dur, offN, offE, statusRestricted)
	return meet, dur, dist
}

// stageConfounders places what must not alert: ships moored side by side
// in port, pair trawlers.
func (s *scenario) stageConfounders(set int) {
	s.stageQueue(set)
	// Moored side by side, 30-40 m apart, for hours.
	a := s.pick("moored alongside another ship in port", false, traders...)
	b := s.pick("moored alongside another ship in port", false, traders...)
	if a >= 0 && b >= 0 {
		q := s.randomPort()
		bp := s.berth(q)
		name := []byte(truncate(s.w.ports[q].Name, 20))
		pa, pb := s.planner(a), s.planner(b)
		pa.lat, pa.lon = bp.Lat, bp.Lon
		hdg := s.randomBearing()
		pb.lat, pb.lon = offsetPos(bp.Lat, bp.Lon, 35*math.Cos((hdg+90)*math.Pi/180), 35*math.Sin((hdg+90)*math.Pi/180))
		for _, v := range []int{a, b} {
			s.fleet[v].dests = append(s.fleet[v].dests, destSpan{from: math.MinInt64, dest: name})
		}
		pa.still(s.start+s.hours(10, 20), statusMoored, hdg, 0)
		pb.still(s.start+s.hours(6, 14), statusMoored, hdg, 0)
		s.traderLife(a, pa, q)
		s.traderLife(b, pb, q)
	}
	// Pair trawlers: 300-500 m apart at 3-4 kn for hours.
	l := s.pick("pair trawler", false, Fishing)
	f := s.pick("pair trawler", false, Fishing)
	if l < 0 || f < 0 {
		l = s.pick("pair trawler", true, Fishing)
		f = s.pick("pair trawler", true, Fishing)
	}
	if l >= 0 && f >= 0 {
		ground := s.fishingGround(false, pt{})
		pa := s.planner(l)
		s.fleet[l].home = -1
		lat, lon := geo.Destination(ground.Lat, ground.Lon, s.randomBearing(), 3e3*s.rng.Float64())
		pa.lat, pa.lon = lat, lon
		s.fleet[l].dests = append(s.fleet[l].dests, destSpan{from: math.MinInt64, dest: []byte("FISHING GROUND")})
		end := s.start + s.hours(8, 20)
		s.trawl(pa, ground, end, 3, 4)
		s.fishingLifeFromSea(l, pa, ground)
		dist := 300 + 200*s.rng.Float64()
		brg := s.randomBearing()
		offN, offE := dist*math.Cos(brg*math.Pi/180), dist*math.Sin(brg*math.Pi/180)
		pf := s.planner(f)
		pf.lat, pf.lon = offsetPos(lat, lon, offN, offE)
		s.fleet[f].dests = append(s.fleet[f].dests, destSpan{from: math.MinInt64, dest: []byte("FISHING GROUND")})
		pf.follow(l, end, offN, offE, statusFishing)
		s.fishingLifeFromSea(f, pf, ground)
	}
}

// fishingLifeFromSea sends a fishing boat at sea home and on with its
// trips.
func (s *scenario) fishingLifeFromSea(v int, pl *planner, ground pt) {
	ves := s.fleet[v]
	p, _ := s.w.nearestPort(ground.Lat, ground.Lon, true)
	for i := range s.w.ports {
		if &s.w.ports[i] == p && p.access >= 0 {
			ves.home = i
		}
	}
	if ves.home < 0 {
		ves.home = s.randomPort()
	}
	for pl.t < s.end+hour {
		b := s.berth(ves.home)
		route, ok := s.w.routeTo(pt{pl.lat, pl.lon}, ves.home, b)
		if !ok {
			break
		}
		pl.sailApproach(route, ves.knots, 3e3, 5)
		s.calls = append(s.calls, portCall{port: ves.home, vessel: v, approach: pl.t - 20*min_, berth: pl.t})
		pl.still(pl.t+s.hours(5, 14), statusMoored, s.randomBearing(), 0)
		route, ok = s.w.routeFrom(ves.home, pt{pl.lat, pl.lon}, ground)
		if !ok {
			break
		}
		pl.sailRoute(route, ves.knots)
		s.trawl(pl, ground, pl.t+s.hours(6, 30), 2.8, 4.5)
	}
	if pl.t < s.end+hour {
		pl.still(s.end+hour, statusMoored, 0, 0)
	}
}

// stageLateBehaviours changes what ordinary vessels transmit: spoofed
// positions, a shared MMSI, invalid identities, name changes, a flag hop,
// an accidental gap.
func (s *scenario) stageLateBehaviours(set int) {
	s.stageImpossibleSpeed(set)
	s.stageSharedMMSI(set)
	s.stageInvalidIdentity(set)
	s.stageNameChange(set)
	s.stageFlagHop(set)
	s.stageAccidentalGap(set)
	s.stageSharedIMO(set)
	s.stagePlaceholderIMO(set)
}

// ordinaryTraders lists ordinary Class A traders not given a role.
func (s *scenario) ordinaryTraders(classB bool) []int {
	var out []int
	for i, v := range s.fleet {
		if !v.busy && v.classB == classB && (v.kind <= Passenger) {
			out = append(out, i)
		}
	}
	return out
}

// underWay reports whether vessel v sails (not drifting, not in port) for
// the whole of [from, to].
func (s *scenario) underWay(v int, from, to int64) bool {
	for _, l := range s.fp.plans[v].legs {
		if l.t1 <= from || l.t0 >= to {
			continue
		}
		if l.kind != legSail || l.kn < 5 {
			return false
		}
	}
	return true
}

// stageImpossibleSpeed: a ship in good coverage has its GNSS spoofed: its
// positions jump 200-400 km away and go on from there, with its course
// and speed, for 1-2 h, then are its true ones again.
func (s *scenario) stageImpossibleSpeed(set int) {
	for _, v := range shuffled(s.rng, s.ordinaryTraders(false)) {
		for try := 0; try < 10; try++ {
			t := s.start + 2*hour + s.rng.Int64N(max(1, s.end-s.start-4*hour))
			if !s.underWay(v, t-30*min_, t+30*min_) {
				continue
			}
			var h int
			lat, lon := s.fp.pos(v, t, &h)
			if s.w.coverage(lat, lon) < 8*nm {
				continue
			}
			var far []site
			for _, c := range s.w.sites {
				d := geo.Distance(lat, lon, c.Lat, c.Lon)
				if d > 200e3 && d < 400e3 && c.ShoreM > 5*nm {
					far = append(far, c)
				}
			}
			if len(far) == 0 {
				continue
			}
			f := far[s.rng.IntN(len(far))]
			// Long enough to be told from a stray fix (the detector's
			// Stay), short enough to come back within the scenario.
			stay := detect.DefaultOptions().Spoofing.Stay.Milliseconds()
			sp := spoofPlan{at: t, until: t + 2*stay + t%hour, lat: f.Lat, lon: f.Lon, trueLat: lat, trueLon: lon}
			ves := s.fleet[v]
			ves.busy, ves.role = true, "reports false positions"
			ves.spoof = append(ves.spoof, sp)
			s.inj = append(s.inj, &injection{kind: injImpossibleSpeed, a: v, b: -1, at: pt{f.Lat, f.Lon}, from: t, to: t, spoof: &ves.spoof[len(ves.spoof)-1]})
			return
		}
	}
	s.skip(injImpossibleSpeed, set, "no ship under way in coverage")
}

// stageSharedMMSI: a second transmitter uses a ship's MMSI 120+ km away for
// 3-8 h.
func (s *scenario) stageSharedMMSI(set int) {
	dur := s.hours(3, 8)
	if s.end-s.start < dur+4*hour {
		s.skip(injSharedMMSI, set, "scenario too short")
		return
	}
	for _, v := range shuffled(s.rng, s.ordinaryTraders(false)) {
		t0 := s.start + 2*hour + s.rng.Int64N(max(1, s.end-s.start-dur-3*hour))
		for try := 0; try < 15; try++ {
			c, _, ok := s.w.findSite(s.rng, siteQuery{MinShoreM: 5 * nm, MinCoverM: 10 * nm, Zone: -1})
			if !ok {
				break
			}
			// The impostor sails out and back along a line 30-60 km long.
			p1 := pt{c.Lat, c.Lon}
			lat, lon := geo.Destination(c.Lat, c.Lon, s.randomBearing(), 30e3+30e3*s.rng.Float64())
			if !s.w.grid.clear(p1, pt{lat, lon}) || s.w.coverage(lat, lon) < 3*nm {
				continue
			}
			far := true
			for t := t0; t <= t0+dur && far; t += 10 * min_ {
				var h int
				vl, vo := s.fp.pos(v, t, &h)
				far = geo.Distance(vl, vo, c.Lat, c.Lon) > 150e3
			}
			if !far {
				continue
			}
			victim := s.fleet[v]
			victim.busy, victim.role = true, "its MMSI is used by another transmitter"
			// It sends type 5 reports of its own under the MMSI (another
			// name and call sign), which alternate with the victim's: no
			// identity change.
			iid := *victim.ids[0].id
			mid := int(iid.MMSI / 1_000_000)
			iid.Name, iid.CallSign = []byte(s.nm.name(Cargo, mid)), []byte(s.nm.callSign(mid))
			imp := &vessel{kind: Cargo, role: "impostor", busy: true, home: -1, impostor: true, knots: 10,
				ids: []idSpan{{from: math.MinInt64, id: &iid}}, alive: span{t0, t0 + dur}}
			s.fleet = append(s.fleet, imp)
			s.fp.plans = append(s.fp.plans, plan{})
			iv := len(s.fleet) - 1
			pl := s.planner(iv)
			pl.t = t0
			pl.lat, pl.lon = p1.Lat, p1.Lon
			for pl.t < t0+dur+hour {
				pl.sailTo(lat, lon, 10, statusUnderWay)
				pl.sailTo(p1.Lat, p1.Lon, 10, statusUnderWay)
			}
			s.inj = append(s.inj, &injection{kind: injSharedMMSI, a: v, b: iv, at: p1, from: t0, to: t0 + dur})
			return
		}
	}
	s.skip(injSharedMMSI, set, "no place far enough from the ship")
}

// stageInvalidIdentity: a ship whose MMSI has an unallocated MID, and a
// ship whose IMO number fails its check digit.
func (s *scenario) stageInvalidIdentity(set int) {
	cand := shuffled(s.rng, s.ordinaryTraders(false))
	if len(cand) < 2 {
		s.skip(injInvalidMMSI, set, "no free vessel")
		return
	}
	v := s.fleet[cand[0]]
	v.busy, v.role = true, "MMSI with an unallocated MID"
	old := *v.ids[0].id
	mid := invalidMID(200 + 37*set + s.rng.IntN(30))
	v.ids[0].id.MMSI = s.nm.mmsi(mid)
	s.inj = append(s.inj, &injection{kind: injInvalidMMSI, a: cand[0], b: -1, oldID: &old, newID: v.ids[0].id, from: s.start, to: s.end})

	w := s.fleet[cand[1]]
	w.busy, w.role = true, "IMO number failing its check digit"
	id := w.ids[0].id
	if id.IMO == 0 {
		id.IMO = s.nm.imo()
	}
	id.IMO = id.IMO/10*10 + (id.IMO%10+1+uint32(s.rng.IntN(8)))%10
	if identity.ValidIMO(int(id.IMO)) {
		id.IMO = id.IMO/10*10 + (id.IMO%10+1)%10
	}
	s.inj = append(s.inj, &injection{kind: injInvalidIMO, a: cand[1], b: -1, newID: id, from: s.start, to: s.end})
}

// stageNameChange: a ship changes its name and call sign mid-scenario
// (a Class A ship in type 5 on odd sets, a Class B one in type 24 on
// even ones when there is one).
func (s *scenario) stageNameChange(set int) {
	cand := shuffled(s.rng, s.ordinaryTraders(set%2 == 1))
	if set%2 == 1 {
		for i, v := range s.fleet {
			if !v.busy && v.classB && v.kind == Pleasure {
				cand = append(cand, i)
			}
		}
	}
	if len(cand) == 0 {
		cand = shuffled(s.rng, s.ordinaryTraders(false))
	}
	if len(cand) == 0 {
		s.skip(injNameChange, set, "no free vessel")
		return
	}
	v := cand[0]
	ves := s.fleet[v]
	ves.busy, ves.role = true, "changes name and call sign"
	t := s.start + int64(float64(s.end-s.start)*(0.35+0.3*s.rng.Float64()))
	old := ves.ids[0].id
	nid := *old
	mid := int(old.MMSI / 1_000_000)
	nid.Name = []byte(s.nm.name(ves.kind, mid))
	nid.CallSign = []byte(s.nm.callSign(mid))
	ves.ids = append(ves.ids, idSpan{from: t, id: &nid})
	s.inj = append(s.inj, &injection{kind: injNameChange, a: v, b: -1, from: t, to: t, oldID: old, newID: &nid})
}

// stageFlagHop: a tanker goes quiet at sea for longer than the identity
// detector's FlagSilence (24 h) and comes back with the same IMO number
// and name under a new MMSI of another flag. A shorter silence is no flag
// change (the old MMSI might be alive), so the scenario must be long
// enough for the silence and a few static reports after it.
func (s *scenario) stageFlagHop(set int) {
	silence := detect.DefaultOptions().Identity.FlagSilence.Milliseconds()
	quiet := silence + s.hours(0.5, 1.5)
	lo, hi := s.start+hour, s.end-quiet-3*hour
	if hi <= lo {
		s.skip(injFlagHop, set, "scenario too short for a silence of a day")
		return
	}
	var cand []int
	for _, v := range shuffled(s.rng, s.ordinaryTraders(false)) {
		if s.fleet[v].kind == Tanker && s.fleet[v].ids[0].id.IMO != 0 {
			cand = append(cand, v)
		}
	}
	for _, v := range cand {
		t := lo + s.rng.Int64N(hi-lo)
		if !s.underWay(v, t-hour, t+hour) {
			continue
		}
		ves := s.fleet[v]
		old := ves.ids[0].id
		oldFlag, _ := identity.Flag(int(old.MMSI))
		var mid int
		for try := 0; try < 50; try++ {
			mid = s.r.Flags[s.rng.IntN(len(s.r.Flags))]
			if f, ok := identity.LookupMID(mid); ok && f.Alpha2 != oldFlag.Alpha2 {
				break
			}
		}
		nid := *old
		nid.MMSI = s.nm.mmsi(mid)
		ves.busy, ves.role = true, "reflags under a new MMSI"
		ves.ids = append(ves.ids, idSpan{from: t + quiet, id: &nid})
		ves.dark = append(ves.dark, darkSpan{span: span{t, t + quiet}})
		s.inj = append(s.inj, &injection{kind: injFlagHop, a: v, b: -1, from: t, to: t + quiet, oldID: old, newID: &nid})
		return
	}
	s.skip(injFlagHop, set, "no tanker under way")
}

// stageSharedIMO: a ship broadcasts the IMO number of another ship that
// sails at the same time elsewhere (a stolen identity, or a typo).
func (s *scenario) stageSharedIMO(set int) {
	cand := shuffled(s.rng, s.ordinaryTraders(false))
	var pair []int
	for _, v := range cand {
		if id := s.fleet[v].ids[0].id; identity.HullIMO(int(id.IMO)) {
			pair = append(pair, v)
			if len(pair) == 2 {
				break
			}
		}
	}
	if len(pair) < 2 {
		s.skip(injSharedIMO, set, "no two free ships with IMO numbers")
		return
	}
	owner, thief := s.fleet[pair[0]], s.fleet[pair[1]]
	owner.busy, owner.role = true, "its IMO number is broadcast by another ship"
	thief.busy, thief.role = true, "broadcasts another ship's IMO number"
	id := thief.ids[0].id
	id.IMO = owner.ids[0].id.IMO
	s.inj = append(s.inj, &injection{kind: injSharedIMO, a: pair[0], b: pair[1], from: s.start, to: s.end, oldID: owner.ids[0].id, newID: id})
}

// stagePlaceholderIMO: ships of several flags whose transponders send the
// IMO field's "not available" (2^30-1), as 32 vessels do in exactEarth's
// 2012 passes: an invalid identity each, never a shared IMO or a flag
// change.
func (s *scenario) stagePlaceholderIMO(set int) {
	n := 0
	for _, v := range shuffled(s.rng, s.ordinaryTraders(false)) {
		ves := s.fleet[v]
		ves.busy, ves.role = true, "sends IMO 1073741823 (not available)"
		ves.ids[0].id.IMO = identity.NotAvailableIMO
		s.inj = append(s.inj, &injection{kind: injInvalidIMO, a: v, b: -1, newID: ves.ids[0].id, from: s.start, to: s.end})
		if n++; n == 3 {
			return
		}
	}
	s.skip(injInvalidIMO, set, "no free ship for a placeholder IMO")
}

// stageAccidentalGap: a ship's AIS fails for 6.5-11 h at sea.
func (s *scenario) stageAccidentalGap(set int) {
	length := s.hours(6.5, 11)
	if s.end-s.start < length+6*hour {
		s.skip(injGapAccidental, set, "scenario too short")
		return
	}
	for _, v := range shuffled(s.rng, s.ordinaryTraders(false)) {
		for try := 0; try < 5; try++ {
			t := s.start + 3*hour + s.rng.Int64N(s.end-s.start-length-6*hour)
			if !s.underWay(v, t-hour, t+length+hour) {
				continue
			}
			ves := s.fleet[v]
			ves.busy, ves.role = true, "AIS off for some hours (equipment)"
			ves.dark = append(ves.dark, darkSpan{span: span{t, t + length}})
			s.inj = append(s.inj, &injection{kind: injGapAccidental, a: v, b: -1, from: t, to: t + length})
			return
		}
	}
	s.notes = append(s.notes, "accidental gap: no ship sails long enough")
}

func shuffled(rng randSource, xs []int) []int {
	rng.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	return xs
}
