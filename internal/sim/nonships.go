package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/picket-ais/picket/internal/geo"
)

// stageNonShips places transmitters that are not ships, which no ship rule
// may alert on: a fishing net marked by three AIS buoys, strung 300 m
// apart, drifting offshore in good coverage, switched off for 8 h to save
// their batteries. Slow at sea, together for hours and dark, they would be
// loitering, encounters and gaps if taken for ships. They say what they
// are as real ones do: a battery charge or voltage in the name ("[62%]",
// "12.5V"), and numbers no administration gave (a 1xxxxxxxx number with
// no ITU form, as off Norway; a 98MID number for craft tied to a parent
// ship).
//
// Two yachts moored side by side in a marina too small for the port list,
// near the shore, are no encounter either.
//
// It draws from a random source of its own, after every other vessel is
// planned, so that staging it changes nothing else in the scenario.
func (s *scenario) stageNonShips() {
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x6e65_7462_756f_7973))
	s.stageMarina(rng)
	var boats []int
	for i, v := range s.fleet {
		if !v.busy && v.classB && v.kind == Fishing && len(v.ids) == 1 && len(v.dark) == 0 {
			boats = append(boats, i)
		}
	}
	var sites []int
	for i := range s.w.sites {
		c := &s.w.sites[i]
		if c.ShoreM > 25*nm && c.CoverM > 5e3 && c.PortM > 30e3 {
			sites = append(sites, i)
		}
	}
	if len(boats) < 3 || len(sites) == 0 || s.end-s.start < 20*hour {
		s.notes = append(s.notes, "net buoys: not staged (needs three Class B fishing boats, an offshore site in coverage, 20 h)")
		return
	}
	rng.Shuffle(len(boats), func(i, j int) { boats[i], boats[j] = boats[j], boats[i] })
	site := s.w.sites[sites[rng.IntN(len(sites))]]
	brg := rng.Float64() * 360
	darkFrom := s.start + (s.end-s.start)*35/100
	for k, v := range boats[:3] {
		ves := s.fleet[v]
		ves.busy, ves.notShip, ves.role = true, true, "net buoy"
		ves.home, ves.dests = -1, nil
		id := ves.ids[0].id
		owner := truncate(string(id.Name), 11)
		switch k {
		case 0:
			id.Name = fmt.Appendf(nil, "%s [%d%%]", owner, 35+rng.IntN(60))
		case 1:
			id.Name = fmt.Appendf(nil, "%s %.1fV", owner, 11.5+rng.Float64()*2)
			id.MMSI = uint32(100_000_000 + rng.IntN(9_999_999)) // 10xxxxxxx: no ITU form
		case 2:
			id.Name = fmt.Appendf(nil, "%s BUOY %d", owner, k)
			mid := int(ves.ids[0].id.MMSI / 1_000_000)
			id.MMSI = uint32(980_000_000 + mid*10_000 + rng.IntN(10_000)) // 98MID: tied to a parent ship
		}
		id.IMO, id.CallSign, id.ShipType = 0, nil, 30
		off := float64(k) * 300
		lat, lon := offsetPos(site.Lat, site.Lon, off*math.Cos(brg*math.Pi/180), off*math.Sin(brg*math.Pi/180))
		s.fp.plans[v] = plan{}
		pl := s.planner(v)
		pl.lat, pl.lon = lat, lon
		pl.still(s.end+hour, statusFishing, brg, 60)
		ves.dark = append(ves.dark, darkSpan{span: span{darkFrom, darkFrom + 8*hour}})
	}
}

// stageMarina moors two Class B pleasure craft 20 m apart within 2 km of
// the shore and 12 km or more from any port, for the whole scenario.
func (s *scenario) stageMarina(rng *rand.Rand) {
	var yachts []int
	for i, v := range s.fleet {
		if !v.busy && v.classB && v.kind == Pleasure && len(v.ids) == 1 && len(v.dark) == 0 {
			yachts = append(yachts, i)
		}
	}
	// Sites keep 3 nm from the shore: look shoreward of the nearest ones.
	var near []int
	for i := range s.w.sites {
		c := &s.w.sites[i]
		if c.ShoreM < 5*nm && c.PortM > 15e3 && c.CoverM > 10e3 {
			near = append(near, i)
		}
	}
	var site pt
	found := false
	for try := 0; try < 400 && len(near) > 0 && !found; try++ {
		c := s.w.sites[near[rng.IntN(len(near))]]
		lat, lon := geo.Destination(c.Lat, c.Lon, rng.Float64()*360, 3e3+6e3*rng.Float64())
		sh := s.w.shore.DistanceToShore(lat, lon)
		if _, pd := s.w.nearestPlace(lat, lon); sh > 300 && sh < 2e3 && pd > 12e3 && s.w.coverage(lat, lon) > 5e3 {
			site, found = pt{lat, lon}, true
		}
	}
	if len(yachts) < 2 || !found {
		s.notes = append(s.notes, "marina: not staged (needs two Class B pleasure craft and a coast 12 km from ports, in coverage)")
		return
	}
	rng.Shuffle(len(yachts), func(i, j int) { yachts[i], yachts[j] = yachts[j], yachts[i] })
	hdg := rng.Float64() * 360
	for k, v := range yachts[:2] {
		ves := s.fleet[v]
		ves.busy, ves.marina, ves.role = true, true, "moored in a marina"
		ves.home, ves.dests = -1, nil
		off := float64(k) * 20
		lat, lon := offsetPos(site.Lat, site.Lon, off*math.Cos((hdg+90)*math.Pi/180), off*math.Sin((hdg+90)*math.Pi/180))
		s.fp.plans[v] = plan{}
		pl := s.planner(v)
		pl.lat, pl.lon = lat, lon
		pl.still(s.end+hour, statusMoored, hdg, 0)
	}
}
