package sim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// Dark encounters seen by satellite alone: a dark partner (never
// transmitting) lies alongside a slow AIS ship at sea for 3-5 h, and a
// constellation tasked on the area (Sentinel-1 with a commercial SAR
// satellite's revisits) images it three times: at the start, the middle
// and the end of the stretch. Drawn from a random source of its own,
// after the regular passes, so that those and the feed stay the same.

const (
	sarPartnerOffM = 50 // side by side for a ship-to-ship transfer: hull centres this far apart
	sarMeetPasses  = 3  // images of each staged meeting
	sarMeetMinMs   = 2 * hour
)

// sarEncounters stages the passes over each meeting and returns their
// truth: each detection's dark_vessel as any pass's, and a dark_encounter
// of the AIS ship when two passes or more at least two hours apart show
// both hulls (one image says nothing of how long; an image that shows one
// hull there shows nothing but the AIS ship, as far as anyone can tell).
func (g *gen) sarEncounters(shore *geo.Shore, out *SAR) []event.Event {
	s := g.s
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x5eed_0e5c))
	atSea := func(lat, lon float64) bool {
		return !shore.IsLand(lat, lon) && shore.DistanceToShore(lat, lon) > 3e3
	}
	var truth []event.Event
	for k, ep := range g.slowEpisodes(rng, atSea) {
		v := ep.v
		g.met = append(g.met, v)
		side := rng.Float64() * 360
		length := 60 + 140*rng.Float64()
		mmsi := s.fleet[v].ids[max(0, idIndex(s.fleet[v], ep.from))].id.MMSI
		var seen []int64 // the passes that show both hulls
		for j := 0; j < sarMeetPasses; j++ {
			t := ep.from + 15*min_ + int64(j)*(ep.to-ep.from-30*min_)/(sarMeetPasses-1)
			t -= t % 1000
			if g.inOutage(t) {
				continue
			}
			var h int
			lat, lon := s.fp.pos(v, t, &h)
			pla, plo := geo.Destination(lat, lon, side, sarPartnerOffM)
			cla, clo := geo.Destination(lat, lon, rng.Float64()*360, 30e3*rng.Float64())
			sc := newSARScene(fmt.Sprintf("SIM_S1_%s_M%d%d", time.UnixMilli(t).UTC().Format("20060102T150405"), k, j), t, cla, clo)
			out.Scenes = append(out.Scenes, sc)
			from := len(out.Detections)
			truth = append(truth, g.image(rng, shore, out, sc, cla, clo, []sarPartner{{pla, plo, length}})...)
			partner, ship := false, false
			for i := from; i < len(out.Detections); i++ {
				d := &out.Detections[i]
				d.Alongside = d.MMSI == mmsi && !d.False
				partner, ship = partner || d.Partner, ship || d.Alongside
			}
			if partner && ship {
				seen = append(seen, t)
			}
		}
		if len(seen) < 2 || seen[len(seen)-1]-seen[0] < sarMeetMinMs {
			continue
		}
		var h int
		mla, mlo := s.fp.pos(v, ep.from+(ep.to-ep.from)/2, &h)
		e := event.Event{Type: event.DarkEncounter, MMSI: mmsi, Start: tm(seen[0]), End: tm(seen[len(seen)-1]), Lat: round5(mla), Lon: round5(mlo),
			Confidence: 1, Sensor: "sar", Summary: fmt.Sprintf("staged: %d alongside a dark ship (%d m) for %.1f h, both seen in %d satellite radar images", mmsi, sarPartnerOffM, float64(ep.to-ep.from)/float64(hour), len(seen))}
		e.SetID()
		truth = append(truth, e)
	}
	return truth
}
