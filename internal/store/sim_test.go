package store

import (
	"math"
	"math/rand/v2"
)

// fleet simulates what picket stores: vessels in real shipping areas,
// each reporting every 10 s to 3 min (log-uniform, as Class A underway to
// Class B and ships at anchor), positions on AIS's 1/10000 minute grid,
// speeds and courses in tenths, times in whole seconds as tag blocks and
// MarineCadastre give them, the occasional report missed.
type fleet struct {
	rng   *rand.Rand
	vs    []simVessel
	wheel [256][]int32 // vessels due in each second, mod 256
	t     int64        // current second
}

type simVessel struct {
	mmsi             uint32
	lat, lon         float64 // true position
	sog, cog         float64 // true motion
	interval         int64   // seconds
	anchored         bool
	heading, nextHdg float64
	feeds            uint64
	status           uint8
}

// areas are busy waters: centre and half-size in degrees.
var areas = [][4]float64{
	{50.2, -1.0, 1.0, 2.5},  // English Channel
	{1.2, 103.9, 0.3, 1.0},  // Singapore Strait
	{27.5, -90.0, 2.0, 4.0}, // Gulf of Mexico
	{55.0, 3.0, 2.0, 3.0},   // North Sea
	{34.5, 129.0, 1.0, 1.5}, // Korea Strait
	{30.5, 123.5, 2.0, 2.0}, // East China Sea
	{26.5, 52.5, 1.0, 2.5},  // Persian Gulf
	{3.0, 100.5, 1.0, 1.5},  // Strait of Malacca
	{57.0, 19.0, 2.0, 3.0},  // Baltic
	{36.0, 15.0, 2.0, 4.0},  // Central Mediterranean
}

func newFleet(n int, seed uint64, start int64) *fleet {
	f := &fleet{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), t: start / 1000}
	for i := 0; i < n; i++ {
		a := areas[f.rng.IntN(len(areas))]
		v := simVessel{
			mmsi:     uint32(200_000_000 + i*37%700_000_000 + i),
			lat:      a[0] + (f.rng.Float64()*2-1)*a[2],
			lon:      a[1] + (f.rng.Float64()*2-1)*a[3],
			cog:      f.rng.Float64() * 360,
			interval: int64(math.Round(10 * math.Pow(18, f.rng.Float64()))), // 10..180 s
			feeds:    uint64(1 + f.rng.IntN(3)),
		}
		if f.rng.Float64() < 0.3 {
			v.anchored, v.status = true, 1
		} else {
			v.sog = 6 + f.rng.Float64()*14
		}
		v.heading = v.cog
		f.vs = append(f.vs, v)
		due := f.t + f.rng.Int64N(v.interval)
		f.wheel[due%256] = append(f.wheel[due%256], int32(i))
	}
	return f
}

// next appends the reports of the next n positions, in time order, to ps.
func (f *fleet) next(ps []Position, n int) []Position {
	for n > 0 {
		slot := f.t % 256
		due := f.wheel[slot]
		f.wheel[slot] = nil
		for _, i := range due {
			v := &f.vs[i]
			dt := float64(v.interval)
			if n > 0 && f.rng.Float64() > 0.05 { // 5% not heard
				ps = append(ps, v.report(f.rng, f.t*1000))
				n--
			}
			v.move(f.rng, dt)
			at := (f.t + v.interval) % 256
			f.wheel[at] = append(f.wheel[at], i)
		}
		f.t++
	}
	return ps
}

func (v *simVessel) move(rng *rand.Rand, dt float64) {
	if v.anchored {
		return
	}
	v.cog = math.Mod(v.cog+rng.NormFloat64()*0.5+360, 360)
	v.sog = math.Max(0.5, v.sog+rng.NormFloat64()*0.05)
	d := v.sog * 1852 / 3600 * dt / 111_320 // degrees of latitude
	v.lat += d * math.Cos(v.cog*math.Pi/180)
	v.lon += d * math.Sin(v.cog*math.Pi/180) / math.Cos(v.lat*math.Pi/180)
	if v.lat > 80 || v.lat < -80 {
		v.cog = math.Mod(v.cog+180, 360)
	}
	if v.lon > 180 {
		v.lon -= 360
	}
	if v.lon < -180 {
		v.lon += 360
	}
}

func (v *simVessel) report(rng *rand.Rand, t int64) Position {
	lat, lon := v.lat, v.lon
	sog, cog := v.sog+rng.NormFloat64()*0.1, v.cog+rng.NormFloat64()*2
	hdg := v.cog + rng.NormFloat64()*3
	if v.anchored {
		// GPS jitter of a few metres around the anchor, swinging.
		lat += rng.NormFloat64() * 3e-5
		lon += rng.NormFloat64() * 3e-5
		sog = math.Abs(rng.NormFloat64() * 0.1)
		cog = rng.Float64() * 360
		v.heading = math.Mod(v.heading+rng.NormFloat64()*2+360, 360)
		hdg = v.heading
	}
	p := Position{
		MMSI:    v.mmsi,
		Time:    t,
		Lat:     math.Round(lat*600000) / 600000,
		Lon:     math.Round(lon*600000) / 600000,
		SOG:     float32(math.Round(math.Max(0, sog)*10)) / 10,
		COG:     float32(math.Round(math.Mod(cog+360, 360)*10)) / 10,
		Heading: int16(math.Mod(math.Round(hdg)+360, 360)),
		Status:  v.status,
		Feeds:   v.feeds,
	}
	if p.COG >= 360 {
		p.COG = 0
	}
	return p
}
