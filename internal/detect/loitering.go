package detect

import (
	"fmt"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/track"
)

// LoiteringOptions configures loitering detection. Defaults are Global
// Fishing Watch's loitering events: average speed < 2 kn for >= 2 h,
// >= 20 nm from shore (RFMO reports use 4 h: set MinDuration).
type LoiteringOptions struct {
	MaxSpeedKn  float64       // default 2 kn (GFW)
	MinDuration time.Duration // default 2 h (GFW)
	MinShoreNM  float64       // default 20 nm (GFW)
	// MaxInterval is the longest silence a loitering run may contain:
	// beyond it the vessel's behaviour in between is unknown. Default 3 h.
	MaxInterval time.Duration
	MinFixes    int // default 3
}

func (o *LoiteringOptions) defaults() {
	if o.MaxSpeedKn <= 0 {
		o.MaxSpeedKn = 2
	}
	if o.MinDuration <= 0 {
		o.MinDuration = time.Duration(2*hourMs) * time.Millisecond
	}
	if o.MinShoreNM <= 0 {
		o.MinShoreNM = 20
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = time.Duration(3*hourMs) * time.Millisecond
	}
	if o.MinFixes <= 0 {
		o.MinFixes = 3
	}
}

// loiterRun is a run of slow fixes at sea.
type loiterRun struct {
	start, last       int64
	n                 int
	sumSOG            float64
	sumLat, sumLon    float64
	minShoreM         float64
	lastLat, lastLon  float64
	firstFix, lastFix track.Fix // evidence: where the run began and ended
	pathM             float64
	ss                *segState
	prog              progress
}

// LoiteringDetector finds one vessel slow at sea, away from port.
type LoiteringDetector struct {
	opts  LoiteringOptions
	emit  emitFunc
	opens bool // emit loitering while it goes on
	runs  map[segKey]*loiterRun
	name  func(uint16) string // names a feed in evidence; set at the first fix
}

// NewLoiteringDetector returns a loitering detector that emits each run
// once, when it has ended.
func NewLoiteringDetector(opts LoiteringOptions, emit Emitter) *LoiteringDetector {
	return newLoiteringDetector(opts, finalOnly(emit), false)
}

// newLoiteringDetector returns a loitering detector; with opens, it emits
// a run as soon as it qualifies and again as it grows.
func newLoiteringDetector(opts LoiteringOptions, emit emitFunc, opens bool) *LoiteringDetector {
	opts.defaults()
	return &LoiteringDetector{opts: opts, emit: emit, opens: opens, runs: make(map[segKey]*loiterRun)}
}

func (d *LoiteringDetector) Position(o *Obs) {
	if d.name == nil {
		d.name = o.places.feedName
	}
	if o.notShip() {
		return
	}
	f := &o.Fix
	k := segKey{o.Vessel.MMSI, o.Segment.N}
	r := o.ss.loiter
	speed := float64(f.SOG)
	if nan32(f.SOG) && o.HasPrev && f.Time > o.Prev.Time {
		speed = geo.Distance(o.Prev.Lat, o.Prev.Lon, f.Lat, f.Lon) / metresPerNM / (float64(f.Time-o.Prev.Time) / hourMs)
	}
	slow := !nan32(f.SOG) || o.HasPrev
	slow = slow && speed < d.opts.MaxSpeedKn
	if r != nil && (!slow || f.Time-r.last > d.opts.MaxInterval.Milliseconds()) {
		d.close(k, r)
		o.ss.loiter, r = nil, nil
	}
	if !slow {
		return
	}
	shore := o.ShoreM()
	if shore < d.opts.MinShoreNM*metresPerNM {
		if r != nil {
			d.close(k, r)
			o.ss.loiter = nil
		}
		return
	}
	if r == nil {
		r = &loiterRun{start: f.Time, minShoreM: shore, lastLat: f.Lat, lastLon: f.Lon, ss: o.ss, firstFix: *f}
		o.ss.loiter = r
		d.runs[k] = r
	} else {
		r.pathM += geo.Distance(r.lastLat, r.lastLon, f.Lat, f.Lon)
		r.lastLat, r.lastLon = f.Lat, f.Lon
	}
	r.last = f.Time
	r.lastFix = *f
	r.n++
	r.sumSOG += speed
	r.sumLat += f.Lat
	r.sumLon += f.Lon
	if shore < r.minShoreM {
		r.minShoreM = shore
	}
	if d.opens && d.qualifies(r) {
		if conf := d.confidence(r); r.prog.due(r.last, conf) {
			r.prog.mark(r.last, conf)
			d.emit(d.event(k, r), open)
		}
	}
}

// qualifies reports whether a run is loitering.
func (d *LoiteringDetector) qualifies(r *loiterRun) bool {
	return r.last-r.start >= d.opts.MinDuration.Milliseconds() && r.n >= d.opts.MinFixes
}

func (d *LoiteringDetector) confidence(r *loiterRun) float64 {
	dur := r.last - r.start
	avg := r.sumSOG / float64(r.n)
	return clamp01(0.5 + 0.3*ramp(float64(dur), float64(d.opts.MinDuration.Milliseconds()), 3*float64(d.opts.MinDuration.Milliseconds())) + 0.2*ramp(avg, d.opts.MaxSpeedKn, 0))
}

// event is a run's event as it stands.
func (d *LoiteringDetector) event(k segKey, r *loiterRun) event.Event {
	dur := r.last - r.start
	avg := r.sumSOG / float64(r.n)
	return event.Event{
		Type: event.Loitering, MMSI: k.mmsi, Segment: segName(k.mmsi, k.n),
		Start: tm(r.start), End: tm(r.last),
		Lat: r.sumLat / float64(r.n), Lon: r.sumLon / float64(r.n),
		Confidence: d.confidence(r),
		Summary:    fmt.Sprintf("%d slow at sea for %s (avg %.1f kn, %.0f nm from shore)", k.mmsi, hours(dur), avg, r.minShoreM/metresPerNM),
		Details:    map[string]float64{"hours": float64(dur) / hourMs, "avg_speed_kn": avg, "shore_nm": r.minShoreM / metresPerNM},
		Evidence:   []event.Fix{evidenceFix(&r.firstFix, d.name, event.First), evidenceFix(&r.lastFix, d.name, event.Last)},
	}
}

func (d *LoiteringDetector) close(k segKey, r *loiterRun) {
	delete(d.runs, k)
	if !d.qualifies(r) {
		return
	}
	d.emit(d.event(k, r), final)
}

func (d *LoiteringDetector) Static(*StaticObs) {}

func (d *LoiteringDetector) Finish(now int64) {
	for k, r := range d.runs {
		d.close(k, r)
		r.ss.loiter = nil
	}
}
