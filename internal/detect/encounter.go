package detect

import (
	"fmt"
	"math"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// EncounterOptions configures encounter detection: two vessels close and
// slow together at sea, both transmitting, as a ship-to-ship transfer
// candidate. The defaults are Global Fishing Watch's encounters
// (GlobalFishingWatch/encounters_pipeline: within 0.5 km for >= 120 min,
// median speed < 2 kn, >= 10 km from a port or anchorage, raw encounters of
// one pair less than 4 h apart merged).
//
// Skylight's stricter "standard rendezvous" (within 250 m for more than 30
// minutes) is MaxDistanceM: 250, MinDuration: 30 min, which
// SkylightRendezvous returns; the other thresholds keep their defaults.
type EncounterOptions struct {
	// MaxDistanceM is how close two vessels must be to count as together.
	// Default 500 m (GFW; Skylight's standard rendezvous: 250 m).
	MaxDistanceM float64
	// MinDuration is how long a pair must be together, summed over the
	// episodes merged into one encounter. Default 2 h (GFW; Skylight's
	// standard rendezvous: 30 min). GFW drops each raw run shorter than
	// this before merging; picket sums them, so that an encounter cut in
	// two by a reception gap still counts.
	MinDuration time.Duration
	// MaxSpeedKn bounds the time-weighted median speed of the two vessels
	// while together: their reported speed over ground, or the speed their
	// positions imply when they report none. Default 2 kn (GFW, which uses
	// implied speeds).
	MaxSpeedKn float64
	// MinPortM is how far from the nearest port or anchorage an encounter
	// must be, metres: fixes nearer are not considered, nor is an encounter
	// whose mean position is nearer. Default 10 km (GFW). Ports are looked
	// up within 20 km, so larger values act as 20 km.
	MinPortM float64
	// MergeGap merges episodes of the same pair less than this apart into
	// one encounter. Default 4 h (GFW's min_hours_between_encounters).
	MergeGap time.Duration
	// MaxFixSpeedKn is the fastest a fix may be and still take part: a
	// faster fix takes its vessel out of the index and ends its episodes.
	// Most traffic is faster and leaves the detector after this test.
	// Default 2 × MaxSpeedKn (4 kn): pair trawlers towing at 3-4 kn stay in
	// and are then rejected by their median speed, as GFW rejects them.
	MaxFixSpeedKn float64
	// MaxGap is the longest silence of either vessel across which its
	// position is interpolated, and the longest a pair may go without a
	// measurement and stay in one episode. Default 3 h. GFW interpolates its
	// 10-minute grid across at most 1 h; picket interpolates further so
	// that satellite-only tracks (one fix every 1-2 h) are measured, and
	// counts how dense the evidence was in the confidence.
	MaxGap time.Duration
	// MinSamples is the least number of measurements of the pair's
	// distance an encounter needs. Default 3.
	MinSamples int
	// CellM is the size of the spatial index's cells, metres. Default
	// 2 × MaxDistanceM (1 km).
	CellM float64
	// KeepOnLand keeps encounters whose mean position the shore model puts
	// on land (rivers, canals, harbours inside the coastline), which GFW
	// drops. Default false.
	KeepOnLand bool
	// PleasureShoreM: pleasure craft and sailing boats (ship type 36, 37)
	// within this of the shore are taken to be moored in a marina or at a
	// mooring field, where they lie side by side for days, and take no
	// part. Default 3 km: marinas are on the coast, and most are too
	// small for the port list. AtoNs, base stations, SAR aircraft and
	// fishing gear never take part (identity.ClassifyTransmitter).
	PleasureShoreM float64
}

// SkylightRendezvous returns options for Skylight's "standard rendezvous":
// two vessels within 250 m for more than 30 minutes.
func SkylightRendezvous() EncounterOptions {
	return EncounterOptions{MaxDistanceM: 250, MinDuration: 30 * time.Minute}
}

func (o *EncounterOptions) defaults() {
	if o.MaxDistanceM <= 0 {
		o.MaxDistanceM = 500
	}
	if o.MinDuration <= 0 {
		o.MinDuration = time.Duration(2*hourMs) * time.Millisecond
	}
	if o.MaxSpeedKn <= 0 {
		o.MaxSpeedKn = 2
	}
	if o.MinPortM <= 0 {
		o.MinPortM = 10_000
	}
	if o.MergeGap <= 0 {
		o.MergeGap = time.Duration(4*hourMs) * time.Millisecond
	}
	if o.MaxFixSpeedKn <= 0 {
		o.MaxFixSpeedKn = 2 * o.MaxSpeedKn
	}
	if o.MaxGap <= 0 {
		o.MaxGap = time.Duration(3*hourMs) * time.Millisecond
	}
	if o.MinSamples <= 0 {
		o.MinSamples = 3
	}
	if o.CellM <= 0 {
		o.CellM = 2 * o.MaxDistanceM
	}
	if o.PleasureShoreM <= 0 {
		o.PleasureShoreM = 3000
	}
}

// How the encounter detector works.
//
// Only slow fixes at sea enter: a fix faster than MaxFixSpeedKn, or one
// nearer a port than MinPortM, removes its vessel (segment) from the index
// and returns. A slow vessel keeps its last two slow fixes, nothing more,
// and sits in a grid hash of CellM cells.
//
// A pair's distance is measured at the time of one vessel's real fix, with
// the other vessel's position interpolated between its two fixes that
// bracket that time: when vessel A reports at t after reporting at p, every
// partner B whose last fix falls in [p, t] is measured at B's fix time.
// When the two report alternately (always so when one is heard sparsely),
// every fix of each is a measurement, both move in straight lines between
// measurements, and their distance, convex in time, is within MaxDistanceM
// all along if it is at both ends: Global Fishing Watch's 10-minute
// resampling sees no more, and two vessels both heard only every 90
// minutes by satellite are measured every 45. When one reports several
// times between two fixes of the other, its last fix before the other's
// is the one measured. Consecutive measurements
// within MaxDistanceM and at most MaxGap apart make an episode; episodes
// of a pair less than MergeGap apart make one encounter, judged (time
// together, median distance and speed, port and land) and emitted final
// when the pair has stayed apart for MergeGap, and in Finish. In an
// engine that emits open episodes, an encounter that has lasted
// MinDuration is also judged every encCheckMs of data time on what it
// holds so far and emitted as it stands (emission.go).
//
// Pairs are found through the grid and then followed through the partner
// lists of the two vessels. A sweep every sweepMs of data time drops
// vessels not heard for MaxGap and closes what they left open, so that
// memory holds only slow vessels heard lately and pairs that were close.

// sweepMs is how often, in data time, stale vessels and pairs are swept.
const sweepMs = 10 * minuteMs

// encBins is the resolution of the median histograms.
const encBins = 64

// encFix is a slow fix kept for interpolation.
type encFix struct {
	t        int64
	lat, lon float64
	kn       float64
}

// encVessel is one slow segment in the index.
type encVessel struct {
	key        segKey
	prev, last encFix
	hasPrev    bool
	cell       uint64
	slot       int // index in its grid cell, -1 when in none
	pairs      []*encPair
	stamp      uint64    // the fix that last visited it
	rt         *encRoute // the router's, when split by cell (encountersplit.go)
}

// encPairKey names a pair of segments, the lower MMSI first.
type encPairKey struct{ a, b segKey }

// encPair is two segments that have been within MaxDistanceM, with the
// encounter they are building.
type encPair struct {
	key        encPairKey
	va, vb     *encVessel // nil once detached
	lastSample int64
	epOpen     bool  // an episode is running
	epLast     int64 // its last measurement within range
	hasAcc     bool  // an encounter is being built
	checkAt    int64 // when the encounter being built is next judged while it goes on
	prog       progress
	acc        encAcc
}

// encAcc accumulates the episodes of one encounter.
type encAcc struct {
	start, end int64 // first and last measurement within range
	togetherMs int64
	n          int
	sumLat     float64
	sumLon     float64 // relative to refLon, so the antimeridian does no harm
	refLon     float64
	dist       [encBins]uint32 // time-weighted: seconds in each bin
	speed      [encBins]uint32
	// first and last are the evidence: each vessel's fix nearest the
	// first and the last measurement (a and b as in the pair's key).
	first, last [2]encFix
}

// EncounterDetector finds two vessels close and slow together at sea.
type EncounterDetector struct {
	opts    EncounterOptions
	emit    emitFunc
	opens   bool // emit encounters while they go on
	places  *Places
	vessels map[uint64]*encVessel // by vesselKey
	// maybe has a bit set for every MMSI hash with a vessel in the index
	// (and some without, until the next sweep): most fixes are fast, and
	// a bit test spares them a map lookup (the lookup was a fifth of the
	// detector's time analysing a simulated 4.6M-line feed).
	maybe   [1 << 10]uint64
	pairs   map[encPairKey]*encPair
	grid    cellGrid
	cells   map[uint64][]*encVessel
	stamp   uint64
	sweepAt int64
	// split, when set, makes this detector the router of an encounter
	// detector split by cell (encountersplit.go): it keeps the index and
	// finds neighbours, and its owners keep and judge the pairs.
	split *encSplit
}

// NewEncounterDetector returns an encounter detector that emits each
// encounter once, when it has ended.
func NewEncounterDetector(opts EncounterOptions, emit Emitter) *EncounterDetector {
	return newEncounterDetector(opts, finalOnly(emit), false)
}

// newEncounterDetector returns an encounter detector; with opens, it
// emits an encounter as soon as it qualifies and again as it grows.
func newEncounterDetector(opts EncounterOptions, emit emitFunc, opens bool) *EncounterDetector {
	opts.defaults()
	return &EncounterDetector{
		opts:    opts,
		emit:    emit,
		opens:   opens,
		vessels: make(map[uint64]*encVessel),
		pairs:   make(map[encPairKey]*encPair),
		grid:    newCellGrid(opts.CellM),
		cells:   make(map[uint64][]*encVessel),
	}
}

func (d *EncounterDetector) Position(o *Obs) {
	f := &o.Fix
	if f.Time >= d.sweepAt {
		d.sweep(f.Time)
	}
	kn := float64(f.SOG)
	if nan32(f.SOG) {
		kn = math.Inf(1)
		if o.HasPrev && f.Time > o.Prev.Time {
			kn = geo.Distance(o.Prev.Lat, o.Prev.Lon, f.Lat, f.Lon) / metresPerNM / (float64(f.Time-o.Prev.Time) / hourMs)
		}
	}
	k := segKey{o.Vessel.MMSI, o.Segment.N}
	if kn > d.opts.MaxFixSpeedKn {
		if d.mayHave(k.mmsi) {
			if v := d.vessels[vesselKey(k)]; v != nil {
				d.remove(v, true)
			}
		}
		return
	}
	if d.places == nil {
		d.places = o.places
	}
	v := d.vessels[vesselKey(k)]
	if o.PortM() < d.opts.MinPortM || o.notShip() || o.mooredPleasure(d.opts.PleasureShoreM) {
		if v != nil {
			d.remove(v, true)
		}
		return
	}
	fx := encFix{t: f.Time, lat: f.Lat, lon: f.Lon, kn: kn}
	if v == nil {
		v = &encVessel{key: k, last: fx, slot: -1}
		d.vessels[vesselKey(k)] = v
		d.mark(k.mmsi)
		d.place(v)
		if d.split != nil {
			d.split.entered(v)
		}
	} else {
		if f.Time <= v.last.t {
			return // out of order or a repeat: interpolation needs time to move on
		}
		v.prev, v.hasPrev = v.last, f.Time-v.last.t <= d.opts.MaxGap.Milliseconds()
		v.last = fx
		d.place(v)
	}
	if d.split != nil {
		d.split.route(d, v)
		return
	}
	d.measure(v)
}

// measure takes the distance from v, whose last fix is new, to every
// partner and every neighbour whose last fix lies between v's two fixes.
func (d *EncounterDetector) measure(v *encVessel) {
	d.measurePartners(v)
	d.neighbours(v, func(w *encVessel, lat, lon, kn, dist float64) {
		d.sample(d.pair(v, w), v, w, lat, lon, kn, dist)
	})
}

// measurePartners stamps v and its partners and measures v against each
// partner whose last fix lies between v's two fixes.
func (d *EncounterDetector) measurePartners(v *encVessel) {
	d.stamp++
	v.stamp = d.stamp
	from := v.from()
	kx := math.Cos(v.last.lat * math.Pi / 180)
	for _, p := range v.pairs {
		w := p.other(v)
		w.stamp = d.stamp
		if t := w.last.t; t >= from && t <= v.last.t && t > p.lastSample {
			lat, lon, kn := v.at(t)
			d.sample(p, v, w, lat, lon, kn, flatDist(kx, lat, lon, w.last.lat, w.last.lon))
		}
	}
}

// from is the earliest time v's new fix measures partners at.
func (v *encVessel) from() int64 {
	if v.hasPrev {
		return v.prev.t
	}
	return v.last.t
}

// neighbours calls f with every vessel in the grid, not stamped (not a
// partner of v) and of another MMSI, whose last fix lies between v's two
// fixes and within MaxDistanceM of v's position then (lat, lon, at kn,
// dist away): any vessel whose last fix is within MaxDistanceM of v's
// path since its previous fix.
func (d *EncounterDetector) neighbours(v *encVessel, f func(w *encVessel, lat, lon, kn, dist float64)) {
	from := v.from()
	kx := math.Cos(v.last.lat * math.Pi / 180)
	lat0, lat1, lon0, lon1 := v.last.lat, v.last.lat, v.last.lon, v.last.lon
	if v.hasPrev {
		lat0, lat1 = math.Min(lat0, v.prev.lat), math.Max(lat1, v.prev.lat)
		lon0, lon1 = v.prev.lon, v.last.lon
		if dl := deltaLon(lon1 - lon0); dl < 0 {
			lon0, lon1 = v.last.lon, v.last.lon-dl
		} else {
			lon1 = lon0 + dl
		}
	}
	d.grid.visit(lat0, lat1, lon0, lon1, d.opts.MaxDistanceM, func(cell uint64) {
		for _, w := range d.cells[cell] {
			if w.stamp == d.stamp || w.key.mmsi == v.key.mmsi {
				continue
			}
			w.stamp = d.stamp
			t := w.last.t
			if t < from || t > v.last.t {
				continue
			}
			lat, lon, kn := v.at(t)
			dist := flatDist(kx, lat, lon, w.last.lat, w.last.lon)
			if dist > d.opts.MaxDistanceM {
				continue
			}
			f(w, lat, lon, kn, dist)
		}
	})
}

// fixes are the real fixes of the pair's two vessels now, a first: v's
// newest and w's, the one measured against.
func (p *encPair) fixes(v, w *encVessel) [2]encFix {
	if v.key == p.key.a {
		return [2]encFix{v.last, w.last}
	}
	return [2]encFix{w.last, v.last}
}

// pair returns the pair of v and w, attached to both.
func (d *EncounterDetector) pair(v, w *encVessel) *encPair {
	a, b := v, w
	if b.key.mmsi < a.key.mmsi {
		a, b = b, a
	}
	k := encPairKey{a.key, b.key}
	p := d.pairs[k]
	if p == nil {
		p = &encPair{key: k, lastSample: math.MinInt64}
		d.pairs[k] = p
	}
	if p.va != a {
		p.va = a
		a.pairs = append(a.pairs, p)
	}
	if p.vb != b {
		p.vb = b
		b.pairs = append(b.pairs, p)
	}
	return p
}

func (p *encPair) other(v *encVessel) *encVessel {
	if p.va == v {
		return p.vb
	}
	return p.va
}

// at returns v's position and speed at time t, interpolated between its
// last two fixes.
func (v *encVessel) at(t int64) (lat, lon, kn float64) {
	if !v.hasPrev || t >= v.last.t || v.last.t == v.prev.t {
		return v.last.lat, v.last.lon, v.last.kn
	}
	if t <= v.prev.t {
		return v.prev.lat, v.prev.lon, v.prev.kn
	}
	x := float64(t-v.prev.t) / float64(v.last.t-v.prev.t)
	lat = v.prev.lat + x*(v.last.lat-v.prev.lat)
	lon = geo.NormalizeLon(v.prev.lon + x*deltaLon(v.last.lon-v.prev.lon))
	kn = v.prev.kn + x*(v.last.kn-v.prev.kn)
	return lat, lon, kn
}

// sample records the distance dist of pair p at w's last fix, when the
// other vessel was at lat, lon at kn.
func (d *EncounterDetector) sample(p *encPair, v, w *encVessel, lat, lon, kn, dist float64) {
	s := w.last.t
	p.lastSample = s
	if dist > d.opts.MaxDistanceM {
		p.epOpen = false
		return
	}
	if p.epOpen && s-p.epLast > d.opts.MaxGap.Milliseconds() {
		p.epOpen = false
	}
	a := &p.acc
	weight := int64(1000)
	if p.epOpen {
		weight = max(s-p.epLast, 1000)
		a.togetherMs += s - p.epLast
	} else {
		if p.hasAcc && s-a.end >= d.opts.MergeGap.Milliseconds() {
			d.flush(p)
		}
		if !p.hasAcc {
			p.hasAcc = true
			*a = encAcc{start: s, refLon: w.last.lon}
			a.first = p.fixes(v, w)
		}
		p.epOpen = true
	}
	a.last = p.fixes(v, w)
	p.epLast = s
	a.end = s
	a.n++
	mlat := (lat + w.last.lat) / 2
	mlon := w.last.lon + deltaLon(lon-w.last.lon)/2
	a.sumLat += mlat
	a.sumLon += deltaLon(mlon - a.refLon)
	sec := uint32(min(weight/1000, math.MaxUint32/4))
	a.dist[histBin(dist, d.opts.MaxDistanceM)] += sec
	a.speed[histBin((kn+w.last.kn)/2, d.opts.MaxFixSpeedKn)] += sec
	if d.opens && s >= p.checkAt && a.togetherMs >= d.opts.MinDuration.Milliseconds() && a.n >= d.opts.MinSamples {
		// Every encCheckMs of data time is soon enough for an alert; the
		// port and shore look-ups and the event are made only when one
		// is due.
		p.checkAt = s + encCheckMs
		if kn := histMedian(&a.speed, d.opts.MaxFixSpeedKn); kn < d.opts.MaxSpeedKn {
			if conf := d.confidence(a, kn); p.prog.due(a.end, conf) {
				if ev, why := d.judge(p); why == "" {
					p.prog.mark(a.end, ev.Confidence)
					d.emit(ev, open)
				}
			}
		}
	}
}

// encCheckMs is how often, in data time, an encounter that has lasted
// MinDuration is judged while it goes on.
const encCheckMs = 10 * minuteMs

// histBin maps v in [0, top] to a histogram bin.
func histBin(v, top float64) int {
	i := int(v / top * encBins)
	return max(0, min(encBins-1, i))
}

// histMedian returns the weighted median of a histogram over [0, top].
func histMedian(h *[encBins]uint32, top float64) float64 {
	var total uint64
	for _, c := range h {
		total += uint64(c)
	}
	if total == 0 {
		return 0
	}
	half := float64(total) / 2
	var cum float64
	for i, c := range h {
		if c == 0 {
			continue
		}
		if cum+float64(c) >= half {
			return (float64(i) + (half-cum)/float64(c)) * top / encBins
		}
		cum += float64(c)
	}
	return top
}

// remove takes v out of the index. ending closes the episodes of its pairs
// (the vessel sped up or entered port); a vessel gone silent leaves them
// to MaxGap.
func (d *EncounterDetector) remove(v *encVessel, ending bool) {
	if d.split != nil {
		d.split.removed(v, ending)
	}
	for _, p := range v.pairs {
		if ending {
			p.epOpen = false
		}
		w := p.other(v)
		p.va, p.vb = nil, nil
		if w != nil {
			w.dropPair(p)
		}
	}
	v.pairs = nil
	d.unplace(v)
	delete(d.vessels, vesselKey(v.key))
}

func vesselKey(k segKey) uint64 { return uint64(k.mmsi)<<32 | uint64(uint32(k.n)) }

func maybeBit(mmsi uint32) uint32 { return (mmsi * 0x9E3779B1) >> 16 }

func (d *EncounterDetector) mark(mmsi uint32) {
	b := maybeBit(mmsi)
	d.maybe[b>>6] |= 1 << (b & 63)
}

func (d *EncounterDetector) mayHave(mmsi uint32) bool {
	b := maybeBit(mmsi)
	return d.maybe[b>>6]&(1<<(b&63)) != 0
}

func (v *encVessel) dropPair(p *encPair) {
	for i, q := range v.pairs {
		if q == p {
			last := len(v.pairs) - 1
			v.pairs[i] = v.pairs[last]
			v.pairs[last] = nil
			v.pairs = v.pairs[:last]
			return
		}
	}
}

// place puts v in the grid cell of its last fix.
func (d *EncounterDetector) place(v *encVessel) {
	c := d.grid.key(v.last.lat, v.last.lon)
	if v.slot >= 0 {
		if c == v.cell {
			return
		}
		d.unplace(v)
	}
	v.cell = c
	v.slot = len(d.cells[c])
	d.cells[c] = append(d.cells[c], v)
}

// unplace takes v out of its grid cell.
func (d *EncounterDetector) unplace(v *encVessel) {
	if v.slot < 0 {
		return
	}
	vs := d.cells[v.cell]
	last := len(vs) - 1
	vs[v.slot] = vs[last]
	vs[v.slot].slot = v.slot
	vs[last] = nil
	if last == 0 {
		delete(d.cells, v.cell)
	} else {
		d.cells[v.cell] = vs[:last]
	}
	v.slot = -1
}

// sweep drops vessels not heard for MaxGap and settles the pairs whose
// time has come.
func (d *EncounterDetector) sweep(now int64) {
	d.sweepAt = now + sweepMs
	if d.split != nil {
		d.split.sweep(now)
	}
	clear(d.maybe[:])
	for _, v := range d.vessels {
		if now-v.last.t > d.opts.MaxGap.Milliseconds() {
			d.remove(v, false)
		} else {
			d.mark(v.key.mmsi)
		}
	}
	for k, p := range d.pairs {
		if p.epOpen && now-p.epLast > d.opts.MaxGap.Milliseconds() {
			p.epOpen = false
		}
		if !p.epOpen && p.hasAcc && now-p.acc.end >= d.opts.MergeGap.Milliseconds() {
			d.flush(p)
		}
		if !p.epOpen && !p.hasAcc {
			d.drop(k, p)
		}
	}
}

// drop forgets a pair.
func (d *EncounterDetector) drop(k encPairKey, p *encPair) {
	if p.va != nil {
		p.va.dropPair(p)
	}
	if p.vb != nil {
		p.vb.dropPair(p)
	}
	delete(d.pairs, k)
}

// flush judges the encounter p has built and emits it if it is one; one
// emitted while it went on and that fails is withdrawn.
func (d *EncounterDetector) flush(p *encPair) {
	p.hasAcc = false
	sent := p.prog.sent
	p.prog, p.checkAt = progress{}, 0
	ev, why := d.judge(p)
	switch {
	case why == "":
		d.emit(ev, final)
	case sent:
		ev.Confidence = 0
		ev.Summary = fmt.Sprintf("withdrawn: %d and %d are not an encounter after all: %s", ev.MMSI, ev.OtherMMSI, why)
		ev.Details = nil
		d.emit(ev, withdrawn)
	}
}

// judge measures the encounter p has built so far. why is empty when it is
// one, and otherwise says why not; ev is then filled only as far as the
// test that failed (vessels, times, position).
func (d *EncounterDetector) judge(p *encPair) (ev event.Event, why string) {
	a := &p.acc
	o := &d.opts
	k := p.key
	ev = event.Event{
		Type: event.Encounter, MMSI: k.a.mmsi, OtherMMSI: k.b.mmsi, Segment: segName(k.a.mmsi, k.a.n),
		Start: tm(a.start), End: tm(a.end),
		Evidence: []event.Fix{encEvidence(a.first[0], k.a.mmsi, event.First), encEvidence(a.first[1], k.b.mmsi, event.First),
			encEvidence(a.last[0], k.a.mmsi, event.Last), encEvidence(a.last[1], k.b.mmsi, event.Last)},
	}
	if a.n > 0 {
		ev.Lat = a.sumLat / float64(a.n)
		ev.Lon = geo.NormalizeLon(a.refLon + a.sumLon/float64(a.n))
	}
	if a.togetherMs < o.MinDuration.Milliseconds() || a.n < o.MinSamples {
		return ev, "too short"
	}
	kn := histMedian(&a.speed, o.MaxFixSpeedKn)
	if kn >= o.MaxSpeedKn {
		return ev, fmt.Sprintf("median speed %.1f kn", kn)
	}
	lat, lon := ev.Lat, ev.Lon
	shore := math.Inf(1)
	if d.places != nil {
		if d.places.NearestPort != nil {
			if port, _, near := d.places.NearestPort(lat, lon, o.MinPortM); near {
				return ev, "near " + port
			}
		}
		shore = d.places.shoreAt(lat, lon)
		if shore <= 0 && !o.KeepOnLand {
			return ev, "on land"
		}
	}
	dist := histMedian(&a.dist, o.MaxDistanceM)
	span := a.end - a.start
	together := float64(a.togetherMs) / hourMs
	density := encDensity(a)
	conf := d.confidence(a, kn)
	where := ""
	details := map[string]float64{
		"hours": float64(span) / hourMs, "together_hours": together,
		"median_distance_m": math.Round(dist), "median_speed_kn": math.Round(kn*10) / 10,
		"samples": float64(a.n), "density": math.Round(density*100) / 100,
		"other_segment": float64(p.key.b.n),
	}
	if !math.IsInf(shore, 1) {
		where = fmt.Sprintf(", %.0f nm offshore", shore/metresPerNM)
		details["shore_nm"] = math.Round(shore/metresPerNM*10) / 10
	}
	ev.Confidence = conf
	ev.Summary = fmt.Sprintf("%d and %d within %.0f m at %.1f kn for %s%s",
		k.a.mmsi, k.b.mmsi, dist, kn, hours(span), where)
	ev.Details = details
	return ev, ""
}

// encDensity is how densely an encounter was measured: one measurement
// per 10 minutes together, GFW's grid, is 1.
func encDensity(a *encAcc) float64 {
	return clamp01(float64(a.n) / (float64(a.togetherMs) / hourMs * 6))
}

// confidence of an encounter whose median speed is kn: a pair that barely
// passes every test scores 0.35; time together, closeness, slowness and
// dense evidence each add to it.
func (d *EncounterDetector) confidence(a *encAcc, kn float64) float64 {
	o := &d.opts
	dist := histMedian(&a.dist, o.MaxDistanceM)
	return clamp01(0.35 +
		0.2*ramp(float64(a.togetherMs), float64(o.MinDuration.Milliseconds()), 4*float64(o.MinDuration.Milliseconds())) +
		0.15*ramp(dist, o.MaxDistanceM, 0.2*o.MaxDistanceM) +
		0.1*ramp(kn, o.MaxSpeedKn, 0.25*o.MaxSpeedKn) +
		0.2*encDensity(a))
}

func (d *EncounterDetector) Static(*StaticObs) {}

func (d *EncounterDetector) Finish(now int64) {
	for k, p := range d.pairs {
		p.epOpen = false
		if p.hasAcc {
			d.flush(p)
		}
		d.drop(k, p)
	}
	for _, v := range d.vessels {
		d.remove(v, false)
	}
}

// deltaLon maps a longitude difference to [-180, 180).
func deltaLon(d float64) float64 {
	if d >= -180 && d < 180 {
		return d
	}
	return geo.NormalizeLon(d)
}

// flatDist is the equirectangular distance in metres, with kx the cosine
// of a latitude near both points: within 0.1% of the great circle at the
// few kilometres the detector compares.
func flatDist(kx, lat1, lon1, lat2, lon2 float64) float64 {
	const r = geo.EarthRadius * math.Pi / 180
	y := (lat2 - lat1) * r
	x := deltaLon(lon2-lon1) * r * kx
	return math.Sqrt(x*x + y*y)
}

// cellGrid cuts the globe into cells about size metres across: rows of
// equal latitude height, each cut into as many columns as its length
// allows, so that a cell is about as wide as high at every latitude. The
// rows' column counts are computed once (20,000 rows for 1 km cells).
type cellGrid struct {
	rowDeg float64
	ncols  []int32
	// spread is 1/cos of the latitude of the row's edge nearest a pole,
	// where a metre is the most degrees of longitude.
	spread []float32
}

func newCellGrid(sizeM float64) cellGrid {
	g := cellGrid{rowDeg: sizeM / (geo.EarthRadius * math.Pi / 180)}
	rows := int(math.Ceil(180/g.rowDeg)) + 1
	g.ncols = make([]int32, rows)
	g.spread = make([]float32, rows)
	for r := range rows {
		lat := -90 + (float64(r)+0.5)*g.rowDeg
		g.ncols[r] = max(1, int32(360*math.Cos(lat*math.Pi/180)/g.rowDeg))
		edge := math.Max(math.Abs(-90+float64(r)*g.rowDeg), math.Abs(-90+float64(r+1)*g.rowDeg))
		g.spread[r] = float32(1 / math.Cos(math.Min(edge, 89.9)*math.Pi/180))
	}
	return g
}

func (g cellGrid) row(lat float64) int32 {
	r := int32(math.Floor((lat + 90) / g.rowDeg))
	return max(0, min(int32(len(g.ncols)-1), r))
}

func (g cellGrid) col(lon float64, row int32) int32 {
	n := g.ncols[row]
	c := int32(math.Floor((lon + 180) / 360 * float64(n)))
	c %= n
	if c < 0 {
		c += n
	}
	return c
}

func cellKey(row, col int32) uint64 { return uint64(uint32(row))<<32 | uint64(uint32(col)) }

// key returns the cell of a position.
func (g cellGrid) key(lat, lon float64) uint64 {
	r := g.row(lat)
	return cellKey(r, g.col(lon, r))
}

// visit calls f for every cell that may hold a point within marginM of the
// box [lat0, lat1] × [lon0, lon1] (lon1 may exceed 180 for a box across
// the antimeridian).
func (g cellGrid) visit(lat0, lat1, lon0, lon1, marginM float64, f func(cell uint64)) {
	mlat := marginM / (geo.EarthRadius * math.Pi / 180)
	r0 := g.row(lat0 - mlat)
	r1 := g.row(lat1 + mlat)
	for r := r0; r <= r1; r++ {
		n := g.ncols[r]
		w := 360 / float64(n)
		mlon := mlat * float64(g.spread[r])
		c0 := int32(math.Floor((lon0 - mlon + 180) / w))
		c1 := int32(math.Floor((lon1 + mlon + 180) / w))
		if c1-c0+1 >= n {
			c0, c1 = 0, n-1
		}
		for c := c0; c <= c1; c++ {
			cc := c % n
			if cc < 0 {
				cc += n
			}
			f(cellKey(r, cc))
		}
	}
}

// encEvidence is one vessel's fix as an encounter's evidence.
func encEvidence(f encFix, mmsi uint32, role string) event.Fix {
	e := event.Fix{Time: tm(f.t), Lat: f.lat, Lon: f.lon, MMSI: mmsi, Role: role}
	if !math.IsNaN(f.kn) {
		e.SOG = event.Ptr(math.Round(f.kn*10) / 10)
	}
	return e
}
