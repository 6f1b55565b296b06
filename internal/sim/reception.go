package sim

import "math"

// Reception model. Terrestrial receivers hear a ship within their range
// with probability 0.9 (0.9 out to 85% of the range, falling to 0.3 at its
// edge); several may hear the same transmission, which then appears once
// per receiver in the feed. Satellites pass about every 90 minutes for
// about 10 minutes and hear ~30% of the transmissions of ships out of
// terrestrial range (~5% of those in range, where the satellite's footprint
// is saturated by coastal traffic).
const (
	pTerrestrial   = 0.9
	pTerrestrialAt = 0.3 // at the very edge of the range
	edgeStart      = 0.85
	passEveryMs    = 90 * min_
	passJitterMs   = 10 * min_
	passMinMs      = 8 * min_
	passMaxMs      = 12 * min_
	pSatOffshore   = 0.3
	pSatCoastal    = 0.05
	satellites     = 3
)

// satPass is a satellite over the region.
type satPass struct {
	from, to int64
	sat      int // 0..satellites-1
}

// makePasses schedules satellite passes over the whole scenario.
func (s *scenario) makePasses() {
	t := s.start + s.rng.Int64N(passEveryMs)
	k := s.rng.IntN(satellites)
	for t < s.end {
		d := passMinMs + s.rng.Int64N(passMaxMs-passMinMs)
		s.passes = append(s.passes, satPass{from: t, to: t + d, sat: k % satellites})
		k++
		t += passEveryMs - passJitterMs + s.rng.Int64N(2*passJitterMs)
	}
}

// receiver is a station as the generator sees it: metres per degree
// precomputed and the tag-block prefix written once.
type receiver struct {
	lat, lon   float64
	mPerDegLon float64
	r2, edge2  float64 // squared range and squared start of the fading edge
	rangeM     float64
	prefix     []byte // "s:NAME,c:"
	sum        byte   // XOR of prefix
}

func newReceiver(name string, lat, lon, cosLat, rangeM float64) receiver {
	r := receiver{lat: lat, lon: lon, mPerDegLon: 111_195 * cosLat, rangeM: rangeM, r2: rangeM * rangeM, edge2: edgeStart * edgeStart * rangeM * rangeM}
	r.prefix = append(r.prefix, "s:"...)
	r.prefix = append(r.prefix, name...)
	r.prefix = append(r.prefix, ",c:"...)
	for _, c := range r.prefix {
		r.sum ^= c
	}
	return r
}

// hears returns the probability the receiver hears a ship at (lat, lon),
// and whether the ship is inside its range at all.
func (r *receiver) hears(lat, lon float64) (float64, bool) {
	dy := (lat - r.lat) * 111_195
	if dy > r.rangeM || dy < -r.rangeM {
		return 0, false
	}
	dx := (lon - r.lon) * r.mPerDegLon
	d2 := dx*dx + dy*dy
	switch {
	case d2 > r.r2:
		return 0, false
	case d2 <= r.edge2:
		return pTerrestrial, true
	}
	// Fading edge: linear in distance (sqrt only here).
	x := (math.Sqrt(d2)/r.rangeM - edgeStart) / (1 - edgeStart)
	return pTerrestrial - x*(pTerrestrial-pTerrestrialAt), true
}
