package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
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
// It draws from a random source of its own, after every other vessel is
// planned, so that staging it changes nothing else in the scenario.
func (s *scenario) stageNonShips() {
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x6e65_7462_756f_7973))
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
