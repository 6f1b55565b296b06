package radar

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/detection"
)

// Options of Correlate. The zero value means the defaults.
type CorrelateOptions struct {
	// Match is the correlation of each sampled plot with the AIS tracks:
	// tolerance (1.5 km, Skylight's), interpolation window, and the
	// reachability of candidates.
	Match detection.Options
	// Sample is the time between the plots of a track that are matched:
	// a radar reports every few seconds, and a minute apart says as much
	// about which vessel it is. It is also the sweep within which an AIS
	// vessel explains at most one of a radar's targets. Default 1 min.
	Sample time.Duration
	// MinShare is the share of a track's sampled plots one AIS vessel
	// must explain for the track to be that vessel. Default 0.5.
	MinShare float64
}

func (o *CorrelateOptions) defaults() {
	if o.Sample <= 0 {
		o.Sample = time.Minute
	}
	if o.MinShare <= 0 {
		o.MinShare = 0.5
	}
}

// Match is what Correlate made of one radar track.
type Match struct {
	// Track indexes the radar tracks given to Correlate.
	Track int
	// MMSI is the AIS vessel that explains the track, 0 when none does
	// (dark); AIS indexes its AIS track (-1 when dark).
	MMSI uint32
	AIS  int
	// Share is the part of the sampled plots MMSI explains, DistanceM its
	// median distance from them; Samples the number of plots sampled.
	Share     float64
	DistanceM float64
	Samples   int
	// Candidates are, for a dark track, the vessels in an AIS gap that
	// could have been at its first plot, nearest first.
	Candidates []detection.Candidate
}

// Dark reports whether no AIS vessel explains the track.
func (m *Match) Dark() bool { return m.MMSI == 0 }

// Samples returns the plots of t that Correlate matches: the first of
// each slot of time `every` long (slots counted from the Unix epoch, so
// that the tracks of one radar share them: a slot is a sweep).
func Samples(t *Track, every time.Duration) []Plot {
	var out []Plot
	ms := every.Milliseconds()
	for _, p := range t.Plots {
		if len(out) == 0 || p.Time/ms != out[len(out)-1].Time/ms {
			out = append(out, p)
		}
	}
	return out
}

// Correlate matches radar tracks with AIS tracks: every sampled plot is
// matched as a detection (package detection: interpolated AIS within the
// tolerance, length and heading as tie-breakers), the plots of one
// radar's sweep (one Sample of time) forming a scene in which an AIS
// vessel explains at most one target; a track is the AIS vessel that
// explains at least MinShare of its plots, or dark. It returns one Match
// per track, in order.
func Correlate(tracks []Track, ais []detection.Track, opts CorrelateOptions) []Match {
	opts.defaults()
	set := detection.NewSet()
	var owner []int // track of each detection
	for k := range tracks {
		for _, p := range Samples(&tracks[k], opts.Sample) {
			set.Detections = append(set.Detections, detection.Detection{
				File: tracks[k].Feed, Line: int(p.Line), ID: tracks[k].ID, Time: p.Time, Lat: p.Lat, Lon: p.Lon,
				Heading: math.NaN(), Score: math.NaN(), Sensor: detection.SensorRadar,
				Scene: tracks[k].Feed + "@" + strconv.FormatInt(p.Time/opts.Sample.Milliseconds(), 10),
			})
			owner = append(owner, k)
		}
	}
	m := opts.Match
	m.NoCandidates = true
	res := detection.Correlate(set, ais, m)
	type vote struct {
		n    int
		dist []float64
		ais  int
	}
	votes := make([]map[uint32]*vote, len(tracks))
	out := make([]Match, len(tracks))
	for k := range out {
		out[k] = Match{Track: k, AIS: -1}
	}
	for i, r := range res {
		k := owner[i]
		out[k].Samples++
		if r.Dark() {
			continue
		}
		if votes[k] == nil {
			votes[k] = map[uint32]*vote{}
		}
		v := votes[k][r.MMSI]
		if v == nil {
			v = &vote{ais: r.Track}
			votes[k][r.MMSI] = v
		}
		v.n++
		v.dist = append(v.dist, r.DistanceM)
	}
	for k := range out {
		var best uint32
		for mmsi, v := range votes[k] {
			if b := votes[k][best]; best == 0 || v.n > b.n || v.n == b.n && mmsi < best {
				best = mmsi
			}
		}
		if best != 0 {
			v := votes[k][best]
			share := float64(v.n) / float64(out[k].Samples)
			if share >= opts.MinShare {
				slices.Sort(v.dist)
				out[k].MMSI, out[k].AIS, out[k].Share, out[k].DistanceM = best, v.ais, share, v.dist[len(v.dist)/2]
				continue
			}
		}
		first := tracks[k].Plots[0]
		d := detection.Detection{Time: first.Time, Lat: first.Lat, Lon: first.Lon, Heading: math.NaN()}
		out[k].Candidates = detection.Candidates(&d, ais, opts.Match)
	}
	return out
}

// sortTracks orders tracks by start and id (a stable output).
func sortTracks(ts []Track) {
	slices.SortFunc(ts, func(a, b Track) int {
		return cmp.Or(cmp.Compare(a.Start(), b.Start()), cmp.Compare(a.ID, b.ID))
	})
}
