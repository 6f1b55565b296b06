package detect

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/track"
)

// GapOptions configures dark-period detection. Defaults follow Global
// Fishing Watch's AIS-disabling events: every gap >= 6 h is recorded, and
// it is "likely intentional" when >= 12 h, starting >= 50 nm from shore,
// after the vessel was heard at least 14 times in the 12 h before, where
// reception was good — measured, as GFW does, by positions counted
// (positions per vessel-day around where the vessel went dark), so that a
// tanker tracked by satellite alone is judged on what satellites usually
// hear there — and while the feed that heard the vessel was hearing
// anyone at all.
type GapOptions struct {
	MinGap         time.Duration // default 6 h
	IntentionalMin time.Duration // default 12 h
	MinShoreNM     float64       // default 50 nm
	// MinReception is the positions per vessel-day at which the other
	// vessels within about one ReceptionCellDeg of where the vessel went
	// dark were heard during the first IntentionalMin of the gap.
	// Default 8: satellite coverage offshore (a pass about every 90 min)
	// gives 10 to 30 and terrestrial coverage hundreds, while where
	// nobody is being heard the vessels around are heard a few times a
	// day at most.
	MinReception float64
	// MinReceptionHours is the least vessel-time the reception is measured
	// on: with fewer hours of other vessels around there is nothing to
	// judge by and the gap is not called intentional. Default 12 h.
	MinReceptionHours float64
	// MinPositionsBefore is how many positions the vessel itself must have
	// had in the 12 h before the gap (counted in whole hours, 12 to 13 h).
	// Default 14 (GFW). Where the area's reception gives vessels fewer
	// (satellite alone: exactEarth's 2012 coverage of the Indian Ocean
	// heard most vessels once or twice in 3 hours), half of what it gives
	// them in IntentionalMin is enough, and never fewer than 3.
	MinPositionsBefore int
	// ReceptionCellDeg is the cell of the reception measure; the cell of
	// the gap's start and its eight neighbours are counted. Default 1
	// degree.
	ReceptionCellDeg float64
	// ReceptionKeep is how much reception history is kept: a gap is
	// judged on reception at its start, which is this long ago at most
	// before the vessel reappears. Older history is dropped, so a server
	// running for months keeps a bounded map. Default 8 days.
	ReceptionKeep time.Duration
	// FeedOutage is how long an input or feed must have delivered no
	// position at all, from any vessel, to have had an outage. A gap
	// during which the feeds that heard the vessel before and after it had
	// an outage is a coverage hole, never intentional. Default 2 h: a
	// satellite feed hears something at every pass, about every 90 min.
	FeedOutage time.Duration
}

func (o *GapOptions) defaults() {
	if o.MinGap <= 0 {
		o.MinGap = time.Duration(6*hourMs) * time.Millisecond
	}
	if o.IntentionalMin <= 0 {
		o.IntentionalMin = time.Duration(12*hourMs) * time.Millisecond
	}
	if o.MinShoreNM <= 0 {
		o.MinShoreNM = 50
	}
	if o.MinReception <= 0 {
		o.MinReception = 8
	}
	if o.MinReceptionHours <= 0 {
		o.MinReceptionHours = 12
	}
	if o.MinPositionsBefore <= 0 {
		o.MinPositionsBefore = 14
	}
	if o.ReceptionCellDeg <= 0 {
		o.ReceptionCellDeg = 1
	}
	if o.ReceptionKeep <= 0 {
		o.ReceptionKeep = time.Duration(8*24*hourMs) * time.Millisecond
	}
	if o.FeedOutage <= 0 {
		o.FeedOutage = time.Duration(2*hourMs) * time.Millisecond
	}
}

// GapDetector finds AIS dark periods. It also keeps every gap it found for
// the dark-rendezvous detector, and measures each feed's coverage.
type GapDetector struct {
	opts GapOptions
	emit Emitter
	rx   *reception
	cov  *feedCoverage
	// name names a feed in evidence; nil until the first fix.
	name func(uint16) string
	// forgotAt is the data time reception history was last trimmed.
	forgotAt int64
	// Found lists the gap events found since the dark-rendezvous
	// detector last read them, in the order found.
	Found []event.Event
}

// NewGapDetector returns a gap detector.
func NewGapDetector(opts GapOptions, emit Emitter) *GapDetector {
	opts.defaults()
	return &GapDetector{opts: opts, emit: emit,
		rx:  newReception(opts.ReceptionCellDeg, 2*opts.IntentionalMin.Milliseconds()),
		cov: newFeedCoverage(opts.FeedOutage.Milliseconds())}
}

// Coverage returns each feed's coverage so far: when it delivered
// positions and its outages.
func (d *GapDetector) Coverage() Coverage { return d.cov.coverage() }

func (d *GapDetector) Position(o *Obs) {
	f := &o.Fix
	if d.name == nil {
		d.name = o.places.feedName
	}
	d.cov.heard(f.Feed, f.Time)
	if f.Time-d.forgotAt > 6*hourMs {
		d.rx.forget(f.Time - d.opts.ReceptionKeep.Milliseconds())
		d.forgotAt = f.Time
	}
	if o.notShip() {
		return // an AtoN, base station, aircraft or net buoy does not go dark
	}
	rc := &o.ss.recent
	if o.HasPrev {
		if dt := f.Time - o.Prev.Time; dt >= d.opts.MinGap.Milliseconds() {
			d.gap(o, rc)
		}
		// After judging: a gap is judged on the others' reception.
		d.rx.interval(o.Prev.Lat, o.Prev.Lon, o.Prev.Time, f.Time)
	}
	rc.heard(f.Time)
}

// evidenceFix is a fix as evidence.
func evidenceFix(f *track.Fix, name func(uint16) string, role string) event.Fix {
	e := event.Fix{Time: tm(f.Time), Lat: f.Lat, Lon: f.Lon, Role: role}
	if !nan32(f.SOG) {
		e.SOG = event.Ptr(math.Round(float64(f.SOG)*10) / 10)
	}
	if !nan32(f.COG) {
		e.COG = event.Ptr(math.Round(float64(f.COG)*10) / 10)
	}
	if name != nil {
		e.Feed = name(f.Feed)
	} else {
		e.Feed = strconv.Itoa(int(f.Feed))
	}
	return e
}

// gap judges the gap that ends with o's fix.
func (d *GapDetector) gap(o *Obs, rc *recent) {
	p, f := &o.Prev, &o.Fix
	dt := f.Time - p.Time
	before := rc.before(p.Time)
	shore := o.places.shoreAt(p.Lat, p.Lon)
	rxTo := min(p.Time+d.opts.IntentionalMin.Milliseconds(), f.Time)
	rx, rxHours := d.rx.rate(p.Lat, p.Lon, p.Time, rxTo)
	silent := d.cov.silentMs(p.Time, f.Time, p.Feed, f.Feed)
	outage := silent >= d.opts.FeedOutage.Milliseconds()
	// Heard well before: GFW's count, or, where reception is sparse (by
	// satellite alone), half of what the area's reception gives a vessel in
	// that time, and never fewer than 3.
	need := min(d.opts.MinPositionsBefore, max(3, int(math.Ceil(rx*float64(d.opts.IntentionalMin.Milliseconds())/(24*hourMs)/2))))
	intentional := !outage && dt >= d.opts.IntentionalMin.Milliseconds() && shore >= d.opts.MinShoreNM*metresPerNM &&
		rx >= d.opts.MinReception && rxHours >= d.opts.MinReceptionHours && before >= need
	moved := geo.Distance(p.Lat, p.Lon, f.Lat, f.Lon)
	conf := 0.4
	var summary string
	switch {
	case outage:
		conf = 0.2
		summary = fmt.Sprintf("%d unheard for %s: its feed heard nobody for %s of it (a coverage hole, not the vessel), reappeared %.0f nm away",
			o.Vessel.MMSI, hours(dt), hours(silent), moved/metresPerNM)
	case intentional:
		conf = 0.6 + 0.2*ramp(float64(dt), float64(d.opts.IntentionalMin.Milliseconds()), 3*float64(d.opts.IntentionalMin.Milliseconds())) + 0.2*ramp(rx, d.opts.MinReception, 3*d.opts.MinReception)
		summary = fmt.Sprintf("%d dark for %s, %.0f nm from shore, reappeared %.0f nm away (likely intentional: others around heard %.0f times a day, it was heard %d times in the 12 h before)",
			o.Vessel.MMSI, hours(dt), shore/metresPerNM, moved/metresPerNM, rx, before)
	default:
		summary = fmt.Sprintf("%d unheard for %s, %.0f nm from shore, reappeared %.0f nm away (coverage hole or unclear: others around heard %.0f times a day, it was heard %d times in the 12 h before)",
			o.Vessel.MMSI, hours(dt), shore/metresPerNM, moved/metresPerNM, rx, before)
	}
	ev := event.Event{
		Type: event.Gap, MMSI: o.Vessel.MMSI, Segment: segName(o.Vessel.MMSI, o.Segment.N),
		Start: tm(p.Time), End: tm(f.Time), Lat: p.Lat, Lon: p.Lon,
		EndLat: event.Ptr(f.Lat), EndLon: event.Ptr(f.Lon), Intentional: event.Ptr(intentional),
		Confidence: clamp01(conf),
		Summary:    summary,
		Details: map[string]float64{"hours": float64(dt) / hourMs, "shore_nm": shore / metresPerNM,
			"reception": math.Round(rx*10) / 10, "reception_vessel_hours": math.Round(rxHours*10) / 10,
			"positions_before": float64(before), "positions_needed": float64(need), "moved_nm": moved / metresPerNM,
			"feed_silent_hours": math.Round(float64(silent)/hourMs*100) / 100},
		Evidence: []event.Fix{evidenceFix(p, d.name, event.LastBefore), evidenceFix(f, d.name, event.FirstAfter)},
	}
	if outage {
		ev.Details["feed_outage"] = 1
	}
	d.Found = append(d.Found, ev)
	d.emit(ev)
}

func (d *GapDetector) Static(*StaticObs) {}
func (d *GapDetector) Finish(int64)      {}
