package sim

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/nmea"
)

// Radars over the scenario (Options.Radar): coast stations and patrol
// ships with ARPA radars writing TTM (and TLL) for every ship in range,
// ships that never transmit, which only the radars see, and dark partners
// that come alongside a slow AIS ship for a transfer; with the
// dark_vessel and dark_encounter truth, and the spoofing/unseen_by_radar
// truth of the ships spoofed under them (radarspoof.go). Drawn from a
// random source of its own, after the feed is written: the feed and the
// other truth are the same bytes with radars or without, but for the
// spoofed ships' position reports. A craft under 20 m is seen only
// within 6 nm (its echo is lost in the clutter farther out).

const (
	coastRangeM      = 24 * nm // a coast station's radar (a VTS radar sees 20-30 nm)
	coastUpdateMs    = min_    // how often a coast radar's output reports each target
	shipRangeM       = 12 * nm // a patrol ship's radar on its mast
	shipUpdateMs     = 30_000  //
	radarNoiseM      = 60      // a plot's position error (range and bearing)
	coastRadars      = 2       // coast stations with a radar (at receivers)
	darkCrossers     = 2       // ships that never transmit crossing each coast radar's coverage
	crosserKn        = 9       //
	partnerOffM      = 150     // how far a dark partner lies from the AIS ship it meets
	partnerMinMs     = 3 * hour
	partnerMaxMs     = 5 * hour
	partnerSlowKn    = 1    // the AIS ship's speed while it waits
	partnerPortM     = 15e3 // meetings staged this far from any port or anchorage
	partnerApproachM = 8e3  // where the dark partner comes from and goes to
	partnerKn        = 10   //
	maxPartners      = 2    // dark encounters staged per scenario
	patrolOffM       = 9e3  // the patrol ship watches from this far
)

// RadarSite is one radar: where it is (a coast station) or on which ship
// (a patrol ship that does not transmit AIS; its position is in its own
// output), and the file its output is written to.
type RadarSite struct {
	Name string
	File string
	// Fixed says Lat, Lon is the radar's site (give it to picket:
	// FILE@LAT,LON); a ship's radar writes its own position.
	Fixed    bool
	Lat, Lon float64
	RangeM   float64
	UpdateMs int64
	lines    []string
}

// RadarTrack is one target a radar tracked: which object, when.
type RadarTrack struct {
	Radar  string
	Target int
	From   int64
	To     int64
	// MMSI is the AIS ship's, 0 for a ship that never transmits; Dark
	// whether the truth holds the track as a dark_vessel.
	MMSI uint32
	Dark bool
	// Plots is how many reports it has.
	Plots int
}

// Radar is what the radars saw.
type Radar struct {
	Sites  []RadarSite
	Tracks []RadarTrack
}

// darkShip is a ship that never transmits: a route of timed waypoints.
type darkShip struct {
	t        []int64
	lat, lon []float64
}

func (d *darkShip) at(t int64) (lat, lon float64, ok bool) {
	n := len(d.t)
	if n == 0 || t < d.t[0] || t > d.t[n-1] {
		return 0, 0, false
	}
	i, _ := slices.BinarySearch(d.t, t)
	if i < n && d.t[i] == t {
		return d.lat[i], d.lon[i], true
	}
	x := float64(t-d.t[i-1]) / float64(d.t[i]-d.t[i-1])
	return d.lat[i-1] + x*(d.lat[i]-d.lat[i-1]), d.lon[i-1] + x*(d.lon[i]-d.lon[i-1]), true
}

func (d *darkShip) add(t int64, lat, lon float64) {
	d.t, d.lat, d.lon = append(d.t, t), append(d.lat, lat), append(d.lon, lon)
}

// radarScene is what the radars look at: the fleet and the dark ships.
type radarScene struct {
	g       *gen
	dark    []*darkShip
	ships   []int // fleet vessels a radar sees (ships, not buoys)
	patrols []patrolRadar
	shore   *geo.Shore
}

// patrolRadar is a radar on a patrol ship: its site and the ship.
type patrolRadar struct {
	site int
	ship *darkShip
}

// radars stages the radars after the feed is written.
func (g *gen) radars() (*Radar, []event.Event) {
	s := g.s
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x5eed_2ada))
	shore := geo.DefaultShore()
	sc := &radarScene{g: g, shore: shore}
	for v, ves := range s.fleet {
		if !ves.notShip && !ves.impostor {
			sc.ships = append(sc.ships, v)
		}
	}
	out := &Radar{}
	var truth []event.Event
	atSea := func(lat, lon float64) bool {
		return !shore.IsLand(lat, lon) && shore.DistanceToShore(lat, lon) > 3e3
	}
	// Coast radars at receivers, each crossed by ships that never
	// transmit.
	for _, st := range coastStations(s.w) {
		site := RadarSite{Name: "coast-" + stationName(st.Name), Fixed: true, Lat: round5(st.Lat), Lon: round5(st.Lon), RangeM: coastRangeM, UpdateMs: coastUpdateMs}
		out.Sites = append(out.Sites, site)
		for placed, tries := 0, 0; placed < darkCrossers && tries < 300; tries++ {
			lat, lon := geo.Destination(st.Lat, st.Lon, rng.Float64()*360, coastRangeM*(0.2+0.6*rng.Float64()))
			course := rng.Float64() * 360
			t0 := s.start + hour + rng.Int64N(max(1, s.end-s.start-6*hour))
			d := &darkShip{}
			ok := true
			for m := int64(0); m <= 4*hour; m += 10 * min_ {
				la, lo := geo.Destination(lat, lon, course, geo.KnotsToMetresPerSecond(crosserKn)*float64(m/1000))
				if !atSea(la, lo) {
					ok = false
					break
				}
				d.add(t0+m, la, lo)
			}
			if !ok {
				continue
			}
			sc.dark = append(sc.dark, d)
			placed++
		}
	}
	// Dark partners alongside slow AIS ships, each watched by a patrol
	// ship's radar.
	for _, ep := range g.slowEpisodes(rng, atSea) {
		v := ep.v
		g.met = append(g.met, v)
		var h int
		lat0, lon0 := s.fp.pos(v, ep.from, &h)
		side := rng.Float64() * 360
		d := &darkShip{}
		// Comes from partnerApproachM away, lies alongside, leaves.
		approach := int64(partnerApproachM / geo.KnotsToMetresPerSecond(partnerKn) * 1000)
		fla, flo := geo.Destination(lat0, lon0, side, partnerApproachM)
		d.add(ep.from-approach, fla, flo)
		for t := ep.from; t <= ep.to; t += 5 * min_ {
			la, lo := s.fp.pos(v, t, &h)
			la, lo = geo.Destination(la, lo, side, partnerOffM)
			d.add(t, la, lo)
		}
		la, lo := s.fp.pos(v, ep.to, &h)
		tla, tlo := geo.Destination(la, lo, side+90, partnerApproachM)
		d.add(ep.to+approach, tla, tlo)
		sc.dark = append(sc.dark, d)
		// The patrol ship drifts at 1 kn from patrolOffM away, from an hour
		// before to an hour after; it transmits no AIS.
		pb := side + 180 + 60*rng.Float64() - 30
		pla, plo := geo.Destination(lat0, lon0, pb, patrolOffM)
		patrol := &darkShip{}
		for t := ep.from - 2*hour; t <= ep.to+2*hour; t += 10 * min_ {
			la, lo := geo.Destination(pla, plo, pb+90, geo.KnotsToMetresPerSecond(1)*float64((t-ep.from+2*hour)/1000))
			patrol.add(t, la, lo)
		}
		name := fmt.Sprintf("patrol-%d", len(out.Sites)-coastRadars+1)
		out.Sites = append(out.Sites, RadarSite{Name: name, RangeM: shipRangeM, UpdateMs: shipUpdateMs})
		sc.dark = append(sc.dark, patrol)
		id := s.fleet[v].ids[max(0, idIndex(s.fleet[v], ep.from))].id
		mla, mlo := s.fp.pos(v, ep.from+(ep.to-ep.from)/2, &h)
		e := event.Event{Type: event.DarkEncounter, MMSI: id.MMSI, Start: tm(ep.from), End: tm(ep.to), Lat: round5(mla), Lon: round5(mlo),
			Confidence: 1, Sensor: "radar", Summary: fmt.Sprintf("staged: %d alongside a dark ship (%.0f m) for %.1f h, watched by %s's radar", id.MMSI, float64(partnerOffM), float64(ep.to-ep.from)/float64(hour), name)}
		e.SetID()
		truth = append(truth, e)
		sc.patrols = append(sc.patrols, patrolRadar{site: len(out.Sites) - 1, ship: patrol})
	}
	for i := range out.Sites {
		tracks, dark := sc.sweep(rng, out, i)
		out.Tracks = append(out.Tracks, tracks...)
		truth = append(truth, dark...)
	}
	for i := range out.Sites {
		out.Sites[i].File = "radar_" + out.Sites[i].Name + ".nmea"
	}
	return out, truth
}

// slowEpisode is a stretch of time an AIS ship lies slow at sea, heard.
type slowEpisode struct {
	v        int
	from, to int64
}

// slowEpisodes finds up to maxPartners stretches, of different ships far
// apart (and not already met by a staged partner, g.met), in which an AIS ship lies at sea below partnerSlowKn, far from
// ports and from other ships, and is heard throughout: where a dark
// partner can come alongside.
func (g *gen) slowEpisodes(rng *rand.Rand, atSea func(lat, lon float64) bool) []slowEpisode {
	s := g.s
	const step = 10 * min_
	var found []slowEpisode
	for v, ves := range s.fleet {
		if ves.notShip || ves.impostor || ves.kind == Pleasure || ves.alive.To > 0 || slices.Contains(g.met, v) {
			continue
		}
		var h, h2 int
		runFrom := int64(-1)
		for t := s.start + 2*hour; t < s.end-2*hour; t += step {
			la, lo := s.fp.pos(v, t, &h)
			lb, lb2 := s.fp.pos(v, t+step, &h2)
			ok := geo.Distance(la, lo, lb, lb2) < geo.KnotsToMetresPerSecond(partnerSlowKn)*float64(step/1000) &&
				atSea(la, lo) && g.explained(v, t)
			if ok {
				if _, d := s.w.nearestPlace(la, lo); d < partnerPortM {
					ok = false
				}
			}
			if ok && runFrom < 0 {
				runFrom = t
			}
			if !ok && runFrom >= 0 {
				if t-runFrom >= partnerMinMs+hour {
					found = append(found, slowEpisode{v, runFrom + 30*min_, min(t-30*min_, runFrom+30*min_+partnerMaxMs)})
				}
				runFrom = -1
			}
		}
	}
	rng.Shuffle(len(found), func(i, j int) { found[i], found[j] = found[j], found[i] })
	var out []slowEpisode
	for _, ep := range found {
		if len(out) == maxPartners {
			break
		}
		var h int
		la, lo := s.fp.pos(ep.v, ep.from, &h)
		clear := true
		for _, o := range out {
			ola, olo := s.fp.pos(o.v, o.from, &h)
			if o.v == ep.v || geo.Distance(la, lo, ola, olo) < 50e3 {
				clear = false
			}
		}
		// Nobody else within 2 km of it meanwhile: the dark partner meets
		// it alone.
		for t := ep.from - hour; clear && t <= ep.to+hour; t += step {
			a, b := s.fp.pos(ep.v, t, &h)
			for w, other := range s.fleet {
				if w == ep.v || other.notShip {
					continue
				}
				var hw int
				c, d := s.fp.pos(w, t, &hw)
				if geo.Distance(a, b, c, d) < 2e3 {
					clear = false
					break
				}
			}
		}
		if clear {
			out = append(out, ep)
		}
	}
	slices.SortFunc(out, func(a, b slowEpisode) int { return int(a.from - b.from) })
	return out
}

// tracked is a target a radar holds.
type tracked struct {
	target int
	track  RadarTrack
	first  [2]float64
	slots  []int64 // the time of the first plot of each minute
}

// sweep runs radar i over the scenario: every UpdateMs each object in
// range is reported (TTM; a ship's radar also TLL for even target
// numbers), and reported lost when it leaves. It returns the tracks and
// the dark_vessel truth of those no AIS explains.
func (sc *radarScene) sweep(rng *rand.Rand, out *Radar, i int) ([]RadarTrack, []event.Event) {
	g := sc.g
	s := g.s
	site := &out.Sites[i]
	var own *darkShip
	for _, p := range sc.patrols {
		if p.site == i {
			own = p.ship
		}
	}
	held := map[int]*tracked{} // by object: fleet index, or -1-k for dark ship k
	used := map[int]bool{}     // target numbers in use
	var tracks []RadarTrack
	var truth []event.Event
	end := func(key int, t int64, lost bool) {
		tr := held[key]
		delete(held, key)
		delete(used, tr.target)
		if lost {
			site.lines = append(site.lines, nmea.Checksummed(fmt.Sprintf("RATTM,%02d,,,T,,,T,,,N,,L,,%s,A", tr.target, clockOf(t))))
		}
		tr.track.Dark = true
		if key >= 0 {
			heard := 0
			for _, st := range tr.slots {
				if g.explained(key, st) {
					heard++
				}
			}
			tr.track.Dark = 2*heard < len(tr.slots)
		}
		tracks = append(tracks, tr.track)
		if tr.track.Dark {
			e := event.Event{Type: event.DarkVessel, Start: tm(tr.track.From), End: tm(tr.track.To), Lat: tr.first[0], Lon: tr.first[1],
				Confidence: 1, Sensor: "radar"}
			if key >= 0 {
				e.Candidates = []uint32{tr.track.MMSI}
				e.Summary = fmt.Sprintf("staged: %d tracked by %s's radar while its AIS was not heard", tr.track.MMSI, site.Name)
			} else {
				e.Summary = fmt.Sprintf("staged: a ship that never transmits tracked by %s's radar", site.Name)
			}
			e.SetID()
			truth = append(truth, e)
		}
	}
	ut := &unseenTruth{runs: map[int]*unseenRun{}}
	type rangeAt struct {
		t int64
		m float64
	}
	var ranges []rangeAt // the farthest plot of each minute, the last hour
	first := s.start - s.start%site.UpdateMs + site.UpdateMs
	if own != nil {
		// The ship's GPS gives the date from the start, before the patrol
		// begins: a replay of the output keeps in step with the feed's.
		d := tm(first)
		site.lines = append(site.lines, nmea.Checksummed(fmt.Sprintf("GPZDA,%s,%02d,%02d,%04d,00,00", clockOf(first), d.Day(), int(d.Month()), d.Year())))
	}
	for t := first; t < s.end; t += site.UpdateMs {
		if s.inRadarOutage(i, t) {
			// Nothing written: the targets are lost without a word.
			for _, key := range sortedKeys(held, nil) {
				end(key, t, false)
			}
			continue
		}
		rlat, rlon := site.Lat, site.Lon
		heading := 0.0
		if own != nil {
			la, lo, ok := own.at(t)
			pla, plo, ok2 := own.at(t - site.UpdateMs)
			if !ok || !ok2 {
				for _, key := range sortedKeys(held, nil) {
					end(key, t, true)
				}
				continue
			}
			rlat, rlon = la, lo
			heading = geo.Bearing(pla, plo, la, lo)
			sog := geo.MetresPerSecondToKnots(geo.Distance(pla, plo, la, lo) / float64(site.UpdateMs/1000))
			d := tm(t)
			site.lines = append(site.lines,
				nmea.Checksummed(fmt.Sprintf("GPRMC,%s,A,%s,%s,%.1f,%.1f,%02d%02d%02d,,,A", clockOf(t), degMin(la, 2, 'N', 'S'), degMin(lo, 3, 'E', 'W'), sog, heading, d.Day(), int(d.Month()), d.Year()%100)),
				nmea.Checksummed(fmt.Sprintf("HEHDT,%.1f,T", heading)))
		} else {
			d := tm(t)
			site.lines = append(site.lines, nmea.Checksummed(fmt.Sprintf("RAZDA,%s,%02d,%02d,%04d,00,00", clockOf(t), d.Day(), int(d.Month()), d.Year())))
		}
		seen := map[int]bool{}
		var plots [][2]float64
		look := func(key int, lat, lon, plat, plon float64, mmsi uint32) {
			d := geo.Distance(rlat, rlon, lat, lon)
			if d > site.RangeM || key >= 0 && !s.seenAt(key, t, d) {
				return
			}
			tr := held[key]
			if tr == nil {
				n := 1
				for used[n] {
					n++
				}
				if n > 99 {
					return // the radar holds 99 targets
				}
				used[n] = true
				tr = &tracked{target: n, track: RadarTrack{Radar: site.Name, Target: n, From: t, MMSI: mmsi}}
				held[key] = tr
			}
			seen[key] = true
			nla, nlo := geo.Destination(lat, lon, rng.Float64()*360, radarNoiseM*math.Sqrt(rng.Float64()))
			if tr.track.Plots == 0 {
				tr.first = [2]float64{round5(nla), round5(nlo)}
			}
			plots = append(plots, [2]float64{nla, nlo})
			tr.track.Plots++
			tr.track.To = t
			if len(tr.slots) == 0 || tr.slots[len(tr.slots)-1]/min_ != t/min_ {
				tr.slots = append(tr.slots, t)
			}
			rng := geo.Distance(rlat, rlon, nla, nlo) / 1852
			brg := geo.Bearing(rlat, rlon, nla, nlo)
			ref := "T"
			if own != nil {
				brg, ref = math.Mod(brg-heading+360, 360), "R"
			}
			kn := geo.MetresPerSecondToKnots(geo.Distance(plat, plon, lat, lon) / float64(site.UpdateMs/1000))
			crs := geo.Bearing(plat, plon, lat, lon)
			site.lines = append(site.lines, nmea.Checksummed(fmt.Sprintf("RATTM,%02d,%.3f,%.1f,%s,%.1f,%.1f,T,,,N,,T,,%s,A", tr.target, rng, brg, ref, kn, crs, clockOf(t))))
			if own != nil && tr.target%2 == 0 {
				site.lines = append(site.lines, nmea.Checksummed(fmt.Sprintf("RATLL,%02d,%s,%s,,%s,T,", tr.target, degMin(nla, 2, 'N', 'S'), degMin(nlo, 3, 'E', 'W'), clockOf(t))))
			}
		}
		for _, v := range sc.ships {
			ves := s.fleet[v]
			if ves.alive.To > 0 && (t < ves.alive.From || t >= ves.alive.To) {
				continue
			}
			var h int
			lat, lon := s.fp.pos(v, t, &h)
			plat, plon := s.fp.pos(v, t-site.UpdateMs, &h)
			look(v, lat, lon, plat, plon, ves.ids[max(0, idIndex(ves, t))].id.MMSI)
		}
		for k, d := range sc.dark {
			if d == own {
				continue
			}
			lat, lon, ok := d.at(t)
			if !ok {
				continue
			}
			plat, plon, ok := d.at(t - site.UpdateMs)
			if !ok {
				plat, plon = lat, lon
			}
			look(-1-k, lat, lon, plat, plon, 0)
		}
		for _, key := range sortedKeys(held, seen) {
			end(key, t, true)
		}
		if t%min_ == 0 {
			// The range a miss proves something in: a share of the
			// farthest target seen in the hour, as the detector judges.
			far := 0.0
			for _, p := range plots {
				far = max(far, geo.Distance(rlat, rlon, p[0], p[1]))
			}
			ranges = append(ranges, rangeAt{t, far})
			for len(ranges) > 0 && t-ranges[0].t > hour {
				ranges = ranges[1:]
			}
			for _, x := range ranges {
				far = max(far, x.m)
			}
			sc.unseenMinute(ut, site, t, rlat, rlon, far, plots)
		}
	}
	for _, key := range sortedKeys(held, nil) {
		end(key, s.end, false)
	}
	for v := range s.fleet {
		ut.end(g, site, v)
	}
	return tracks, append(truth, ut.truth...)
}

// sortedKeys lists the objects held and not seen, in order.
func sortedKeys(held map[int]*tracked, seen map[int]bool) []int {
	keys := make([]int, 0, len(held))
	for key := range held {
		if !seen[key] {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

func clockOf(ms int64) string {
	t := tm(ms)
	return fmt.Sprintf("%02d%02d%02d.%02d", t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e7)
}

// degMin writes degrees as NMEA's dddmm.mmmmm and hemisphere.
func degMin(deg float64, digits int, pos, neg byte) string {
	h := pos
	if deg < 0 {
		h, deg = neg, -deg
	}
	d := math.Floor(deg)
	m := (deg - d) * 60
	if math.Round(m*1e5) >= 60e5 {
		d, m = d+1, 0
	}
	return fmt.Sprintf("%0*d%08.5f,%c", digits, int(d), m, h)
}

// WriteTo writes the radar's output (one sentence a line).
func (r *RadarSite) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, l := range r.lines {
		k, err := io.WriteString(w, l+"\n")
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Flag is how `picket analyze --radar` names this radar's output in dir.
func (r *RadarSite) Flag(dir string) string {
	p := dir + "/" + r.File
	if r.Fixed {
		p += "@" + strconv.FormatFloat(r.Lat, 'f', 5, 64) + "," + strconv.FormatFloat(r.Lon, 'f', 5, 64)
	}
	return p
}
