package track

import (
	"math"

	"github.com/picket-ais/picket/internal/geo"
)

// A re-delivery is a fix that repeats a vessel's own earlier position under
// a later time: a satellite provider that delivers positions received
// hours before with the time it forwarded them (exactEarth via AMSA sends
// positions ~1.7 h old), or a store that stamps buffered positions with
// the time it flushed them. It is not a move: taken as one it reads as an
// impossible jump, and alternating with the live track as a second
// transmitter. The tracker keeps a short trail of where each vessel has
// been, and a fix that fits none of its open segments but lies on that
// trail (within NoiseM) is counted as re-delivered and not tracked.

// trailN is how many points of its past a vessel keeps; trailEveryMs the
// least time between two of them (the newest point always holds the last
// fix). 64 points 3 min apart cover at least 3.2 h: more than the
// re-delivery delays seen in real feeds, for 768 bytes per vessel
// (trail.go).
const (
	trailN       = 64
	trailEveryMs = 3 * 60 * 1000
)

// youngFixes: a fix that joins a segment this young is checked against
// the vessel's other segments' trails too. A re-delivered batch is a
// track of its own (old positions one after another under new times); its
// first fix may come from before the trail, and the rest fit it.
const youngFixes = 8

// redelivered reports whether f lies on the past trail, earlier than f, of
// one of the vessel's open segments other than those in skip (by index):
// the young segment it would join. A closed segment's transmitter heard
// again where it was is that transmitter back, not a re-delivery.
func (t *Tracker) redelivered(v *Vessel, f Fix, skip uint64) bool {
	var seg [64]int32 // N of the open segments to look at
	k := 0
	for i, s := range v.open {
		if skip&(1<<(i&63)) == 0 && k < len(seg) {
			seg[k] = int32(s.N)
			k++
		}
	}
	if k == 0 {
		return false
	}
	candidate := func(n int32) bool {
		for _, m := range seg[:k] {
			if m == n {
				return true
			}
		}
		return false
	}
	for i, s := range v.open {
		if skip&(1<<(i&63)) == 0 && t.behind(s.Last, f) {
			return true
		}
	}
	sec := int32((f.Time - v.First) / 1000)
	n := v.trailLen()
	for i := range n {
		a := v.trailAt(i)
		if a.sec >= sec || !candidate(a.segN()) {
			continue
		}
		if nearM(f.Lat, f.Lon, &a, &a) <= t.opts.NoiseM {
			return true
		}
		if i+1 < n {
			if b := v.trailAt(i + 1); b.seg == a.seg && !a.loose() && !b.loose() && b.sec < sec && nearM(f.Lat, f.Lon, &a, &b) <= t.opts.NoiseM {
				return true
			}
		}
	}
	return false
}

// Behind the vessel on its own course: a re-delivered position may be one
// the log never held (the feed sent it first under its new time). It then
// lies on the vessel's wake, with the speed and course the vessel had: at
// most behindMaxMs of sailing back along the reciprocal of its course,
// within behindCross of that line (and NoiseM), its speed within
// behindKn and its course within behindDeg of the vessel's now.
const (
	behindMaxMs = 6 * 3600 * 1000
	behindCross = 0.05
	behindKn    = 2
	behindDeg   = 20
)

// behind reports whether f lies on the wake of a vessel last at a.
func (t *Tracker) behind(a, f Fix) bool {
	if math.IsNaN(float64(a.SOG)) || math.IsNaN(float64(a.COG)) || math.IsNaN(float64(f.SOG)) || math.IsNaN(float64(f.COG)) ||
		a.SOG < 1 || f.Time <= a.Time {
		return false
	}
	if math.Abs(float64(f.SOG-a.SOG)) > behindKn || angleDiff(float64(f.COG), float64(a.COG)) > behindDeg {
		return false
	}
	d := distance(a.Lat, a.Lon, f.Lat, f.Lon)
	if d > float64(a.SOG)*1852*behindMaxMs/3.6e6 {
		return false
	}
	brg := geo.Bearing(a.Lat, a.Lon, f.Lat, f.Lon)
	off := angleDiff(brg, float64(a.COG)+180) * math.Pi / 180
	along, cross := d*math.Cos(off), d*math.Sin(off)
	return along > t.opts.NoiseM && cross <= max(t.opts.NoiseM, behindCross*along)
}

// angleDiff is the smaller angle between two bearings, degrees.
func angleDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 360)
	if d > 180 {
		d = 360 - d
	}
	return d
}

// nearM is the distance in metres from (lat, lon) to the line from a to b,
// on a plane tangent at (lat, lon): the trail's steps are short.
func nearM(lat, lon float64, a, b *trailPoint) float64 {
	const rad = math.Pi / 180
	k := math.Cos(lat * rad)
	ax, ay := (float64(a.lon)-lon)*k, float64(a.lat)-lat
	bx, by := (float64(b.lon)-lon)*k, float64(b.lat)-lat
	dx, dy := bx-ax, by-ay
	s := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		s = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	x, y := ax+s*dx, ay+s*dy
	return geo.EarthRadius * rad * math.Sqrt(x*x+y*y)
}

// Redelivered counts the fixes recognised as re-deliveries.
func (t *Tracker) Redelivered() int64 { return t.redeliv }
