package detect

import (
	"fmt"
	"maps"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/track"
)

// SpoofingOptions configures spoofed-position detection. The tracker has
// already split an MMSI into segments where a fix would need more than its
// MaxSpeedKn (50 kn, AISdb) to join, set aside corrupted coordinates
// (glitches) and re-delivered old positions; this detector reads how the
// segments behave afterwards:
//
//   - impossible_speed: one transmitter whose reported position jumped and
//     stayed: a track of StayFixes fixes, a jump of MinJumpM or more, then
//     StayFixes fixes over Stay from the new place while the old track
//     is silent.
//     It is alerted then, re-sent as more fixes confirm it, and final once
//     Settle passed without the old track coming back alongside.
//   - shared_mmsi: several transmitters at once: reports that hop between
//     places MinJumpM or more apart SharedSwitches times, each hop within
//     Settle of the last, coming back to at least two of those places
//     (A B A B): each is then a transmitter heard again, not a stray or
//     stale fix. A jump on such an MMSI is one of its transmitters.
//
// A jump after more than MaxSilence without a fix is not judged: the
// transmitter heard after a long silence far away is as likely another
// one (placeholder MMSIs such as 1193046) as the same one moved.
type SpoofingOptions struct {
	// MinJumpM ignores jumps shorter than this: satellite clock jumps and
	// GPS glitches make short impossible hops. Default 20 km.
	MinJumpM float64
	// SharedSwitches is how many hops between far-apart places (one of
	// them back to a place heard before) make several transmitters.
	// Default 3 (A B A B, or A B A C).
	SharedSwitches int
	// StayFixes is how many fixes a track must have before a jump, and how
	// many it must send from the new place with the old one silent, for an
	// impossible_speed: fewer is a stray or stale fix, not a vessel whose
	// position moved. Default 3.
	StayFixes int
	// Stay is how long the track must go on from the new place, the old
	// one silent, for an impossible_speed. Default 30 min: a second
	// transmitter heard while the first was between reports (a Class B
	// at anchor reports every 3 min) would have shown itself by then.
	Stay time.Duration
	// Settle is how long after the last hop an episode is final (the
	// second transmitter, or the old track, may come back). Default 6 h.
	Settle time.Duration
	// MaxSilence is the longest silence before a jump for it to be an
	// impossible_speed. Default 6 h: GNSS spoofing moves a position from
	// one report to the next, and satellite passes come every ~90 min.
	MaxSilence time.Duration
}

func (o *SpoofingOptions) defaults() {
	if o.MinJumpM <= 0 {
		o.MinJumpM = 20_000
	}
	if o.SharedSwitches <= 0 {
		o.SharedSwitches = 3
	}
	if o.StayFixes <= 0 {
		o.StayFixes = 3
	}
	if o.Stay <= 0 {
		o.Stay = time.Duration(30*minuteMs) * time.Millisecond
	}
	if o.Settle <= 0 {
		o.Settle = time.Duration(6*hourMs) * time.Millisecond
	}
	if o.MaxSilence <= 0 {
		o.MaxSilence = time.Duration(6*hourMs) * time.Millisecond
	}
}

// jump is a segment that began with an impossible jump from an
// established track: an impossible_speed while the old track stays silent.
type jump struct {
	from, to         *track.Segment
	at               int64 // time of the first fix of to
	lat, lon         float64
	fromLat, fromLon float64
	jumpKn, jumpM    float64
	fromFixes        int   // fixes of from before the jump
	toFixes          int   // fixes of to since
	end              int64 // time of to's last fix
	returned         bool  // from was heard after the jump
	stayed           bool  // went on from the new place: an impossible_speed
	sent             bool  // emitted (open)
	prog             progress
	// before and after are the evidence: the last fix before the jump and
	// the first after it.
	before, after track.Fix
}

// hops is a vessel's run of hops between far-apart segments.
type hops struct {
	last             *track.Segment // segment of the last tracked fix
	lastLat, lastLon float64
	n                int
	returns          map[int]int    // hops back into each segment
	at               int64          // time of the last hop
	from, into       *track.Segment // the last hop
	wasReturn        bool           // the last hop went back to a segment heard before
	lat, lon         float64        // first hop's destination
	oLat, oLon       float64        // and origin
	start            int64          // its time
	segs             map[int]bool   // segments hopped between
	maxM             float64
}

// spoofState is what the spoofing detector keeps per vessel, made when
// the vessel starts its second segment: until then it can neither hop nor
// jump, and the vessel's last fix is in its first segment, where the
// state starts from (spoofStateOf).
type spoofState struct {
	jumps []*jump
	hops  hops
	// shared is set once the MMSI was found used by several transmitters.
	shared bool
}

// sharedEpisode is one MMSI in use by several transmitters: one event for
// the whole time it lasts, however many segments take part.
type sharedEpisode struct {
	ev       event.Event
	segments map[int]bool
	maxKm    float64
	prog     progress
}

// SpoofingDetector finds impossible position jumps and MMSIs used by
// several transmitters at once.
type SpoofingDetector struct {
	opts  SpoofingOptions
	emit  emitFunc
	opens bool // emit episodes while they go on
	// pending lists the vessels with jumps still to judge, for Finish.
	pending map[uint32]*spoofState
	shared  map[uint32]*sharedEpisode
	fixes   int
	name    func(uint16) string // names a feed in evidence; set at the first fix
}

// NewSpoofingDetector returns a spoofing detector that emits each event
// once, when it is final.
func NewSpoofingDetector(opts SpoofingOptions, emit Emitter) *SpoofingDetector {
	return newSpoofingDetector(opts, finalOnly(emit), false)
}

// newSpoofingDetector returns a spoofing detector; with opens, it emits an
// impossible jump or a shared MMSI as soon as the evidence suffices and
// again as it grows.
func newSpoofingDetector(opts SpoofingOptions, emit emitFunc, opens bool) *SpoofingDetector {
	opts.defaults()
	return &SpoofingDetector{opts: opts, emit: emit, opens: opens, pending: make(map[uint32]*spoofState), shared: make(map[uint32]*sharedEpisode)}
}

func (d *SpoofingDetector) Position(o *Obs) {
	if d.name == nil {
		d.name = o.places.feedName
	}
	mmsi := o.Vessel.MMSI
	f := &o.Fix
	// A shared-use episode quiet for Settle is over: closed at the
	// vessel's next fix, so that what becomes of it depends on the
	// vessel's own reports alone (the same in a run tracked in shards by
	// MMSI); the others quiet that long are closed now and then, to free
	// memory, which changes nothing.
	if ep := d.shared[mmsi]; ep != nil && f.Time-ep.ev.End.UnixMilli() > d.opts.Settle.Milliseconds() {
		delete(d.shared, mmsi)
		d.emit(ep.event(), final)
	}
	if d.fixes++; d.fixes%65536 == 0 {
		d.closeShared(f.Time, false)
	}
	st := d.state(o)
	if st == nil {
		return
	}
	if g := o.Glitch; g != nil {
		d.forgetGlitch(st, g)
	}
	d.hop(mmsi, st, o)
	ep := d.shared[mmsi]
	if ep != nil && ep.segments[o.Segment.N] && f.Time > ep.ev.End.UnixMilli() {
		ep.ev.End = tm(f.Time)
		d.update(ep)
	}
	js := st.jumps
	for i := 0; i < len(js); {
		j := js[i]
		if o.NewSegment && o.From == j.to && o.JumpM < d.opts.MinJumpM {
			j.to = o.Segment // the new track goes on after a short hop
		}
		switch {
		case ep != nil:
			// Several transmitters: the jump was one of them.
			d.withdraw(mmsi, j, "its MMSI is used by several transmitters")
			js = append(js[:i], js[i+1:]...)
			continue
		case o.Segment == j.from:
			j.returned = true
		case o.Segment == j.to && f.Time-j.at <= d.opts.Settle.Milliseconds():
			j.toFixes++
			j.end = f.Time
			if !j.returned && j.fromFixes >= d.opts.StayFixes && j.toFixes >= d.opts.StayFixes && j.end-j.at >= d.opts.Stay.Milliseconds() {
				j.stayed = true
				d.report(mmsi, j, open)
			}
		}
		if f.Time-max(j.at, st.hops.at) > d.opts.Settle.Milliseconds() {
			d.settle(mmsi, j)
			js = append(js[:i], js[i+1:]...)
			continue
		}
		i++
	}
	if ep == nil && o.NewSegment && o.From != nil && o.JumpM >= d.opts.MinJumpM && f.Time-o.From.Last.Time <= d.opts.MaxSilence.Milliseconds() {
		js = append(js, &jump{from: o.From, to: o.Segment, at: f.Time, lat: f.Lat, lon: f.Lon,
			fromLat: o.From.Last.Lat, fromLon: o.From.Last.Lon, jumpKn: o.JumpKn, jumpM: o.JumpM,
			fromFixes: o.From.Fixes, toFixes: 1, end: f.Time, before: o.From.Last, after: *f})
	}
	if len(js) > 0 {
		d.pending[mmsi] = st
	} else if len(st.jumps) > 0 {
		delete(d.pending, mmsi)
	}
	st.jumps = js
}

// state returns the vessel's spoofState, nil while it has started one
// segment only. The state is made at the vessel's first fix of another:
// every fix before was in the first segment, the last of them where
// vesselState says it was (set after the detectors ran on it).
func (d *SpoofingDetector) state(o *Obs) *spoofState {
	if o.vs.spoof != nil {
		return o.vs.spoof
	}
	all, n := o.Vessel.Segments()
	if n < 2 {
		return nil
	}
	st := new(spoofState)
	o.vs.spoof = st
	if o.vs.hasPos {
		h := &st.hops
		h.last, h.lastLat, h.lastLon = all[0], o.vs.lastLat, o.vs.lastLon
	}
	return st
}

// forgetGlitch drops what a glitch made: the jumps to or from it, and the
// hop it counted.
func (d *SpoofingDetector) forgetGlitch(st *spoofState, g *track.Segment) {
	js := st.jumps[:0]
	for _, j := range st.jumps {
		if j.from != g && j.to != g {
			js = append(js, j)
		}
	}
	clear(st.jumps[len(js):])
	st.jumps = js
	h := &st.hops
	if h.n > 0 && (h.into == g || h.from == g) {
		h.n--
		if h.wasReturn {
			if h.returns[h.into.N]--; h.returns[h.into.N] <= 0 {
				delete(h.returns, h.into.N)
			}
		}
		h.from, h.into = nil, nil
	}
	if h.last == g {
		h.last = nil // the track goes on from before the glitch: no hop back
	}
}

// hop counts a report in another far-apart segment than the last one: a
// hop between transmitters, or a jump.
func (d *SpoofingDetector) hop(mmsi uint32, st *spoofState, o *Obs) {
	h := &st.hops
	f := &o.Fix
	defer func() { h.last, h.lastLat, h.lastLon = o.Segment, f.Lat, f.Lon }()
	if h.last == nil || h.last == o.Segment {
		return
	}
	dM := geo.Distance(h.lastLat, h.lastLon, f.Lat, f.Lon)
	if dM < d.opts.MinJumpM {
		return
	}
	if h.n > 0 && f.Time-h.at > d.opts.Settle.Milliseconds() {
		*h = hops{last: h.last}
	}
	if h.n == 0 {
		h.start, h.lat, h.lon, h.oLat, h.oLon = f.Time, f.Lat, f.Lon, h.lastLat, h.lastLon
		h.segs, h.returns = map[int]bool{}, map[int]int{}
	}
	h.n++
	h.wasReturn = !o.NewSegment
	if h.wasReturn {
		h.returns[o.Segment.N]++
	}
	h.at, h.from, h.into = f.Time, h.last, o.Segment
	h.segs[h.last.N], h.segs[o.Segment.N] = true, true
	h.maxM = max(h.maxM, dM)
	if h.n >= d.opts.SharedSwitches && len(h.returns) >= 2 {
		st.shared = true
		d.emitShared(mmsi, h, f.Time)
	}
}

// report emits an impossible jump that stayed.
func (d *SpoofingDetector) report(mmsi uint32, j *jump, s state) {
	ev := d.jumpEvent(mmsi, j)
	if s == open {
		if !d.opens || !j.prog.due(j.end, ev.Confidence) {
			return
		}
		j.prog.mark(j.end, ev.Confidence)
	}
	j.sent = true
	d.emit(ev, s)
}

func (d *SpoofingDetector) jumpEvent(mmsi uint32, j *jump) event.Event {
	n := float64(d.opts.StayFixes)
	return event.Event{
		Type: event.Spoofing, Subtype: event.ImpossibleSpeed, MMSI: mmsi, Segment: segName(mmsi, j.to.N),
		Start: tm(j.at), End: tm(j.end), Lat: j.lat, Lon: j.lon,
		Confidence: clamp01(0.6 + 0.25*ramp(j.jumpM, d.opts.MinJumpM, 10*d.opts.MinJumpM) + 0.15*ramp(float64(j.toFixes), n, 4*n)),
		Summary: fmt.Sprintf("%d jumped %.0f km (%.0f kn implied) and went on from there (%d fixes)",
			mmsi, j.jumpM/1000, j.jumpKn, j.toFixes),
		Details: map[string]float64{"jump_km": j.jumpM / 1000, "implied_kn": j.jumpKn, "from_lat": j.fromLat, "from_lon": j.fromLon,
			"fixes_before": float64(j.fromFixes), "fixes_after": float64(j.toFixes)},
		Evidence: []event.Fix{evidenceFix(&j.before, d.name, event.LastBefore), evidenceFix(&j.after, d.name, event.FirstAfter)},
	}
}

// settle decides a jump Settle after it (or after the vessel's last
// hop): final if it stayed.
func (d *SpoofingDetector) settle(mmsi uint32, j *jump) {
	if j.stayed {
		d.report(mmsi, j, final)
	}
}

// withdraw takes back a jump emitted open.
func (d *SpoofingDetector) withdraw(mmsi uint32, j *jump, why string) {
	if !j.sent {
		return
	}
	ev := d.jumpEvent(mmsi, j)
	ev.Confidence = 0
	ev.Summary = fmt.Sprintf("%d: withdrawn, %s", mmsi, why)
	d.emit(ev, withdrawn)
}

// emitShared opens (or extends) the MMSI's shared-use episode.
func (d *SpoofingDetector) emitShared(mmsi uint32, h *hops, now int64) {
	ep := d.shared[mmsi]
	if ep == nil {
		ep = &sharedEpisode{segments: map[int]bool{}, ev: event.Event{
			Type: event.Spoofing, Subtype: event.SharedMMSI, MMSI: mmsi,
			Start: tm(h.start), End: tm(now), Lat: h.lat, Lon: h.lon,
			Details: map[string]float64{"other_lat": h.oLat, "other_lon": h.oLon, "other_segment": float64(h.from.N)},
		}}
		ep.ev.Segment = segName(mmsi, h.into.N)
		d.shared[mmsi] = ep
	}
	for n := range h.segs {
		ep.segments[n] = true
	}
	ep.maxKm = max(ep.maxKm, h.maxM/1000)
	if now > ep.ev.End.UnixMilli() {
		ep.ev.End = tm(now)
	}
	d.update(ep)
}

func (ep *sharedEpisode) confidence() float64 { return clamp01(0.75 + 0.05*float64(len(ep.segments))) }

// event is an episode's event as it stands, with a Details of its own.
func (ep *sharedEpisode) event() event.Event {
	ev := ep.ev
	n := len(ep.segments)
	ev.Confidence = ep.confidence()
	ev.Summary = fmt.Sprintf("%d is used by %d transmitters at once, up to %.0f km apart", ev.MMSI, n, ep.maxKm)
	ev.Details = maps.Clone(ep.ev.Details)
	ev.Details["transmitters"] = float64(n)
	ev.Details["distance_km"] = ep.maxKm
	return ev
}

// update emits an open episode when it is due.
func (d *SpoofingDetector) update(ep *sharedEpisode) {
	if !d.opens {
		return
	}
	if end, conf := ep.ev.End.UnixMilli(), ep.confidence(); ep.prog.due(end, conf) {
		ep.prog.mark(end, conf)
		d.emit(ep.event(), open)
	}
}

// closeShared emits the shared-use episodes quiet for Settle (all of
// them when all is set).
func (d *SpoofingDetector) closeShared(now int64, all bool) {
	for mmsi, ep := range d.shared {
		if !all && now-ep.ev.End.UnixMilli() <= d.opts.Settle.Milliseconds() {
			continue
		}
		delete(d.shared, mmsi)
		d.emit(ep.event(), final)
	}
}

func (d *SpoofingDetector) Static(*StaticObs) {}

func (d *SpoofingDetector) Finish(now int64) {
	d.closeShared(now, false) // over, as at the vessel's next fix
	for mmsi, st := range d.pending {
		for _, j := range st.jumps {
			if d.shared[mmsi] != nil {
				d.withdraw(mmsi, j, "its MMSI is used by several transmitters")
				continue
			}
			d.settle(mmsi, j)
		}
		st.jumps = nil
	}
	d.pending = map[uint32]*spoofState{}
	d.closeShared(now, true)
}

// sharedMMSIOpen reports whether a vessel has an open shared-MMSI episode:
// other detectors (identity changes) do not read its alternating reports
// as changes meanwhile.
func sharedMMSIOpen(vs *vesselState) bool {
	return vs.spoof != nil && vs.spoof.shared
}
