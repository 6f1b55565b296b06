package sim

import (
	"math"
	"sort"

	"github.com/picket-ais/picket/internal/geo"
)

// legKind is how a vessel moves during a leg.
type legKind uint8

const (
	legSail   legKind = iota // straight from (lat0, lon0) to (lat1, lon1) at constant speed
	legStill                 // at (lat0, lon0): moored, or swinging at anchor within swingM
	legDrift                 // wandering slowly around (lat0, lon0): loitering, waiting for a transfer
	legFollow                // at a fixed offset from another vessel (alongside, pair trawling)
)

// Navigational status (ITU-R M.1371-5 table 45).
const (
	statusUnderWay   = 0
	statusAnchored   = 1
	statusRestricted = 3
	statusMoored     = 5
	statusFishing    = 7
)

// leg is one piece of a vessel's plan, valid for t0 <= t < t1 (Unix ms).
type leg struct {
	t0, t1     int64
	kind       legKind
	status     uint8
	lat0, lon0 float64
	lat1, lon1 float64
	// heading of a still or drifting vessel, degrees.
	heading float64
	// drift: wander amplitudes (m) and periods (ms); still: swing radius.
	ampN, ampE       float64
	periodN, periodE float64
	swingM           float64
	// follow: the leader's index and the offset north/east in metres.
	leader       int32
	offN, offE   float64
	course, kn   float64 // sail: course and speed over ground
	cosLat       float64 // for metre offsets around lat0
	slowTransmit bool    // report at the at-anchor rate even if status is under way
}

// plan is a vessel's movement over the whole scenario: legs in time order,
// each starting where the last ended.
type plan struct {
	legs []leg
}

// legAt returns the index of the leg covering t (the first or last leg
// outside the plan's span), using and updating hint.
func (p *plan) legAt(t int64, hint *int) int {
	i := *hint
	n := len(p.legs)
	if i >= 0 && i < n && p.legs[i].t0 <= t {
		// The usual case: time moves forward a little.
		for k := 0; k < 4 && i < n-1 && p.legs[i].t1 <= t; k++ {
			i++
		}
		if p.legs[i].t1 > t || i == n-1 {
			*hint = i
			return i
		}
	}
	i = sort.Search(n, func(k int) bool { return p.legs[k].t1 > t })
	if i == n {
		i = n - 1
	}
	*hint = i
	return i
}

// fleetPos evaluates positions for the generator and the truth scan.
type fleetPos struct {
	plans []plan
}

// pos returns the true position of vessel v at t.
func (f *fleetPos) pos(v int, t int64, hint *int) (lat, lon float64) {
	p := &f.plans[v]
	l := &p.legs[p.legAt(t, hint)]
	return f.legPos(l, t)
}

func (f *fleetPos) legPos(l *leg, t int64) (lat, lon float64) {
	switch l.kind {
	case legSail:
		if l.t1 <= l.t0 {
			return l.lat1, l.lon1
		}
		x := float64(t-l.t0) / float64(l.t1-l.t0)
		x = min(max(x, 0), 1)
		return l.lat0 + x*(l.lat1-l.lat0), l.lon0 + x*(l.lon1-l.lon0)
	case legStill:
		if l.swingM == 0 {
			return l.lat0, l.lon0
		}
		// Swinging round the anchor with the tide: one turn in ~6 h.
		a := 2 * math.Pi * float64(t-l.t0) / (6 * float64(hour))
		n, e := l.swingM*math.Cos(a+l.heading), l.swingM*math.Sin(a+l.heading)
		return l.lat0 + n/111_195, l.lon0 + e/(111_195*l.cosLat)
	case legDrift:
		tt := float64(t - l.t0)
		n := l.ampN * math.Sin(2*math.Pi*tt/l.periodN)
		e := l.ampE * math.Sin(2*math.Pi*tt/l.periodE)
		return l.lat0 + n/111_195, l.lon0 + e/(111_195*l.cosLat)
	case legFollow:
		var h int
		lat, lon := f.pos(int(l.leader), t, &h)
		return lat + l.offN/111_195, lon + l.offE/(111_195*math.Cos(lat*math.Pi/180))
	}
	return l.lat0, l.lon0
}

// motion returns position, speed over ground (knots) and course (degrees)
// of vessel v at t, the speed and course from the movement over the next
// ten seconds (within the same leg).
func (f *fleetPos) motion(v int, t int64, hint *int) (lat, lon, sog, cog float64, l *leg) {
	p := &f.plans[v]
	l = &p.legs[p.legAt(t, hint)]
	lat, lon = f.legPos(l, t)
	if l.kind == legSail {
		return lat, lon, l.kn, l.course, l
	}
	if l.kind == legStill && l.swingM == 0 {
		return lat, lon, 0, l.heading, l
	}
	const dt = 10_000
	t2 := t + dt
	lat2, lon2 := f.legPos(l, t2)
	d := geo.Distance(lat, lon, lat2, lon2)
	sog = d / (dt / 1000) / kn
	if d < 0.01 {
		return lat, lon, 0, l.heading, l
	}
	return lat, lon, sog, geo.Bearing(lat, lon, lat2, lon2), l
}

// planner appends legs to a plan, keeping the current time and position.
type planner struct {
	f   *fleetPos
	v   int
	t   int64
	lat float64
	lon float64
}

func (pl *planner) plan() *plan { return &pl.f.plans[pl.v] }

func (pl *planner) add(l leg) {
	l.cosLat = math.Cos(l.lat0 * math.Pi / 180)
	p := pl.plan()
	p.legs = append(p.legs, l)
	pl.t = l.t1
	pl.lat, pl.lon = pl.f.legPos(&p.legs[len(p.legs)-1], l.t1)
}

// sailTo sails in a straight line to (lat, lon) at knots.
func (pl *planner) sailTo(lat, lon, knots float64, status uint8) {
	d := geo.Distance(pl.lat, pl.lon, lat, lon)
	if d < 1 {
		return
	}
	dur := int64(d / (knots * kn) * 1000)
	pl.add(leg{t0: pl.t, t1: pl.t + dur, kind: legSail, status: status, lat0: pl.lat, lon0: pl.lon, lat1: lat, lon1: lon,
		course: geo.Bearing(pl.lat, pl.lon, lat, lon), kn: knots, heading: geo.Bearing(pl.lat, pl.lon, lat, lon)})
}

// sailRoute sails along waypoints (the first being the current position
// or near it).
func (pl *planner) sailRoute(route []pt, knots float64) {
	for _, p := range route {
		pl.sailTo(p.Lat, p.Lon, knots, statusUnderWay)
	}
}

// sailRouteUntil sails along route but stops at time end (mid-leg).
func (pl *planner) sailRouteUntil(route []pt, knots float64, end int64) {
	for _, p := range route {
		if pl.t >= end {
			return
		}
		d := geo.Distance(pl.lat, pl.lon, p.Lat, p.Lon)
		dur := int64(d / (knots * kn) * 1000)
		if pl.t+dur <= end {
			pl.sailTo(p.Lat, p.Lon, knots, statusUnderWay)
			continue
		}
		x := float64(end-pl.t) / float64(dur)
		pl.sailTo(pl.lat+x*(p.Lat-pl.lat), pl.lon+x*(p.Lon-pl.lon), knots, statusUnderWay)
		pl.t = end
		return
	}
}

// still stays put until end: moored, or at anchor swinging.
func (pl *planner) still(end int64, status uint8, heading, swingM float64) {
	if end <= pl.t {
		return
	}
	pl.add(leg{t0: pl.t, t1: end, kind: legStill, status: status, lat0: pl.lat, lon0: pl.lon, heading: heading, swingM: swingM})
}

// drift wanders around the current position until end at well under
// maxKn.
func (pl *planner) drift(end int64, status uint8, heading float64, rng randSource, maxKn float64) {
	if end <= pl.t {
		return
	}
	// A wander of amplitude a and period T has peak speed 2*pi*a/T.
	pN := float64(2*hour + rng.Int64N(2*hour))
	pE := float64(2*hour + rng.Int64N(2*hour))
	vmax := maxKn * kn * 0.6
	aN := vmax * (pN / 1000) / (2 * math.Pi) / math.Sqrt2
	aE := vmax * (pE / 1000) / (2 * math.Pi) / math.Sqrt2
	pl.add(leg{t0: pl.t, t1: end, kind: legDrift, status: status, lat0: pl.lat, lon0: pl.lon, heading: heading,
		ampN: aN * (0.5 + 0.5*rng.Float64()), ampE: aE * (0.5 + 0.5*rng.Float64()), periodN: pN, periodE: pE})
}

// follow keeps an offset from vessel leader until end. The planner's
// position must already be there.
func (pl *planner) follow(leader int, end int64, offN, offE float64, status uint8) {
	if end <= pl.t {
		return
	}
	pl.add(leg{t0: pl.t, t1: end, kind: legFollow, status: status, leader: int32(leader), offN: offN, offE: offE, lat0: pl.lat, lon0: pl.lon})
}

// offsetPos returns (lat, lon) moved n metres north and e metres east.
func offsetPos(lat, lon, n, e float64) (float64, float64) {
	return lat + n/111_195, lon + e/(111_195*math.Cos(lat*math.Pi/180))
}
