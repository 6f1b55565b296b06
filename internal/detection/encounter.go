package detection

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// EncounterOptions says when an AIS vessel alongside something only a
// sensor saw is a dark_encounter. The zero value means the defaults, the
// encounter's between two AIS vessels where they apply.
type EncounterOptions struct {
	// MaxDistanceM is how close the dark sighting and the AIS vessel's
	// track, placed at its time, must be. Default 500 m (GFW encounters).
	MaxDistanceM float64
	// MinDuration is how long they must be seen together, from the first
	// sighting alongside to the last. Default 2 h (GFW encounters).
	MinDuration time.Duration
	// MinSightings is the least number of sightings alongside. Default 2:
	// one satellite image shows two hulls side by side, not how long.
	MinSightings int
	// MaxSpeedKn bounds the AIS vessel's mean speed over the episode (from
	// its positions at both ends). Default 2 kn (GFW encounters).
	MaxSpeedKn float64
	// MaxGap is the longest time between two sightings alongside in one
	// episode. Default 12 h: a satellite's revisit, so that the same pair
	// in two passes is one episode; a radar track, sampled every minute,
	// is not broken by it, but one sighting apart is.
	MaxGap time.Duration
	// NearPort reports whether a place is near a port or anchorage, where
	// vessels side by side are moored, not transferring: an episode whose
	// mean position is near one is dropped. Nil: no port is known.
	NearPort func(lat, lon float64) bool
}

// Defaults fills the options left zero with their defaults: the batch
// detector's and the live radar's (package radar) dark encounters.
func (o *EncounterOptions) Defaults() {
	if o.MaxDistanceM <= 0 {
		o.MaxDistanceM = 500
	}
	if o.MinDuration <= 0 {
		o.MinDuration = 2 * time.Hour
	}
	if o.MinSightings <= 0 {
		o.MinSightings = 2
	}
	if o.MaxSpeedKn <= 0 {
		o.MaxSpeedKn = 2
	}
	if o.MaxGap <= 0 {
		o.MaxGap = 12 * time.Hour
	}
}

// Sighting is where and when a sensor saw something no AIS explains.
type Sighting struct {
	Time     int64 // Unix ms
	Lat, Lon float64
	// Feed and Line locate it in its input, for evidence.
	Feed string
	Line int
}

// Dark is a dark object's sightings, in time order: the sampled plots of
// one dark radar track, or a sensor's dark detections taken together
// (satellite images see a hull once per pass; repeated dark detections
// alongside one AIS vessel make the encounter).
type Dark struct {
	Sensor string
	// ID names the object (a radar track's id), "" for detections taken
	// together.
	ID        string
	Sightings []Sighting
}

// trackBox is a track's extent, to skip tracks far from a sighting.
type trackBox struct {
	t0, t1                 int64
	latMin, latMax, lonMin float64
	lonMax                 float64
}

// DarkEncounters finds AIS vessels alongside a dark object for long
// enough: for each dark object and AIS track, the sightings within
// MaxDistanceM of the track placed at their time (interpolated as by
// Correlate, with match's window and bridge) form episodes; a sighting
// of a radar track where the track is placed farther (it left), or
// MaxGap without one alongside, ends an episode (for a sensor's
// detections taken together only MaxGap: they are many hulls). An episode of MinSightings over MinDuration at a mean
// speed under MaxSpeedKn, away from ports, is a dark_encounter of that
// vessel.
func DarkEncounters(darks []Dark, tracks []Track, opts EncounterOptions, match Options) []event.Event {
	opts.Defaults()
	match.Defaults()
	boxes := make([]trackBox, len(tracks))
	for k := range tracks {
		tr := &tracks[k]
		if len(tr.Times) == 0 {
			boxes[k] = trackBox{t0: 1, t1: 0}
			continue
		}
		b := trackBox{t0: tr.Times[0], t1: tr.Times[len(tr.Times)-1], latMin: 90, latMax: -90, lonMin: 180, lonMax: -180}
		for i := range tr.Lat {
			b.latMin, b.latMax = min(b.latMin, tr.Lat[i]), max(b.latMax, tr.Lat[i])
			b.lonMin, b.lonMax = min(b.lonMin, tr.Lon[i]), max(b.lonMax, tr.Lon[i])
		}
		boxes[k] = b
	}
	win := match.Window.Milliseconds()
	// A degree of latitude is 111 km; of longitude, at most that.
	margin := opts.MaxDistanceM/111e3 + 0.02
	var out []event.Event
	for di := range darks {
		dk := &darks[di]
		type alongside struct {
			s    int // sighting index
			dist float64
			lat  float64
			lon  float64
		}
		open := map[int][]alongside{}
		flush := func(k int) {
			ep := open[k]
			delete(open, k)
			if e, ok := darkEncounter(dk, &tracks[k], func(i int) (Sighting, float64, float64, float64) {
				a := ep[i]
				return dk.Sightings[a.s], a.dist, a.lat, a.lon
			}, len(ep), &opts); ok {
				out = append(out, e)
			}
		}
		for si, s := range dk.Sightings {
			for k := range tracks {
				b := &boxes[k]
				if s.Time < b.t0-win || s.Time > b.t1+win || s.Lat < b.latMin-margin || s.Lat > b.latMax+margin {
					continue
				}
				lonMargin := margin / math.Max(0.05, math.Cos(s.Lat*math.Pi/180))
				if s.Lon < b.lonMin-lonMargin || s.Lon > b.lonMax+lonMargin {
					continue
				}
				lat, lon, _, ok := match.at(&tracks[k], s.Time)
				if !ok {
					continue
				}
				ep := open[k]
				if len(ep) > 0 && s.Time-dk.Sightings[ep[len(ep)-1].s].Time > opts.MaxGap.Milliseconds() {
					flush(k)
					ep = nil
				}
				d := geo.Distance(s.Lat, s.Lon, lat, lon)
				if d > opts.MaxDistanceM {
					// One object placed farther has left the vessel; the
					// detections taken together are many objects, and
					// another hull elsewhere in an image says nothing of
					// the one alongside.
					if len(ep) > 0 && dk.ID != "" {
						flush(k)
					}
					continue
				}
				open[k] = append(ep, alongside{si, d, lat, lon})
			}
		}
		keys := make([]int, 0, len(open))
		for k := range open {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			flush(k)
		}
	}
	out = mergeEncounters(out)
	event.Sort(out)
	return out
}

// mergeEncounters keeps one event of one AIS vessel's encounters that
// overlap in time within MaxDistanceM of each other's place (a partner
// seen by two radars, or whose track a radar lost and took up again):
// the first, stretched to cover the others, its sightings summed.
func mergeEncounters(evs []event.Event) []event.Event {
	slices.SortStableFunc(evs, func(a, b event.Event) int {
		if a.MMSI != b.MMSI {
			return int(a.MMSI) - int(b.MMSI)
		}
		return a.Start.Compare(b.Start)
	})
	var out []event.Event
	for _, e := range evs {
		if n := len(out); n > 0 {
			p := &out[n-1]
			if p.MMSI == e.MMSI && !e.Start.After(p.End) && geo.Distance(p.Lat, p.Lon, e.Lat, e.Lon) < 5e3 {
				if e.End.After(p.End) {
					p.End = e.End
					p.Details["hours"] = math.Round(p.End.Sub(p.Start).Hours()*100) / 100
				}
				p.Details["sightings"] += e.Details["sightings"]
				p.Evidence = append(p.Evidence, e.Evidence...)
				if e.Scene != "" && e.Scene != p.Scene {
					p.Summary += "; also " + e.Scene
				}
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// darkEncounter makes the event of one episode of n sightings alongside
// track tr, if it qualifies.
func darkEncounter(dk *Dark, tr *Track, at func(i int) (s Sighting, dist, lat, lon float64), n int, o *EncounterOptions) (event.Event, bool) {
	if n < o.MinSightings {
		return event.Event{}, false
	}
	first, _, lat0, lon0 := at(0)
	last, _, lat1, lon1 := at(n - 1)
	dur := last.Time - first.Time
	if dur < o.MinDuration.Milliseconds() {
		return event.Event{}, false
	}
	speed := geo.MetresPerSecondToKnots(geo.Distance(lat0, lon0, lat1, lon1) / (float64(dur) / 1000))
	if speed > o.MaxSpeedKn {
		return event.Event{}, false
	}
	var sumLat, sumLon float64
	dists := make([]float64, n)
	for i := range n {
		s, d, _, _ := at(i)
		sumLat, sumLon = sumLat+s.Lat, sumLon+s.Lon
		dists[i] = d
	}
	lat, lon := sumLat/float64(n), sumLon/float64(n)
	if o.NearPort != nil && o.NearPort(lat, lon) {
		return event.Event{}, false
	}
	slices.Sort(dists)
	median := dists[n/2]
	t0, t1 := time.UnixMilli(first.Time).UTC(), time.UnixMilli(last.Time).UTC()
	// Confidence grows with time together past the minimum and with the
	// number of sightings, as the encounter's does with its evidence.
	conf := 0.5 + 0.25*math.Min(1, float64(dur)/float64(2*o.MinDuration.Milliseconds())) + 0.25*math.Min(1, float64(n)/10)
	e := event.Event{
		Type: event.DarkEncounter, MMSI: tr.MMSI, Start: t0, End: t1, Lat: lat, Lon: lon,
		Confidence: math.Round(conf*100) / 100, Sensor: dk.Sensor, Scene: dk.ID,
		Details: map[string]float64{"sightings": float64(n), "median_distance_m": math.Round(median), "hours": math.Round(float64(dur)/3.6e4) / 100, "speed_kn": math.Round(speed*100) / 100},
		Evidence: []event.Fix{
			{Time: t0, Lat: first.Lat, Lon: first.Lon, Feed: first.Feed, Receiver: line(first.Line), Role: event.Detected},
			{Time: t0, Lat: lat0, Lon: lon0, MMSI: tr.MMSI, Role: event.First},
			{Time: t1, Lat: last.Lat, Lon: last.Lon, Feed: last.Feed, Receiver: line(last.Line), Role: event.Detected},
			{Time: t1, Lat: lat1, Lon: lon1, MMSI: tr.MMSI, Role: event.Last},
		},
	}
	what := dk.Sensor + " detections no AIS explains"
	if dk.ID != "" {
		what = fmt.Sprintf("dark %s track %s", dk.Sensor, dk.ID)
	}
	e.Summary = fmt.Sprintf("%d alongside %s for %s (%d sightings, median %.0f m apart, %.1f kn)", tr.MMSI, what, hours(dur), n, median, speed)
	e.SetID()
	return e, true
}

func line(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("line %d", n)
}
