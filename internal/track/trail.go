package track

import "math"

// A vessel's trail (redelivery.go) is a ring of up to trailN points, kept
// as words in Vessel.trail: three a point (its time, latitude and
// longitude) while every point is of the vessel's first segment and in
// order, as for most vessels all their life, and four once one is not
// (the segment's number, with looseBit, besides). The array grows by
// doubling, 4 to 64 points, each size one of the allocator's classes: a
// full trail takes 768 bytes, or 1,024 with segment numbers.

// trailPoint is one point of a vessel's past track.
type trailPoint struct {
	sec      int32 // seconds since the vessel's first report
	seg      int32 // the segment's N (only points of one segment are joined), with looseBit
	lat, lon float32
}

// looseBit marks a point out of order, joined to no other point.
const looseBit = -1 << 31

func (p *trailPoint) loose() bool { return p.seg&looseBit != 0 }
func (p *trailPoint) segN() int32 { return p.seg &^ looseBit }

// narrow reports whether p is stored in three words: a point of the
// first segment, in order.
func (p *trailPoint) narrow() bool { return p.seg == 1 }

// trailWords is how many words a point takes in v's trail.
func (v *Vessel) trailWords() int {
	if v.trailWide {
		return 4
	}
	return 3
}

// trailLen is how many points v's trail holds.
func (v *Vessel) trailLen() int { return len(v.trail) / v.trailWords() }

// trailSlot is where the i-th point, oldest first, is in the ring.
func (v *Vessel) trailSlot(i int) int {
	if v.trailLen() < trailN {
		return i
	}
	return (int(v.trailNext) + i) % trailN
}

// trailAt returns the i-th point of v's trail, oldest first.
func (v *Vessel) trailAt(i int) trailPoint { return v.trailGet(v.trailSlot(i)) }

func (v *Vessel) trailGet(slot int) trailPoint {
	if !v.trailWide {
		w := v.trail[3*slot : 3*slot+3]
		return trailPoint{sec: int32(w[0]), seg: 1, lat: math.Float32frombits(w[1]), lon: math.Float32frombits(w[2])}
	}
	w := v.trail[4*slot : 4*slot+4]
	return trailPoint{sec: int32(w[0]), seg: int32(w[1]), lat: math.Float32frombits(w[2]), lon: math.Float32frombits(w[3])}
}

// trailPut stores p at slot, widening the trail first when p needs it.
func (v *Vessel) trailPut(slot int, p trailPoint) {
	if !v.trailWide && !p.narrow() {
		v.widenTrail()
	}
	if !v.trailWide {
		w := v.trail[3*slot : 3*slot+3]
		w[0], w[1], w[2] = uint32(p.sec), math.Float32bits(p.lat), math.Float32bits(p.lon)
		return
	}
	w := v.trail[4*slot : 4*slot+4]
	w[0], w[1], w[2], w[3] = uint32(p.sec), uint32(p.seg), math.Float32bits(p.lat), math.Float32bits(p.lon)
}

// widenTrail moves the trail to four words a point, each in its slot.
func (v *Vessel) widenTrail() {
	n := v.trailLen()
	old := v.trail
	v.trail = make([]uint32, 4*n, 4*trailCap(n, cap(old)/3))
	v.trailWide = true
	for s := range n {
		v.trailPut(s, trailPoint{sec: int32(old[3*s]), seg: 1, lat: math.Float32frombits(old[3*s+1]), lon: math.Float32frombits(old[3*s+2])})
	}
}

// trailCap is the points an array for n points, grown from one for had,
// holds: doubling from 4, at most trailN.
func trailCap(n, had int) int {
	c := max(4, had)
	for c < n {
		c *= 2
	}
	return min(c, trailN)
}

// appendTrail adds p after the newest point of a trail not full.
func (v *Vessel) appendTrail(p trailPoint) {
	if !v.trailWide && !p.narrow() {
		v.widenTrail()
	}
	n, k := v.trailLen(), v.trailWords()
	if len(v.trail)+k > cap(v.trail) {
		t := make([]uint32, len(v.trail), k*trailCap(n+1, cap(v.trail)/k))
		copy(t, v.trail)
		v.trail = t
	}
	v.trail = v.trail[:len(v.trail)+k]
	v.trailPut(n, p)
}

// keep adds a tracked fix to the trail.
func (v *Vessel) keep(seg int, f Fix) { v.addTrail(v.point(seg, f), true) }

// keepLoose adds a fix older than its segment's last (out of order, not
// tracked) to the trail as a point on its own: a satellite feed delivers
// positions out of order, then again under new times.
func (v *Vessel) keepLoose(seg int, f Fix) {
	p := v.point(seg, f)
	p.seg |= looseBit
	v.addTrail(p, false)
}

func (v *Vessel) point(seg int, f Fix) trailPoint {
	return trailPoint{sec: int32((f.Time - v.First) / 1000), seg: int32(seg), lat: float32(f.Lat), lon: float32(f.Lon)}
}

// addTrail appends p to the trail; with float, p replaces the newest point
// when that one is less than trailEveryMs after the one before it.
func (v *Vessel) addTrail(p trailPoint, float bool) {
	n := v.trailLen()
	if float && n >= 2 {
		last, prev := v.trailAt(n-1), v.trailAt(n-2)
		if last.seg == p.seg && prev.seg == p.seg && !last.loose() && !prev.loose() && int64(last.sec-prev.sec)*1000 < trailEveryMs {
			v.trailPut(v.trailSlot(n-1), p) // the newest point floats until it is old enough
			return
		}
	}
	if n < trailN {
		v.appendTrail(p)
		return
	}
	v.trailPut(int(v.trailNext), p)
	v.trailNext = uint8((int(v.trailNext) + 1) % trailN)
}
