package detect

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// MinOverlap is how long both vessels must have been dark at once.
	// Default 2 h: the encounter detector's (GFW's) shortest encounter.
	MinOverlap time.Duration
	// MinMeet is how long the two must have been able to stay together
	// during the overlap (a transfer takes hours). Default 1 h.
	MinMeet time.Duration
	// MaxSpeedKn is the fastest either vessel is believed to have sailed
	// while dark. Default 12 kn, a laden tanker's usual service speed. It
	// bounds the meeting: each vessel must have been able to reach a
	// common point from its last fix before its gap, stay MinMeet, and
	// reach its first fix after, at no more than this speed. There is no
	// fixed bound on how far apart they went dark.
	MaxSpeedKn float64
	// Sync is how close in time two vessels must have gone dark, and
	// reappeared, to be synchronised: strong evidence of a meeting
	// arranged in advance. Default 2 h.
	Sync time.Duration
	// NearNM: a pair must have gone dark or reappeared within this of
	// each other, or else be synchronised at both ends, have gone dark
	// closing on each other and reappeared parting (by their reported
	// speeds and courses): two vessels merely dark at the same time
	// somewhere within reach are not a lead. Default 30 nm.
	NearNM float64
	// MaxGap ignores longer gaps: a vessel dark for days could have met
	// anyone. Default 3 days.
	MaxGap time.Duration
	// StayPutM: a vessel that reappeared within this of where it went dark
	// stayed where it was (at anchor, moored, in a queue: ships waiting at
	// an anchorage re-anchor 2-5 km away). Two such vessels more than this
	// apart did not meet (one would have had to come back to its spot),
	// and one such within MinPortM of a port or anchorage was waiting
	// there. Default 6 km.
	StayPutM float64
	// MinPortM is the distance from a port or anchorage within which a
	// vessel that stayed put was waiting there. Default 10 km, the
	// encounter detector's (GFW's).
	MinPortM float64
	// MinShoreNM keeps canal and river traffic out: a gap that began and
	// ended this near the shore (a convoy through a canal, a barge on a
	// river, a ferry in harbour) makes no rendezvous. An estimated meeting
	// point the shore model puts on land is dropped too. Default 2 nm.
	MinShoreNM float64
	// MinReception is the reception around both gaps' starts (the gap
	// detector's positions per vessel-day) under which a pair of gaps
	// neither of which looks intentional is taken for a coverage hole and
	// ignored. Default 8, the gap detector's own threshold. A gap during
	// which its feed had an outage never makes a rendezvous.
	MinReception float64
	// AllPairs reports every plausible pair. By default, where several
	// vessels went dark in one area at once (a dark fleet waiting
	// together, a queue), gaps are paired one to one, the most plausible
	// pairs first. A vessel meeting two others in one dark period then
	// yields one of the two meetings.
	AllPairs bool
	// Hold is how long, in data time after the later of two gaps ends, a
	// pair stays open: it is emitted as soon as the second vessel
	// reappears (open), re-sent under the same id if its standing changes,
	// withdrawn if a more plausible partner takes one of its gaps, and
	// final after Hold. Default 6 h; 1 ms decides at once.
	Hold time.Duration
}

func (o *DarkRendezvousOptions) defaults() {
	if o.MinOverlap <= 0 {
		o.MinOverlap = time.Duration(2*hourMs) * time.Millisecond
	}
	if o.MinMeet <= 0 {
		o.MinMeet = time.Duration(hourMs) * time.Millisecond
	}
	if o.MaxSpeedKn <= 0 {
		o.MaxSpeedKn = 12
	}
	if o.Sync <= 0 {
		o.Sync = time.Duration(2*hourMs) * time.Millisecond
	}
	if o.NearNM <= 0 {
		o.NearNM = 30
	}
	if o.MaxGap <= 0 {
		o.MaxGap = time.Duration(3*24*hourMs) * time.Millisecond
	}
	if o.StayPutM <= 0 {
		o.StayPutM = 6000
	}
	if o.MinPortM <= 0 {
		o.MinPortM = 10_000
	}
	if o.MinShoreNM <= 0 {
		o.MinShoreNM = 2
	}
	if o.MinReception <= 0 {
		o.MinReception = 8
	}
	if o.Hold <= 0 {
		o.Hold = time.Duration(6*hourMs) * time.Millisecond
	}
}

// How the dark-rendezvous detector works.
//
// The gap detector appends a gap to Found when its vessel reappears, so
// gaps arrive in order of their end. Each new gap is compared with the
// stored gaps that went dark or reappeared within reach of where it did
// (two grid hashes, one by start and one by end position, searched as far
// as the two vessels could have sailed in their gaps), then stored itself.
// A gap that ended more than MaxGap - MinOverlap before the newest
// cannot overlap any gap still to come and is forgotten, so memory holds
// about MaxGap of gaps.
//
// A pair of gaps is a rendezvous when they overlap by MinOverlap, at
// least one gap looks intentional (or both happened where reception was
// good: a shared coverage hole is not a meeting), neither had a feed
// outage, the meeting would be at sea (not two ships waiting at anchor,
// not a ship waiting at a port, not a canal or river, not on land), both
// could have reached a common point and stayed there MinMeet without
// sailing faster than MaxSpeedKn, and they are synchronised at both ends
// or went dark or reappeared within NearNM. The reachability test
// intersects, at times spread over the overlap, the positions each vessel
// could reach from where it went dark and still reach where it reappeared;
// it reports the least speed such a meeting needs.
//
// A plausible pair is emitted, open, when the second vessel reappears.
// It stays open Hold of data time, then is final unless one of its gaps
// has gone to a more plausible pair (see AllPairs), when it is withdrawn,
// so that a dozen ships dark in one area yield their likely meetings
// rather than every pair of them.

// drGap is a gap in a form ready to compare.
type drGap struct {
	mmsi        uint32
	segment     string
	segN        int // the segment's number within the MMSI
	s, e        int64
	plat, plon  float64 // where it went dark
	qlat, qlon  float64 // where it reappeared
	intentional bool
	outage      bool
	rx          float64
	evidence    []event.Fix
	// Speed (knots) and course at the last fix before and the first
	// after; NaN when not known.
	psog, pcog float64
	qsog, qcog float64
	stamp      uint64
	reserved   uint64 // the release pass that reserved it
	matched    bool   // reported in a pair
}

// drCand is a plausible pair of gaps, waiting to be decided.
type drCand struct {
	g, h  *drGap
	score float64 // the more plausible, the higher
	at    int64   // when to decide
	done  bool    // decided
	sent  bool    // emitted open and not withdrawn
	ev    event.Event
}

// drSearchCellM is the grid cell of the gap hashes.
const drSearchCellM = 100 * metresPerNM

// DarkRendezvousDetector finds two vessels dark at the same time that could
// have met.
type DarkRendezvousDetector struct {
	opts   DarkRendezvousOptions
	gaps   *GapDetector
	emit   emitFunc
	opens  bool
	places *Places // nil until the first fix, and when gaps are added directly
	next   int     // Found entries read
	grid   cellGrid
	starts map[uint64][]*drGap
	ends   map[uint64][]*drGap
	alive  []*drGap
	maxDur int64 // the longest gap stored
	added  int   // gaps added since the last compaction
	stamp  uint64
	cands  []drCand // found by the gap being added
	held   []drCand // waiting for Hold, in order of at
	order  []int    // scratch: held pairs by score
	pass   uint64
}

// NewDarkRendezvousDetector returns a dark-rendezvous detector reading the
// gaps found by gaps, which emits each rendezvous once, when final.
func NewDarkRendezvousDetector(opts DarkRendezvousOptions, gaps *GapDetector, emit Emitter) *DarkRendezvousDetector {
	return newDarkRendezvousDetector(opts, gaps, finalOnly(emit), false)
}

func newDarkRendezvousDetector(opts DarkRendezvousOptions, gaps *GapDetector, emit emitFunc, opens bool) *DarkRendezvousDetector {
	opts.defaults()
	return &DarkRendezvousDetector{
		opts: opts, gaps: gaps, emit: emit, opens: opens,
		grid:   newCellGrid(drSearchCellM),
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

// release decides the held pairs: greedily, the most plausible first,
// over every held pair, so that a pair still waiting can keep a gap from
// a worse pair that is due. Pairs not due are emitted open while they are
// the best for both their gaps, and withdrawn if they stop being so.
func (d *DarkRendezvousDetector) release(now int64) {
	if len(d.held) == 0 {
		return
	}
	d.pass++
	d.order = d.order[:0]
	for i := range d.held {
		d.order = append(d.order, i)
	}
	slices.SortFunc(d.order, func(i, j int) int { return cmp.Compare(d.held[j].score, d.held[i].score) })
	for _, i := range d.order {
		c := &d.held[i]
		due := c.at <= now
		switch {
		case d.opts.AllPairs:
			if due {
				d.emit(c.ev, final)
				c.done = true
			} else if !c.sent && d.opens {
				d.emit(c.ev, open)
				c.sent = true
			}
		case c.g.matched || c.h.matched:
			d.withdraw(c) // a better pair has been reported
			c.done = true
		case c.g.reserved == d.pass || c.h.reserved == d.pass:
			d.withdraw(c) // a better pair is waiting
			c.done = due
		case due:
			d.emit(c.ev, final)
			c.g.matched, c.h.matched = true, true
			c.done = true
		default:
			c.g.reserved, c.h.reserved = d.pass, d.pass
			if !c.sent && d.opens {
				d.emit(c.ev, open)
				c.sent = true
			}
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

// withdraw takes back a pair emitted open whose gap went to a more
// plausible partner.
func (d *DarkRendezvousDetector) withdraw(c *drCand) {
	if !c.sent {
		return
	}
	c.sent = false
	ev := c.ev
	ev.Confidence = 0
	ev.Summary = "withdrawn: a more plausible partner reappeared for one of them; was: " + ev.Summary
	d.emit(ev, withdrawn)
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
		outage:      ev.Details["feed_outage"] > 0,
		rx:          ev.Details["reception"],
		evidence:    ev.Evidence,
		segN:        1,
		psog:        math.NaN(), pcog: math.NaN(), qsog: math.NaN(), qcog: math.NaN(),
	}
	for _, f := range ev.Evidence {
		if f.SOG == nil || f.COG == nil {
			continue
		}
		switch f.Role {
		case event.LastBefore:
			g.psog, g.pcog = *f.SOG, *f.COG
		case event.FirstAfter:
			g.qsog, g.qcog = *f.SOG, *f.COG
		}
	}
	if i := strings.LastIndexByte(ev.Segment, '-'); i >= 0 {
		if n, err := strconv.Atoi(ev.Segment[i+1:]); err == nil {
			g.segN = n
		}
	}
	if dt := g.e - g.s; dt < d.opts.MinOverlap.Milliseconds() || dt > d.opts.MaxGap.Milliseconds() || g.outage {
		return
	}
	d.release(g.e)
	d.compact(g.e)
	d.stamp++
	g.stamp = d.stamp
	d.cands = d.cands[:0]
	// Two vessels that met were, when they went dark, at most as far
	// apart as both could sail in their gaps (and likewise when they
	// reappeared).
	r := d.opts.MaxSpeedKn * metresPerNM * float64(g.e-g.s+d.maxDur) / hourMs
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
		c.at = g.e + d.opts.Hold.Milliseconds()
		d.held = append(d.held, *c)
		*c = drCand{}
	}
	ks, ke := d.grid.key(g.plat, g.plon), d.grid.key(g.qlat, g.qlon)
	d.starts[ks] = append(d.starts[ks], g)
	d.ends[ke] = append(d.ends[ke], g)
	d.alive = append(d.alive, g)
	d.maxDur = max(d.maxDur, g.e-g.s)
	d.added++
	if len(d.cands) > 0 || len(d.held) > 0 {
		d.release(g.e) // the second vessel has reappeared: emit at once
	}
}

// compact forgets, now and then, the gaps that ended too early to overlap
// any gap ending at or after now.
func (d *DarkRendezvousDetector) compact(now int64) {
	if d.added < 1024 || d.added < len(d.alive)/2 {
		return
	}
	d.added = 0
	horizon := now - d.opts.MaxGap.Milliseconds() + d.opts.MinOverlap.Milliseconds()
	kept := d.alive[:0]
	d.maxDur = 0
	for _, g := range d.alive {
		if g.e >= horizon {
			kept = append(kept, g)
			d.maxDur = max(d.maxDur, g.e-g.s)
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

// stayedPut reports whether a gap's vessel reappeared about where it went
// dark.
func (d *DarkRendezvousDetector) stayedPut(g *drGap) bool {
	return geo.Distance(g.plat, g.plon, g.qlat, g.qlon) < d.opts.StayPutM
}

// waiting reports why a gap's vessel was not free to meet anyone: it
// stayed put near a port or anchorage (at its berth, in a queue), or it
// went dark and reappeared close to shore (a canal, a river, a harbour).
func (d *DarkRendezvousDetector) waiting(g *drGap) string {
	if d.places == nil {
		return ""
	}
	if d.places.NearestPort != nil && d.stayedPut(g) {
		if name, _, near := d.places.NearestPort(g.plat, g.plon, d.opts.MinPortM); near {
			return "waiting at " + name
		}
	}
	if d.places.ShoreM != nil {
		lim := d.opts.MinShoreNM * metresPerNM
		if d.places.ShoreM(g.plat, g.plon) < lim && d.places.ShoreM(g.qlat, g.qlon) < lim {
			return "close to shore at both ends"
		}
	}
	return ""
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

func absMs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// judge decides whether two gaps of different vessels could be a
// rendezvous and makes its event.
func (d *DarkRendezvousDetector) judge(g, h *drGap) (c drCand, ok bool) {
	o := &d.opts
	if g.mmsi == h.mmsi || g.outage || h.outage {
		return c, false
	}
	os, oe := max(g.s, h.s), min(g.e, h.e)
	if oe-os < o.MinOverlap.Milliseconds() {
		return c, false
	}
	startM := geo.Distance(g.plat, g.plon, h.plat, h.plon)
	endM := geo.Distance(g.qlat, g.qlon, h.qlat, h.qlon)
	syncStart, syncEnd := absMs(g.s-h.s) <= o.Sync.Milliseconds(), absMs(g.e-h.e) <= o.Sync.Milliseconds()
	if min(startM, endM) > o.NearNM*metresPerNM {
		// Far apart at both ends: only two ships that went dark heading
		// for each other and reappeared heading apart, in step at both
		// ends, are a lead; any two ships dark at once could have met.
		if !syncStart || !syncEnd || !drConverging(g, h) {
			return c, false
		}
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
	if intent == 0 && !syncStart && !syncEnd {
		// Neither gap looks intentional and the two are not in step at
		// either end: nothing but their overlap says they met.
		return c, false
	}
	if d.stayedPut(g) && d.stayedPut(h) && startM > o.StayPutM {
		// Both waited where they were, apart (at anchor, in a queue):
		// to meet, one would have had to leave and come back to its spot.
		return c, false
	}
	if d.waiting(g) != "" || d.waiting(h) != "" {
		return c, false
	}
	a, b := g, h
	if b.mmsi < a.mmsi {
		a, b = b, a
	}
	pl := newDrPlane((a.plat+a.qlat+b.plat+b.qlat)/4, a.plon+deltaLon(b.plon-a.plon)/2)
	pa := drReach(pl, a)
	pb := drReach(pl, b)
	need, mx, my := drNeededKn(&pa, &pb, os, oe, o.MinMeet.Milliseconds())
	if need > o.MaxSpeedKn {
		return c, false
	}
	_, _, closeM := drClosest(&pa, &pb, os, oe)
	if x, y, ok := drCourseMeeting(pl, a, b, o.MaxSpeedKn, oe); ok {
		mx, my = x, y // where both were heading when they went dark
	}
	lat, lon := pl.latLon(mx, my)
	if d.places != nil && d.places.ShoreM != nil && d.places.ShoreM(lat, lon) <= 0 {
		return c, false
	}

	overlap := oe - os
	// Confidence: synchronisation counts most (both went dark and
	// reappeared within Sync of each other: arranged), then darkness
	// (intentional gaps), closeness at one end, the length of the overlap
	// and how easily they could have met.
	sync := 0.0
	if syncStart {
		sync += 0.5
	}
	if syncEnd {
		sync += 0.5
	}
	nearNM := min(startM, endM) / metresPerNM
	near := 1 - ramp(nearNM, o.NearNM/6, o.NearNM)
	darkness := [3]float64{0, 0.5, 1}[intent]
	conf := 0.2 +
		0.25*sync +
		0.25*darkness +
		0.15*near +
		0.1*ramp(float64(overlap), float64(o.MinOverlap.Milliseconds()), 4*float64(o.MinOverlap.Milliseconds())) +
		0.05*ramp(need, o.MaxSpeedKn, o.MaxSpeedKn/3)
	why := [3]string{"neither gap looks intentional but reception was good", "one gap looks intentional", "both gaps look intentional"}[intent]
	syncWhy := [3]string{"not synchronised", "synchronised at one end", "synchronised: dark and back within " + hours(o.Sync.Milliseconds()) + " of each other"}[int(sync*2)]
	var ev []event.Fix
	for _, x := range []*drGap{a, b} {
		for _, f := range x.evidence {
			f.MMSI = x.mmsi
			ev = append(ev, f)
		}
	}
	return drCand{g: g, h: h, score: conf - (startM+endM)/1e9, ev: event.Event{
		Type: event.DarkRendezvous, MMSI: a.mmsi, OtherMMSI: b.mmsi, Segment: a.segment,
		Start: tm(os), End: tm(oe), Lat: lat, Lon: lon,
		Confidence: clamp01(conf),
		Summary: fmt.Sprintf("%d and %d dark together for %s: went dark %.0f nm and %s apart, reappeared %.0f nm and %s apart, a meeting needs %.1f kn (%s; %s)",
			a.mmsi, b.mmsi, hours(overlap), startM/metresPerNM, hours(absMs(g.s-h.s)), endM/metresPerNM, hours(absMs(g.e-h.e)), need, syncWhy, why),
		Details: map[string]float64{
			"overlap_hours":    float64(overlap) / hourMs,
			"start_apart_nm":   math.Round(startM/metresPerNM*10) / 10,
			"end_apart_nm":     math.Round(endM/metresPerNM*10) / 10,
			"start_apart_h":    math.Round(float64(absMs(g.s-h.s))/hourMs*10) / 10,
			"end_apart_h":      math.Round(float64(absMs(g.e-h.e))/hourMs*10) / 10,
			"synchronised":     sync,
			"closest_nm":       math.Round(closeM/metresPerNM*10) / 10,
			"needed_kn":        math.Round(need*10) / 10,
			"intentional_gaps": float64(intent),
			"other_segment":    float64(b.segN),
		},
		Evidence: ev,
	}}, true
}

// drClosing is the speed (knots) at which two vessels close on each
// other, negative when they draw apart.
func drClosing(alat, alon, asog, acog, blat, blon, bsog, bcog float64) float64 {
	brg := geo.Bearing(alat, alon, blat, blon) * math.Pi / 180
	ux, uy := math.Sin(brg), math.Cos(brg)
	ax, ay := asog*math.Sin(acog*math.Pi/180), asog*math.Cos(acog*math.Pi/180)
	bx, by := bsog*math.Sin(bcog*math.Pi/180), bsog*math.Cos(bcog*math.Pi/180)
	return (ax-bx)*ux + (ay-by)*uy
}

// drConverging reports whether two vessels went dark closing on each
// other (at least half their summed speed) and reappeared not closing:
// converging on a meeting, then parting. Unknown speeds or courses are
// not evidence.
func drConverging(g, h *drGap) bool {
	closing := drClosing
	for _, v := range []float64{g.psog, g.pcog, g.qsog, g.qcog, h.psog, h.pcog, h.qsog, h.qcog} {
		if math.IsNaN(v) {
			return false
		}
	}
	in := closing(g.plat, g.plon, g.psog, g.pcog, h.plat, h.plon, h.psog, h.pcog)
	out := closing(g.qlat, g.qlon, g.qsog, g.qcog, h.qlat, h.qlon, h.qsog, h.qcog)
	return g.psog+h.psog > 1 && in >= (g.psog+h.psog)/2 && out <= 0
}

// drCourseMeeting is where the courses two vessels were on when they went
// dark cross, ahead of both, if both could have reached it by the end of
// their common darkness: the likeliest meeting point of two ships that
// converged, better than the point needing the least speed.
func drCourseMeeting(pl drPlane, a, b *drGap, maxKn float64, oe int64) (x, y float64, ok bool) {
	for _, v := range []float64{a.psog, a.pcog, b.psog, b.pcog} {
		if math.IsNaN(v) {
			return 0, 0, false
		}
	}
	if a.psog < 1 || b.psog < 1 {
		return 0, 0, false
	}
	if drClosing(a.plat, a.plon, a.psog, a.pcog, b.plat, b.plon, b.psog, b.pcog) < (a.psog+b.psog)/2 {
		return 0, 0, false // not heading for each other: their courses say nothing of where they met
	}
	ax, ay := pl.xy(a.plat, a.plon)
	bx, by := pl.xy(b.plat, b.plon)
	ux, uy := math.Sin(a.pcog*math.Pi/180), math.Cos(a.pcog*math.Pi/180)
	vx, vy := math.Sin(b.pcog*math.Pi/180), math.Cos(b.pcog*math.Pi/180)
	reach := func(g *drGap, d float64) bool { return d <= maxKn*metresPerNM*float64(oe-g.s)/hourMs }
	dx, dy := bx-ax, by-ay
	den := ux*(-vy) - uy*(-vx) // sine of the angle between the courses
	if math.Abs(den) > 0.34 {
		// Courses at 20 degrees or more: where they cross, a + s u = b + t v.
		sa := (dx*(-vy) - dy*(-vx)) / den
		tb := (ux*dy - uy*dx) / den
		if sa <= 0 || tb <= 0 || !reach(a, sa) || !reach(b, tb) {
			return 0, 0, false
		}
		return ax + sa*ux, ay + sa*uy, true
	}
	// Nearly head-on (or parallel): their closest point of approach, each
	// sailing on at its speed.
	wx, wy := b.psog*vx-a.psog*ux, b.psog*vy-a.psog*uy
	ww := wx*wx + wy*wy
	if ww == 0 {
		return 0, 0, false
	}
	t := -(dx*wx + dy*wy) / ww // in the unit of distance per knot
	if t <= 0 {
		return 0, 0, false // moving apart
	}
	if !reach(a, a.psog*t) || !reach(b, b.psog*t) {
		return 0, 0, false
	}
	return (ax + a.psog*t*ux + bx + b.psog*t*vx) / 2, (ay + a.psog*t*uy + by + b.psog*t*vy) / 2, true
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
// from where they went dark and reaching where they reappeared, and that
// point: where they most likely met. For each of 25 meeting times it tries
// 11 points on the line between the two places where each vessel, sailing
// straight at its slowest sufficient speed, would wait, and a 9 x 9
// lattice over the four places where they went dark and reappeared (two
// ships that converged and parted met off their straight paths); the true
// least speed is at most this.
func drNeededKn(a, b *drPath, os, oe, meet int64) (kn, x, y float64) {
	meet = min(meet, oe-os)
	span := oe - os - meet
	best := math.Inf(1)
	minX, maxX := min(a.px, a.qx, b.px, b.qx), max(a.px, a.qx, b.px, b.qx)
	minY, maxY := min(a.py, a.qy, b.py, b.qy), max(a.py, a.qy, b.py, b.qy)
	const steps, pts, lattice = 24, 10, 8
	try := func(px, py float64, tau int64) {
		v := max(drLegSpeed(a, px, py, tau, meet), drLegSpeed(b, px, py, tau, meet))
		if v < best {
			best, x, y = v, px, py
		}
	}
	for k := 0; k <= steps; k++ {
		tau := os + span*int64(k)/steps
		ax, ay := drWaitPoint(a, tau, meet)
		bx, by := drWaitPoint(b, tau, meet)
		for j := 0; j <= pts; j++ {
			f := float64(j) / pts
			try(ax+f*(bx-ax), ay+f*(by-ay), tau)
		}
		for i := 0; i <= lattice; i++ {
			for j := 0; j <= lattice; j++ {
				try(minX+(maxX-minX)*float64(i)/lattice, minY+(maxY-minY)*float64(j)/lattice, tau)
			}
		}
	}
	return best * drKnPerMPerMs, x, y
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
