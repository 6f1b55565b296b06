package radar

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// UnseenOptions configures Unseen. The zero value means the defaults
// (Defaults fills them in). The thresholds file (detect.LoadConfig) sets
// them in its unseen_by_radar section, all but Shore.
type UnseenOptions struct {
	// ToleranceM is how near a plot must be to the vessel's AIS position
	// at a sweep's time to have seen it. Default 1500 m: the correlation's
	// tolerance (Skylight's).
	ToleranceM float64
	// RangeM is the radar's range. Default 0: the farthest target it
	// reported within RangeWindow before a sweep (its observed range), so
	// that a radar whose coverage shrinks (rain, a lower setting) is
	// judged on what it was seeing then.
	RangeM float64
	// RangeWindow is how far back the observed range looks. Default 1 h.
	RangeWindow time.Duration
	// RangeShare is the share of the range within which a miss counts:
	// nearer the edge the radar horizon, sea clutter and a low target make
	// a miss no evidence. Default 0.8.
	RangeShare float64
	// MinSweeps is how many sweeps must have missed the vessel before an
	// event. Default 10 (ten minutes of a coast radar's output).
	MinSweeps int
	// MaxSeenShare is the most of an episode's judged sweeps in which a
	// plot may lie within ToleranceM of the vessel (a passing ship, or the
	// vessel itself now and then) for the episode to stand. Default 0.2.
	MaxSeenShare float64
	// EndAfter ends an episode after this long without a missed sweep.
	// Default 10 min.
	EndAfter time.Duration
	// MinLengthM: a vessel shorter, of unknown length or with a Class B
	// transponder is not judged, a small craft a radar often misses.
	// Default 25 m.
	MinLengthM float64
	// MinPlots is how many targets a sweep must report to be a working
	// radar's: a radar that reports nothing (an outage) sees nothing.
	// Default 1.
	MinPlots int
	// MaxFixGap: a sweep between two fixes of the vessel further apart is
	// not judged (where the vessel was is not known). Default 10 min.
	MaxFixGap time.Duration
	// MaxSpeedKn: consecutive fixes of an MMSI further apart than this
	// speed (and 500 m) are a jump, of another transmitter on the MMSI or
	// of a position spoofed all at once, which impossible_speed and
	// shared_mmsi report; for JumpQuiet after one the MMSI is not judged,
	// as which transmitter is where cannot be told. Defaults 50 kn (the
	// spoofing detector's), 3 h.
	MaxSpeedKn float64
	JumpQuiet  time.Duration
	// OwnShipM: a vessel this near the radar is the ship carrying it.
	// Default 500 m.
	OwnShipM float64
	// Shore, when set, leaves out positions within NearShoreM of the
	// coast (land clutter) and those the radar's line of sight reaches
	// across land (shadow), past ShadowFromM from the radar (a coast
	// station stands ashore). Defaults 1 km, 3 km.
	Shore       *geo.Shore
	NearShoreM  float64
	ShadowFromM float64
	// Keep is how long a radar's sweeps are kept for AIS that comes late;
	// negative keeps them all (a batch run). Default 1 h.
	Keep time.Duration
}

// Defaults fills in the options left zero with their defaults.
func (o *UnseenOptions) Defaults() {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.ToleranceM, 1500)
	defd(&o.RangeWindow, time.Hour)
	def(&o.RangeShare, 0.8)
	if o.MinSweeps <= 0 {
		o.MinSweeps = 10
	}
	def(&o.MaxSeenShare, 0.2)
	defd(&o.EndAfter, 10*time.Minute)
	def(&o.MinLengthM, 25)
	if o.MinPlots <= 0 {
		o.MinPlots = 1
	}
	defd(&o.MaxFixGap, 10*time.Minute)
	def(&o.MaxSpeedKn, 50)
	defd(&o.JumpQuiet, 3*time.Hour)
	def(&o.OwnShipM, 500)
	def(&o.NearShoreM, 1000)
	def(&o.ShadowFromM, 3000)
	if o.Keep == 0 {
		o.Keep = time.Hour
	}
}

// AISFix is one tracked AIS position given to Unseen.
type AISFix struct {
	MMSI     uint32
	Time     int64 // Unix ms
	Lat, Lon float64
	// ClassB is set for a Class B transponder's report (small craft).
	ClassB bool
	// Feeds are the provenance bits of the feeds that heard it.
	Feeds uint64
}

// Unseen finds AIS vessels a radar should have seen and did not: each
// sweep of a radar (its plots of one minute, the first of each track)
// is judged against every vessel whose AIS places it then (interpolated
// between its fixes) well inside the radar's range; a sweep that
// reported targets and had none within ToleranceM of the vessel missed
// it. MinSweeps misses, the radar seeing it in at most MaxSeenShare of
// the judged sweeps, make a spoofing event of subtype unseen_by_radar,
// re-sent as it grows and in its final form when it ends.
//
// A sweep and a vessel are judged once both are complete: the sweep
// when the radar reports a later one, the vessel's place when it has a
// fix at or after the sweep. The outcome is the same whatever order the
// radar's plots and the AIS come in, so a batch run (Plots, then Fixes)
// and a live one give the same events. Each radar's plots and each
// vessel's fixes must come in time order. Not safe for concurrent use.
type Unseen struct {
	opts    UnseenOptions
	radars  map[string]*sweeps
	order   []*sweeps
	vessels map[uint32]*vessel
	open    []*missRun
	shadow  map[shadowKey]bool
	newest  int64 // the latest AIS time
	trimmed int64
}

// NewUnseen returns an Unseen detector.
func NewUnseen(opts UnseenOptions) *Unseen {
	opts.Defaults()
	return &Unseen{opts: opts, radars: map[string]*sweeps{}, vessels: map[uint32]*vessel{}, shadow: map[shadowKey]bool{}}
}

// sweep is a radar's plots of one Sample slot.
type sweep struct {
	slot   int64
	time   int64 // of its first plot
	site   [2]float64
	placed bool // site known
	plots  []sweepPlot
	maxM   float64 // its farthest plot from the site
	rangeM float64 // the range judged in, set when closed
}

type sweepPlot struct {
	lat, lon float64
	track    string
	line     int64
}

type sweeps struct {
	feed   string
	cur    *sweep
	closed []*sweep
	late   int
}

type fixAt struct {
	time     int64
	lat, lon float64
}

type vessel struct {
	mmsi     uint32
	fixes    []fixAt // recent, oldest first
	lengthM  float64
	classB   bool
	lastJump int64
	feeds    uint64
	eps      map[string]*missRun // by radar
}

// judged is one sweep's outcome for one vessel.
type judged struct {
	sw       *sweep
	lat, lon float64 // the vessel's AIS place then
	nearest  int     // index of the nearest plot, -1 none
	nearM    float64
}

// missRun is one vessel's run of sweeps of one radar that missed it: an
// episode, an event once it qualifies.
type missRun struct {
	v           *vessel
	radar       string
	first, last judged
	misses      int
	seen        int
	nearMs      []float64
	rangesM     []float64
	feeds       uint64
	reported    bool
	emitted     int // misses at the last emission
	id          string
	done        bool
}

// Plot takes a radar's plot (of track id); the plots of one radar in time
// order. A plot of a later slot closes the sweep before it, which may
// make events.
func (u *Unseen) Plot(feed, track string, p Plot) []Emission {
	r := u.radars[feed]
	if r == nil {
		r = &sweeps{feed: feed}
		u.radars[feed] = r
		u.order = append(u.order, r)
	}
	slot := p.Time / time.Minute.Milliseconds()
	var out []Emission
	if r.cur != nil && slot != r.cur.slot {
		if slot < r.cur.slot {
			r.late++
			return nil
		}
		out = u.close(r)
	}
	if r.cur == nil {
		r.cur = &sweep{slot: slot, time: p.Time}
	}
	s := r.cur
	for _, q := range s.plots {
		if q.track == track {
			return out // one plot of each track a sweep
		}
	}
	if !s.placed && p.HasSite {
		s.site, s.placed = p.Site, true
	}
	s.plots = append(s.plots, sweepPlot{lat: p.Lat, lon: p.Lon, track: track, line: p.Line})
	if p.HasSite {
		s.maxM = max(s.maxM, geo.Distance(p.Site[0], p.Site[1], p.Lat, p.Lon))
	}
	return out
}

// close ends the radar's current sweep and judges it for the vessels
// already placed at its time.
func (u *Unseen) close(r *sweeps) []Emission {
	s := r.cur
	r.cur = nil
	rng := u.opts.RangeM
	if rng <= 0 {
		rng = s.maxM
		from := s.time - u.opts.RangeWindow.Milliseconds()
		for i := len(r.closed) - 1; i >= 0 && r.closed[i].time >= from; i-- {
			rng = max(rng, r.closed[i].maxM)
		}
	}
	s.rangeM = rng * u.opts.RangeShare
	r.closed = append(r.closed, s)
	if u.opts.Keep > 0 {
		// Sweeps the AIS can no longer need: Keep behind the radar and the
		// AIS, whichever is behind (a replay may run ahead of the other),
		// and a day behind the radar at most; at least RangeWindow for
		// the range.
		keep := max(u.opts.Keep, u.opts.RangeWindow).Milliseconds()
		ref := s.time
		if u.newest > 0 {
			ref = min(ref, u.newest)
		}
		k := 0
		for k < len(r.closed) && (ref-r.closed[k].time > keep || s.time-r.closed[k].time > maxKeepMs) {
			k++
		}
		if k > 0 {
			r.closed = append(r.closed[:0], r.closed[k:]...)
		}
	}
	out := u.ended(r.feed, s.time)
	if !u.working(s) {
		return out
	}
	// Vessels whose fixes already reach past the sweep.
	vs := make([]*vessel, 0, 16)
	for _, v := range u.vessels {
		n := len(v.fixes)
		if n == 0 || v.fixes[n-1].time < s.time {
			continue
		}
		f := v.fixes[n-1]
		if geo.Distance(s.site[0], s.site[1], f.lat, f.lon) > s.rangeM+50e3 {
			continue
		}
		vs = append(vs, v)
	}
	slices.SortFunc(vs, func(a, b *vessel) int { return cmp.Compare(a.mmsi, b.mmsi) })
	for _, v := range vs {
		out = append(out, u.judge(v, r.feed, s)...)
	}
	return out
}

func (u *Unseen) working(s *sweep) bool {
	return s.placed && len(s.plots) >= u.opts.MinPlots && s.rangeM > 0
}

// Craft says how long a vessel is (metres, from its static reports).
func (u *Unseen) Craft(mmsi uint32, lengthM float64) {
	u.vessel(mmsi).lengthM = lengthM
}

func (u *Unseen) vessel(mmsi uint32) *vessel {
	v := u.vessels[mmsi]
	if v == nil {
		v = &vessel{mmsi: mmsi, lastJump: math.MinInt64 / 2, eps: map[string]*missRun{}}
		u.vessels[mmsi] = v
	}
	return v
}

// Fix takes a vessel's tracked AIS position; each vessel's in time
// order. It judges the closed sweeps the vessel is now placed at.
func (u *Unseen) Fix(f AISFix) []Emission {
	v := u.vessel(f.MMSI)
	v.classB = f.ClassB
	v.feeds |= f.Feeds
	u.newest = max(u.newest, f.Time)
	prev := int64(math.MinInt64)
	if n := len(v.fixes); n > 0 {
		p := v.fixes[n-1]
		if f.Time < p.time {
			return nil
		}
		prev = p.time
		d := geo.Distance(p.lat, p.lon, f.Lat, f.Lon)
		if d > 500 && d > geo.KnotsToMetresPerSecond(u.opts.MaxSpeedKn)*float64(max(1, f.Time-p.time))/1000 {
			v.lastJump = f.Time
		}
	}
	v.fixes = append(v.fixes, fixAt{f.Time, f.Lat, f.Lon})
	// A fix kept as long as a sweep might still be judged at it: Keep
	// behind the radar furthest behind (a radar whose output comes late,
	// or connects after the AIS), maxFixes at most.
	keep := max(u.opts.MaxFixGap, u.opts.Keep).Milliseconds()
	ref := f.Time
	if u.opts.Keep > 0 {
		ref = min(ref, u.radarClock())
	}
	k := 0
	for k < len(v.fixes)-2 && (ref-v.fixes[k+1].time > keep || len(v.fixes)-k > maxFixes) {
		k++
	}
	if k > 0 {
		v.fixes = append(v.fixes[:0], v.fixes[k:]...)
	}
	var out []Emission
	for _, r := range u.order {
		i, _ := slices.BinarySearchFunc(r.closed, prev+1, func(s *sweep, t int64) int { return cmp.Compare(s.time, t) })
		for ; i < len(r.closed) && r.closed[i].time <= f.Time; i++ {
			if s := r.closed[i]; u.working(s) {
				out = append(out, u.judge(v, r.feed, s)...)
			}
		}
	}
	u.trim()
	return out
}

// maxKeepMs bounds how far the AIS of a live run may fall behind the
// radars and its sweeps still be judged: a day; and maxFixes how many
// fixes a vessel keeps for radars behind the AIS (an hour of a Class A
// ship's reports every two seconds).
const (
	maxKeepMs = 24 * 3_600_000
	maxFixes  = 2048
)

// radarClock is the time of the radar furthest behind the AIS (its open
// sweep's) but no more than Keep behind (a radar that stopped, or lags
// more, is not waited for), or the largest time when there is none.
func (u *Unseen) radarClock() int64 {
	t := int64(math.MaxInt64)
	for _, r := range u.order {
		rt := int64(math.MaxInt64)
		switch {
		case r.cur != nil:
			rt = r.cur.time
		case len(r.closed) > 0:
			rt = r.closed[len(r.closed)-1].time
		}
		if u.newest-rt <= u.opts.Keep.Milliseconds() {
			t = min(t, rt)
		}
	}
	return t
}

// place is where the vessel's AIS put it at t: interpolated between
// the fixes around t, no more than MaxFixGap apart.
func (v *vessel) place(t, gap int64) (lat, lon float64, ok bool) {
	i, found := slices.BinarySearchFunc(v.fixes, t, func(f fixAt, t int64) int { return cmp.Compare(f.time, t) })
	if found {
		return v.fixes[i].lat, v.fixes[i].lon, true
	}
	if i == 0 || i == len(v.fixes) {
		return 0, 0, false
	}
	a, b := v.fixes[i-1], v.fixes[i]
	if b.time-a.time > gap {
		return 0, 0, false
	}
	x := float64(t-a.time) / float64(b.time-a.time)
	return a.lat + x*(b.lat-a.lat), a.lon + x*(b.lon-a.lon), true
}

// judge is sweep s of radar feed for vessel v.
func (u *Unseen) judge(v *vessel, feed string, s *sweep) []Emission {
	o := &u.opts
	ep := v.eps[feed]
	var out []Emission
	if ep != nil && s.time-ep.last.sw.time > o.EndAfter.Milliseconds() {
		// Ended before this sweep (as a live run ends it when a later
		// sweep closes).
		delete(v.eps, feed)
		out = append(out, u.finish(ep)...)
		ep = nil
	}
	if v.classB || v.lengthM < o.MinLengthM {
		// A small craft, or one not known to be large: not judged, and an
		// episode of it (a length heard late) withdrawn.
		if ep != nil {
			delete(v.eps, feed)
			return append(out, u.drop(ep)...)
		}
		return out
	}
	if s.time-v.lastJump < o.JumpQuiet.Milliseconds() {
		return out
	}
	lat, lon, ok := v.place(s.time, o.MaxFixGap.Milliseconds())
	if !ok {
		return out
	}
	d := geo.Distance(s.site[0], s.site[1], lat, lon)
	if d < o.OwnShipM || d > s.rangeM || u.hidden(s.site, lat, lon) {
		return out
	}
	j := judged{sw: s, lat: lat, lon: lon, nearest: -1, nearM: math.Inf(1)}
	for k, p := range s.plots {
		if dd := geo.Distance(lat, lon, p.lat, p.lon); dd < j.nearM {
			j.nearest, j.nearM = k, dd
		}
	}
	if j.nearM <= o.ToleranceM {
		if ep == nil {
			return out
		}
		ep.seen++
		if float64(ep.seen) > o.MaxSeenShare*float64(ep.seen+ep.misses) {
			delete(v.eps, feed)
			return append(out, u.drop(ep)...)
		}
		return out
	}
	if ep == nil {
		ep = &missRun{v: v, radar: feed, first: j}
		v.eps[feed] = ep
		u.open = append(u.open, ep)
	}
	ep.last = j
	ep.misses++
	ep.feeds |= v.feeds
	ep.nearMs = append(ep.nearMs, j.nearM)
	ep.rangesM = append(ep.rangesM, d)
	if u.qualifies(ep) && (!ep.reported || ep.misses-ep.emitted >= 10) {
		out = append(out, u.emit(ep))
	}
	return out
}

func (u *Unseen) qualifies(ep *missRun) bool {
	return ep.misses >= u.opts.MinSweeps && float64(ep.seen) <= u.opts.MaxSeenShare*float64(ep.seen+ep.misses)
}

// ended finishes the episodes of radar feed whose last miss is EndAfter
// before t.
func (u *Unseen) ended(feed string, t int64) []Emission {
	var out []Emission
	kept := u.open[:0]
	for _, ep := range u.open {
		if ep.done {
			continue
		}
		if ep.radar == feed && t-ep.last.sw.time > u.opts.EndAfter.Milliseconds() {
			if ep.v.eps[feed] == ep {
				delete(ep.v.eps, feed)
			}
			out = append(out, u.finish(ep)...)
			continue
		}
		kept = append(kept, ep)
	}
	clear(u.open[len(kept):])
	u.open = kept
	return out
}

// finish ends an episode: its final form, if it qualifies and changed
// since it was last sent.
func (u *Unseen) finish(ep *missRun) []Emission {
	ep.done = true
	if !u.qualifies(ep) || ep.reported && ep.emitted == ep.misses {
		return nil
	}
	return []Emission{u.emit(ep)}
}

// drop ends an episode that failed: withdrawn if it was sent.
func (u *Unseen) drop(ep *missRun) []Emission {
	ep.done = true
	if !ep.reported {
		return nil
	}
	e := u.event(ep)
	e.Confidence = 0
	e.Summary += "; withdrawn: the radar saw it"
	return []Emission{{Event: e, Feed: ep.radar, VesselFeeds: ep.feeds}}
}

func (u *Unseen) emit(ep *missRun) Emission {
	e := u.event(ep)
	em := Emission{Event: e, Feed: ep.radar, VesselFeeds: ep.feeds, First: !ep.reported}
	ep.reported, ep.emitted = true, ep.misses
	return em
}

// event is the episode as a spoofing event: placed at the first missed
// AIS position, with the AIS positions, the radar's site and its nearest
// plots at the first and last missed sweeps as evidence.
func (u *Unseen) event(ep *missRun) event.Event {
	f, l := &ep.first, &ep.last
	t0, t1 := time.UnixMilli(f.sw.time).UTC(), time.UnixMilli(l.sw.time).UTC()
	near := slices.Clone(ep.nearMs)
	slices.Sort(near)
	rs := slices.Clone(ep.rangesM)
	slices.Sort(rs)
	medNear, medRange := near[len(near)/2], rs[len(rs)/2]
	share := float64(ep.seen) / float64(ep.seen+ep.misses)
	conf := (0.5 + 0.45*math.Min(1, float64(ep.misses-u.opts.MinSweeps)/float64(5*u.opts.MinSweeps))) * (1 - share)
	hours := float64(l.sw.time-f.sw.time) / 3.6e6
	e := event.Event{
		Type: event.Spoofing, Subtype: event.UnseenByRadar, MMSI: ep.v.mmsi, Start: t0, End: t1, Lat: f.lat, Lon: f.lon,
		Confidence: math.Round(max(conf, 0.01)*100) / 100, Sensor: detection.SensorRadar, Scene: ep.radar,
		Details: map[string]float64{
			"sweeps_missed": float64(ep.misses), "sweeps_seen": float64(ep.seen), "hours": math.Round(hours*100) / 100,
			"median_range_nm":       math.Round(medRange/geo.MetresPerNauticalMile*10) / 10,
			"radar_range_nm":        math.Round(l.sw.rangeM/u.opts.RangeShare/geo.MetresPerNauticalMile*10) / 10,
			"median_nearest_plot_m": math.Round(medNear),
			"radar_targets":         float64(len(l.sw.plots)),
		},
		Evidence: []event.Fix{
			{Time: t0, Lat: f.lat, Lon: f.lon, Role: event.First},
			{Time: t0, Lat: f.sw.site[0], Lon: f.sw.site[1], Feed: ep.radar, Role: event.Site},
		},
	}
	said := func(j *judged) string {
		if j.nearest < 0 {
			return "no target"
		}
		p := j.sw.plots[j.nearest]
		return fmt.Sprintf("its nearest target %s %.1f km off", p.track, j.nearM/1000)
	}
	plotFix := func(j *judged) {
		if j.nearest < 0 {
			return
		}
		p := j.sw.plots[j.nearest]
		fx := event.Fix{Time: time.UnixMilli(j.sw.time).UTC(), Lat: p.lat, Lon: p.lon, Feed: ep.radar, Role: event.Detected}
		if p.line > 0 {
			fx.Receiver = fmt.Sprintf("line %d", p.line)
		}
		e.Evidence = append(e.Evidence, fx)
	}
	plotFix(f)
	e.Evidence = append(e.Evidence, event.Fix{Time: t1, Lat: l.lat, Lon: l.lon, Role: event.Last})
	plotFix(l)
	e.Summary = fmt.Sprintf("%d reported positions %.1f nm from radar %s (targets seen out to %.1f nm) for %.1f h, and the radar saw nothing within %.1f km of them in %d of %d sweeps; at first %s, at last %s",
		ep.v.mmsi, medRange/geo.MetresPerNauticalMile, ep.radar, l.sw.rangeM/u.opts.RangeShare/geo.MetresPerNauticalMile, hours,
		u.opts.ToleranceM/1000, ep.misses, ep.misses+ep.seen, said(f), said(l))
	e.SetID()
	return e
}

type shadowKey struct{ a, b [2]int32 }

// hidden reports whether a position is near the coast or behind land
// from the radar.
func (u *Unseen) hidden(site [2]float64, lat, lon float64) bool {
	sh := u.opts.Shore
	if sh == nil {
		return false
	}
	if sh.DistanceToShore(lat, lon) < u.opts.NearShoreM {
		return true
	}
	// Cached by ~100 m cells of the radar and ~500 m of the position.
	k := shadowKey{[2]int32{int32(math.Floor(site[0] * 1000)), int32(math.Floor(site[1] * 1000))}, [2]int32{int32(math.Floor(lat * 200)), int32(math.Floor(lon * 200))}}
	if h, ok := u.shadow[k]; ok {
		return h
	}
	h := Shadowed(sh, site, lat, lon, u.opts.ShadowFromM)
	if len(u.shadow) > 1<<20 {
		clear(u.shadow)
	}
	u.shadow[k] = h
	return h
}

// Shadowed reports whether land lies on the line of sight from a radar
// at site to (lat, lon), past fromM from the radar (a coast station
// stands ashore), looked at every kilometre: the radar cannot see there.
func Shadowed(shore *geo.Shore, site [2]float64, lat, lon, fromM float64) bool {
	d := geo.Distance(site[0], site[1], lat, lon)
	brg := geo.Bearing(site[0], site[1], lat, lon)
	for x := fromM; x < d; x += 1000 {
		la, lo := geo.Destination(site[0], site[1], brg, x)
		if shore.IsLand(la, lo) {
			return true
		}
	}
	return false
}

// Flush closes every radar's sweep and ends every episode (the end of
// the data).
func (u *Unseen) Flush() []Emission {
	var out []Emission
	for _, r := range u.order {
		if r.cur != nil {
			out = append(out, u.close(r)...)
		}
	}
	for _, ep := range u.open {
		if !ep.done {
			out = append(out, u.finish(ep)...)
		}
	}
	clear(u.open)
	u.open = u.open[:0]
	for _, v := range u.vessels {
		clear(v.eps)
	}
	return out
}

// trim forgets vessels not heard for a day (live).
func (u *Unseen) trim() {
	if u.opts.Keep < 0 || u.newest-u.trimmed < 10*60_000 {
		return
	}
	u.trimmed = u.newest
	for m, v := range u.vessels {
		if n := len(v.fixes); n > 0 && u.newest-v.fixes[n-1].time > 24*3_600_000 && len(v.eps) == 0 {
			delete(u.vessels, m)
		}
	}
}

// UnseenBatch runs Unseen over a whole run: the radar tracks' plots, then
// the AIS tracks' fixes (the segments of each MMSI merged in time
// order), and returns each event in its last form, withdrawn ones left
// out. length gives a vessel's length (metres, 0 unknown) and whether it
// carries a Class B transponder.
func UnseenBatch(tracks []Track, ais []detection.Track, length func(mmsi uint32) (float64, bool), opts UnseenOptions) []event.Event {
	opts.Keep = -1
	u := NewUnseen(opts)
	type tp struct {
		id string
		p  Plot
	}
	byFeed := map[string][]tp{}
	var feeds []string
	for i := range tracks {
		tr := &tracks[i]
		if _, ok := byFeed[tr.Feed]; !ok {
			feeds = append(feeds, tr.Feed)
		}
		for _, p := range tr.Plots {
			byFeed[tr.Feed] = append(byFeed[tr.Feed], tp{tr.ID, p})
		}
	}
	var ems []Emission
	for _, f := range feeds {
		ps := byFeed[f]
		slices.SortStableFunc(ps, func(a, b tp) int { return cmp.Compare(a.p.Time, b.p.Time) })
		for _, x := range ps {
			ems = append(ems, u.Plot(f, x.id, x.p)...)
		}
		if r := u.radars[f]; r.cur != nil {
			ems = append(ems, u.close(r)...)
		}
	}
	byMMSI := map[uint32][]fixAt{}
	for i := range ais {
		a := &ais[i]
		for k, t := range a.Times {
			byMMSI[a.MMSI] = append(byMMSI[a.MMSI], fixAt{t, a.Lat[k], a.Lon[k]})
		}
	}
	mmsis := make([]uint32, 0, len(byMMSI))
	for m := range byMMSI {
		mmsis = append(mmsis, m)
	}
	slices.Sort(mmsis)
	for _, m := range mmsis {
		fs := byMMSI[m]
		slices.SortStableFunc(fs, func(a, b fixAt) int { return cmp.Compare(a.time, b.time) })
		l, classB := length(m)
		u.Craft(m, l)
		for _, f := range fs {
			ems = append(ems, u.Fix(AISFix{MMSI: m, Time: f.time, Lat: f.lat, Lon: f.lon, ClassB: classB})...)
		}
		// Its episodes end with its fixes.
		for _, ep := range u.vessels[m].eps {
			ems = append(ems, u.finish(ep)...)
		}
		clear(u.vessels[m].eps)
		delete(u.vessels, m)
	}
	ems = append(ems, u.Flush()...)
	last := map[string]int{}
	var out []event.Event
	for _, em := range ems {
		if k, ok := last[em.Event.ID]; ok {
			out[k] = em.Event
			continue
		}
		last[em.Event.ID] = len(out)
		out = append(out, em.Event)
	}
	kept := out[:0]
	for _, e := range out {
		if !e.Withdrawn() {
			kept = append(kept, e)
		}
	}
	return kept
}
