package detect

import (
	"fmt"
	"maps"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/track"
)

// SpoofingOptions configures spoofed-position detection. The tracker has
// already split an MMSI into segments where a fix would need more than its
// MaxSpeedKn (50 kn, AISdb) to join; this detector reads how those
// segments behave afterwards.
type SpoofingOptions struct {
	// MinJumpM ignores jumps shorter than this: satellite clock jumps and
	// GPS glitches make short impossible hops. Default 20 km.
	MinJumpM float64
	// SharedSwitches is how many times reports must alternate between two
	// segments before they are two transmitters at once. Default 3.
	SharedSwitches int
	// SharedMinFixes is the least fixes the newer segment must have to be a
	// transmitter rather than a glitch. Default 3.
	SharedMinFixes int
	// SettleMs is how long after the last alternation a jump waits before
	// it is judged (the clone may come back). Default 6 h.
	SettleMs int64
}

func (o *SpoofingOptions) defaults() {
	if o.MinJumpM <= 0 {
		o.MinJumpM = 20_000
	}
	if o.SharedSwitches <= 0 {
		o.SharedSwitches = 3
	}
	if o.SharedMinFixes <= 0 {
		o.SharedMinFixes = 3
	}
	if o.SettleMs <= 0 {
		o.SettleMs = 6 * hourMs
	}
}

// jump is a segment that began with an impossible jump from another.
type jump struct {
	from, to         *track.Segment
	at               int64 // time of the first fix of to
	lat, lon         float64
	fromLat, fromLon float64
	jumpKn, jumpM    float64
	last             *track.Segment // which of the two reported last
	lastTime         int64
	switches         int
	toFixes          int
	shared           bool // already emitted as shared_mmsi
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
	opens bool // emit shared-MMSI episodes while they go on
	// pending lists the vessels with jumps still to judge (their jumps hang
	// on the vessel's state), for Finish.
	pending map[uint32]*vesselState
	shared  map[uint32]*sharedEpisode
	fixes   int
}

// NewSpoofingDetector returns a spoofing detector that emits each
// shared-MMSI episode once, when it has ended.
func NewSpoofingDetector(opts SpoofingOptions, emit Emitter) *SpoofingDetector {
	return newSpoofingDetector(opts, finalOnly(emit), false)
}

// newSpoofingDetector returns a spoofing detector; with opens, it emits a
// shared-MMSI episode as soon as it is found and again as it goes on.
func newSpoofingDetector(opts SpoofingOptions, emit emitFunc, opens bool) *SpoofingDetector {
	opts.defaults()
	return &SpoofingDetector{opts: opts, emit: emit, opens: opens, pending: make(map[uint32]*vesselState), shared: make(map[uint32]*sharedEpisode)}
}

func (d *SpoofingDetector) Position(o *Obs) {
	mmsi := o.Vessel.MMSI
	f := &o.Fix
	if d.fixes++; d.fixes%65536 == 0 {
		d.closeShared(f.Time, false)
	}
	js := o.vs.jumps
	for i := 0; i < len(js); {
		j := js[i]
		if o.Segment == j.from || o.Segment == j.to {
			if o.Segment != j.last {
				j.switches++
				j.last = o.Segment
			}
			j.lastTime = f.Time
			if o.Segment == j.to {
				j.toFixes++
			}
			if j.shared {
				if ep := d.shared[mmsi]; ep != nil && f.Time > ep.ev.End.UnixMilli() {
					ep.ev.End = tm(f.Time)
					d.update(ep)
				}
			}
			if !j.shared && j.switches >= d.opts.SharedSwitches && j.toFixes >= d.opts.SharedMinFixes {
				d.emitShared(mmsi, j, f.Time)
			}
		} else if f.Time-j.lastTime > d.opts.SettleMs {
			d.judge(mmsi, j)
			js = append(js[:i], js[i+1:]...)
			continue
		}
		i++
	}
	if o.NewSegment && o.From != nil && o.JumpM >= d.opts.MinJumpM {
		js = append(js, &jump{from: o.From, to: o.Segment, at: f.Time, lat: f.Lat, lon: f.Lon,
			fromLat: o.From.Last.Lat, fromLon: o.From.Last.Lon,
			jumpKn: o.JumpKn, jumpM: o.JumpM, last: o.Segment, lastTime: f.Time, switches: 1, toFixes: 1})
	}
	if len(js) > 0 {
		d.pending[mmsi] = o.vs
	} else if len(o.vs.jumps) > 0 {
		delete(d.pending, mmsi)
	}
	o.vs.jumps = js
}

// judge decides a settled jump: two transmitters at once were already
// reported; otherwise the vessel (or someone using its MMSI) reported a
// position no ship could reach.
func (d *SpoofingDetector) judge(mmsi uint32, j *jump) {
	if j.shared {
		return
	}
	kn := j.jumpKn
	d.emit(event.Event{
		Type: event.Spoofing, Subtype: event.ImpossibleSpeed, MMSI: mmsi, Segment: segName(mmsi, j.to.N),
		Start: tm(j.at), End: tm(j.at), Lat: j.lat, Lon: j.lon,
		Confidence: clamp01(0.6 + 0.4*ramp(j.jumpM, d.opts.MinJumpM, 10*d.opts.MinJumpM)),
		Summary:    fmt.Sprintf("%d jumped %.0f km (%.0f kn implied)", mmsi, j.jumpM/1000, kn),
		Details:    map[string]float64{"jump_km": j.jumpM / 1000, "implied_kn": kn, "from_lat": j.fromLat, "from_lon": j.fromLon},
	}, final)
}

// emitShared opens (or extends) the MMSI's shared-use episode.
func (d *SpoofingDetector) emitShared(mmsi uint32, j *jump, now int64) {
	j.shared = true
	ep := d.shared[mmsi]
	if ep == nil {
		ep = &sharedEpisode{segments: map[int]bool{}, ev: event.Event{
			Type: event.Spoofing, Subtype: event.SharedMMSI, MMSI: mmsi,
			Start: tm(j.at), End: tm(now), Lat: j.lat, Lon: j.lon,
			Details: map[string]float64{"other_lat": j.fromLat, "other_lon": j.fromLon, "other_segment": float64(j.from.N)},
		}}
		ep.ev.Segment = segName(mmsi, j.to.N)
		d.shared[mmsi] = ep
	}
	ep.segments[j.from.N], ep.segments[j.to.N] = true, true
	ep.maxKm = max(ep.maxKm, j.jumpM/1000)
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

// closeShared emits the shared-use episodes quiet for SettleMs (all of
// them when all is set).
func (d *SpoofingDetector) closeShared(now int64, all bool) {
	for mmsi, ep := range d.shared {
		if !all && now-ep.ev.End.UnixMilli() <= d.opts.SettleMs {
			continue
		}
		delete(d.shared, mmsi)
		d.emit(ep.event(), final)
	}
}

func (d *SpoofingDetector) Static(*StaticObs) {}

func (d *SpoofingDetector) Finish(now int64) {
	for mmsi, vs := range d.pending {
		for _, j := range vs.jumps {
			d.judge(mmsi, j)
		}
		vs.jumps = nil
	}
	d.pending = map[uint32]*vesselState{}
	d.closeShared(now, true)
}
