package detect

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/track"
)

// TestEncounterSplitOneOwner feeds ships wandering slowly in a crowd
// (drifting across cells, now and then sailing off fast and coming back
// elsewhere, falling silent for hours) to an engine whose encounter
// detector is split over three owners, handing each owner its batches
// after every report, and checks after every report that each pair is
// held by exactly one owner, the one it is registered with; and that the
// events are those of the detector on its own.
func TestEncounterSplitOneOwner(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 4))
	type ship struct{ lat, lon, kn, cog float64 }
	ships := make([]ship, 30)
	for i := range ships {
		lat, lon := geo.Destination(10, -30, rng.Float64()*360, rng.Float64()*1200)
		ships[i] = ship{lat, lon, 0.5, 80 + rng.Float64()*20} // in a current
	}
	var reports []fuse.Report
	for step := range 12 * 60 / 3 { // 12 h, a report every 3 min
		for i := range ships {
			s := &ships[i]
			switch x := rng.IntN(200); {
			case x == 0:
				s.kn = 9 // sails off (out of the index), or back
			case x < 4:
				s.kn = 0.2 + rng.Float64()*1.5
			case x < 8:
				s.cog = 60 + rng.Float64()*60
			}
			if s.kn > 4 && rng.IntN(15) == 0 {
				s.kn, s.cog = 1, s.cog+180 // slow again, elsewhere
			}
			s.lat, s.lon = geo.Destination(s.lat, s.lon, s.cog, s.kn*1852*3/60)
			if (i+step/40)%7 == 0 {
				continue // silent for 2 h every now and then
			}
			reports = append(reports, fuse.Report{Time: int64(step)*180_000 + int64(i)*1000, MMSI: uint32(240_000_000 + i), Kind: fuse.Position,
				Class: fuse.ClassA, Lat: s.lat, Lon: s.lon, SOG: float32(s.kn), COG: float32(s.cog), Heading: -1, Heard: 1})
		}
	}
	run := func(split bool) []byte {
		tr := track.New(track.Options{})
		eng := NewBatchEngine(Options{}, Places{})
		var owners []*EncounterOwner
		if split {
			owners = eng.Pairs().SplitEncounters(3)
		}
		held := map[encPairKey]int{}
		for i := range reports {
			if u, ok := tr.Position(&reports[i]); ok {
				eng.Position(&u)
			}
			if !split {
				continue
			}
			for j, b := range eng.Pairs().Routed(nil) {
				if b != nil {
					owners[j].Take(b)
				}
			}
			clear(held)
			for j, o := range owners {
				for k := range o.d.pairs {
					if h, dup := held[k]; dup {
						t.Fatalf("report %d: pair %v held by owners %d and %d", i, k, h, j)
					}
					held[k] = j
					if r := eng.pairs.enc.split.regs[k]; r == nil || r.owner != j {
						t.Fatalf("report %d: pair %v held by owner %d, registered with %+v", i, k, j, r)
					}
				}
			}
		}
		if split && len(eng.pairs.enc.pairs) != 0 {
			t.Fatalf("the router holds %d pairs", len(eng.pairs.enc.pairs))
		}
		var b bytes.Buffer
		n := 0
		for _, e := range eng.Finish() {
			if e.Type == "encounter" {
				n++
			}
			j, _ := json.Marshal(e)
			b.Write(append(j, '\n'))
		}
		t.Logf("split %v: %d encounters", split, n)
		if n < 5 {
			t.Fatalf("%d encounters: the crowd says too little", n)
		}
		return b.Bytes()
	}
	if one, split := run(false), run(true); !bytes.Equal(one, split) {
		t.Errorf("events differ:\non its own:\n%s\nsplit:\n%s", one, split)
	}
}
