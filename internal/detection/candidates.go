package detection

import (
	"cmp"
	"math"
	"slices"

	"github.com/picket-ais/picket/internal/geo"
)

// Candidate is a vessel in an AIS gap that could have been a dark
// detection.
type Candidate struct {
	MMSI uint32
	// Track indexes the tracks given to Correlate.
	Track int
	// LastTime, LastLat and LastLon are its last fix before the
	// detection; DistanceM how far that was from it.
	LastTime         int64
	LastLat, LastLon float64
	DistanceM        float64
	// NextTime is its first fix after the detection; 0 when it was not
	// heard again.
	NextTime int64
}

// Candidates lists the vessels in an AIS gap that could have been d (see
// candidates), with opts' reachability.
func Candidates(d *Detection, tracks []Track, opts Options) []Candidate {
	opts.Defaults()
	return candidates(d, tracks, &opts)
}

// candidates lists the vessels silent around d's time (for at least
// MinGap, or since their last fix and not heard again within MaxOpenGap)
// that could have sailed from their last fix to d, and from d to their
// first fix after, at MaxSpeedKn. A vessel is listed once (its nearest
// track), nearest first.
func candidates(d *Detection, tracks []Track, o *Options) []Candidate {
	v := geo.KnotsToMetresPerSecond(o.MaxSpeedKn) / 1000 // metres per ms
	win := o.Window.Milliseconds()
	best := map[uint32]Candidate{}
	for k := range tracks {
		tr := &tracks[k]
		i, _ := slices.BinarySearch(tr.Times, d.Time)
		if i == 0 {
			continue // not heard before: nothing says where it was
		}
		p := i - 1
		t0 := tr.Times[p]
		if d.Time-t0 <= win {
			continue
		}
		reach := v * float64(d.Time-t0)
		if math.Abs(tr.Lat[p]-d.Lat)*110e3 > reach+1e3 {
			continue // out of reach in latitude alone: no distance to compute
		}
		dist := geo.Distance(tr.Lat[p], tr.Lon[p], d.Lat, d.Lon)
		if dist > reach {
			continue
		}
		c := Candidate{MMSI: tr.MMSI, Track: k, LastTime: t0, LastLat: tr.Lat[p], LastLon: tr.Lon[p], DistanceM: dist}
		if i < len(tr.Times) {
			t1 := tr.Times[i]
			if t1-t0 < o.MinGap.Milliseconds() || t1-d.Time <= win {
				continue
			}
			if geo.Distance(d.Lat, d.Lon, tr.Lat[i], tr.Lon[i]) > v*float64(t1-d.Time) {
				continue
			}
			c.NextTime = t1
		} else if d.Time-t0 > o.MaxOpenGap.Milliseconds() {
			continue
		}
		if b, ok := best[c.MMSI]; !ok || c.DistanceM < b.DistanceM {
			best[c.MMSI] = c
		}
	}
	out := make([]Candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(a.DistanceM, b.DistanceM), cmp.Compare(a.MMSI, b.MMSI))
	})
	return out
}
