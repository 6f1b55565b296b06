package sim

import (
	"math"

	"github.com/picket-ais/picket/internal/geo"
)

// Dark periods that are hard to judge, staged so the quality test
// measures them: a meeting far offshore heard by satellite alone, between
// ships that converge from different ports and go dark far apart; ships
// queueing at an anchorage that go unheard and re-anchor a little away
// (not meeting anyone); and a feed outage, when nobody is heard at all.

const (
	// satDarkFromM is how far from the meeting point each ship of a
	// satellite-only dark rendezvous goes dark: 26-42 nm, so that the two
	// are 53-84 nm apart then, further than any fixed bound would allow.
	satDarkFromM = 26 * nm
	satDarkToM   = 42 * nm
	// satOnlyM keeps the whole meeting outside every terrestrial
	// station's range (by this much at the meeting point).
	satOnlyM = satDarkToM + 8*nm
	// queueMoveM is how far a ship waiting at an anchorage re-anchors
	// while unheard: 2-5 km.
	queueMoveMinM, queueMoveMaxM = 2e3, 5e3
	// outageMinMs and outageMaxMs bound a staged feed outage: long enough
	// that every ship heard before it has a gap (>= 6 h).
	outageMinMs, outageMaxMs = 7 * hour, 10 * hour
)

// atSea reports whether (lat, lon) is open water ships can reach, 5+ nm
// from shore.
func (w *world) atSea(lat, lon float64) bool {
	cell := w.grid.cellOf(lat, lon)
	return cell >= 0 && w.grid.sea[cell] && w.grid.reach[cell] && w.shore.DistanceToShore(lat, lon) > 5*nm
}

// stageSatDarkRendezvous: two ships from different ports sail towards a
// point 55+ nm offshore, outside every terrestrial station's range, go
// dark 26-42 nm from it (within an hour of each other, heading for it),
// meet there for 3-6 h, part, and reappear 26-42 nm away heading off
// (within two hours of each other), each gap >= 12 h. Satellites alone
// hear them, and the fishing boats around that show what satellites
// usually hear there.
func (s *scenario) stageSatDarkRendezvous(set int) {
	td := s.darkStart(set) + 40*min_
	if s.end-td < gapMinMs+5*hour {
		s.skip(injDarkRendezvous+" (satellite)", set, "scenario too short (needs about 24 h)")
		return
	}
	const knots = 10.0
	type side struct {
		v         int
		pl        *planner
		brg, from float64
		out       float64 // bearing it parts on
		td, tr    int64
		start     pt
	}
	sides := []*side{{td: td}, {td: td + int64(s.rng.IntN(60))*min_}}
	// A place, and bearings from which both can come in over open sea,
	// heard for 4 h before they go dark, and part into open sea.
	var c site
	var relaxed string
	found := false
	for place := 0; place < 6 && !found; place++ {
		var ok bool
		c, relaxed, ok = s.darkSite(siteQuery{MinShoreM: gapShoreM + 5*nm, MinCoverM: math.Inf(-1), SatOnlyM: satOnlyM, Zone: -1})
		if !ok {
			s.skip(injDarkRendezvous+" (satellite)", set, relaxed)
			return
		}
		for try := 0; try < 40 && !found; try++ {
			brgA := s.randomBearing()
			sides[0].brg, sides[1].brg = brgA, brgA+150+60*s.rng.Float64()
			found = true
			for i, sd := range sides {
				sd.from = satDarkFromM + (satDarkToM-satDarkFromM)*s.rng.Float64()
				lat, lon := geo.Destination(c.Lat, c.Lon, sd.brg, sd.from+4*knots*nm)
				sd.start = pt{lat, lon}
				for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
					plat, plon := geo.Destination(c.Lat, c.Lon, sd.brg, f*(sd.from+4*knots*nm))
					if !s.w.atSea(plat, plon) || !s.r.inBounds(plat, plon) {
						found = false
					}
				}
				turn := 40 + 40*s.rng.Float64()
				if i == 1 {
					turn = -turn
				}
				sd.out = sd.brg + 180 + turn
				for _, d := range []float64{satDarkFromM, satDarkToM, satDarkToM + 3*knots*nm} {
					plat, plon := geo.Destination(c.Lat, c.Lon, sd.out, d)
					if !s.w.atSea(plat, plon) || !s.r.inBounds(plat, plon) {
						found = false
					}
				}
			}
		}
	}
	if !found {
		s.skip(injDarkRendezvous+" (satellite)", set, "no open-sea approach and parting from two sides")
		return
	}
	a := s.pick("satellite dark rendezvous", false, Tanker, Bulk, Cargo)
	b := s.pick("satellite dark rendezvous", false, Bulk, Cargo, Container)
	if a < 0 || b < 0 {
		s.skip(injDarkRendezvous+" (satellite)", set, "not enough free ships")
		return
	}
	sides[0].v, sides[1].v = a, b
	m := pt{c.Lat, c.Lon}
	for _, sd := range sides {
		sd.pl = s.planner(sd.v)
		if !s.arriveAt(sd.v, sd.pl, sd.start, sd.td-4*hour, 0, 6) {
			s.skip(injDarkRendezvous+" (satellite)", set, "no route")
			return
		}
		dlat, dlon := geo.Destination(m.Lat, m.Lon, sd.brg, sd.from)
		sd.pl.sailTo(dlat, dlon, knots, statusUnderWay)
		sd.pl.t = sd.td // on time: the leg is 4 h at 10 kn
		p := sd.pl.plan()
		p.legs[len(p.legs)-1].t1 = sd.td
	}
	// A waits at the meeting point; B comes alongside.
	meet, dur, dist := s.comeAlongside(a, sides[0].pl, sides[1].pl, m, knots)
	// Part, each on its way, and reappear 26-42 nm out heading off, in
	// step (both >= 12 h dark, within two hours of each other).
	tr := max(td+gapMinMs+30*min_, meet+dur+int64((satDarkToM/(knots*kn))*1000)) + int64(s.rng.IntN(40))*min_
	for i, sd := range sides {
		sd.tr = tr + int64(i*s.rng.IntN(60))*min_
		if sd.tr+3*hour > s.end {
			s.notes = append(s.notes, "satellite dark rendezvous: a ship reappears less than 3 h before the end")
		}
		// Sail out slowly enough to be 26-42 nm away when heard again.
		secs := float64(sd.tr-sd.pl.t) / 1000
		far := min(satDarkToM, max(satDarkFromM, secs*knots*kn*0.9))
		olat, olon := geo.Destination(sd.pl.lat, sd.pl.lon, sd.out, far)
		nlat, nlon := geo.Destination(olat, olon, sd.out, 3*knots*nm)
		sd.pl.sailTo(olat, olon, far/max(secs, 1)/kn, statusUnderWay)
		sd.pl.t = sd.tr
		p := sd.pl.plan()
		p.legs[len(p.legs)-1].t1 = sd.tr
		// Heard again, still heading off.
		sd.pl.sailTo(nlat, nlon, knots, statusUnderWay)
		s.fleet[sd.v].dark = append(s.fleet[sd.v].dark, darkSpan{span: span{sd.td, sd.tr}, deliberate: true})
		s.leaveAndTrade(sd.v, sd.pl)
	}
	s.satWitnesses(m, 4)
	s.inj = append(s.inj, &injection{kind: injDarkRendezvous, a: a, b: b, at: m, from: meet, to: meet + dur, relaxed: relaxed, shoreNM: c.ShoreM / nm, distM: dist})
}

// satWitnesses puts fishing boats within 8-25 km of a place outside
// terrestrial coverage for the whole scenario: what satellites hear of
// them is what the gap detector judges reception there by.
func (s *scenario) satWitnesses(centre pt, n int) {
	for i := 0; i < n; i++ {
		v := s.pick("fishing near a satellite-only dark period", false, Fishing)
		if v < 0 {
			v = s.pick("fishing near a satellite-only dark period", true, Fishing)
		}
		if v < 0 {
			return
		}
		ground := centre
		for try := 0; try < 50; try++ {
			lat, lon := geo.Destination(centre.Lat, centre.Lon, s.randomBearing(), 8e3+17e3*s.rng.Float64())
			if s.r.inBounds(lat, lon) && s.w.shore.DistanceToShore(lat, lon) > 4*nm {
				ground = pt{lat, lon}
				break
			}
		}
		pl := s.planner(v)
		s.fleet[v].home = -1
		s.fishingLife(v, pl, ground, s.end+hour)
	}
}

// stageQueue: three ships wait at a port's anchorage, 1-3 km apart; each
// goes unheard for 7-11 h (their AIS switched off at anchor, or a weak
// set), all within an hour of each other, and re-anchors 2-5 km away
// meanwhile. They meet nobody: no dark rendezvous.
func (s *scenario) stageQueue(set int) {
	var cand []int
	for i := range s.w.ports {
		if s.w.ports[i].anchOK && s.w.ports[i].access >= 0 {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		s.skip("anchorage queue", set, "no port with an anchorage")
		return
	}
	p := &s.w.ports[cand[s.rng.IntN(len(cand))]]
	td := s.start + s.hours(3, 8)
	if td+16*hour > s.end {
		s.skip("anchorage queue", set, "scenario too short")
		return
	}
	for k := 0; k < 3; k++ {
		v := s.pick("waiting at an anchorage", false, Cargo, Container, Bulk)
		if v < 0 {
			s.skip("anchorage queue", set, "no free vessel")
			return
		}
		lat, lon := geo.Destination(p.anchLat, p.anchLon, s.randomBearing(), 500+1000*s.rng.Float64())
		pl := s.planner(v)
		if !s.arriveAt(v, pl, pt{lat, lon}, td-3*hour, 3e3, 4) {
			s.skip("anchorage queue", set, "no route")
			return
		}
		pl.still(td, statusAnchored, s.randomBearing(), 50)
		off := td + int64(s.rng.IntN(60))*min_
		on := off + s.hours(7, 11)
		pl.still(off+s.hours(2, 4), statusAnchored, s.randomBearing(), 50)
		nlat, nlon := geo.Destination(lat, lon, s.randomBearing(), queueMoveMinM+(queueMoveMaxM-queueMoveMinM)*s.rng.Float64())
		pl.sailTo(nlat, nlon, 3, statusUnderWay)
		pl.still(on+s.hours(2, 4), statusAnchored, s.randomBearing(), 50)
		s.fleet[v].dark = append(s.fleet[v].dark, darkSpan{span: span{off, on}})
		s.traderLife(v, pl, -1)
	}
}

// stageOutage stops the whole feed for 7-10 h once, after every staged
// dark period: nobody is heard, so every ship heard before has a gap,
// none of them intentional, and none a rendezvous. Scenarios too short to
// hold it after the dark periods (about 70 h with two sets) have none.
func (s *scenario) stageOutage() {
	from := s.darkStart(max(0, s.opts.Sets-1)) + 40*min_ + 30*hour + 3*hour
	length := outageMinMs + s.rng.Int64N(outageMaxMs-outageMinMs)
	if from+length+3*hour > s.end {
		s.notes = append(s.notes, "no feed outage: the scenario is too short to hold one after the dark periods")
		return
	}
	s.outages = append(s.outages, span{from, from + length})
}
