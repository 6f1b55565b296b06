package sim

import (
	"fmt"
	"math/rand/v2"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/radar"
)

// Position spoofing under a coast radar (Options.Radar): a ship's GNSS
// is spoofed and its AIS positions dragged off, over an hour, into a
// coast radar's coverage, 10 nm from the radar, where they stay an hour
// and are dragged back; the hull stays 26 nm or more from every coast
// radar, so the radar sees nothing where the AIS says the ship is. Two
// confounders the same way: a ship dragged to 22 nm from a radar (inside
// its 24 nm, beyond the share of it where a miss is evidence), and one
// dragged in while that radar writes nothing (an outage, from 20 min
// before to 20 min after). Staged before the feed is written, from a
// random source of their own: only these ships' position reports differ
// from the feed without radars. Every radar's sweeps give the truth
// (unseenTruth): a spoofing/unseen_by_radar for each run of at least ten
// minutes in which a ship's heard false position lay within 0.8 of a
// working radar's range and no plot within 1.5 km of it.

const (
	dragRampMs   = hour      // the position is dragged off over an hour, and back
	dragHoldMs   = 30 * min_ // and stays off this long
	dragMaxKn    = 30        // the drag's speed at most: no jump for impossible_speed
	hullClearM   = 25 * nm   // the hull stays this far from every coast radar
	unseenAtM    = 12 * nm   // the false position, from the radar
	unseenHoldM  = 16 * nm   // ... within this while held
	beyondAtM    = 22 * nm   // the confounder beyond a miss's reach
	beyondNearM  = 20.5 * nm // ... never nearer
	falseShoreM  = 2e3       // false positions this far from shore
	outageSlackM = 20 * min_ // the outage's margin around the spoofing
	smallCraftM  = 20        // a craft shorter a radar sees only ...
	smallSeenM   = 6 * nm    // ... this near
	// The detector's defaults (radar.UnseenOptions) the truth follows.
	unseenShare     = 0.8
	unseenTolM      = 1500
	unseenMinSweeps = 10
	unseenGapMs     = 10 * min_
	unseenFixWinMs  = 5 * min_
	nearShoreM      = 1000
	shadowFromM     = 3000
)

// radarOutage is when coast radar site writes nothing.
type radarOutage struct {
	site     int
	from, to int64
}

// radarSpoofCase is what a staged spoofing is for.
type radarSpoofCase int

const (
	spoofUnseen radarSpoofCase = iota // into coverage: the truth has it
	spoofBeyond                       // to 22 nm: must not fire
	spoofOutage                       // into coverage while the radar is out: must not fire
)

var radarSpoofNames = [...]string{"spoofed into a coast radar's coverage", "spoofed to the edge of a coast radar's coverage", "spoofed into a coast radar's coverage during its outage"}

// coastStations are the receivers that have a coast radar.
func coastStations(w *world) []station {
	var out []station
	for k := 0; k < coastRadars && k < len(w.stations); k++ {
		out = append(out, w.stations[(k*len(w.stations))/coastRadars])
	}
	return out
}

// stageRadarSpoofs stages the three spoofings, each at the first coast
// radar it fits.
func (s *scenario) stageRadarSpoofs() {
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x5eed_5b00))
	sites := coastStations(s.w)
	if len(sites) == 0 || s.end-s.start < 6*hour {
		s.notes = append(s.notes, "no position spoofing under a coast radar: no coast radar or too short")
		return
	}
	var cands []int
	for v, ves := range s.fleet {
		if !ves.busy && !ves.classB && ves.kind <= Passenger && !ves.noStatic && !ves.impostor && !ves.notShip &&
			len(ves.faults) == 0 && len(ves.spoof) == 0 && ves.alive.To == 0 && len(ves.dark) == 0 {
			cands = append(cands, v)
		}
	}
	shuffled(rng, cands)
	for c := spoofUnseen; c <= spoofOutage; c++ {
		staged := false
		// Every candidate at every half hour, from a random one on.
		off := rng.IntN(len(cands) + 1)
		span := s.end - s.start - 5*hour - 2*dragRampMs - dragHoldMs
		for n := 0; n < len(cands) && !staged; n++ {
			i := (off + n) % len(cands)
			v := cands[i]
			for t0 := s.start + 2*hour + rng.Int64N(15*min_); t0 < s.start+2*hour+span && !staged; t0 += 15 * min_ {
				k := -1
				var sp spoofPlan
				for j := 0; j < len(sites) && k < 0; j++ {
					for _, turn := range []float64{0, 25, -25, 50, -50} {
						if p, ok := s.radarSpoofFits(v, sites, j, t0, c, turn); ok {
							k, sp = j, p
							break
						}
					}
				}
				if k < 0 {
					continue
				}
				ves := s.fleet[v]
				ves.busy, ves.role = true, radarSpoofNames[c]
				ves.spoof = append(ves.spoof, sp)
				if c == spoofOutage {
					s.radarOutages = append(s.radarOutages, radarOutage{site: k, from: sp.at - outageSlackM, to: sp.until + outageSlackM})
				}
				cands = append(cands[:i], cands[i+1:]...)
				staged = true
			}
		}
		if !staged {
			s.notes = append(s.notes, "not staged: a ship "+radarSpoofNames[c])
		}
	}
}

// radarSpoofFits plans ship v's spoofing from t0 towards coast radar k
// and reports whether it fits: the ship under way at sea throughout, its
// hull out of every coast radar's range, the false positions at sea, in
// no zone, in sight of radar k alone and as far from it as case c wants,
// dragged at no more than dragMaxKn. The false position lies on the
// bearing from the radar to the hull, turned by turn degrees.
func (s *scenario) radarSpoofFits(v int, sites []station, k int, t0 int64, c radarSpoofCase, turn float64) (spoofPlan, bool) {
	t1 := t0 + 2*dragRampMs + dragHoldMs
	site := sites[k]
	var h int
	mla, mlo := s.fp.pos(v, t0+dragRampMs+dragHoldMs/2, &h)
	at := float64(unseenAtM)
	if c == spoofBeyond {
		at = beyondAtM
	}
	qla, qlo := geo.Destination(site.Lat, site.Lon, geo.Bearing(site.Lat, site.Lon, mla, mlo)+turn, at)
	if geo.Distance(mla, mlo, qla, qlo) > geo.KnotsToMetresPerSecond(dragMaxKn)*float64(dragRampMs/1000) ||
		!s.underWay(v, t0-15*min_, t1+15*min_) {
		return spoofPlan{}, false
	}
	sp := spoofPlan{at: t0, until: t1, ramp: dragRampMs, lat: qla, lon: qlo, trueLat: mla, trueLon: mlo}
	shore := geo.DefaultShore()
	for t := t0 - 15*min_; t <= t1+15*min_; t += 5 * min_ {
		la, lo := s.fp.pos(v, t, &h)
		if shore.DistanceToShore(la, lo) < 500 {
			return spoofPlan{}, false
		}
		dla, dlo := sp.offset(t)
		if t < sp.at || t >= sp.until {
			dla, dlo = 0, 0
		}
		rla, rlo := la+dla, lo+dlo
		if shore.DistanceToShore(rla, rlo) < falseShoreM {
			return spoofPlan{}, false
		}
		for _, z := range s.r.Zones {
			if z.contains(la, lo) || z.contains(rla, rlo) {
				return spoofPlan{}, false
			}
		}
		held := t >= t0+dragRampMs && t <= t0+dragRampMs+dragHoldMs
		for j, st := range sites {
			if geo.Distance(st.Lat, st.Lon, la, lo) < hullClearM {
				return spoofPlan{}, false
			}
			d := geo.Distance(st.Lat, st.Lon, rla, rlo)
			switch {
			case j != k:
				if d < hullClearM {
					return spoofPlan{}, false
				}
			case c == spoofBeyond:
				if d < beyondNearM || held && d > coastRangeM-nm/2 {
					return spoofPlan{}, false
				}
			default:
				if held && (d > unseenHoldM || radar.Shadowed(shore, [2]float64{st.Lat, st.Lon}, rla, rlo, shadowFromM)) {
					return spoofPlan{}, false
				}
			}
		}
	}
	return sp, true
}

// inRadarOutage reports whether radar site i writes nothing at t.
func (s *scenario) inRadarOutage(i int, t int64) bool {
	for _, o := range s.radarOutages {
		if o.site == i && t >= o.from && t < o.to {
			return true
		}
	}
	return false
}

// seenAt reports whether a radar sees a ship of the fleet d metres off:
// a small craft only near.
func (s *scenario) seenAt(v int, t int64, d float64) bool {
	ves := s.fleet[v]
	id := ves.idAt(t)
	if id == nil {
		return true
	}
	return int(id.Dim.ToBow)+int(id.Dim.ToStern) >= smallCraftM || d <= smallSeenM
}

// unseenRun follows one spoofed ship's false positions through one
// radar's sweeps.
type unseenRun struct {
	from, last int64
	lat, lon   float64
	n          int
}

// unseenTruth is, for radar site at minute t (its plots at plots), the
// spoofed ships whose heard false position lies well inside its range
// (0.8 of its farthest plot in the hour) with no plot near: runs of ten
// such minutes or more (gaps up to ten minutes) are
// spoofing/unseen_by_radar events.
type unseenTruth struct {
	runs  map[int]*unseenRun
	truth []event.Event
}

func (sc *radarScene) unseenMinute(u *unseenTruth, site *RadarSite, t int64, rlat, rlon, rangeM float64, plots [][2]float64) {
	g := sc.g
	s := g.s
	if len(plots) == 0 {
		return
	}
	for v, ves := range s.fleet {
		if len(ves.spoof) == 0 || ves.classB {
			continue
		}
		var sp *spoofPlan
		for i := range ves.spoof {
			if t >= ves.spoof[i].at && t < ves.spoof[i].until && ves.spoof[i].ramp > 0 {
				sp = &ves.spoof[i]
			}
		}
		if sp == nil || !g.heardFalse(v, t) {
			continue
		}
		var h int
		la, lo := s.fp.pos(v, t, &h)
		dla, dlo := sp.offset(t)
		la, lo = la+dla, lo+dlo
		d := geo.Distance(rlat, rlon, la, lo)
		if d > unseenShare*rangeM || sc.shore.DistanceToShore(la, lo) < nearShoreM || radar.Shadowed(sc.shore, [2]float64{rlat, rlon}, la, lo, shadowFromM) {
			continue
		}
		near := false
		for _, p := range plots {
			if geo.Distance(la, lo, p[0], p[1]) <= unseenTolM {
				near = true
				break
			}
		}
		if near {
			continue
		}
		r := u.runs[v]
		if r != nil && t-r.last > unseenGapMs {
			u.end(g, site, v)
			r = nil
		}
		if r == nil {
			r = &unseenRun{from: t, lat: round5(la), lon: round5(lo)}
			u.runs[v] = r
		}
		r.last = t
		r.n++
	}
}

// end closes vessel v's run at site: an event if long enough.
func (u *unseenTruth) end(g *gen, site *RadarSite, v int) {
	r := u.runs[v]
	delete(u.runs, v)
	if r == nil || r.n < unseenMinSweeps {
		return
	}
	id := g.s.fleet[v].idAt(r.from)
	e := event.Event{Type: event.Spoofing, Subtype: event.UnseenByRadar, MMSI: id.MMSI, Start: tm(r.from), End: tm(r.last), Lat: r.lat, Lon: r.lon,
		Confidence: 1, Sensor: "radar", Scene: site.Name,
		Summary: fmt.Sprintf("staged: %d's GNSS spoofed, its AIS positions dragged into %s's radar coverage, where the radar saw nothing for %d minutes", id.MMSI, site.Name, r.n)}
	e.SetID()
	u.truth = append(u.truth, e)
}

// heardFalse reports whether the feed carries vessel v's false position
// around t: a heard false fix within five minutes on each side.
func (g *gen) heardFalse(v int, t int64) bool {
	before, after := false, false
	for _, f := range g.heard[v].falseFixes {
		if f.t <= t && t-f.t <= unseenFixWinMs {
			before = true
		}
		if f.t >= t && f.t-t <= unseenFixWinMs {
			after = true
		}
	}
	return before && after
}
