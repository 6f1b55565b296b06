package sim

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/picket-ais/picket/internal/ais"
)

// Data faults: reports that do not move a vessel, and must not read as a
// jump, a second transmitter or a gap. They are negative cases: the truth
// has no event for them, so anything the detectors make of them is a false
// positive.
//
//   - a glitch: one report with its latitude or longitude alone corrupted
//     by 2-40° (a dropped or wrong digit, as 244690991's lon 0.007125
//     among 4.414588 in the AISHub sample);
//   - a re-delivery: for 20-40 min every report comes with a second one,
//     under the same time, repeating a position heard 1-2 h before (a
//     satellite provider forwarding old positions with new times, as
//     exactEarth does in the AMSA logs).

type faultKind uint8

const (
	faultGlitch faultKind = iota
	faultRedeliver
)

// fault is a data fault in one vessel's reports.
type fault struct {
	kind     faultKind
	from, to int64   // [from, to): the glitch is the first report at or after from
	dLat     float64 // glitch: added to the latitude, or
	dLon     float64 // to the longitude
	delayMs  int64   // re-delivery: how old the repeated positions are
}

// Per set of behaviours: this many vessels with a glitch, and with
// re-delivered positions.
const (
	glitchesPerSet     = 4
	redeliveriesPerSet = 2
)

// stageFaults gives ordinary traders, none with a staged behaviour, their
// data faults. It draws from a random source of its own so that the other
// behaviours of a seed stay as they were.
func (s *scenario) stageFaults() {
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x5eed_0f17))
	cands := shuffled(rng, s.ordinaryTraders(false))
	for set := 0; set < s.opts.Sets; set++ {
		// k counts the faults placed: a ship not under way when its
		// re-delivery would fall is passed over for the next (the other
		// staged behaviours leave few ordinary traders in a small fleet).
		for k := 0; k < glitchesPerSet+redeliveriesPerSet && len(cands) > 0; {
			v := cands[0]
			cands = cands[1:]
			t := s.start + 3*hour + rng.Int64N(max(1, s.end-s.start-5*hour))
			f := fault{kind: faultGlitch, from: t, to: t + hour}
			if k >= glitchesPerSet {
				if !s.underWay(v, t-2*hour, t+hour) {
					continue
				}
				f = fault{kind: faultRedeliver, from: t, to: t + 20*min_ + rng.Int64N(20*min_), delayMs: hour + rng.Int64N(hour)}
			} else {
				off := 2 + 38*rng.Float64()
				if rng.IntN(2) == 0 {
					off = -off
				}
				if rng.IntN(2) == 0 {
					f.dLat = off
				} else {
					f.dLon = off
				}
			}
			ves := s.fleet[v]
			ves.busy = true
			ves.faults = append(ves.faults, f)
			k++
		}
	}
}

// glitch returns the report's position with its glitch, if one is due.
func (g *gen) glitch(v int, t int64, lat, lon float64) (float64, float64, bool) {
	ves := g.s.fleet[v]
	hv := &g.heard[v]
	for i := range ves.faults {
		f := &ves.faults[i]
		if f.kind != faultGlitch || t < f.from || t >= f.to || hv.glitched&(1<<i) != 0 {
			continue
		}
		hv.glitched |= 1 << i
		lat += f.dLat
		if lat > 89 || lat < -89 {
			lat -= 2 * f.dLat
		}
		lon = math.Mod(lon+f.dLon+540, 360) - 180
		return lat, lon, true
	}
	return lat, lon, false
}

// redeliver sends, to those who heard the report just sent, a second one
// repeating the position heard delayMs before (within 2 min), if a
// re-delivery is on and the ship was heard then.
func (g *gen) redeliver(v int, t int64, id *identityRec) {
	ves := g.s.fleet[v]
	hv := &g.heard[v]
	for i := range ves.faults {
		f := &ves.faults[i]
		if f.kind != faultRedeliver || t < f.from || t >= f.to {
			continue
		}
		at := t - f.delayMs
		k := sort.Search(len(hv.fixes), func(k int) bool { return hv.fixes[k].t >= at })
		if k == len(hv.fixes) || hv.fixes[k].t-at > 2*min_ {
			return
		}
		old := hv.fixes[k]
		var h int
		_, _, _, cog, l := g.s.fp.motion(v, old.t, &h)
		m := &ais.PositionReport{Header: ais.Header{Type: 1, MMSI: id.MMSI}, Status: l.status, Speed: knots10(float64(old.sog)), Accuracy: true,
			Lon: int32(math.Round(float64(old.lon) * 600000)), Lat: int32(math.Round(float64(old.lat) * 600000)), Course: uint16(math.Round(cog*10)) % 3600,
			Heading: uint16(math.Round(l.heading+720)) % 360, Second: uint8(t / 1000 % 60)}
		var err error
		if g.payload, _, err = ais.AppendPayload(g.payload[:0], m); err != nil {
			g.err = err
			return
		}
		g.stats.Sent++
		g.sentence(g.sent[:0], 1, 1, -1, g.payload, 0)
		g.writeHeard(t, false, 1)
		return
	}
}
