package detect

import (
	"fmt"
	"math"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/track"
)

// PortVisitOptions configures port-visit detection. Defaults are Global
// Fishing Watch's port visits: enter within 3 km of a port or anchorage,
// leave beyond 4 km; a stop begins below 0.2 kn and ends above 0.5 kn.
type PortVisitOptions struct {
	EnterM    float64 // default 3000 m
	LeaveM    float64 // default 4000 m
	StopKn    float64 // default 0.2 kn
	StopEndKn float64 // default 0.5 kn
	// NoStop counts every entry, also without a stop; by default only
	// visits with a stop count, as GFW's do.
	NoStop bool
	// ImpliedSpeed is the shortest time over which the speed of fixes
	// that carry none (most CSV exports of positions) is measured from
	// the distance moved: GPS noise of 10-20 m between fixes seconds apart
	// reads as knots, over 10 minutes as less than 0.1 kn. Default 10 min.
	ImpliedSpeed time.Duration
}

func (o *PortVisitOptions) defaults() {
	if o.EnterM <= 0 {
		o.EnterM = 3000
	}
	if o.LeaveM <= 0 {
		o.LeaveM = 4000
	}
	if o.StopKn <= 0 {
		o.StopKn = 0.2
	}
	if o.StopEndKn <= 0 {
		o.StopEndKn = 0.5
	}
	if o.ImpliedSpeed <= 0 {
		o.ImpliedSpeed = time.Duration(10*minuteMs) * time.Millisecond
	}
}

type visit struct {
	port        string
	start, last int64
	lat, lon    float64
	stopped     bool
	stopMs      int64
	stopStart   int64
	stopping    bool
	ss          *segState
	prog        progress
	fixes       int
	// firstFix and lastFix are the evidence: the call's first and last fix.
	firstFix, lastFix track.Fix
	// ref is the fix the implied speed is measured from, and implied the
	// last speed measured (NaN before the first): for fixes without SOG.
	ref         track.Fix
	implied     float64
	impliedFrom int64
}

// PortVisitDetector finds port calls.
type PortVisitDetector struct {
	opts   PortVisitOptions
	emit   emitFunc
	opens  bool // emit visits while they go on
	visits map[segKey]*visit
	name   func(uint16) string // names a feed in evidence; set at the first fix
}

// NewPortVisitDetector returns a port-visit detector that emits each
// visit once, when the vessel has left.
func NewPortVisitDetector(opts PortVisitOptions, emit Emitter) *PortVisitDetector {
	return newPortVisitDetector(opts, finalOnly(emit), false)
}

// newPortVisitDetector returns a port-visit detector; with opens, it emits
// a visit as soon as it qualifies (the vessel has stopped) and again as it
// goes on.
func newPortVisitDetector(opts PortVisitOptions, emit emitFunc, opens bool) *PortVisitDetector {
	opts.defaults()
	return &PortVisitDetector{opts: opts, emit: emit, opens: opens, visits: make(map[segKey]*visit)}
}

func (d *PortVisitDetector) Position(o *Obs) {
	if d.name == nil {
		d.name = o.places.feedName
	}
	if o.notShip() {
		return
	}
	f := &o.Fix
	k := segKey{o.Vessel.MMSI, o.Segment.N}
	v := o.ss.visit
	if v == nil {
		// Only slow or stopped vessels can be calling: fast ones passing a
		// port are not looked up, which keeps the per-fix cost low.
		if !nan32(f.SOG) && float64(f.SOG) > 3 {
			return
		}
		name, dist, ok := o.Port()
		if !ok || dist > d.opts.EnterM {
			return
		}
		v = &visit{port: name, start: f.Time, lat: f.Lat, lon: f.Lon, ss: o.ss, ref: *f, implied: math.NaN(), firstFix: *f}
		if o.HasPrev {
			v.ref = o.Prev
		}
		o.ss.visit = v
		d.visits[k] = v
	} else {
		_, dist, ok := o.Port()
		if !ok || dist > d.opts.LeaveM {
			d.close(k, v)
			return
		}
	}
	v.last = f.Time
	v.lastFix = *f
	v.fixes++
	sog, since := d.speed(v, f)
	switch {
	case !math.IsNaN(sog) && sog < d.opts.StopKn:
		if !v.stopping {
			v.stopping, v.stopStart = true, max(since, v.start)
		}
		v.stopped = true
	case !math.IsNaN(sog) && sog > d.opts.StopEndKn && v.stopping:
		v.stopping = false
		v.stopMs += f.Time - v.stopStart
	}
	if d.opens && v.counts(&d.opts) {
		if conf := visitConfidence(v); v.prog.due(v.last, conf) {
			v.prog.mark(v.last, conf)
			d.emit(d.event(k, v), open)
		}
	}
}

// speed is the fix's reported speed or, when it carries none, the speed
// implied by the distance moved over at least ImpliedSpeed; NaN when
// neither is known yet. since is when the vessel was first known to move
// at that speed: the fix's time, or the start of the measure.
func (d *PortVisitDetector) speed(v *visit, f *track.Fix) (kn float64, since int64) {
	if !nan32(f.SOG) {
		return float64(f.SOG), f.Time
	}
	if dt := f.Time - v.ref.Time; dt >= d.opts.ImpliedSpeed.Milliseconds() {
		v.implied = geo.Distance(v.ref.Lat, v.ref.Lon, f.Lat, f.Lon) / metresPerNM / (float64(dt) / hourMs)
		v.impliedFrom, v.ref = v.ref.Time, *f
	}
	return v.implied, v.impliedFrom
}

// counts reports whether a visit is one: a stop (unless NoStop), and more
// than one fix over some time, since a single fix near a port is a ship
// passing it.
func (v *visit) counts(o *PortVisitOptions) bool {
	return (o.NoStop || v.stopped) && v.fixes >= 2 && v.last > v.start
}

// stoppedMs is how long a visit has been stopped so far.
func (v *visit) stoppedMs() int64 {
	if v.stopping {
		return v.stopMs + v.last - v.stopStart
	}
	return v.stopMs
}

func visitConfidence(v *visit) float64 {
	return clamp01(0.7 + 0.3*ramp(float64(v.stoppedMs()), 0, 2*hourMs))
}

// event is a visit's event as it stands.
func (d *PortVisitDetector) event(k segKey, v *visit) event.Event {
	return event.Event{
		Type: event.PortVisit, MMSI: k.mmsi, Segment: segName(k.mmsi, k.n), Port: v.port,
		Start: tm(v.start), End: tm(v.last), Lat: v.lat, Lon: v.lon,
		Confidence: visitConfidence(v),
		Summary:    fmt.Sprintf("%d called at %s for %s", k.mmsi, v.port, hours(v.last-v.start)),
		Details:    map[string]float64{"hours": float64(v.last-v.start) / hourMs, "stopped_hours": float64(v.stoppedMs()) / hourMs},
		Evidence:   []event.Fix{evidenceFix(&v.firstFix, d.name, event.First), evidenceFix(&v.lastFix, d.name, event.Last)},
	}
}

func (d *PortVisitDetector) close(k segKey, v *visit) {
	delete(d.visits, k)
	v.ss.visit = nil
	if !v.counts(&d.opts) {
		return
	}
	d.emit(d.event(k, v), final)
}

func (d *PortVisitDetector) Static(*StaticObs) {}

func (d *PortVisitDetector) Finish(int64) {
	for k, v := range d.visits {
		d.close(k, v)
	}
}
