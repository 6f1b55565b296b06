package main

import (
	"math"
	"slices"

	"github.com/picket-ais/picket/internal/geo/topojson"
)

type vec3 [3]float64

func unit(lat, lon float64) vec3 {
	φ, λ := lat*math.Pi/180, lon*math.Pi/180
	return vec3{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
}

func (a vec3) dot(b vec3) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a vec3) sub(b vec3) vec3    { return vec3{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func (a vec3) norm() float64      { return math.Sqrt(a.dot(a)) }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// angle is the great-circle angle between unit vectors, accurate at small angles.
func angle(a, b vec3) float64 { return math.Atan2(a.cross(b).norm(), a.dot(b)) }

// segment is a coastline edge taken as the minor great-circle arc from a to b.
type segment struct {
	a, b, n vec3 // n: unit normal of the arc's plane, zero for a degenerate edge
	mid     vec3
}

func newSegment(a, b vec3) segment {
	s := segment{a: a, b: b, mid: vec3{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2}}
	c := a.cross(b)
	if l := c.norm(); l > 1e-15 {
		s.n = vec3{c[0] / l, c[1] / l, c[2] / l}
	}
	return s
}

// dist is the angle from p to the nearest point of the arc.
func (s *segment) dist(p vec3) float64 {
	if s.n != (vec3{}) && p.cross(s.b).dot(s.n) >= 0 && s.a.cross(p).dot(s.n) >= 0 {
		return math.Asin(min(math.Abs(p.dot(s.n)), 1))
	}
	return min(angle(p, s.a), angle(p, s.b))
}

// coastSegments returns every coastline edge, split into pieces no longer than maxSegmentM.
func coastSegments(t *topojson.Topology) []segment {
	var segs []segment
	for _, arc := range t.Arcs {
		for k := 1; k < len(arc); k++ {
			a, b := arc[k-1], arc[k]
			if topojson.Antimeridian(a, b) {
				continue
			}
			va, vb := unit(a.Lat, a.Lon), unit(b.Lat, b.Lon)
			pieces := int(math.Ceil(angle(va, vb) * earthRadiusM / maxSegmentM))
			prev := va
			for p := 1; p <= pieces; p++ {
				next := vb
				if p < pieces {
					next = slerp(va, vb, float64(p)/float64(pieces))
				}
				segs = append(segs, newSegment(prev, next))
				prev = next
			}
		}
	}
	return segs
}

func slerp(a, b vec3, t float64) vec3 {
	ω := angle(a, b)
	if ω < 1e-15 {
		return a
	}
	sa, sb := math.Sin((1-t)*ω)/math.Sin(ω), math.Sin(t*ω)/math.Sin(ω)
	return vec3{sa*a[0] + sb*b[0], sa*a[1] + sb*b[1], sa*a[2] + sb*b[2]}
}

// kdTree is a static k-d tree over segment midpoints, laid out in place: the node of the
// range [lo,hi) is its middle element, split on axis[mid].
type kdTree struct {
	segs []segment
	mids []vec3 // segs[i].mid, packed for the traversal's cache
	axis []uint8
	// reach bounds the chord from a midpoint to any point of its arc, so a subtree can be
	// skipped when its splitting plane is farther than best+reach.
	reach float64
}

const leafSize = 8

func newKDTree(segs []segment) *kdTree {
	t := &kdTree{segs: segs, axis: make([]uint8, len(segs))}
	for i := range segs {
		t.reach = max(t.reach, segs[i].a.sub(segs[i].b).norm()/2)
	}
	t.reach = t.reach*1.001 + 1e-12 // the arc bulges outward from its chord by a hair
	t.build(0, len(segs))
	t.mids = make([]vec3, len(segs))
	for i := range segs {
		t.mids[i] = segs[i].mid
	}
	return t
}

func (t *kdTree) build(lo, hi int) {
	if hi-lo <= leafSize {
		return
	}
	var mn, mx vec3
	mn, mx = t.segs[lo].mid, t.segs[lo].mid
	for _, s := range t.segs[lo:hi] {
		for k := range 3 {
			mn[k], mx[k] = min(mn[k], s.mid[k]), max(mx[k], s.mid[k])
		}
	}
	ax := 0
	for k := 1; k < 3; k++ {
		if mx[k]-mn[k] > mx[ax]-mn[ax] {
			ax = k
		}
	}
	mid := (lo + hi) / 2
	sub := t.segs[lo:hi]
	slices.SortFunc(sub, func(a, b segment) int {
		switch {
		case a.mid[ax] < b.mid[ax]:
			return -1
		case a.mid[ax] > b.mid[ax]:
			return 1
		}
		return 0
	})
	t.axis[mid] = uint8(ax)
	t.build(lo, mid)
	t.build(mid+1, hi)
}

// nearest returns the angle from p to the nearest segment and that segment's index, or
// (limit, -1) when none is within limit. hint is a segment that was nearest to a
// neighbouring node, which usually makes the first bound tight.
func (t *kdTree) nearest(p vec3, limit float64, hint int) (float64, int) {
	best, bestSeg := limit, -1
	if hint >= 0 {
		if d := t.segs[hint].dist(p); d < best {
			best, bestSeg = d, hint
		}
	}
	// bound is the chord within which a midpoint may still hold a nearer segment.
	bound := 2*math.Sin(best/2) + t.reach
	t.search(0, len(t.segs), p, &best, &bestSeg, &bound)
	return best, bestSeg
}

func (t *kdTree) search(lo, hi int, p vec3, best *float64, bestSeg *int, bound *float64) {
	if hi-lo <= leafSize {
		for i := lo; i < hi; i++ {
			t.consider(i, p, best, bestSeg, bound)
		}
		return
	}
	mid := (lo + hi) / 2
	ax := t.axis[mid]
	diff := p[ax] - t.mids[mid][ax]
	t.consider(mid, p, best, bestSeg, bound)
	nearLo, nearHi, farLo, farHi := lo, mid, mid+1, hi
	if diff > 0 {
		nearLo, nearHi, farLo, farHi = mid+1, hi, lo, mid
	}
	t.search(nearLo, nearHi, p, best, bestSeg, bound)
	// Everything on the far side has a midpoint at least |diff| away.
	if math.Abs(diff) <= *bound {
		t.search(farLo, farHi, p, best, bestSeg, bound)
	}
}

// consider computes the exact distance to segment i only when its midpoint is close enough
// for the segment to beat the best so far; the chord test is much cheaper than dist.
func (t *kdTree) consider(i int, p vec3, best *float64, bestSeg *int, bound *float64) {
	m := p.sub(t.mids[i])
	if m.dot(m) > *bound**bound {
		return
	}
	if d := t.segs[i].dist(p); d < *best {
		*best, *bestSeg = d, i
		*bound = 2*math.Sin(d/2) + t.reach
	}
}
