package radar

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/nmea"
)

// Options configures a Reader. The zero value means the defaults (and a
// radar on a moving ship: own position from its GGA/RMC).
type Options struct {
	// Feed names the radar's feed, for tracks and evidence.
	Feed string
	// Site is the position of a radar on a fixed site (a coast station)
	// when HasSite; its TTM ranges and bearings are taken from there and
	// own-position sentences in its output are counted, not used.
	Site    [2]float64 // lat, lon
	HasSite bool
	// MaxFixAge is how old the own ship's last fix may be for a TTM's
	// range and bearing to be placed from it (carried on at its RMC speed
	// and course when it has them). Default 30 s: GPS sends one a second.
	MaxFixAge time.Duration
	// TrackGap is how long a target number may go unreported before a
	// new report of that number is a new track (radars reuse numbers).
	// Default 5 min.
	TrackGap time.Duration
	// Location is the zone of date-time line prefixes (nil: UTC).
	Location *time.Location
}

func (o *Options) defaults() {
	if o.MaxFixAge <= 0 {
		o.MaxFixAge = 30 * time.Second
	}
	if o.TrackGap <= 0 {
		o.TrackGap = 5 * time.Minute
	}
}

// Plot is one report of a tracked target: where and when the radar had
// it.
type Plot struct {
	// Time is Unix ms; Lat, Lon degrees.
	Time     int64
	Lat, Lon float64
	// SpeedKn and Course (true, degrees) as the radar tracked them; NaN
	// when it gave none.
	SpeedKn, Course float64
	// Line is the input line of the report (its TLL when both TTM and TLL
	// gave it).
	Line int64
	// Site is where the radar was (lat, lon) when HasSite: the fixed
	// site, or the own ship's fix it was placed from; a TLL from a ship
	// whose own fix is not recent has none.
	Site    [2]float64
	HasSite bool
}

// Track is one target the radar tracked, from its first report to its
// loss (or TrackGap without a report).
type Track struct {
	// ID is "<feed>/<target>/<n>": the n-th track of that target number.
	ID     string
	Feed   string
	Target int
	Name   string // the radar's label, often empty
	Plots  []Plot
}

// Start and End are the times of the first and last plots.
func (t *Track) Start() int64 { return t.Plots[0].Time }
func (t *Track) End() int64   { return t.Plots[len(t.Plots)-1].Time }

// What became of each input line; every line is counted under one.
const (
	Used           = "used"                 // a TTM or TLL that made or refined a plot
	OwnPosition    = "own_position"         // a GGA, RMC, HDT or ZDA kept for placing and timing
	SiteFixed      = "own_position_ignored" // own-position sentences of a fixed site
	Lost           = "lost"                 // a report of a lost target (ends its track)
	NoTime         = "no_time"              // no date known yet: the line's time cannot be told
	NoOwnPosition  = "no_own_position"      // a range and bearing with no recent own fix to place them
	NoHeading      = "no_heading"           // a relative bearing with no own heading
	NoPosition     = "no_position"          // a TTM or TLL without range and bearing or position
	NoTargetNumber = "no_target_number"
	Blank          = "blank"
	Comment        = "comment"
	Metadata       = "metadata"
	NotRadar       = "not_radar"    // AIS or another sentence: not the radar's
	BadChecksum    = "bad_checksum" //
	Malformed      = "malformed"    // a field that does not parse (the first kept in Errors)
	OutOfOrder     = "out_of_order" // a report older than its track's last plot
)

// ErrNoTime: a radar output in which no line says the date.
var ErrNoTime = errors.New("radar: no line carries a date (no tag block or prefix time, RMC or ZDA)")

// Reader turns a radar's NMEA output, line by line, into tracks. It is
// not safe for concurrent use.
type Reader struct {
	opts Options
	in   *nmea.InstrumentReader

	// lastAbs is the latest absolute time known (Unix ms), -1 before any.
	lastAbs int64
	fix     nmea.OwnFix
	fixAt   int64 // absolute time of fix, -1 when none
	heading float64
	headAt  int64

	open   map[int]*Track // by target number
	serial map[int]int
	done   []*Track

	// Lines counts the lines by what became of them; Errors keeps the
	// first error of each kind of malformed sentence.
	Lines  map[string]int64
	Errors []error
}

// NewReader returns a Reader.
func NewReader(opts Options) *Reader {
	opts.defaults()
	return &Reader{opts: opts, in: nmea.NewInstrumentReader(opts.Location), lastAbs: -1, fixAt: -1, headAt: -1,
		open: map[int]*Track{}, serial: map[int]int{}, Lines: map[string]int64{}}
}

// Line reads one line; it returns the plot it made or refined, if any
// (valid until the next call).
func (r *Reader) Line(b []byte) (*Plot, *Track) {
	in, reason, err := r.in.Line(b)
	if in == nil {
		switch reason {
		case nmea.Blank:
			r.Lines[Blank]++
		case nmea.Comment:
			r.Lines[Comment]++
		case nmea.Metadata:
			r.Lines[Metadata]++
		case nmea.BadChecksum:
			r.Lines[BadChecksum]++
		case nmea.Malformed:
			r.Lines[Malformed]++
			if len(r.Errors) < 20 {
				r.Errors = append(r.Errors, err)
			}
		default:
			r.Lines[NotRadar]++
		}
		return nil, nil
	}
	if in.HasTime {
		r.lastAbs = in.TimeMs
	}
	switch {
	case in.ZDA != nil:
		r.lastAbs = in.ZDA.TimeMs
		r.Lines[OwnPosition]++
	case in.Fix != nil:
		if r.opts.HasSite {
			r.Lines[SiteFixed]++
			return nil, nil
		}
		f := in.Fix
		if f.Day >= 0 && f.UTCMs >= 0 && !in.HasTime {
			r.lastAbs = f.Day*86_400_000 + f.UTCMs
		}
		r.Lines[OwnPosition]++
		t, ok := r.when(in, f.UTCMs)
		if !ok || !f.Valid {
			return nil, nil
		}
		r.fix, r.fixAt = *f, t
	case in.HDT != nil:
		r.Lines[OwnPosition]++
		if t, ok := r.when(in, -1); ok {
			r.heading, r.headAt = in.HDT.Deg, t
		}
	case in.TTM != nil:
		return r.ttm(in)
	case in.TLL != nil:
		return r.tll(in)
	}
	return nil, nil
}

// when is the absolute time of a sentence: the line's own time (with the
// sentence's time of day when it has one, on the nearest day), else the
// sentence's time of day on the day of the latest absolute time known,
// else that time itself.
func (r *Reader) when(in *nmea.Instrument, tod int64) (int64, bool) {
	ref := r.lastAbs
	if ref < 0 {
		return 0, false
	}
	if tod < 0 {
		return ref, true
	}
	const day = 86_400_000
	t := ref - ref%day + tod
	switch {
	case t-ref > day/2:
		t -= day
	case ref-t > day/2:
		t += day
	}
	return t, true
}

func (r *Reader) ttm(in *nmea.Instrument) (*Plot, *Track) {
	m := in.TTM
	t, ok := r.when(in, m.UTCMs)
	if !ok {
		r.Lines[NoTime]++
		return nil, nil
	}
	if m.Status == nmea.TargetLost {
		r.lose(m.Target)
		return nil, nil
	}
	if math.IsNaN(m.DistanceM) {
		r.Lines[NoPosition]++
		return nil, nil
	}
	site, ok := r.origin(t)
	if !ok {
		r.Lines[NoOwnPosition]++
		return nil, nil
	}
	lat, lon := site[0], site[1]
	heading := math.NaN()
	if !r.opts.HasSite {
		switch {
		case r.headAt >= 0 && abs(t-r.headAt) <= r.opts.MaxFixAge.Milliseconds():
			heading = r.heading
		case !math.IsNaN(r.fix.Course) && r.fix.SpeedKn > 1:
			heading = r.fix.Course // the course over ground stands in for a heading
		}
	}
	bearing, course := m.Bearing, m.Course
	if m.BearingRelative || m.CourseRelative {
		if math.IsNaN(heading) {
			r.Lines[NoHeading]++
			return nil, nil
		}
		if m.BearingRelative {
			bearing = math.Mod(bearing+heading, 360)
		}
		if m.CourseRelative && !math.IsNaN(course) {
			course = math.Mod(course+heading, 360)
		}
	}
	plat, plon := geo.Destination(lat, lon, bearing, m.DistanceM)
	return r.plot(m.Target, m.Name, Plot{Time: t, Lat: plat, Lon: plon, SpeedKn: m.SpeedKn, Course: course, Line: in.Line, Site: [2]float64{lat, lon}, HasSite: true})
}

func (r *Reader) tll(in *nmea.Instrument) (*Plot, *Track) {
	m := in.TLL
	if m.Target < 0 {
		r.Lines[NoTargetNumber]++
		return nil, nil
	}
	t, ok := r.when(in, m.UTCMs)
	if !ok {
		r.Lines[NoTime]++
		return nil, nil
	}
	if m.Status == nmea.TargetLost {
		r.lose(m.Target)
		return nil, nil
	}
	if !m.HasPosition {
		r.Lines[NoPosition]++
		return nil, nil
	}
	p := Plot{Time: t, Lat: m.Lat, Lon: m.Lon, SpeedKn: math.NaN(), Course: math.NaN(), Line: in.Line}
	p.Site, p.HasSite = r.origin(t)
	return r.plot(m.Target, m.Name, p)
}

// origin is where the radar was at t: its fixed site, or the own ship's
// recent fix carried on at its speed and course; false when neither.
func (r *Reader) origin(t int64) ([2]float64, bool) {
	if r.opts.HasSite {
		return r.opts.Site, true
	}
	if r.fixAt < 0 || abs(t-r.fixAt) > r.opts.MaxFixAge.Milliseconds() {
		return [2]float64{}, false
	}
	lat, lon := r.fix.Lat, r.fix.Lon
	if !math.IsNaN(r.fix.SpeedKn) && !math.IsNaN(r.fix.Course) && t != r.fixAt {
		lat, lon = geo.Destination(lat, lon, r.fix.Course, geo.KnotsToMetresPerSecond(r.fix.SpeedKn)*float64(t-r.fixAt)/1000)
	}
	return [2]float64{lat, lon}, true
}

// sameReport is how close in time a TTM and a TLL of one target are taken
// as one report (a radar sends both for each update).
const sameReport = 1500

// plot adds p to its target's track: a report within sameReport of the
// track's last plot refines it (a TLL's position, a TTM's speed and
// course), a later one extends it, one after TrackGap starts a new track.
func (r *Reader) plot(target int, name string, p Plot) (*Plot, *Track) {
	tr := r.open[target]
	if tr != nil {
		last := &tr.Plots[len(tr.Plots)-1]
		switch {
		case abs(p.Time-last.Time) <= sameReport:
			if math.IsNaN(p.SpeedKn) { // a TLL: its position is the radar's own
				last.Lat, last.Lon, last.Line = p.Lat, p.Lon, p.Line
				if !last.HasSite {
					last.Site, last.HasSite = p.Site, p.HasSite
				}
			} else {
				if p.HasSite {
					last.Site, last.HasSite = p.Site, true
				}
				last.SpeedKn, last.Course = p.SpeedKn, p.Course
			}
			r.Lines[Used]++
			return last, tr
		case p.Time < last.Time:
			r.Lines[OutOfOrder]++
			return nil, nil
		case p.Time-last.Time > r.opts.TrackGap.Milliseconds():
			r.close(target)
			tr = nil
		}
	}
	if tr == nil {
		r.serial[target]++
		tr = &Track{ID: fmt.Sprintf("%s/%d/%d", r.opts.Feed, target, r.serial[target]), Feed: r.opts.Feed, Target: target}
		r.open[target] = tr
	}
	if name != "" {
		tr.Name = name
	}
	tr.Plots = append(tr.Plots, p)
	r.Lines[Used]++
	return &tr.Plots[len(tr.Plots)-1], tr
}

func (r *Reader) lose(target int) {
	r.Lines[Lost]++
	r.close(target)
}

func (r *Reader) close(target int) {
	if tr := r.open[target]; tr != nil {
		r.done = append(r.done, tr)
		delete(r.open, target)
	}
}

// Tracks ends every open track and returns all of them, by start time.
func (r *Reader) Tracks() []Track {
	for k := range r.open {
		r.close(k)
	}
	out := make([]Track, 0, len(r.done))
	for _, t := range r.done {
		out = append(out, *t)
	}
	sortTracks(out)
	return out
}

// Clock returns the latest absolute time the output has given (a line's
// own time, RMC or ZDA), Unix ms; false before any.
func (r *Reader) Clock() (int64, bool) { return r.lastAbs, r.lastAbs >= 0 }

// Total is the number of lines read.
func (r *Reader) Total() int64 {
	var n int64
	for _, v := range r.Lines {
		n += v
	}
	return n
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
