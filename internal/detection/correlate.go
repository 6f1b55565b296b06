package detection

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/picket-ais/picket/internal/geo"
)

// Options configures Correlate. The zero value means the defaults.
type Options struct {
	// ToleranceM is how far a detection may be from an AIS track placed at
	// its time and still be that vessel: the position errors of both
	// (geolocation of the image, GNSS, interpolation). Default 1,500 m,
	// Skylight's correlation distance.
	ToleranceM float64
	// Window is how far from the detection's time the nearest AIS fix may
	// be for the track to be placed there by carrying that fix on at the
	// speed and course it had. Default 10 minutes.
	Window time.Duration
	// MaxBridge is the longest time between two fixes across which a track
	// is interpolated to the detection's time when neither fix is within
	// Window (a ship heard by satellite now and then sails on in a straight
	// line). Default 1 h.
	MaxBridge time.Duration
	// MaxSpeedKn is the fastest a vessel in an AIS gap is believed to
	// sail, to say which could have reached a dark detection. Default 12
	// kn, as dark rendezvous reachability (a laden tanker's service
	// speed).
	MaxSpeedKn float64
	// MinGap is the shortest silence that makes a vessel a candidate for
	// a dark detection inside it. Default 1 h.
	MinGap time.Duration
	// MaxOpenGap is how long after its last fix a vessel never heard again
	// stays a candidate. Default 24 h.
	MaxOpenGap time.Duration
	// MinScore is the least score (the source's confidence that it is a
	// vessel) of a detection no AIS explains for it to be reported dark:
	// most false detections (sea clutter, wakes, rocks) score low. A
	// detection without a score is reported. Default 0.5 (GFW keeps its
	// detections above a presence threshold of the same kind).
	MinScore float64
	// NoCandidates leaves the candidates of dark detections out (a caller
	// that wants them for a few only asks Candidates itself).
	NoCandidates bool
}

// Defaults fills the options left zero with their defaults.
func (o *Options) Defaults() {
	if o.ToleranceM <= 0 {
		o.ToleranceM = 1500
	}
	if o.Window <= 0 {
		o.Window = 10 * time.Minute
	}
	if o.MaxBridge <= 0 {
		o.MaxBridge = time.Hour
	}
	if o.MaxSpeedKn <= 0 {
		o.MaxSpeedKn = 12
	}
	if o.MinGap <= 0 {
		o.MinGap = time.Hour
	}
	if o.MaxOpenGap <= 0 {
		o.MaxOpenGap = 24 * time.Hour
	}
	if o.MinScore <= 0 {
		o.MinScore = 0.5
	}
}

// Track is one AIS transmitter's fixes in time order (a segment of an
// MMSI: two transmitters sharing an MMSI are two tracks).
type Track struct {
	MMSI uint32
	// Times are Unix ms, ascending; Lat and Lon are parallel to them.
	Times    []int64
	Lat, Lon []float64
	// LengthM is the vessel's length from its static reports; 0 unknown.
	LengthM float64
}

// Result is the outcome for one detection.
type Result struct {
	// Detection indexes the set's detections.
	Detection int
	// MMSI and DistanceM name the AIS vessel that explains the detection
	// and how far its track was; MMSI 0 when none does (dark).
	MMSI      uint32
	DistanceM float64
	// Track indexes the tracks given to Correlate; -1 when dark.
	Track int
	// LowScore is set for a detection no AIS explains whose score is under
	// Options.MinScore: not reported (most likely no vessel).
	LowScore bool
	// Candidates are, for a dark detection, the vessels in an AIS gap
	// that could have been there, nearest last fix first.
	Candidates []Candidate
}

// Dark reports whether no AIS vessel explains the detection.
func (r *Result) Dark() bool { return r.MMSI == 0 }

// at places track tr at time t: its position, its course where it moved
// (NaN otherwise), and whether it can be placed at all.
func (o *Options) at(tr *Track, t int64) (lat, lon, course float64, ok bool) {
	n := len(tr.Times)
	i, _ := slices.BinarySearch(tr.Times, t)
	win := o.Window.Milliseconds()
	course = math.NaN()
	switch {
	case i < n && i > 0:
		p, q := i-1, i
		t0, t1 := tr.Times[p], tr.Times[q]
		if t-t0 <= win && t1-t <= win || t1-t0 <= o.MaxBridge.Milliseconds() {
			x := 0.0
			if t1 > t0 {
				x = float64(t-t0) / float64(t1-t0)
			}
			lat = tr.Lat[p] + x*(tr.Lat[q]-tr.Lat[p])
			lon = tr.Lon[p] + x*(tr.Lon[q]-tr.Lon[p])
			if geo.Distance(tr.Lat[p], tr.Lon[p], tr.Lat[q], tr.Lon[q]) > 50 {
				course = geo.Bearing(tr.Lat[p], tr.Lon[p], tr.Lat[q], tr.Lon[q])
			}
			return lat, lon, course, true
		}
		if t-t0 <= win {
			return o.carry(tr, p, p-1, t)
		}
		if t1-t <= win {
			return o.carry(tr, q, q+1, t)
		}
	case i == n && n > 0:
		if t-tr.Times[n-1] <= win {
			return o.carry(tr, n-1, n-2, t)
		}
	case i == 0 && n > 0:
		if tr.Times[0]-t <= win {
			return o.carry(tr, 0, 1, t)
		}
	}
	return 0, 0, course, false
}

// carry moves fix k to time t at the velocity between it and its
// neighbour j (standing still when it has none).
func (o *Options) carry(tr *Track, k, j int, t int64) (lat, lon, course float64, ok bool) {
	lat, lon, course = tr.Lat[k], tr.Lon[k], math.NaN()
	if j < 0 || j >= len(tr.Times) || tr.Times[j] == tr.Times[k] {
		return lat, lon, course, true
	}
	dt := float64(tr.Times[k] - tr.Times[j])
	if math.Abs(dt) > float64(o.MaxBridge.Milliseconds()) {
		return lat, lon, course, true
	}
	vlat, vlon := (tr.Lat[k]-tr.Lat[j])/dt, (tr.Lon[k]-tr.Lon[j])/dt
	s := float64(t - tr.Times[k])
	if geo.Distance(tr.Lat[j], tr.Lon[j], tr.Lat[k], tr.Lon[k]) > 50 {
		a, b := j, k
		if dt < 0 {
			a, b = k, j
		}
		course = geo.Bearing(tr.Lat[a], tr.Lon[a], tr.Lat[b], tr.Lon[b])
	}
	return lat + vlat*s, lon + vlon*s, course, true
}

// pair is a possible explanation: detection d by track k, dist metres
// off, at cost c.
type pair struct {
	d, k    int
	dist, c float64
}

// Correlate matches every detection of set against the tracks: per scene
// (the detections of one image; without a scene id, of one time) each
// track explains at most one detection, the pairs chosen at the least
// total cost (distance, and length and heading where both sides know
// them; see match). It returns one Result per detection, in the set's
// order.
func Correlate(set *Set, tracks []Track, opts Options) []Result {
	opts.Defaults()
	res := make([]Result, len(set.Detections))
	groups := map[string][]int{}
	for i := range set.Detections {
		d := &set.Detections[i]
		res[i] = Result{Detection: i, Track: -1}
		key := d.Scene
		if key == "" {
			key = time.UnixMilli(d.Time).UTC().Format(time.RFC3339Nano)
		}
		groups[key] = append(groups[key], i)
	}
	// A degree of latitude is 111 km: tracks farther than this in
	// latitude are skipped before any distance is computed.
	span := opts.ToleranceM/111e3 + 0.05
	for _, members := range groups {
		near := opts.nearby(set, members, tracks, span)
		var pairs []pair
		for _, i := range members {
			d := &set.Detections[i]
			for _, k := range near(d) {
				tr := &tracks[k]
				lat, lon, course, ok := opts.at(tr, d.Time)
				if !ok || math.Abs(lat-d.Lat) > span {
					continue
				}
				dist := geo.Distance(d.Lat, d.Lon, lat, lon)
				if dist > opts.ToleranceM {
					continue
				}
				pairs = append(pairs, pair{d: i, k: k, dist: dist, c: opts.cost(dist, d, tr, course)})
			}
		}
		for _, p := range match(pairs) {
			res[p.d].Track, res[p.d].MMSI, res[p.d].DistanceM = p.k, tracks[p.k].MMSI, p.dist
		}
	}
	for i := range res {
		if d := &set.Detections[i]; res[i].Dark() && d.Score < opts.MinScore {
			res[i].LowScore = true // NaN (no score) compares false: reported
			continue
		}
		if res[i].Dark() && !opts.NoCandidates {
			res[i].Candidates = candidates(&set.Detections[i], tracks, &opts)
		}
	}
	return res
}

// The spreads of a detection's measurements about the AIS vessel it
// is, for the cost of a pair: a pair's cost is the sum of the squared
// disagreements in units of these (a Mahalanobis distance, squared), the
// likelihood of the pair being right as a tracker's global nearest
// neighbour weighs its associations.
const (
	// positionSpread is a third of the tolerance: the tolerance is the
	// gate at three spreads.
	positionSpread = 1.0 / 3
	// lengthSpread is for the natural log of the ratio of the lengths: an
	// image's length estimate is off by a fifth or so (Sentinel-1
	// detections, Paolo et al. 2024).
	lengthSpread = 0.2
	// lengthOffMax caps the length's part: beyond twice or half, a length
	// says only "another hull", not by how much.
	lengthOffMax = math.Ln2
	// headingSpread is in degrees, between the hull's axis and the track's
	// course.
	headingSpread = 30.0
)

// cost is what pairing detection d with track tr, placed dist metres off
// and on course (NaN unknown), costs: the squared distance in spreads,
// plus the squared disagreement of length and heading where both sides
// know them. Within the tolerance it is at most maxPairCost.
func (o *Options) cost(dist float64, d *Detection, tr *Track, course float64) float64 {
	x := dist / (o.ToleranceM * positionSpread)
	c := x * x
	if d.LengthM > 0 && tr.LengthM > 0 {
		x = min(math.Abs(math.Log(d.LengthM/tr.LengthM)), lengthOffMax) / lengthSpread
		c += x * x
	}
	if d.HasHeading() && !math.IsNaN(course) {
		// A radar image shows a hull's axis, not which end is the bow:
		// headings are compared modulo 180 degrees.
		a := math.Mod(math.Abs(d.Heading-course), 180)
		if a > 90 {
			a = 180 - a
		}
		x = a / headingSpread
		c += x * x
	}
	return c
}

// maxPairCost bounds the cost of a pair within the tolerance: 3 spreads of
// position, the length's cap and 90 degrees of heading, squared.
var maxPairCost = 9 + (lengthOffMax/lengthSpread)*(lengthOffMax/lengthSpread) + (90/headingSpread)*(90/headingSpread)

// maxSceneSpread is the longest time between the detections of one
// scene for which the tracks are placed once for all of them.
const maxSceneSpread = 2 * 60_000

// nearby returns, for the detections of one scene, a function listing the
// tracks that may be near a detection: every track placed once at the
// scene's time (with Window and MaxBridge widened by the scene's spread,
// so that no track placeable at a detection's own time is left out),
// sorted by latitude, and those within span plus 0.1 degrees (11 km, far
// more than anything moves in two minutes) of the detection's latitude
// taken. A scene whose detections are further apart in time gets every
// track.
func (o *Options) nearby(set *Set, members []int, tracks []Track, span float64) func(*Detection) []int {
	tmin, tmax := set.Detections[members[0]].Time, set.Detections[members[0]].Time
	for _, i := range members {
		tmin, tmax = min(tmin, set.Detections[i].Time), max(tmax, set.Detections[i].Time)
	}
	if tmax-tmin > maxSceneSpread || len(members) < 4 {
		all := make([]int, len(tracks))
		for k := range all {
			all[k] = k
		}
		return func(*Detection) []int { return all }
	}
	wide := *o
	wide.Window += time.Duration(tmax-tmin) * time.Millisecond
	wide.MaxBridge += 2 * time.Duration(tmax-tmin) * time.Millisecond
	type placed struct {
		lat float64
		k   int
	}
	var ps []placed
	for k := range tracks {
		if lat, _, _, ok := wide.at(&tracks[k], tmin); ok {
			ps = append(ps, placed{lat, k})
		}
	}
	slices.SortFunc(ps, func(a, b placed) int { return cmp.Compare(a.lat, b.lat) })
	var out []int
	return func(d *Detection) []int {
		m := span + 0.1
		lo, _ := slices.BinarySearchFunc(ps, d.Lat-m, func(p placed, x float64) int { return cmp.Compare(p.lat, x) })
		out = out[:0]
		for j := lo; j < len(ps) && ps[j].lat <= d.Lat+m; j++ {
			out = append(out, ps[j].k)
		}
		return out
	}
}
