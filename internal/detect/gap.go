package detect

import (
	"fmt"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// GapOptions configures dark-period detection. Defaults follow Global
// Fishing Watch's AIS-disabling events: every gap >= 6 h is recorded, and
// it is "likely intentional" when >= 12 h, starting >= 50 nm from shore,
// where reception was good and the vessel had been heard densely before —
// with reception measured from the data itself rather than from a fixed
// coverage layer.
type GapOptions struct {
	MinGapMs         int64   // default 6 h
	IntentionalMinMs int64   // default 12 h
	MinShoreNM       float64 // default 50 nm
	// MinReception is the share of 10-minute slots, in the first
	// IntentionalMinMs of the gap, in which other vessels were heard within
	// about one ReceptionCellDeg of where the vessel went dark. Default 0.5.
	MinReception float64
	// MinDensity is the share of 10-minute slots in the DensityWindowMs
	// before the gap in which the vessel itself was heard. Default 0.5.
	MinDensity       float64
	DensityWindowMs  int64   // default 6 h
	ReceptionCellDeg float64 // default 0.5 degree
	// ReceptionKeepMs is how much reception history is kept: a gap is
	// judged on reception at its start, which is this long ago at most
	// before the vessel reappears. Older history is dropped, so a server
	// running for months keeps a bounded map. Default 8 days.
	ReceptionKeepMs int64
}

func (o *GapOptions) defaults() {
	if o.MinGapMs <= 0 {
		o.MinGapMs = 6 * hourMs
	}
	if o.IntentionalMinMs <= 0 {
		o.IntentionalMinMs = 12 * hourMs
	}
	if o.MinShoreNM <= 0 {
		o.MinShoreNM = 50
	}
	if o.MinReception <= 0 {
		o.MinReception = 0.5
	}
	if o.MinDensity <= 0 {
		o.MinDensity = 0.5
	}
	if o.DensityWindowMs <= 0 {
		o.DensityWindowMs = 6 * hourMs
	}
	if o.ReceptionCellDeg <= 0 {
		o.ReceptionCellDeg = 0.5
	}
	if o.ReceptionKeepMs <= 0 {
		o.ReceptionKeepMs = 8 * 24 * hourMs
	}
}

// density remembers in which 10-minute slots of the recent past a segment
// was heard: bit i is the slot i slots before the newest.
type density struct {
	slot int64 // index of the newest slot
	bits uint64
}

func (d *density) heard(t int64) {
	s := t / (10 * minuteMs)
	switch {
	case d.bits == 0:
		d.slot, d.bits = s, 1
	case s > d.slot:
		shift := s - d.slot
		if shift >= 64 {
			d.bits = 0
		} else {
			d.bits <<= uint(shift)
		}
		d.bits |= 1
		d.slot = s
	case d.slot-s < 64:
		d.bits |= 1 << uint(d.slot-s)
	}
}

// share is the fraction of the n slots up to and including the newest in
// which the segment was heard.
func (d *density) share(n int) float64 {
	if n > 64 {
		n = 64
	}
	c := 0
	for i := 0; i < n; i++ {
		if d.bits&(1<<uint(i)) != 0 {
			c++
		}
	}
	return float64(c) / float64(n)
}

// GapDetector finds AIS dark periods. It also keeps every gap it found for
// the dark-rendezvous detector.
type GapDetector struct {
	opts GapOptions
	emit Emitter
	rx   *reception
	// forgotAt is the data time reception history was last trimmed.
	forgotAt int64
	// Found lists the gap events found since the dark-rendezvous
	// detector last read them, in the order found.
	Found []event.Event
}

// NewGapDetector returns a gap detector.
func NewGapDetector(opts GapOptions, emit Emitter) *GapDetector {
	opts.defaults()
	return &GapDetector{opts: opts, emit: emit, rx: newReception(opts.ReceptionCellDeg)}
}

// pendingGap is a gap seen when the vessel came back; it is judged once
// the data has moved past its first IntentionalMinMs, so that reception
// during it is known.
type pendingGap struct {
	ev       event.Event
	startLat float64
	startLon float64
	from     int64
	density  float64
	shoreM   float64
}

func (d *GapDetector) Position(o *Obs) {
	f := &o.Fix
	d.rx.heard(f.Lat, f.Lon, f.Time)
	if f.Time-d.forgotAt > 6*hourMs {
		d.rx.forget(f.Time - d.opts.ReceptionKeepMs)
		d.forgotAt = f.Time
	}
	if o.notShip() {
		return // an AtoN, base station, aircraft or net buoy does not go dark
	}
	den := &o.ss.den
	if o.HasPrev {
		if dt := f.Time - o.Prev.Time; dt >= d.opts.MinGapMs {
			d.gap(o, den)
		}
	}
	den.heard(f.Time)
}

// gap judges the gap that ends with o's fix.
func (d *GapDetector) gap(o *Obs, den *density) {
	p, f := &o.Prev, &o.Fix
	dt := f.Time - p.Time
	slots := int(d.opts.DensityWindowMs / (10 * minuteMs))
	dense := den.share(slots)
	shore := o.places.shoreAt(p.Lat, p.Lon)
	rxTo := p.Time + d.opts.IntentionalMinMs
	if rxTo > f.Time {
		rxTo = f.Time
	}
	rx := d.rx.coverage(p.Lat, p.Lon, p.Time+10*minuteMs, rxTo)
	intentional := dt >= d.opts.IntentionalMinMs && shore >= d.opts.MinShoreNM*metresPerNM &&
		rx >= d.opts.MinReception && dense >= d.opts.MinDensity
	moved := geo.Distance(p.Lat, p.Lon, f.Lat, f.Lon)
	conf := 0.4
	why := "coverage hole or unclear"
	if intentional {
		conf = 0.6 + 0.2*ramp(float64(dt), float64(d.opts.IntentionalMinMs), 3*float64(d.opts.IntentionalMinMs)) + 0.2*ramp(rx, d.opts.MinReception, 1)
		why = "likely intentional"
	}
	ev := event.Event{
		Type: event.Gap, MMSI: o.Vessel.MMSI, Segment: segName(o.Vessel.MMSI, o.Segment.N),
		Start: tm(p.Time), End: tm(f.Time), Lat: p.Lat, Lon: p.Lon,
		EndLat: event.Ptr(f.Lat), EndLon: event.Ptr(f.Lon), Intentional: event.Ptr(intentional),
		Confidence: clamp01(conf),
		Summary: fmt.Sprintf("%d dark for %s, %.0f nm from shore, reappeared %.0f nm away (%s: reception %.0f%%, heard %.0f%% before)",
			o.Vessel.MMSI, hours(dt), shore/metresPerNM, moved/metresPerNM, why, rx*100, dense*100),
		Details: map[string]float64{"hours": float64(dt) / hourMs, "shore_nm": shore / metresPerNM, "reception": rx, "density_before": dense, "moved_nm": moved / metresPerNM},
	}
	d.Found = append(d.Found, ev)
	d.emit(ev)
}

func (d *GapDetector) Static(*StaticObs) {}
func (d *GapDetector) Finish(int64)      {}
