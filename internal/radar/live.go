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

// LiveOptions configures Live. The zero value means the defaults, those
// of the batch correlation and of dark encounters.
type LiveOptions struct {
	Correlate CorrelateOptions
	Encounter detection.EncounterOptions
	// MinDark is how long a track must have been held, no AIS vessel
	// explaining MinShare of it, before it is reported dark: a target
	// held for a minute may be clutter, or a ship whose AIS comes late.
	// Default 10 min.
	MinDark time.Duration
}

func (o *LiveOptions) defaults() {
	o.Correlate.defaults()
	if o.Correlate.Match.ToleranceM <= 0 {
		o.Correlate.Match.ToleranceM = 1500
	}
	if o.Correlate.Match.Window <= 0 {
		o.Correlate.Match.Window = 10 * time.Minute
	}
	if o.Correlate.Match.MaxSpeedKn <= 0 {
		o.Correlate.Match.MaxSpeedKn = 12
	}
	if o.Correlate.Match.MinGap <= 0 {
		o.Correlate.Match.MinGap = time.Hour
	}
	if o.Correlate.Match.MaxOpenGap <= 0 {
		o.Correlate.Match.MaxOpenGap = 24 * time.Hour
	}
	o.Encounter.Defaults()
	if o.MinDark <= 0 {
		o.MinDark = 10 * time.Minute
	}
}

// Emission is an event Live reports, with what its provenance needs: the
// radar feed that saw the dark object, and for a dark encounter the
// feeds that heard the AIS vessel (each candidate's, for a dark vessel).
type Emission struct {
	Event event.Event
	Feed  string
	// VesselFeeds are the feeds that heard the AIS vessel of a dark
	// encounter while it lasted.
	VesselFeeds uint64
	// First is set on an event's first emission; later ones (the episode
	// grown, or withdrawn with confidence 0) carry its ID.
	First bool
}

// Live correlates radar plots as they come against a live AIS picture:
// each track's plot of each minute is matched to the nearest AIS vessel
// within the tolerance, its fix carried to the plot's time, an AIS
// vessel explaining at most one target of a radar per minute (the
// nearer takes it); a track no vessel explains for MinShare of its
// minutes after MinDark is a dark_vessel (re-sent as it grows, withdrawn
// if AIS comes to explain it), and an AIS vessel alongside a dark track
// long enough a dark_encounter. It is not safe for concurrent use.
type Live struct {
	opts    LiveOptions
	pic     *Picture
	tracks  map[string]*liveTrack
	claims  map[claimKey]claim
	newest  int64
	trimmed int64
}

type claimKey struct {
	feed string
	slot int64
	mmsi uint32
}

type claim struct {
	track *liveTrack
	dist  float64
}

type liveTrack struct {
	id, feed    string
	first, last Plot
	slot        int64 // the minute of the last sample
	samples     int
	votes       map[uint32]int
	dark        *event.Event // the dark_vessel reported, nil before
	eps         map[uint32]*episode
}

type episode struct {
	first, last        Plot
	aFirst, aLast      [2]float64 // the AIS vessel's place then
	n                  int
	dists              []float64
	feeds              uint64
	reported           bool
	id                 string
	startLat, startLon float64
}

// NewLive returns a live correlator over pic (which the caller keeps up
// to date with Picture.Update).
func NewLive(pic *Picture, opts LiveOptions) *Live {
	opts.defaults()
	return &Live{opts: opts, pic: pic, tracks: map[string]*liveTrack{}, claims: map[claimKey]claim{}}
}

// Picture is the AIS picture plots are matched against.
func (l *Live) Picture() *Picture { return l.pic }

// Plot takes a plot of track id of a radar feed and returns what it
// makes reported.
func (l *Live) Plot(feed, id string, p Plot) []Emission {
	slotMs := l.opts.Correlate.Sample.Milliseconds()
	slot := p.Time / slotMs
	tr := l.tracks[id]
	if tr == nil {
		tr = &liveTrack{id: id, feed: feed, first: p, slot: slot - 1, votes: map[uint32]int{}, eps: map[uint32]*episode{}}
		l.tracks[id] = tr
	}
	if slot <= tr.slot {
		return nil // one sample a minute
	}
	tr.slot, tr.last = slot, p
	tr.samples++
	if p.Time > l.newest {
		l.newest = p.Time
		l.trim()
	}
	var out []Emission
	// Which vessel explains the plot, and which are alongside it.
	win := l.opts.Correlate.Match.Window.Milliseconds()
	type near struct {
		f   *Fix
		d   float64
		lat float64
		lon float64
	}
	var cands []near
	l.pic.Near(p.Lat, p.Lon, func(f *Fix) {
		la, lo, ok := f.place(p.Time, win)
		if !ok {
			return
		}
		if d := geo.Distance(p.Lat, p.Lon, la, lo); d <= l.opts.Correlate.Match.ToleranceM {
			cands = append(cands, near{f, d, la, lo})
		}
	})
	slices.SortFunc(cands, func(a, b near) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.f.MMSI, b.f.MMSI)) })
	for _, c := range cands {
		k := claimKey{feed, slot, c.f.MMSI}
		if cl, ok := l.claims[k]; ok {
			if cl.dist <= c.d {
				continue
			}
			cl.track.votes[c.f.MMSI]-- // the nearer target takes the vessel
		}
		l.claims[k] = claim{tr, c.d}
		tr.votes[c.f.MMSI]++
		break
	}
	_, share := tr.best()
	darkNow := share < l.opts.Correlate.MinShare
	held := p.Time - tr.first.Time
	switch {
	case tr.dark == nil && darkNow && held >= l.opts.MinDark.Milliseconds():
		e := l.darkVessel(tr)
		tr.dark = &e
		out = append(out, Emission{Event: e, Feed: feed, First: true})
	case tr.dark != nil && !darkNow && tr.dark.Confidence > 0:
		tr.dark.Confidence = 0 // withdrawn (event.Event.Withdrawn)
		tr.dark.End = time.UnixMilli(p.Time).UTC()
		tr.dark.Summary += "; withdrawn: AIS explains the track"
		out = append(out, Emission{Event: *tr.dark, Feed: feed})
	case tr.dark != nil && darkNow && tr.samples%10 == 0:
		e := l.darkVessel(tr) // grown: its end, and who could be it now
		tr.dark = &e
		out = append(out, Emission{Event: e, Feed: feed})
	}
	// Dark encounters: the vessels alongside a track no AIS explains.
	if !darkNow {
		return out
	}
	eo := &l.opts.Encounter
	alongside := map[uint32]bool{}
	for _, c := range cands {
		if c.d > eo.MaxDistanceM {
			continue
		}
		alongside[c.f.MMSI] = true
		ep := tr.eps[c.f.MMSI]
		if ep == nil {
			ep = &episode{first: p, aFirst: [2]float64{c.lat, c.lon}, startLat: p.Lat, startLon: p.Lon}
			tr.eps[c.f.MMSI] = ep
		}
		ep.last, ep.aLast = p, [2]float64{c.lat, c.lon}
		ep.n++
		ep.dists = append(ep.dists, c.d)
		ep.feeds |= c.f.Feeds
		if e, ok := l.darkEncounter(tr, c.f.MMSI, ep); ok && (!ep.reported || ep.n%10 == 0) {
			out = append(out, Emission{Event: e, Feed: feed, VesselFeeds: ep.feeds, First: !ep.reported})
			ep.reported = true
		}
	}
	for m := range tr.eps {
		if !alongside[m] {
			delete(tr.eps, m) // placed farther, or not placed: the episode ends
		}
	}
	return out
}

// best is the vessel explaining most of the track's samples and its share.
func (tr *liveTrack) best() (uint32, float64) {
	var m uint32
	n := 0
	for k, v := range tr.votes {
		if v > n || v == n && k < m {
			m, n = k, v
		}
	}
	if tr.samples == 0 {
		return 0, 0
	}
	return m, float64(n) / float64(tr.samples)
}

func (l *Live) darkVessel(tr *liveTrack) event.Event {
	f := tr.first
	d := detection.Detection{Time: f.Time, Lat: f.Lat, Lon: f.Lon, Heading: math.NaN()}
	cands := l.candidates(&d)
	m := Match{Track: 0, Candidates: cands}
	t := Track{ID: tr.id, Feed: tr.feed, Plots: []Plot{tr.first, tr.last}}
	e := DarkVessels([]Track{t}, []Match{m})[0]
	e.Details["plots"] = float64(tr.samples)
	return e
}

// candidates are the vessels of the picture silent since at least
// MinGap (and at most MaxOpenGap) that could have sailed from their last
// fix to d at MaxSpeedKn, nearest first.
func (l *Live) candidates(d *detection.Detection) []detection.Candidate {
	o := &l.opts.Correlate.Match
	v := geo.KnotsToMetresPerSecond(o.MaxSpeedKn) / 1000
	var out []detection.Candidate
	l.pic.Each(func(f *Fix) {
		dt := d.Time - f.Time
		if dt < o.MinGap.Milliseconds() || dt > o.MaxOpenGap.Milliseconds() {
			return
		}
		reach := v * float64(dt)
		if math.Abs(f.Lat-d.Lat)*110e3 > reach+1e3 {
			return
		}
		if dist := geo.Distance(f.Lat, f.Lon, d.Lat, d.Lon); dist <= reach {
			out = append(out, detection.Candidate{MMSI: f.MMSI, Track: -1, LastTime: f.Time, LastLat: f.Lat, LastLon: f.Lon, DistanceM: dist})
		}
	})
	slices.SortFunc(out, func(a, b detection.Candidate) int {
		return cmp.Or(cmp.Compare(a.DistanceM, b.DistanceM), cmp.Compare(a.MMSI, b.MMSI))
	})
	return out
}

func (l *Live) darkEncounter(tr *liveTrack, mmsi uint32, ep *episode) (event.Event, bool) {
	o := &l.opts.Encounter
	dur := ep.last.Time - ep.first.Time
	if ep.n < o.MinSightings || dur < o.MinDuration.Milliseconds() {
		return event.Event{}, false
	}
	speed := geo.MetresPerSecondToKnots(geo.Distance(ep.aFirst[0], ep.aFirst[1], ep.aLast[0], ep.aLast[1]) / (float64(dur) / 1000))
	if speed > o.MaxSpeedKn {
		return event.Event{}, false
	}
	if o.NearPort != nil && o.NearPort(ep.startLat, ep.startLon) {
		return event.Event{}, false
	}
	ds := slices.Clone(ep.dists)
	slices.Sort(ds)
	median := ds[len(ds)/2]
	t0, t1 := time.UnixMilli(ep.first.Time).UTC(), time.UnixMilli(ep.last.Time).UTC()
	conf := 0.5 + 0.25*math.Min(1, float64(dur)/float64(2*o.MinDuration.Milliseconds())) + 0.25*math.Min(1, float64(ep.n)/10)
	// Placed at the first sighting alongside, so that the event keeps its
	// ID as it grows.
	e := event.Event{Type: event.DarkEncounter, MMSI: mmsi, Start: t0, End: t1, Lat: ep.startLat, Lon: ep.startLon,
		Confidence: math.Round(conf*100) / 100, Sensor: detection.SensorRadar, Scene: tr.id,
		Details: map[string]float64{"sightings": float64(ep.n), "median_distance_m": math.Round(median), "hours": math.Round(float64(dur)/3.6e4) / 100, "speed_kn": math.Round(speed*100) / 100},
		Evidence: []event.Fix{
			{Time: t0, Lat: ep.first.Lat, Lon: ep.first.Lon, Feed: tr.feed, Role: event.Detected},
			{Time: t0, Lat: ep.aFirst[0], Lon: ep.aFirst[1], MMSI: mmsi, Role: event.First},
			{Time: t1, Lat: ep.last.Lat, Lon: ep.last.Lon, Feed: tr.feed, Role: event.Detected},
			{Time: t1, Lat: ep.aLast[0], Lon: ep.aLast[1], MMSI: mmsi, Role: event.Last},
		},
		Summary: fmt.Sprintf("%d alongside dark radar track %s for %.1f h (%d sightings, median %.0f m apart, %.1f kn)", mmsi, tr.id, float64(dur)/3.6e6, ep.n, median, speed),
	}
	e.SetID()
	return e, true
}

// trim forgets tracks not reported for 6 h and claims older than
// ten minutes.
func (l *Live) trim() {
	if l.newest-l.trimmed < 10*60_000 {
		return
	}
	l.trimmed = l.newest
	for id, tr := range l.tracks {
		if l.newest-tr.last.Time > 6*3_600_000 {
			delete(l.tracks, id)
		}
	}
	slot := l.newest / l.opts.Correlate.Sample.Milliseconds()
	for k := range l.claims {
		if slot-k.slot > 10 {
			delete(l.claims, k)
		}
	}
}

// CaughtUp reports whether the picture has heard, around p, a vessel at
// or after p's time: the AIS there has caught up with the radar, and the
// plot can be matched. Replayed feeds run at their own pace, and a
// radar's output may come ahead of the AIS of the same moment.
func (l *Live) CaughtUp(p Plot) bool {
	caught := false
	l.pic.Near(p.Lat, p.Lon, func(f *Fix) {
		if f.Time >= p.Time {
			caught = true
		}
	})
	return caught
}

// Tracks is how many tracks Live holds.
func (l *Live) Tracks() int { return len(l.tracks) }
