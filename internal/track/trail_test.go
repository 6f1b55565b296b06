package track

import (
	"math/rand/v2"
	"testing"
)

// refTrail is the trail as a plain ring of points, as it was kept before
// its points were packed in words: what the packed trail must read as.
type refTrail struct {
	p    []trailPoint
	next int
}

func (r *refTrail) at(i int) trailPoint {
	if len(r.p) < trailN {
		return r.p[i]
	}
	return r.p[(r.next+i)%trailN]
}

func (r *refTrail) add(p trailPoint, float bool) {
	if n := len(r.p); float && n >= 2 {
		last, prev := r.at(n-1), r.at(n-2)
		if last.seg == p.seg && prev.seg == p.seg && !last.loose() && !prev.loose() && int64(last.sec-prev.sec)*1000 < trailEveryMs {
			if len(r.p) < trailN {
				r.p[n-1] = p
			} else {
				r.p[(r.next+n-1)%trailN] = p
			}
			return
		}
	}
	if len(r.p) < trailN {
		r.p = append(r.p, p)
		return
	}
	r.p[r.next] = p
	r.next = (r.next + 1) % trailN
}

// TestTrailPacked adds fixes to vessels' trails, in order and out of
// order, in a first segment and later ones, and reads every point back
// after each: the packed trail holds what the plain ring holds, points
// and order, before and after it widens, and stays in the allocator's
// size classes.
func TestTrailPacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for run := range 200 {
		v := &Vessel{First: 1_000_000}
		var ref refTrail
		ms := v.First
		seg := 1
		widenAt := rng.IntN(300) // fixes before a second segment or a loose fix, if ever
		for i := range 300 {
			ms += int64(rng.IntN(400_000))
			f := Fix{Time: ms, Lat: rng.Float64()*180 - 90, Lon: rng.Float64()*360 - 180}
			switch {
			case run%4 != 0 && i == widenAt && rng.IntN(2) == 0:
				v.keepLoose(seg, f)
				p := v.point(seg, f)
				p.seg |= looseBit
				ref.add(p, false)
			case run%4 != 0 && i >= widenAt:
				if rng.IntN(20) == 0 {
					seg++
				}
				v.keep(seg, f)
				ref.add(v.point(seg, f), true)
			default:
				v.keep(seg, f)
				ref.add(v.point(seg, f), true)
			}
			if v.trailLen() != len(ref.p) {
				t.Fatalf("run %d fix %d: %d points, want %d", run, i, v.trailLen(), len(ref.p))
			}
			for j := range len(ref.p) {
				if got, want := v.trailAt(j), ref.at(j); got != want {
					t.Fatalf("run %d fix %d: point %d is %+v, want %+v", run, i, j, got, want)
				}
			}
			if b := 4 * cap(v.trail); b != 48 && b != 64 && b != 96 && b != 128 && b != 192 && b != 256 && b != 384 && b != 512 && b != 768 && b != 1024 {
				t.Fatalf("run %d fix %d: a trail of %d bytes", run, i, b)
			}
		}
		if run%4 == 0 && v.trailWide {
			t.Fatalf("run %d: a trail of one segment in order widened", run)
		}
	}
}
