package detect

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// DarkRendezvousOptions configures dark-rendezvous detection: two vessels
// whose AIS gaps overlap and whose positions before and after make a
// meeting during the gap plausible. There is no published standard for it
// (Skylight's "dark rendezvous" pairs one transmitting vessel with one
// seen only by satellite imagery); the defaults follow the encounter and
// gap definitions they build on.
type DarkRendezvousOptions struct {
	// MinOverlapMs is how long both vessels must have been dark at once.
	// Default 2 h: the encounter detector's (GFW's) shortest encounter.
	MinOverlapMs int64
	// MinMeetMs is how long the two must have been able to stay together
	// during the overlap (a transfer takes hours). Default 1 h.
	MinMeetMs int64
	// MaxSpeedKn is the fastest either vessel is believed to have sailed
	// while dark. Default 12 kn, a laden tanker's usual service speed: a
	// meeting that needs more is not plausible.
	MaxSpeedKn float64
	// MaxApartNM bounds the nearer of the two distances between where the
	// vessels went dark and between where they reappeared: two vessels dark
	// at once but far apart at both ends are not a rendezvous, however long
	// their gaps. Default 50 nm.
	MaxApartNM float64
	// MaxGapMs ignores longer gaps: a vessel dark for weeks could have met
	// anyone. Default 7 days.
	MaxGapMs int64
	// MinPortM keeps rendezvous at sea: neither vessel may have stayed put
	// (reappeared within a nautical mile of where it went dark) this near a
	// port or anchorage, as a ship silent at its berth or a boat in its
	// marina does. Default 10 km, the encounter detector's (GFW's). An
	// estimated meeting point the shore model puts on land is dropped too.
	// The meeting point itself is not held to MinPortM: it is only an
	// estimate, and dark meetings happen off anchorages.
	MinPortM float64
	// MinReception is the reception around both gaps' starts (the gap
	// detector's share of 10-minute slots in which other vessels were
	// heard) under which a pair of gaps neither of which looks intentional
	// is taken for a coverage hole and ignored. Default 0.5, the gap
	// detector's own threshold.
	MinReception float64
	// AllPairs reports every plausible pair. By default, where several
	// vessels went dark in one area at once (a dark fleet waiting
	// together), gaps are paired one to one, the most plausible pairs
	// first: by the summed distance of where the two went dark and where
	// they reappeared, among the pairs known when a pair is decided. A
	// vessel meeting two others in one dark period then yields one of the
	// two meetings.
	AllPairs bool
	// HoldMs is how long, in data time after the later of two gaps ends,
	// their pair waits before it is decided and reported, so that a better
	// partner reappearing meanwhile can take its place. Default 6 h; 1 ms
	// reports at once.
	HoldMs int64
}

func (o *DarkRendezvousOptions) defaults() {
	if o.MinOverlapMs <= 0 {
		o.MinOverlapMs = 2 * hourMs
	}
	if o.MinMeetMs <= 0 {
		o.MinMeetMs = hourMs
	}
	if o.MaxSpeedKn <= 0 {
		o.MaxSpeedKn = 12
	}
	if o.MaxApartNM <= 0 {
		o.MaxApartNM = 50
	}
	if o.MaxGapMs <= 0 {
		o.MaxGapMs = 7 * 24 * hourMs
	}
	if o.MinReception <= 0 {
		o.MinReception = 0.5
	}
	if o.HoldMs <= 0 {
		o.HoldMs = 6 * hourMs
	}
	if o.MinPortM <= 0 {
		o.MinPortM = 10_000
	}
}

// How the dark-rendezvous detector works.
//
// The gap detector appends a gap to Found when its vessel reappears, so
// gaps arrive in order of their end. Each new gap is compared with the
// stored gaps that went dark or reappeared within MaxApartNM of where it
// did (two grid hashes of MaxApartNM cells, one by start and one by end
// position), then stored itself. A gap that ended more than MaxGapMs -
// MinOverlapMs before the newest cannot overlap any gap still to come and
// is forgotten, so memory holds about MaxGapMs of gaps.
//
// A pair of gaps is a rendezvous when they overlap by MinOverlapMs, their
// vessels went dark or reappeared within MaxApartNM of each other, at
// least one gap looks intentional (or both happened where reception was
// good: a shared coverage hole is not a meeting), the meeting would be at
// sea (neither vessel silent at its berth, not on land), and both could
// have reached a common point and stayed there MinMeetMs without sailing
// faster than MaxSpeedKn. That last test intersects, at times spread over
// the overlap, the positions each vessel could reach from where it went
// dark and still reach where it reappeared (the "ellipses" of reachable
// positions); it reports the least speed such a meeting needs.
//
// A plausible pair waits HoldMs of data time, then is reported unless one
// of its gaps has gone to a more plausible pair (see AllPairs), so that a
// dozen ships dark in one area yield their likely meetings rather than
// every pair of them.

// drGap is a gap in a form ready to compare.
type drGap struct {
	mmsi        uint32
	segment     string
	segN        int // the segment's number within the MMSI
	s, e        int64
	plat, plon  float64 // where it went dark
	qlat, qlon  float64 // where it reappeared
	intentional bool
	rx          float64
	stamp       uint64
	reserved    uint64 // the release pass that reserved it
	matched     bool   // reported in a pair
}

// drCand is a plausible pair of gaps, waiting to be decided.
type drCand struct {
	g, h *drGap
	cost float64 // summed distance of the dark and reappearance positions
	at   int64   // when to decide
	done bool    // decided
	ev   event.Event
}

// DarkRendezvousDetector finds two vessels dark at the same time that could
// have met.
type DarkRendezvousDetector struct {
	opts   DarkRendezvousOptions
	gaps   *GapDetector
	emit   Emitter
	places *Places // nil until the first fix, and when gaps are added directly
	next   int     // Found entries read
	grid   cellGrid
	starts map[uint64][]*drGap
	ends   map[uint64][]*drGap
	alive  []*drGap
	added  int // gaps added since the last compaction
	stamp  uint64
	cands  []drCand // found by the gap being added
	held   []drCand // waiting for HoldMs, in order of at
	order  []int    // scratch: held pairs by cost
	pass   uint64
}

// NewDarkRendezvousDetector returns a dark-rendezvous detector reading the
// gaps found by gaps.
func NewDarkRendezvousDetector(opts DarkRendezvousOptions, gaps *GapDetector, emit Emitter) *DarkRendezvousDetector {
	opts.defaults()
	return &DarkRendezvousDetector{
		opts: opts, gaps: gaps, emit: emit,
		grid:   newCellGrid(opts.MaxApartNM * metresPerNM),
		starts: make(map[uint64][]*drGap),
		ends:   make(map[uint64][]*drGap),
	}
}

// Position reads the gaps found since the last fix: the gap detector runs
// first and appends a gap when its vessel reappears.
func (d *DarkRendezvousDetector) Position(o *Obs) {
	if d.places == nil {
		d.places = o.places
	}
	if d.gaps != nil && len(d.gaps.Found) > d.next {
		d.catchUp()
	}
	if len(d.held) > 0 && o.Fix.Time >= d.held[0].at {
		d.release(o.Fix.Time)
	}
}

func (d *DarkRendezvousDetector) Static(*StaticObs) {}

func (d *DarkRendezvousDetector) Finish(now int64) {
	if d.gaps != nil {
		d.catchUp()
	}
	d.release(math.MaxInt64)
}

// release decides the held pairs whose time has come: greedily, the
// least costly first, over every held pair, so that a pair still waiting
// can keep a gap from a worse pair that is due.
func (d *DarkRendezvousDetector) release(now int64) {
	if len(d.held) == 0 || d.held[0].at > now {
		return
	}
	d.pass++
	d.order = d.order[:0]
	for i := range d.held {
		d.order = append(d.order, i)
	}
	slices.SortFunc(d.order, func(i, j int) int { return cmp.Compare(d.held[i].cost, d.held[j].cost) })
	for _, i := range d.order {
		c := &d.held[i]
		due := c.at <= now
		switch {
		case d.opts.AllPairs:
			if due {
				d.emit(c.ev)
				c.done = true
			}
		case c.g.matched || c.h.matched:
			c.done = true // a better pair has been reported
		case c.g.reserved == d.pass || c.h.reserved == d.pass:
			c.done = due // a better pair is still waiting
		case due:
			d.emit(c.ev)
			c.g.matched, c.h.matched = true, true
			c.done = true
		default:
			c.g.reserved, c.h.reserved = d.pass, d.pass
		}
	}
	kept := d.held[:0]
	for _, c := range d.held {
		if !c.done {
			kept = append(kept, c)
		}
	}
	clear(d.held[len(kept):])
	d.held = kept
}

// catchUp adds the gaps found since the last call, then empties Found:
// the detector keeps what it needs of them, and a server running for
// months must not keep every gap.
func (d *DarkRendezvousDetector) catchUp() {
	for d.next < len(d.gaps.Found) {
		ev := &d.gaps.Found[d.next]
		d.next++
		if ev.Type == event.Gap && ev.EndLat != nil && ev.EndLon != nil {
			d.Add(ev)
		}
	}
	clear(d.gaps.Found)
	d.gaps.Found, d.next = d.gaps.Found[:0], 0
}

// Add compares a gap event with the gaps seen before, holds the plausible
// pairs it makes with them, and stores it. Gaps must come in order of
// their end time, as the gap detector finds them; Position and Finish read
// them from the gap detector.
func (d *DarkRendezvousDetector) Add(ev *event.Event) {
	g := &drGap{
		mmsi: ev.MMSI, segment: ev.Segment,
		s: ev.Start.UnixMilli(), e: ev.End.UnixMilli(),
		plat: ev.Lat, plon: ev.Lon, qlat: *ev.EndLat, qlon: *ev.EndLon,
		intentional: ev.Intentional != nil && *ev.Intentional,
		rx:          ev.Details["reception"],
		segN:        1,
	}
	if i := strings.LastIndexByte(ev.Segment, '-'); i >= 0 {
		if n, err := strconv.Atoi(ev.Segment[i+1:]); err == nil {
			g.segN = n
		}
	}
	if dt := g.e - g.s; dt < d.opts.MinOverlapMs || dt > d.opts.MaxGapMs {
		return
	}
	d.release(g.e)
	d.compact(g.e)
	d.stamp++
	g.stamp = d.stamp
	d.cands = d.cands[:0]
	r := d.opts.MaxApartNM * metresPerNM
	cand := func(cells map[uint64][]*drGap) func(uint64) {
		return func(cell uint64) {
			for _, h := range cells[cell] {
				if h.stamp != d.stamp {
					h.stamp = d.stamp
					if c, ok := d.judge(g, h); ok {
						d.cands = append(d.cands, c)
					}
				}
			}
		}
	}
	d.grid.visit(g.plat, g.plat, g.plon, g.plon, r, cand(d.starts))
	d.grid.visit(g.qlat, g.qlat, g.qlon, g.qlon, r, cand(d.ends))
	for i := range d.cands {
		c := &d.cands[i]
		c.at = g.e + d.opts.HoldMs
		d.held = append(d.held, *c)
		*c = drCand{}
	}
	ks, ke := d.grid.key(g.plat, g.plon), d.grid.key(g.qlat, g.qlon)
	d.starts[ks] = append(d.starts[ks], g)
	d.ends[ke] = append(d.ends[ke], g)
	d.alive = append(d.alive, g)
	d.added++
}

// compact forgets, now and then, the gaps that ended too early to overlap
// any gap ending at or after now.
func (d *DarkRendezvousDetector) compact(now int64) {
	if d.added < 1024 || d.added < len(d.alive)/2 {
		return
	}
	d.added = 0
	horizon := now - d.opts.MaxGapMs + d.opts.MinOverlapMs
	kept := d.alive[:0]
	for _, g := range d.alive {
		if g.e >= horizon {
			kept = append(kept, g)
		}
	}
	clear(d.alive[len(kept):])
	d.alive = kept
	clear(d.starts)
	clear(d.ends)
	for _, g := range kept {
		ks, ke := d.grid.key(g.plat, g.plon), d.grid.key(g.qlat, g.qlon)
		d.starts[ks] = append(d.starts[ks], g)
		d.ends[ke] = append(d.ends[ke], g)
	}
}

// atBerth reports whether a gap's vessel stayed put in port: it went dark
// within MinPortM of a port or anchorage and reappeared less than a
// nautical mile from there.
func (d *DarkRendezvousDetector) atBerth(g *drGap) bool {
	if d.places == nil || d.places.NearestPort == nil || geo.Distance(g.plat, g.plon, g.qlat, g.qlon) >= metresPerNM {
		return false
	}
	_, _, near := d.places.NearestPort(g.plat, g.plon, d.opts.MinPortM)
	return near
}

// drPlane is a local flat projection in metres around a reference point.
type drPlane struct{ lat0, lon0, kx float64 }

const drMetresPerDeg = geo.EarthRadius * math.Pi / 180

func newDrPlane(lat, lon float64) drPlane {
	return drPlane{lat0: lat, lon0: lon, kx: drMetresPerDeg * math.Cos(lat*math.Pi/180)}
}

func (p drPlane) xy(lat, lon float64) (x, y float64) {
	return deltaLon(lon-p.lon0) * p.kx, (lat - p.lat0) * drMetresPerDeg
}

func (p drPlane) latLon(x, y float64) (lat, lon float64) {
	return p.lat0 + y/drMetresPerDeg, geo.NormalizeLon(p.lon0 + x/p.kx)
}

// judge decides whether two gaps of different vessels could be a
// rendezvous and makes its event.
func (d *DarkRendezvousDetector) judge(g, h *drGap) (c drCand, ok bool) {
	o := &d.opts
	if g.mmsi == h.mmsi {
		return c, false
	}
	os, oe := max(g.s, h.s), min(g.e, h.e)
	if oe-os < o.MinOverlapMs {
		return c, false
	}
	startM := geo.Distance(g.plat, g.plon, h.plat, h.plon)
	endM := geo.Distance(g.qlat, g.qlon, h.qlat, h.qlon)
	if min(startM, endM) > o.MaxApartNM*metresPerNM {
		return c, false
	}
	intent := 0
	for _, x := range []*drGap{g, h} {
		if x.intentional {
			intent++
		}
	}
	if intent == 0 && (g.rx < o.MinReception || h.rx < o.MinReception) {
		return c, false
	}
	a, b := g, h
	if b.mmsi < a.mmsi {
		a, b = b, a
	}
	pl := newDrPlane((a.plat+a.qlat+b.plat+b.qlat)/4, a.plon+deltaLon(b.plon-a.plon)/2)
	pa := drReach(pl, a)
	pb := drReach(pl, b)
	need := drNeededKn(&pa, &pb, os, oe, o.MinMeetMs)
	if need > o.MaxSpeedKn {
		return c, false
	}
	mx, my, closeM := drClosest(&pa, &pb, os, oe)
	lat, lon := pl.latLon(mx, my)
	if d.atBerth(a) || d.atBerth(b) {
		return c, false
	}
	if d.places != nil && d.places.ShoreM != nil && d.places.ShoreM(lat, lon) <= 0 {
		return c, false
	}

	overlap := oe - os
	// Confidence: closeness counts most, then darkness (intentional gaps),
	// the length of the overlap and how easily they could have met. Two
	// ships dark 30 nm apart at both ends could have met, but so could
	// many others.
	apartNM := (startM + endM) / 2 / metresPerNM
	near := 1 - ramp(apartNM, o.MaxApartNM/10, o.MaxApartNM)
	darkness := [3]float64{0.25, 0.5, 1}[intent]
	conf := 0.25 +
		0.3*near*near +
		0.2*darkness +
		0.15*ramp(float64(overlap), float64(o.MinOverlapMs), 6*float64(o.MinOverlapMs)) +
		0.1*ramp(need, o.MaxSpeedKn, o.MaxSpeedKn/3)
	why := [3]string{"neither gap looks intentional but reception was good", "one gap looks intentional", "both gaps look intentional"}[intent]
	return drCand{g: g, h: h, cost: startM + endM, ev: event.Event{
		Type: event.DarkRendezvous, MMSI: a.mmsi, OtherMMSI: b.mmsi, Segment: a.segment,
		Start: tm(os), End: tm(oe), Lat: lat, Lon: lon,
		Confidence: clamp01(conf),
		Summary: fmt.Sprintf("%d and %d dark together for %s: went dark %.0f nm apart, reappeared %.0f nm apart, a meeting needs %.1f kn (%s)",
			a.mmsi, b.mmsi, hours(overlap), startM/metresPerNM, endM/metresPerNM, need, why),
		Details: map[string]float64{
			"overlap_hours":    float64(overlap) / hourMs,
			"start_apart_nm":   math.Round(startM/metresPerNM*10) / 10,
			"end_apart_nm":     math.Round(endM/metresPerNM*10) / 10,
			"closest_nm":       math.Round(closeM/metresPerNM*10) / 10,
			"needed_kn":        math.Round(need*10) / 10,
			"intentional_gaps": float64(intent),
			"other_segment":    float64(b.segN),
		},
	}}, true
}

// drPath is a gap in the local plane: from P at s to Q at e.
type drPath struct {
	px, py, qx, qy float64
	s, e           int64
}

func drReach(pl drPlane, g *drGap) drPath {
	px, py := pl.xy(g.plat, g.plon)
	qx, qy := pl.xy(g.qlat, g.qlon)
	return drPath{px, py, qx, qy, g.s, g.e}
}

// at is where the vessel would be at t sailing straight from P to Q.
func (g *drPath) at(t int64) (x, y float64) {
	f := 0.0
	if g.e > g.s {
		f = float64(t-g.s) / float64(g.e-g.s)
	}
	return g.px + f*(g.qx-g.px), g.py + f*(g.qy-g.py)
}

// drKnPerMPerMs converts metres per millisecond to knots.
const drKnPerMPerMs = 3.6e6 / metresPerNM

// drNeededKn is about the least speed at which both vessels could be at one
// point from some time in [os, oe-meet] for meet milliseconds, leaving
// from where they went dark and reaching where they reappeared. For each
// of 25 meeting times it tries 11 points on the line between the two
// places where each vessel, sailing straight at its slowest sufficient
// speed, would wait; the true least speed is at most this.
func drNeededKn(a, b *drPath, os, oe, meet int64) float64 {
	meet = min(meet, oe-os)
	span := oe - os - meet
	best := math.Inf(1)
	const steps, pts = 24, 10
	for k := 0; k <= steps; k++ {
		tau := os + span*int64(k)/steps
		ax, ay := drWaitPoint(a, tau, meet)
		bx, by := drWaitPoint(b, tau, meet)
		for j := 0; j <= pts; j++ {
			f := float64(j) / pts
			x, y := ax+f*(bx-ax), ay+f*(by-ay)
			v := max(drLegSpeed(a, x, y, tau, meet), drLegSpeed(b, x, y, tau, meet))
			best = min(best, v)
		}
	}
	return best * drKnPerMPerMs
}

// drWaitPoint is where on its straight path a vessel that must wait meet
// milliseconds from tau would wait, sailing at one speed before and after.
func drWaitPoint(g *drPath, tau, meet int64) (x, y float64) {
	a, b := float64(tau-g.s), float64(g.e-tau-meet)
	f := 0.0
	if a+b > 0 {
		f = a / (a + b)
	}
	return g.px + f*(g.qx-g.px), g.py + f*(g.qy-g.py)
}

// drLegSpeed is the speed, metres per millisecond, a vessel needs to reach
// (x, y) from P by tau and Q from there after waiting meet.
func drLegSpeed(g *drPath, x, y float64, tau, meet int64) float64 {
	in := math.Hypot(x-g.px, y-g.py)
	out := math.Hypot(g.qx-x, g.qy-y)
	return max(drRatio(in, float64(tau-g.s)), drRatio(out, float64(g.e-tau-meet)))
}

func drRatio(m, ms float64) float64 {
	if ms > 0 {
		return m / ms
	}
	if m < 1 {
		return 0
	}
	return math.Inf(1)
}

// drClosest returns the midpoint and distance of the closest approach of the
// two straight gap paths during [os, oe].
func drClosest(a, b *drPath, os, oe int64) (x, y, dist float64) {
	ax0, ay0 := a.at(os)
	bx0, by0 := b.at(os)
	ax1, ay1 := a.at(oe)
	bx1, by1 := b.at(oe)
	ux, uy := ax0-bx0, ay0-by0
	wx, wy := (ax1-bx1)-ux, (ay1-by1)-uy
	f := 0.0
	if ww := wx*wx + wy*wy; ww > 0 {
		f = clamp01(-(ux*wx + uy*wy) / ww)
	}
	ax, ay := ax0+f*(ax1-ax0), ay0+f*(ay1-ay0)
	bx, by := bx0+f*(bx1-bx0), by0+f*(by1-by0)
	return (ax + bx) / 2, (ay + by) / 2, math.Hypot(ax-bx, ay-by)
}
