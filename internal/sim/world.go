package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/ports"
)

const (
	nm   = geo.MetresPerNauticalMile
	kn   = geo.MetresPerSecondPerKnot // m/s
	hour = int64(3600_000)            // ms
	min_ = int64(60_000)              // ms
)

// port is a harbour of the port list inside a region.
type port struct {
	Name     string
	Lat, Lon float64
	// access is the routing cell a ship leaves the port by; -1 when the
	// port is too far from navigable water to be used.
	access int
	// anchorage is where ships wait for a berth (within 8 km of the port,
	// at sea); ok false when there is no room.
	anchLat, anchLon float64
	anchOK           bool
	// shoreM is the port's distance to shore (negative inland).
	shoreM float64
}

// station is a terrestrial receiver in a built world.
type station struct {
	Name     string
	Lat, Lon float64
	RangeM   float64
	cosLat   float64
}

// world is what a region offers a scenario: coastline, ports, receivers,
// a routing grid and the places where behaviours can be staged. It does
// not depend on the seed and is built once per region.
type world struct {
	r     *Region
	shore *geo.Shore
	// ports are the harbours ships sail between (World Port Index
	// entries of the port list, one per 2 km).
	ports []port
	// places indexes every port and anchorage of the port list in and
	// around the region, as picket's detectors see them.
	places *ports.Index
	// placesRange is how far nearestPlace looks.
	placesRange float64
	anchors     []ports.Port
	stations    []station
	grid        *grid
	// sites are candidate sea points on a regular lattice.
	sites []site
	// trees are the shortest-path trees towards each port, built when
	// first needed; routes caches paths (cell, port).
	mu     sync.Mutex
	trees  map[int]*tree
	routes map[[2]int32][]pt
}

// site is a candidate sea point with what the behaviours need to know.
type site struct {
	Lat, Lon float64
	ShoreM   float64 // distance to shore
	PortM    float64 // distance to the nearest port or anchorage
	// CoverM is how far inside the nearest station's range the point is
	// (range - distance), <= 0 outside every station.
	CoverM float64
	Zone   int // index into Region.Zones, -1 when none
	cell   int32
}

type pt struct{ Lat, Lon float64 }

var (
	worldsMu sync.Mutex
	worlds   = map[string]*world{}
)

// worldFor builds (once) the world of r.
func worldFor(r *Region) (*world, error) {
	worldsMu.Lock()
	defer worldsMu.Unlock()
	if w, ok := worlds[r.Name]; ok {
		return w, nil
	}
	w, err := buildWorld(r)
	if err != nil {
		return nil, err
	}
	worlds[r.Name] = w
	return w, nil
}

func buildWorld(r *Region) (*world, error) {
	w := &world{r: r, shore: geo.DefaultShore(), routes: map[[2]int32][]pt{}, trees: map[int]*tree{}}
	w.grid = newGrid(r, w.shore)
	if err := w.loadPorts(); err != nil {
		return nil, err
	}
	for _, s := range r.Stations {
		st := station{Name: s.Name, Lat: s.Lat, Lon: s.Lon, RangeM: s.RangeNM * nm}
		if !s.Offshore {
			if p, d := w.nearestPort(s.Lat, s.Lon, false); p != nil && d < 15e3 {
				st.Lat, st.Lon = p.Lat, p.Lon
				if st.Name == "" {
					st.Name = stationName(p.Name)
				}
			}
		}
		if st.Name == "" {
			continue // no port to name it after: leave it out
		}
		st.cosLat = math.Cos(st.Lat * math.Pi / 180)
		w.stations = append(w.stations, st)
	}
	w.buildSites()
	return w, nil
}

// stationName makes a tag-block station name from a port name: upper
// case letters and digits, words joined by '-'.
func stationName(s string) string {
	var b []byte
	dash := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
			fallthrough
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			if dash && len(b) > 0 {
				b = append(b, '-')
			}
			b = append(b, c)
			dash = false
		default:
			dash = true
		}
	}
	return string(b)
}

func (w *world) usablePorts() int {
	n := 0
	for i := range w.ports {
		if w.ports[i].access >= 0 {
			n++
		}
	}
	return n
}

// loadPorts takes the region's ports and anchorages from the port list.
func (w *world) loadPorts() error {
	r := w.r
	var places []ports.Port
	for _, p := range ports.DefaultPorts() {
		if p.Lat < r.South-0.5 || p.Lat > r.North+0.5 || p.Lon < r.West-0.5 || p.Lon > r.East+0.5 {
			continue
		}
		places = append(places, p)
		if p.Kind == ports.KindAnchorage {
			w.anchors = append(w.anchors, p)
			continue
		}
		if p.Lat < r.South+0.05 || p.Lat > r.North-0.05 || p.Lon < r.West+0.05 || p.Lon > r.East-0.05 {
			continue
		}
		dup := false
		for i := range w.ports {
			if geo.Distance(p.Lat, p.Lon, w.ports[i].Lat, w.ports[i].Lon) < 2e3 {
				dup = true
				break
			}
		}
		if !dup {
			w.ports = append(w.ports, port{Name: strings.ToUpper(p.Name), Lat: p.Lat, Lon: p.Lon})
		}
	}
	w.placesRange = 30e3
	ix, err := ports.New(places, ports.Options{MaxRadius: w.placesRange})
	if err != nil {
		return fmt.Errorf("sim: port list: %w", err)
	}
	w.places = ix
	for i := range w.ports {
		p := &w.ports[i]
		p.shoreM = w.shore.DistanceToShore(p.Lat, p.Lon)
		p.access = -1
		// A port the coastline puts far out at sea is an offshore
		// terminal (or a misplaced entry): ships moored there would
		// look like loitering, so none is sent there.
		if p.shoreM < 8*nm {
			p.access = w.grid.attach(p.Lat, p.Lon, 20e3)
		}
		if p.access >= 0 {
			w.anchorage(p)
		}
	}
	if n := w.usablePorts(); n < 4 {
		return fmt.Errorf("sim: region %s: only %d usable ports in the port list", r.Name, n)
	}
	return nil
}

// anchorage chooses a port's waiting anchorage: an anchorage of the port
// list 4-12 km out, at sea and reachable, else a point on the way to the
// port's access cell 4-7 km out.
func (w *world) anchorage(p *port) {
	best := math.Inf(1)
	for _, m := range w.places.Within(p.Lat, p.Lon, 12e3) {
		if m.Kind != ports.KindAnchorage || m.Distance < 4e3 {
			continue
		}
		if w.shore.DistanceToShore(m.Lat, m.Lon) < 1e3 || w.grid.attach(m.Lat, m.Lon, 8e3) < 0 {
			continue
		}
		if d := math.Abs(m.Distance - 7e3); d < best {
			best = d
			p.anchLat, p.anchLon, p.anchOK = m.Lat, m.Lon, true
		}
	}
	if p.anchOK {
		return
	}
	a := w.grid.center(p.access)
	d := geo.Distance(p.Lat, p.Lon, a.Lat, a.Lon)
	brg := geo.Bearing(p.Lat, p.Lon, a.Lat, a.Lon)
	for _, want := range []float64{6e3, 5e3, 7e3, 4e3} {
		if want > d+3e3 {
			continue
		}
		lat, lon := geo.Destination(p.Lat, p.Lon, brg, want)
		if w.shore.DistanceToShore(lat, lon) > 800 {
			p.anchLat, p.anchLon, p.anchOK = lat, lon, true
			return
		}
	}
}

// nearestPort returns the nearest harbour (one ships can sail to, when
// usable) and its distance.
func (w *world) nearestPort(lat, lon float64, usable bool) (*port, float64) {
	var best *port
	bd := math.Inf(1)
	for i := range w.ports {
		p := &w.ports[i]
		if usable && p.access < 0 {
			continue
		}
		if d := geo.Distance(lat, lon, p.Lat, p.Lon); d < bd {
			best, bd = p, d
		}
	}
	return best, bd
}

// nearestPlace returns the nearest port or anchorage of the port list
// (what picket's detectors measure against) and its distance; +Inf beyond
// placesRange.
func (w *world) nearestPlace(lat, lon float64) (string, float64) {
	p, d, ok := w.places.Nearest(lat, lon)
	if !ok {
		return "", math.Inf(1)
	}
	return p.Name, d
}

// coverage returns how far inside the best station's range (lat, lon) is,
// in metres (<= 0 when outside every range).
func (w *world) coverage(lat, lon float64) float64 {
	best := math.Inf(-1)
	for i := range w.stations {
		s := &w.stations[i]
		if c := s.RangeM - geo.Distance(lat, lon, s.Lat, s.Lon); c > best {
			best = c
		}
	}
	return best
}

// buildSites samples the region on a lattice of sea points.
func (w *world) buildSites() {
	r := w.r
	const step = 0.05
	for lat := r.South + step/2; lat < r.North; lat += step {
		for lon := r.West + step/2; lon < r.East; lon += step {
			sh := w.shore.DistanceToShore(lat, lon)
			if sh < 3*nm {
				continue
			}
			cell := w.grid.cellOf(lat, lon)
			if cell < 0 || !w.grid.sea[cell] || !w.grid.reach[cell] {
				continue
			}
			_, pd := w.nearestPlace(lat, lon)
			z := -1
			for i := range r.Zones {
				if r.Zones[i].contains(lat, lon) {
					z = i
				}
			}
			w.sites = append(w.sites, site{Lat: lat, Lon: lon, ShoreM: sh, PortM: pd, CoverM: w.coverage(lat, lon), Zone: z, cell: int32(cell)})
		}
	}
}

// siteQuery says what a behaviour needs of a place.
type siteQuery struct {
	MinShoreM, MaxShoreM float64 // MaxShoreM 0: no bound
	MinPortM             float64
	MinCoverM            float64 // inside a station's range by this much
	SatOnlyM             float64 // > 0: outside every station's range by this much
	Zone                 int     // prefer this zone (-1: any)
	Avoid                []pt    // keep MinApartM from these
	MinApartM            float64
	AvoidFar             []pt // and MinFarM from these
	MinFarM              float64
}

// findSite picks a site that fits q, relaxing the shore distance, then
// the coverage, then the zone, step by step when none does. relaxed says
// what had to give.
func (w *world) findSite(rng randSource, q siteQuery) (s site, relaxed string, ok bool) {
	type step struct {
		what  string
		apply func(*siteQuery)
	}
	steps := []step{
		{"", func(*siteQuery) {}},
		{"outside the zone", func(q *siteQuery) { q.Zone = -1 }},
		{"nearer the edge of coverage", func(q *siteQuery) { q.MinCoverM = min(q.MinCoverM, 12*nm) }},
		{"closer to shore", func(q *siteQuery) { q.MinShoreM *= 0.75 }},
		{"closer to shore", func(q *siteQuery) { q.MinShoreM *= 0.75 }},
		{"closer to shore", func(q *siteQuery) { q.MinShoreM *= 0.6 }},
		{"nearer the edge of coverage", func(q *siteQuery) { q.MinCoverM = 1 }},
		{"closer to other behaviours", func(q *siteQuery) { q.MinFarM /= 2 }},
		{"closer to other behaviours", func(q *siteQuery) { q.MinApartM /= 2; q.MinFarM /= 2 }},
	}
	var why []string
	zoned := q.Zone >= 0
	avoid, avoidFar := newPointGrid(q.Avoid), newPointGrid(q.AvoidFar)
	for _, st := range steps {
		st.apply(&q)
		if st.what == "outside the zone" && !zoned {
			continue
		}
		if st.what != "" && !slices.Contains(why, st.what) {
			why = append(why, st.what)
		}
		var cand []int
		for i := range w.sites {
			c := &w.sites[i]
			if c.ShoreM < q.MinShoreM || (q.MaxShoreM > 0 && c.ShoreM > q.MaxShoreM) || c.PortM < q.MinPortM || c.CoverM < q.MinCoverM || (q.SatOnlyM > 0 && c.CoverM > -q.SatOnlyM) {
				continue
			}
			if q.Zone >= 0 && c.Zone != q.Zone {
				continue
			}
			if !avoid.near(c.Lat, c.Lon, q.MinApartM) && !avoidFar.near(c.Lat, c.Lon, q.MinFarM) {
				cand = append(cand, i)
			}
		}
		if len(cand) > 0 {
			s := w.sites[cand[rng.IntN(len(cand))]]
			relaxed = strings.Join(why, ", ")
			return s, relaxed, true
		}
	}
	return site{}, "no place fits", false
}

// pointGrid buckets points by half-degree cells so that "is any within r"
// looks at the nearby cells only.
type pointGrid map[[2]int32][]pt

const pointCellDeg = 0.5

func newPointGrid(pts []pt) pointGrid {
	g := pointGrid{}
	for _, p := range pts {
		k := [2]int32{int32(math.Floor(p.Lat / pointCellDeg)), int32(math.Floor(p.Lon / pointCellDeg))}
		g[k] = append(g[k], p)
	}
	return g
}

// near reports whether a point lies within r metres of (lat, lon).
func (g pointGrid) near(lat, lon, r float64) bool {
	if len(g) == 0 || r <= 0 {
		return false
	}
	dy := int32(math.Ceil(r / 111_195 / pointCellDeg))
	dx := int32(math.Ceil(r / (111_195 * math.Cos(lat*math.Pi/180)) / pointCellDeg))
	cy, cx := int32(math.Floor(lat/pointCellDeg)), int32(math.Floor(lon/pointCellDeg))
	for y := cy - dy; y <= cy+dy; y++ {
		for x := cx - dx; x <= cx+dx; x++ {
			for _, p := range g[[2]int32{y, x}] {
				if geo.Distance(lat, lon, p.Lat, p.Lon) < r {
					return true
				}
			}
		}
	}
	return false
}

// portTree returns (building once) the shortest-path tree towards port
// q's access cell.
func (w *world) portTree(q int) *tree {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t := w.trees[q]; t != nil {
		return t
	}
	t := w.grid.treeTo(w.ports[q].access)
	w.trees[q] = t
	return t
}

// routeTo returns waypoints at sea from a to b, b being at (or near)
// port q: a first, b last.
func (w *world) routeTo(a pt, q int, b pt) ([]pt, bool) {
	if q < 0 || w.ports[q].access < 0 {
		return nil, false
	}
	ca := w.grid.attach(a.Lat, a.Lon, 20e3)
	if ca < 0 {
		return nil, false
	}
	key := [2]int32{int32(ca), int32(q)}
	w.mu.Lock()
	mid, ok := w.routes[key]
	w.mu.Unlock()
	if !ok {
		var found bool
		mid, found = w.grid.pathTo(w.portTree(q), ca)
		if !found {
			return nil, false
		}
		w.mu.Lock()
		w.routes[key] = mid
		w.mu.Unlock()
	}
	out := make([]pt, 0, len(mid)+2)
	out = append(out, a)
	// Skip the first and last cell centres when the ends see past them.
	i0, i1 := 0, len(mid)
	for i0 < len(mid)-1 && w.grid.clear(a, mid[i0+1]) {
		i0++
	}
	for i1 > i0+1 && w.grid.clear(mid[i1-2], b) {
		i1--
	}
	out = append(out, mid[i0:i1]...)
	return append(out, b), true
}

// routeFrom returns waypoints at sea from a, at or near port q, to b.
func (w *world) routeFrom(q int, a pt, b pt) ([]pt, bool) {
	r, ok := w.routeTo(b, q, a)
	if !ok {
		return nil, false
	}
	out := make([]pt, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out, true
}

// routeLength is the length of a path in metres.
func routeLength(p []pt) float64 {
	d := 0.0
	for i := 1; i < len(p); i++ {
		d += geo.Distance(p[i-1].Lat, p[i-1].Lon, p[i].Lat, p[i].Lon)
	}
	return d
}
