package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/picket-ais/picket/internal/geo"
)

// scenario is a planned simulation: the fleet with its plans, identities
// and transmitter behaviour, the injected behaviours, receivers and the
// watchlist. Planning is deterministic for a seed.
type scenario struct {
	opts       Options
	r          *Region
	w          *world
	rng        *rand.Rand
	start, end int64
	fleet      []*vessel
	fp         fleetPos
	nm         *namer
	inj        []*injection
	skipped    []string
	notes      []string
	used       []pt // places of behaviours already staged
	darkUsed   []pt // places of staged dark periods
	calls      []portCall
	watch      []watchEntry
	passes     []satPass
	outages    []span // when the feed hears nobody at all
	// radarOutages are when a coast radar writes nothing (radarspoof.go).
	radarOutages []radarOutage
	// portWeight favours the big ports (those with a receiver) as
	// destinations.
	portWeight []float64
}

// injection records an injected behaviour for the truth.
type injection struct {
	kind     string
	a, b     int // vessel indices; b -1 when single
	at       pt
	from, to int64
	oldID    *identityRec
	newID    *identityRec
	spoof    *spoofPlan
	relaxed  string
	shoreNM  float64
	distM    float64
}

// portCall is a ship's arrival at a port, for tugs and pilots to meet.
type portCall struct {
	port   int
	vessel int
	// approach is when the ship starts its slow final approach; berth
	// when it is alongside.
	approach, berth int64
}

func newScenario(opts Options) (*scenario, error) {
	opts, r, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	w, err := worldFor(r)
	if err != nil {
		return nil, err
	}
	s := &scenario{
		opts:  opts,
		r:     r,
		w:     w,
		rng:   rand.New(rand.NewPCG(opts.Seed, 0x5eed_0001)),
		start: opts.Start.UnixMilli(),
	}
	s.end = s.start + int64(opts.Hours*float64(hour))
	s.nm = newNamer(s.rng)
	s.portWeight = make([]float64, len(w.ports))
	for i := range w.ports {
		if w.ports[i].access < 0 {
			continue
		}
		s.portWeight[i] = 1
		for _, st := range w.stations {
			if geo.Distance(st.Lat, st.Lon, w.ports[i].Lat, w.ports[i].Lon) < 2e3 {
				s.portWeight[i] = 6
			}
		}
	}
	s.makeFleet()
	s.fp.plans = make([]plan, len(s.fleet))
	for set := 0; set < opts.Sets; set++ {
		s.stageBehaviours(set)
	}
	for set := 0; set < opts.Sets; set++ {
		s.stageConfounders(set)
	}
	s.planOrdinary()
	for set := 0; set < opts.Sets; set++ {
		s.stageLateBehaviours(set)
	}
	s.stageFaults()
	s.stageOutage()
	s.planHarbourCraft()
	s.stageNonShips()
	s.makeWatchlist()
	s.makePasses()
	return s, nil
}

// makeFleet creates the vessels and their identities, shares of each
// kind as in kindSpec.
func (s *scenario) makeFleet() {
	n := s.opts.Vessels
	counts := make([]int, len(kindSpec))
	left := n
	for k := range kindSpec {
		counts[k] = int(kindSpec[k].share * float64(n))
		left -= counts[k]
	}
	for k := 0; left > 0; k = (k + 1) % len(counts) {
		counts[k]++
		left--
	}
	var kinds []Kind
	for k, c := range counts {
		for i := 0; i < c; i++ {
			kinds = append(kinds, Kind(k))
		}
	}
	s.rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	for _, k := range kinds {
		sp := kindSpec[k]
		v := &vessel{kind: k, home: -1, role: "ordinary"}
		v.classB = s.rng.Float64() < sp.classB
		mid := s.r.Flags[s.rng.IntN(len(s.r.Flags))]
		if k >= Fishing {
			mid = s.r.LocalMIDs[s.rng.IntN(len(s.r.LocalMIDs))]
		}
		withIMO := k < Fishing || k == Tug || (k == Fishing && !v.classB && s.rng.IntN(2) == 0)
		v.ids = []idSpan{{from: math.MinInt64, id: s.nm.newIdentity(k, mid, withIMO)}}
		v.knots = sp.minKn + s.rng.Float64()*(sp.maxKn-sp.minKn)
		s.fleet = append(s.fleet, v)
	}
}

// pick returns a free vessel of one of kinds (Class A unless classB), marks
// it busy with role, or -1.
func (s *scenario) pick(role string, classB bool, kinds ...Kind) int {
	var cand []int
	for i, v := range s.fleet {
		if !v.busy && v.classB == classB && slices.Contains(kinds, v.kind) {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		return -1
	}
	i := cand[s.rng.IntN(len(cand))]
	s.fleet[i].busy = true
	s.fleet[i].role = role
	return i
}

var traders = []Kind{Tanker, Bulk, Cargo, Container}

func (s *scenario) skip(what string, set int, why string) {
	s.skipped = append(s.skipped, fmt.Sprintf("%s #%d: %s", what, set+1, why))
}

func (s *scenario) hours(lo, hi float64) int64 {
	return int64((lo + s.rng.Float64()*(hi-lo)) * float64(hour))
}

func (s *scenario) planner(v int) *planner {
	return &planner{f: &s.fp, v: v, t: s.start}
}

// randomBearing returns a bearing in degrees.
func (s *scenario) randomBearing() float64 { return s.rng.Float64() * 360 }

// pickPort returns a destination port for a ship at (lat, lon), not
// exclude, 30-900 nm away, favouring the big ports.
func (s *scenario) pickPort(lat, lon float64, exclude int) int {
	var cand []int
	var wsum float64
	for i, p := range s.w.ports {
		if i == exclude || s.portWeight[i] == 0 {
			continue
		}
		d := geo.Distance(lat, lon, p.Lat, p.Lon)
		if d < 30*nm || d > 900*nm {
			continue
		}
		cand = append(cand, i)
		wsum += s.portWeight[i]
	}
	if len(cand) == 0 {
		for i := range s.w.ports {
			if i != exclude && s.portWeight[i] > 0 {
				return i
			}
		}
		return -1
	}
	x := s.rng.Float64() * wsum
	for _, i := range cand {
		x -= s.portWeight[i]
		if x < 0 {
			return i
		}
	}
	return cand[len(cand)-1]
}

// randomPort returns a port by weight.
func (s *scenario) randomPort() int {
	var wsum float64
	for _, w := range s.portWeight {
		wsum += w
	}
	x := s.rng.Float64() * wsum
	for i, w := range s.portWeight {
		x -= w
		if x < 0 && w > 0 {
			return i
		}
	}
	return 0
}

// berth returns a berth position at port q: within 400 m of the port.
func (s *scenario) berth(q int) pt {
	p := s.w.ports[q]
	lat, lon := geo.Destination(p.Lat, p.Lon, s.randomBearing(), 50+350*s.rng.Float64())
	return pt{lat, lon}
}

// cutRoute returns the part of route between fromM and toM along it.
func cutRoute(route []pt, fromM, toM float64) []pt {
	var out []pt
	acc := 0.0
	for i := 1; i < len(route); i++ {
		a, b := route[i-1], route[i]
		d := geo.Distance(a.Lat, a.Lon, b.Lat, b.Lon)
		lo, hi := acc, acc+d
		acc = hi
		if hi <= fromM || d == 0 {
			continue
		}
		if lo >= toM {
			break
		}
		interp := func(m float64) pt {
			x := (m - lo) / d
			return pt{a.Lat + x*(b.Lat-a.Lat), a.Lon + x*(b.Lon-a.Lon)}
		}
		if len(out) == 0 {
			out = append(out, interp(max(fromM, lo)))
		}
		out = append(out, interp(min(toM, hi)))
	}
	return out
}

// sailApproach sails route at knots, the last slowM at slowKn.
func (pl *planner) sailApproach(route []pt, knots, slowM, slowKn float64) {
	L := routeLength(route)
	if L <= slowM {
		pl.sailRoute(route, slowKn)
		return
	}
	pl.sailRoute(cutRoute(route, 0, L-slowM), knots)
	pl.sailRoute(cutRoute(route, L-slowM, L), slowKn)
}

// approachTime is how long sailApproach takes over length L.
func approachTime(L, knots, slowM, slowKn float64) int64 {
	if L <= slowM {
		return int64(L / (slowKn * kn) * 1000)
	}
	return int64(((L-slowM)/(knots*kn) + slowM/(slowKn*kn)) * 1000)
}

// arriveAt plans vessel v from the scenario start so that it reaches
// target at time t, coming from a port (moored there first when there is
// time, else already on the way). The last slowM are sailed at slowKn.
// It returns false when no port has a route to target.
func (s *scenario) arriveAt(v int, pl *planner, target pt, t int64, slowM, slowKn float64) bool {
	ves := s.fleet[v]
	for try := 0; try < 20; try++ {
		q := s.pickPort(target.Lat, target.Lon, -1)
		if q < 0 {
			return false
		}
		b := s.berth(q)
		route, ok := s.w.routeFrom(q, b, target)
		if !ok {
			continue
		}
		L := routeLength(route)
		need := approachTime(L, ves.knots, slowM, slowKn)
		avail := t - s.start
		ves.dests = append(ves.dests, destSpan{from: math.MinInt64, dest: []byte("SEA AREA")})
		if need <= avail {
			pl.lat, pl.lon = b.Lat, b.Lon
			pl.still(t-need, statusMoored, s.randomBearing(), 0)
			pl.sailApproach(route, ves.knots, slowM, slowKn)
		} else {
			// Start already under way: keep the part of the route that fits.
			var d float64
			slowT := int64(slowM / (slowKn * kn) * 1000)
			if avail <= slowT {
				d = float64(avail) / 1000 * slowKn * kn
			} else {
				d = slowM + float64(avail-slowT)/1000*ves.knots*kn
			}
			part := cutRoute(route, max(0, L-d), L)
			if len(part) == 0 {
				part = []pt{target}
			}
			pl.lat, pl.lon = part[0].Lat, part[0].Lon
			pl.sailApproach(part, ves.knots, min(slowM, d), slowKn)
		}
		// Land exactly on time.
		pl.t = t
		pl.lat, pl.lon = target.Lat, target.Lon
		p := pl.plan()
		if n := len(p.legs); n > 0 {
			p.legs[n-1].t1 = t
		}
		return true
	}
	return false
}

// voyage sails vessel v from where it is to port q, waits at the
// anchorage when there is one (sometimes), berths and stays. It returns
// false when there is no route.
func (s *scenario) voyage(v int, pl *planner, q int) bool {
	ves := s.fleet[v]
	p := &s.w.ports[q]
	wait := p.anchOK && s.rng.Float64() < 0.45
	b := s.berth(q)
	var target pt
	if wait {
		lat, lon := geo.Destination(p.anchLat, p.anchLon, s.randomBearing(), 600*s.rng.Float64())
		target = pt{lat, lon}
	} else {
		target = b
	}
	route, ok := s.w.routeTo(pt{pl.lat, pl.lon}, q, target)
	if !ok {
		return false
	}
	L := routeLength(route)
	const slowM = 6e3
	ves.dests = append(ves.dests, destSpan{from: pl.t, dest: []byte(truncate(p.Name, 20)), eta: pl.t + approachTime(L, ves.knots, slowM, 6)})
	approach := pl.t + approachTime(L, ves.knots, slowM, 6) - approachTime(slowM, 6, slowM, 6)
	pl.sailApproach(route, ves.knots, slowM, 6)
	if wait {
		pl.still(pl.t+s.hours(2, 14), statusAnchored, s.randomBearing(), 40+30*s.rng.Float64())
		pl.sailTo(b.Lat, b.Lon, 5, statusUnderWay)
	}
	s.calls = append(s.calls, portCall{port: q, vessel: v, approach: approach, berth: pl.t})
	pl.still(pl.t+s.hours(8, 30), statusMoored, s.randomBearing(), 0)
	return true
}

// traderLife sails from port to port until the scenario ends. at is the
// port the ship is in, -1 at sea.
func (s *scenario) traderLife(v int, pl *planner, at int) {
	for tries := 0; pl.t < s.end+hour && tries < 50; tries++ {
		q := s.pickPort(pl.lat, pl.lon, at)
		if q < 0 {
			break
		}
		if s.voyage(v, pl, q) {
			at = q
		}
	}
	if pl.t < s.end+hour {
		pl.still(s.end+hour, statusMoored, 0, 0)
	}
}

// planOrdinary plans every vessel not yet planned.
func (s *scenario) planOrdinary() {
	for v, ves := range s.fleet {
		if len(s.fp.plans[v].legs) > 0 || ves.kind == Tug || ves.kind == Pilot {
			continue
		}
		switch ves.kind {
		case Fishing:
			s.fishingLife(v, s.planner(v), s.fishingGround(false, pt{}), -1)
		case Pleasure:
			s.pleasureLife(v, s.planner(v))
		default:
			s.ordinaryTrader(v)
		}
	}
}

// ordinaryTrader starts a trader in port, at anchor or at sea.
func (s *scenario) ordinaryTrader(v int) {
	ves := s.fleet[v]
	pl := s.planner(v)
	x := s.rng.Float64()
	switch {
	case x < 0.35:
		q := s.randomPort()
		b := s.berth(q)
		pl.lat, pl.lon = b.Lat, b.Lon
		ves.dests = append(ves.dests, destSpan{from: math.MinInt64, dest: []byte(truncate(s.w.ports[q].Name, 20))})
		pl.still(s.start+s.hours(1, 30), statusMoored, s.randomBearing(), 0)
		s.traderLife(v, pl, q)
	case x < 0.5:
		q := s.randomPort()
		p := &s.w.ports[q]
		if !p.anchOK {
			s.traderAtSea(v, pl)
			return
		}
		lat, lon := geo.Destination(p.anchLat, p.anchLon, s.randomBearing(), 800*s.rng.Float64())
		pl.lat, pl.lon = lat, lon
		ves.dests = append(ves.dests, destSpan{from: math.MinInt64, dest: []byte(truncate(p.Name, 20))})
		pl.still(s.start+s.hours(1, 12), statusAnchored, s.randomBearing(), 40+30*s.rng.Float64())
		b := s.berth(q)
		pl.sailTo(b.Lat, b.Lon, 5, statusUnderWay)
		s.calls = append(s.calls, portCall{port: q, vessel: v, approach: pl.t - 20*min_, berth: pl.t})
		pl.still(pl.t+s.hours(8, 30), statusMoored, s.randomBearing(), 0)
		s.traderLife(v, pl, q)
	default:
		s.traderAtSea(v, pl)
	}
}

// traderAtSea starts a trader part way along a voyage.
func (s *scenario) traderAtSea(v int, pl *planner) {
	for try := 0; try < 20; try++ {
		a := s.randomPort()
		b := s.w.ports[a]
		q := s.pickPort(b.Lat, b.Lon, a)
		route, ok := s.w.routeTo(pt{b.Lat, b.Lon}, q, s.berth(max(q, 0)))
		if !ok || len(route) < 2 {
			continue
		}
		L := routeLength(route)
		part := cutRoute(route, L*(0.1+0.7*s.rng.Float64()), L)
		if len(part) < 2 {
			continue
		}
		// Sail the rest of the way to a port (picked afresh near the end
		// of the route), as an ordinary voyage.
		pl.lat, pl.lon = part[0].Lat, part[0].Lon
		s.traderLife(v, pl, a)
		return
	}
	s.ordinaryInPort(v, pl)
}

func (s *scenario) ordinaryInPort(v int, pl *planner) {
	q := s.randomPort()
	b := s.berth(q)
	pl.lat, pl.lon = b.Lat, b.Lon
	pl.still(s.end+hour, statusMoored, 0, 0)
}

// fishingGround picks a fishing ground: 4-60 nm from shore, outside
// terrestrial coverage for about a third of the boats (heard only by
// satellite), or near near when near is set.
func (s *scenario) fishingGround(witness bool, near pt) pt {
	q := siteQuery{MinShoreM: 4 * nm, MaxShoreM: 60 * nm, Zone: -1}
	if witness {
		for try := 0; try < 50; try++ {
			lat, lon := geo.Destination(near.Lat, near.Lon, s.randomBearing(), 8e3+17e3*s.rng.Float64())
			if s.w.shore.DistanceToShore(lat, lon) > 4*nm && s.w.coverage(lat, lon) > 15e3 {
				return pt{lat, lon}
			}
		}
		return near
	}
	if s.rng.Float64() < 0.35 {
		q.MaxShoreM = 0
		q.MinCoverM = math.Inf(-1)
		var cand []int
		for i := range s.w.sites {
			c := &s.w.sites[i]
			if c.CoverM < -10*nm && c.ShoreM > 10*nm {
				cand = append(cand, i)
			}
		}
		if len(cand) > 0 {
			c := s.w.sites[cand[s.rng.IntN(len(cand))]]
			return pt{c.Lat, c.Lon}
		}
	}
	q.MinCoverM = math.Inf(-1)
	c, _, ok := s.w.findSite(s.rng, q)
	if !ok {
		p := s.w.ports[s.randomPort()]
		return pt{p.Lat, p.Lon}
	}
	return pt{c.Lat, c.Lon}
}

// trawl zigzags around centre at trawling speed until end.
func (s *scenario) trawl(pl *planner, centre pt, end int64, loKn, hiKn float64) {
	heading := s.randomBearing()
	for pl.t < end {
		knots := loKn + s.rng.Float64()*(hiKn-loKn)
		var lat, lon float64
		ok := false
		for try := 0; try < 12; try++ {
			h := heading + (s.rng.Float64()-0.5)*120
			if try > 6 {
				h = geo.Bearing(pl.lat, pl.lon, centre.Lat, centre.Lon) + (s.rng.Float64()-0.5)*40
			}
			lat, lon = geo.Destination(pl.lat, pl.lon, h, 2e3+4e3*s.rng.Float64())
			if geo.Distance(lat, lon, centre.Lat, centre.Lon) < 12e3 && s.w.shore.DistanceToShore(lat, lon) > 2*nm && s.r.inBounds(lat, lon) {
				heading = h
				ok = true
				break
			}
		}
		if !ok {
			lat, lon = centre.Lat, centre.Lon
		}
		pl.sailTo(lat, lon, knots, statusFishing)
		if !ok && geo.Distance(pl.lat, pl.lon, centre.Lat, centre.Lon) < 1 {
			// Already at the centre with nowhere to go: turn about.
			pl.sailTo(centre.Lat+0.01, centre.Lon, knots, statusFishing)
		}
	}
}

// fishingLife trawls on ground and goes home to land the catch, until the
// scenario ends. firstTrawlEnd, when > 0, fixes the first trawl's end.
func (s *scenario) fishingLife(v int, pl *planner, ground pt, firstTrawlEnd int64) {
	ves := s.fleet[v]
	if ves.home < 0 {
		p, _ := s.w.nearestPort(ground.Lat, ground.Lon, true)
		ves.home = slices.IndexFunc(s.w.ports, func(q port) bool { return q.Name == p.Name && q.Lat == p.Lat })
		if s.w.ports[ves.home].access < 0 {
			ves.home = s.randomPort()
		}
	}
	home := ves.home
	ves.dests = append(ves.dests, destSpan{from: math.MinInt64, dest: []byte("FISHING GROUND")})
	atSea := s.rng.Float64() < 0.65 || firstTrawlEnd > 0
	if atSea {
		lat, lon := geo.Destination(ground.Lat, ground.Lon, s.randomBearing(), 5e3*s.rng.Float64())
		pl.lat, pl.lon = lat, lon
	} else {
		b := s.berth(home)
		pl.lat, pl.lon = b.Lat, b.Lon
		pl.still(s.start+s.hours(0, 12), statusMoored, s.randomBearing(), 0)
	}
	first := true
	for pl.t < s.end+hour {
		if !atSea {
			route, ok := s.w.routeFrom(home, pt{pl.lat, pl.lon}, ground)
			if !ok {
				break
			}
			pl.sailRoute(route, ves.knots)
		}
		atSea = false
		end := pl.t + s.hours(6, 40)
		if first && firstTrawlEnd > 0 {
			end = firstTrawlEnd
		}
		first = false
		s.trawl(pl, ground, end, 2.8, 4.5)
		b := s.berth(home)
		route, ok := s.w.routeTo(pt{pl.lat, pl.lon}, home, b)
		if !ok {
			break
		}
		pl.sailApproach(route, ves.knots, 3e3, 5)
		s.calls = append(s.calls, portCall{port: home, vessel: v, approach: pl.t - 20*min_, berth: pl.t})
		pl.still(pl.t+s.hours(5, 14), statusMoored, s.randomBearing(), 0)
	}
	if pl.t < s.end+hour {
		pl.still(s.end+hour, statusMoored, 0, 0)
	}
}

// pleasureLife makes day trips from a home port.
func (s *scenario) pleasureLife(v int, pl *planner) {
	ves := s.fleet[v]
	ves.home = s.randomPort()
	b := s.berth(ves.home)
	pl.lat, pl.lon = b.Lat, b.Lon
	for pl.t < s.end+hour {
		pl.still(pl.t+s.hours(3, 20), statusMoored, s.randomBearing(), 0)
		// Out to one or two points 5-15 km off, and back.
		ok := true
		for k := 0; k < 1+s.rng.IntN(2); k++ {
			var lat, lon float64
			found := false
			for try := 0; try < 20; try++ {
				lat, lon = geo.Destination(b.Lat, b.Lon, s.randomBearing(), 5e3+10e3*s.rng.Float64())
				if s.w.shore.DistanceToShore(lat, lon) > 1e3 && s.w.grid.clear(pt{pl.lat, pl.lon}, pt{lat, lon}) {
					found = true
					break
				}
			}
			if !found {
				ok = false
				break
			}
			pl.sailTo(lat, lon, ves.knots, statusUnderWay)
		}
		if !ok && geo.Distance(pl.lat, pl.lon, b.Lat, b.Lon) < 1 {
			pl.still(s.end+hour, statusMoored, 0, 0)
			return
		}
		pl.sailTo(b.Lat, b.Lon, ves.knots, statusUnderWay)
	}
}

// planHarbourCraft gives tugs and pilot boats their jobs: meeting ships
// arriving at their port and running alongside for a few minutes.
func (s *scenario) planHarbourCraft() {
	byPort := map[int][]portCall{}
	for _, c := range s.calls {
		if c.approach >= s.start && c.approach < s.end && s.fleet[c.vessel].kind != Fishing {
			byPort[c.port] = append(byPort[c.port], c)
		}
	}
	var busiest []int
	for p := range byPort {
		busiest = append(busiest, p)
	}
	slices.SortFunc(busiest, func(a, b int) int {
		if d := len(byPort[b]) - len(byPort[a]); d != 0 {
			return d
		}
		return a - b
	})
	k := 0
	for v, ves := range s.fleet {
		if ves.kind != Tug && ves.kind != Pilot {
			continue
		}
		if len(s.fp.plans[v].legs) > 0 {
			continue
		}
		pl := s.planner(v)
		if len(busiest) == 0 {
			s.ordinaryInPort(v, pl)
			continue
		}
		home := busiest[k%min(len(busiest), 6)]
		k++
		ves.home = home
		base := s.berth(home)
		pl.lat, pl.lon = base.Lat, base.Lon
		ves.dests = append(ves.dests, destSpan{from: math.MinInt64, dest: []byte(truncate(s.w.ports[home].Name, 20))})
		calls := byPort[home]
		slices.SortFunc(calls, func(a, b portCall) int { return int(a.approach - b.approach) })
		for _, c := range calls {
			if s.rng.Float64() < 0.4 {
				continue // another tug's job
			}
			var meet, dur int64
			if ves.kind == Pilot {
				meet = c.approach - int64(5+s.rng.IntN(15))*min_
				dur = int64(10+s.rng.IntN(10)) * min_
			} else {
				meet = c.approach + int64(s.rng.IntN(10))*min_
				dur = int64(10+s.rng.IntN(30)) * min_
			}
			var h int
			lat, lon, _, cog, _ := s.fp.motion(c.vessel, meet, &h)
			side := 90.0
			if s.rng.IntN(2) == 0 {
				side = -90
			}
			off := 30 + 30*s.rng.Float64()
			offN := off * math.Cos((cog+side)*math.Pi/180)
			offE := off * math.Sin((cog+side)*math.Pi/180)
			mlat, mlon := offsetPos(lat, lon, offN, offE)
			d := geo.Distance(pl.lat, pl.lon, mlat, mlon)
			leave := meet - int64(d/(ves.knots*kn)*1000)
			if leave < pl.t+10*min_ || d > 30e3 {
				continue
			}
			pl.still(leave, statusMoored, 0, 0)
			pl.sailTo(mlat, mlon, ves.knots, statusUnderWay)
			pl.t = meet
			pl.plan().legs[len(pl.plan().legs)-1].t1 = meet
			pl.follow(c.vessel, meet+dur, offN, offE, statusUnderWay)
			pl.sailTo(base.Lat, base.Lon, ves.knots*0.8, statusUnderWay)
		}
		pl.still(s.end+hour, statusMoored, 0, 0)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
