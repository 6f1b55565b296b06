package sim

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// VIIRS night-light boat detections over the scenario, in the columns of
// NOAA Earth Observation Group's VIIRS boat detection product: one
// granule a night, at 01:30 local time (Suomi NPP's and NOAA-20's
// overpass; the local hour from the region's middle longitude), covering
// the region. Lit vessels are seen (fishing vessels with lights, most of
// them; a few others), lit fishing boats that never transmit, and gas
// flares and recurring lights flagged as not boats. Staged only with
// Options.VIIRS, from a random source of its own.

// VIIRSFile is what WriteDir writes with Options.VIIRS.
const VIIRSFile = "viirs.csv"

const (
	viirsLocalHour   = 1.5  // overpass, local solar time
	viirsLitFishing  = 0.8  // share of fishing vessels working with lights
	viirsLitOther    = 0.05 // share of other ships lit enough to be seen
	viirsSeenP       = 0.85 // a lit vessel seen (clouds hide the rest)
	viirsNoiseMaxM   = 700  // geolocation error (DNB pixels are 742 m)
	viirsDarkPerPass = 3    // lit fishing boats that never transmit
	viirsFlares      = 2    // gas flares (QF 4) per granule
	viirsRecurring   = 2    // recurring lights (QF 8) per granule
)

// VIIRSDetection is one row of the boat detections file.
type VIIRSDetection struct {
	ID, File string
	Time     int64
	Lat, Lon float64
	QF       int
	// MMSI is the vessel's when it has one; Dark whether the truth holds
	// it as a dark_vessel (sensor viirs).
	MMSI uint32
	Dark bool
}

// VIIRS is what the night passes saw.
type VIIRS struct {
	Detections []VIIRSDetection
}

// viirs stages the night passes after the feed is written.
func (g *gen) viirs() (*VIIRS, []event.Event) {
	s := g.s
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x5eed_0d9b))
	shore := geo.DefaultShore()
	lit := make([]bool, len(s.fleet))
	for v, ves := range s.fleet {
		p := viirsLitOther
		if ves.kind == Fishing {
			p = viirsLitFishing
		}
		lit[v] = !ves.notShip && rng.Float64() < p
	}
	r := s.r
	mid := (r.West + r.East) / 2
	out := &VIIRS{}
	var truth []event.Event
	// The UTC time of the local hour at the middle longitude, each day.
	day := s.start - s.start%(24*hour)
	off := int64((viirsLocalHour - mid/15) * float64(hour))
	for t := day + off - 24*hour; t < s.end; t += 24 * hour {
		if t < s.start+hour || g.inOutage(t) {
			continue
		}
		ut := time.UnixMilli(t).UTC()
		file := "SVDNB_npp_d" + ut.Format("20060102") + "_t" + ut.Format("1504") + "_e" + ut.Add(6*time.Minute).Format("1504")
		n := 0
		add := func(d VIIRSDetection) {
			n++
			d.ID = fmt.Sprintf("VBD_npp_d%s_t%s_%03d", ut.Format("20060102"), ut.Format("1504"), n)
			d.File, d.Time = file, t
			out.Detections = append(out.Detections, d)
		}
		var ships [][2]float64
		for v, ves := range s.fleet {
			if ves.notShip || (ves.alive.To > 0 && (t < ves.alive.From || t >= ves.alive.To)) {
				continue
			}
			var h int
			lat, lon := s.fp.pos(v, t, &h)
			if lat < r.South || lat > r.North || lon < r.West || lon > r.East {
				continue
			}
			ships = append(ships, [2]float64{lat, lon})
			if !lit[v] || rng.Float64() >= viirsSeenP {
				continue
			}
			la, lo := geo.Destination(lat, lon, rng.Float64()*360, viirsNoiseMaxM*rng.Float64())
			id := ves.ids[max(0, idIndex(ves, t))].id
			d := VIIRSDetection{Lat: round5(la), Lon: round5(lo), QF: 1, MMSI: id.MMSI, Dark: !g.explained(v, t)}
			if rng.Float64() < 0.2 {
				d.QF = 2 // weak
			}
			add(d)
			if d.Dark {
				truth = append(truth, viirsTruth(&out.Detections[len(out.Detections)-1], []uint32{id.MMSI}))
			}
		}
		// Lit fishing boats that never transmit, at sea clear of others;
		// then the lights that are not boats.
		place := func(n int, qf int, dark bool) {
			for placed, tries := 0, 0; placed < n && tries < 300; tries++ {
				lat := r.South + rng.Float64()*(r.North-r.South)
				lon := r.West + rng.Float64()*(r.East-r.West)
				if shore.IsLand(lat, lon) || shore.DistanceToShore(lat, lon) < 5e3 || tooNear(ships, lat, lon) {
					continue
				}
				ships = append(ships, [2]float64{lat, lon})
				add(VIIRSDetection{Lat: round5(lat), Lon: round5(lon), QF: qf, Dark: dark})
				if dark {
					truth = append(truth, viirsTruth(&out.Detections[len(out.Detections)-1], nil))
				}
				placed++
			}
		}
		place(viirsDarkPerPass, 1, true)
		place(viirsFlares, 4, false)
		place(viirsRecurring, 8, false)
	}
	return out, truth
}

func viirsTruth(d *VIIRSDetection, candidates []uint32) event.Event {
	t := tm(d.Time)
	e := event.Event{Type: event.DarkVessel, Start: t, End: t, Lat: d.Lat, Lon: d.Lon, Confidence: 1,
		Sensor: "viirs", Scene: d.File, Candidates: candidates}
	if len(candidates) > 0 {
		e.Summary = fmt.Sprintf("staged: %d seen by its lights at night while its AIS was not heard", candidates[0])
	} else {
		e.Summary = "staged: a lit boat that never transmits seen at night"
	}
	e.SetID()
	return e
}

// WriteTo writes the detections in EOG's VBD columns (id_Key,
// Date_Mscan, Lat_DNB, Lon_DNB, QF_Detect, File_DNB).
func (r *VIIRS) WriteTo(w io.Writer) (int64, error) {
	var b []byte
	b = append(b, "id_Key,Date_Mscan,Lon_DNB,Lat_DNB,QF_Detect,File_DNB\n"...)
	for _, d := range r.Detections {
		b = append(b, d.ID+","...)
		b = time.UnixMilli(d.Time).UTC().AppendFormat(b, "2006/01/02 15:04:05.000")
		b = append(b, ',')
		b = strconv.AppendFloat(b, d.Lon, 'f', 4, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, d.Lat, 'f', 4, 64)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(d.QF), 10)
		b = append(b, ","+d.File+"\n"...)
	}
	n, err := w.Write(b)
	return int64(n), err
}
