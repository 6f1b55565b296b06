package sim

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// Satellite radar (SAR) passes over the scenario: scenes with footprints,
// the vessels each image shows (AIS ships and dark ones) with position
// noise, and the dark_vessel truth. Staged only with Options.SAR; drawn
// from a random source of its own, so that a scenario's feed and other
// truth are the same bytes with it or without.

// The files WriteDir writes with Options.SAR.
const (
	DetectionsFile = "detections.csv"
	ScenesFile     = "scenes.csv"
)

const (
	sceneHalfDeg    = 0.6  // a scene is 1.2 degrees square (~130 km): a Sentinel-1 IW swath is 250 km wide
	sarNoiseMinM    = 200  // geolocation error of a detection
	sarNoiseMaxM    = 500  //
	falsePerScene   = 2    // false detections (sea clutter, wakes, a rock) per scene, scored low
	darkPerScene    = 2    // ships that never transmit, per scene
	sarDarkApartM   = 3000 // never-transmitting ships are placed this far from any other ship
	sarExplainWinMs = 10 * min_
	sarBridgeMs     = hour
)

// SARScene is one simulated image.
type SARScene struct {
	ID   string
	Time int64 // Unix ms
	// Ring is the footprint, lon/lat pairs, closed.
	Ring [][2]float64
}

// SARDetection is one vessel an image shows.
type SARDetection struct {
	Scene    string
	Time     int64
	Lat, Lon float64
	LengthM  float64
	Score    float64
	// MMSI is the vessel's when it has one (0 for ships that never
	// transmit); Dark whether the truth holds it as a dark_vessel; False
	// for a false detection (no ship there; scored under 0.5); Partner
	// for the dark partner of a staged dark encounter, Alongside for the
	// AIS ship it lies beside (two hulls 50 m apart: which is which, no
	// image tells but by length).
	MMSI      uint32
	Dark      bool
	False     bool
	Partner   bool
	Alongside bool
}

// SAR is what the satellite passes saw.
type SAR struct {
	Scenes     []SARScene
	Detections []SARDetection
}

// sar stages the passes after the feed is written: it needs what the
// feed's receivers heard to say which detections AIS explains.
func (g *gen) sar() (*SAR, []event.Event) {
	s := g.s
	rng := rand.New(rand.NewPCG(s.opts.Seed, 0x5eed_05a4))
	shore := geo.DefaultShore()
	out := &SAR{}
	var truth []event.Event
	type look struct {
		t        int64
		lat, lon float64
	}
	var looks []look
	// Over the receivers every 6 h (coastal waters, where SAR detections
	// are most used), and over the staged deliberate silences.
	k := 0
	for t := s.start + 2*hour + rng.Int64N(hour); t < s.end-hour; t += 6 * hour {
		st := s.w.stations[k%len(s.w.stations)]
		k++
		looks = append(looks, look{t, st.Lat, st.Lon})
	}
	for v, ves := range s.fleet {
		for _, d := range ves.dark {
			if !d.deliberate || d.To-d.From < 3*hour || d.From < s.start || d.To > s.end {
				continue
			}
			t := d.From + (d.To-d.From)/2 + rng.Int64N(hour) - hour/2
			var h int
			lat, lon := s.fp.pos(v, t, &h)
			lat, lon = geo.Destination(lat, lon, rng.Float64()*360, 30e3*rng.Float64())
			looks = append(looks, look{t, lat, lon})
		}
	}
	slices.SortFunc(looks, func(a, b look) int { return int(a.t - b.t) })
	for n, lk := range looks {
		lk.t -= lk.t % 1000 // image times are written in whole seconds
		if g.inOutage(lk.t) {
			continue
		}
		sc := newSARScene(fmt.Sprintf("SIM_S1_%s_%03d", time.UnixMilli(lk.t).UTC().Format("20060102T150405"), n), lk.t, lk.lat, lk.lon)
		out.Scenes = append(out.Scenes, sc)
		truth = append(truth, g.image(rng, shore, out, sc, lk.lat, lk.lon, nil)...)
	}
	truth = append(truth, g.sarEncounters(shore, out)...)
	return out, truth
}

// newSARScene is a scene of 1.2 degrees centred on (lat, lon): a slightly
// skewed quadrilateral, as a satellite's track crosses the meridians at an
// angle.
func newSARScene(id string, t int64, lat, lon float64) SARScene {
	la, lo, d, e := lat, lon, sceneHalfDeg, sceneHalfDeg/math.Cos(lat*math.Pi/180)
	return SARScene{ID: id, Time: t, Ring: [][2]float64{{lo - e + 0.1, la - d}, {lo + e + 0.1, la - d}, {lo + e - 0.1, la + d}, {lo - e - 0.1, la + d}, {lo - e + 0.1, la - d}}}
}

// sarPartner is a dark ship an image shows besides the scenario's fleet:
// where it is and its length.
type sarPartner struct {
	lat, lon, length float64
}

// image stages what scene sc, centred on (la, lo), shows: the ships of
// the fleet in it, the extra dark ships given (their detections marked
// Partner), ships that never transmit and false detections. It returns
// the dark_vessel truth.
func (g *gen) image(rng *rand.Rand, shore *geo.Shore, out *SAR, sc SARScene, la, lo float64, extra []sarPartner) []event.Event {
	s := g.s
	var truth []event.Event
	d, e := sceneHalfDeg, sceneHalfDeg/math.Cos(la*math.Pi/180)
	var ships [][2]float64
	for v, ves := range s.fleet {
		if ves.notShip || ves.kind == Pleasure {
			continue
		}
		if ves.alive.To > 0 && (sc.Time < ves.alive.From || sc.Time >= ves.alive.To) {
			continue
		}
		var h int
		lat, lon := s.fp.pos(v, sc.Time, &h)
		if !inRing(sc.Ring, lat, lon) {
			continue
		}
		ships = append(ships, [2]float64{lat, lon})
		id := ves.ids[max(0, idIndex(ves, sc.Time))].id
		length := float64(id.Dim.ToBow + id.Dim.ToStern)
		if rng.Float64() >= sarDetectP(length) {
			continue
		}
		det := g.detect(rng, sc, lat, lon, length)
		det.MMSI = id.MMSI
		det.Dark = !g.explained(v, sc.Time)
		out.Detections = append(out.Detections, det)
		if det.Dark {
			truth = append(truth, sarTruth(&det, []uint32{id.MMSI}))
		}
	}
	for _, p := range extra {
		ships = append(ships, [2]float64{p.lat, p.lon})
		if rng.Float64() >= sarDetectP(p.length) {
			continue
		}
		det := g.detect(rng, sc, p.lat, p.lon, p.length)
		det.Dark, det.Partner = true, true
		out.Detections = append(out.Detections, det)
		truth = append(truth, sarTruth(&det, nil))
	}
	// Ships that never transmit: at sea, inside the scene, clear of
	// the others by more than the correlation tolerance.
	for placed, tries := 0, 0; placed < darkPerScene && tries < 200; tries++ {
		lat := la + (rng.Float64()*1.6-0.8)*d
		lon := lo + (rng.Float64()*1.6-0.8)*e
		if !inRing(sc.Ring, lat, lon) || shore.IsLand(lat, lon) || shore.DistanceToShore(lat, lon) < 5e3 || tooNear(ships, lat, lon) {
			continue
		}
		ships = append(ships, [2]float64{lat, lon})
		det := g.detect(rng, sc, lat, lon, 40+160*rng.Float64())
		det.Dark = true
		out.Detections = append(out.Detections, det)
		truth = append(truth, sarTruth(&det, nil))
		placed++
	}
	// False detections: no ship, a low score, no truth.
	for placed, tries := 0, 0; placed < falsePerScene && tries < 200; tries++ {
		lat := la + (rng.Float64()*1.6-0.8)*d
		lon := lo + (rng.Float64()*1.6-0.8)*e
		if !inRing(sc.Ring, lat, lon) || shore.IsLand(lat, lon) || tooNear(ships, lat, lon) {
			continue
		}
		det := g.detect(rng, sc, lat, lon, 10+30*rng.Float64())
		det.Score = math.Round((0.1+0.35*rng.Float64())*100) / 100
		det.False = true
		out.Detections = append(out.Detections, det)
		placed++
	}
	return truth
}

// sarDetectP is the chance a ship of that length (metres; 0 unknown) is
// seen in an image: Sentinel-1's detections (GFW, Paolo et al. 2024)
// find nearly every ship over 50 m and miss many under 20 m.
func sarDetectP(length float64) float64 {
	switch {
	case length <= 0:
		return 0.8
	case length < 20:
		return 0.5
	case length < 50:
		return 0.8
	}
	return 0.95
}

func tooNear(ships [][2]float64, lat, lon float64) bool {
	for _, p := range ships {
		if geo.Distance(p[0], p[1], lat, lon) < sarDarkApartM {
			return true
		}
	}
	return false
}

// detect is the detection of a ship at (lat, lon): its position off by
// the image's geolocation error, its length by up to 15 %.
func (g *gen) detect(rng *rand.Rand, sc SARScene, lat, lon, length float64) SARDetection {
	dlat, dlon := geo.Destination(lat, lon, rng.Float64()*360, sarNoiseMinM+(sarNoiseMaxM-sarNoiseMinM)*rng.Float64())
	if length > 0 {
		length = math.Round(length * (0.85 + 0.3*rng.Float64()))
	}
	return SARDetection{Scene: sc.ID, Time: sc.Time, Lat: round5(dlat), Lon: round5(dlon), LengthM: length, Score: math.Round((0.7+0.3*rng.Float64())*100) / 100}
}

// explained reports whether the feed shows vessel v around t: a heard
// position within 10 minutes, or heard positions on both sides within an
// hour of each other. A ship whose AIS nobody heard then is dark to any
// correlator, as a hole in what was heard is a gap in the gap truth.
func (g *gen) explained(v int, t int64) bool {
	fx := g.heard[v].fixes
	i, _ := slices.BinarySearchFunc(fx, t, func(f heardFix, t int64) int { return int(f.t - t) })
	var before, after int64 = -1, -1
	if i > 0 {
		before = fx[i-1].t
	}
	if i < len(fx) {
		after = fx[i].t
	}
	// The log keeps one heard fix a minute: allow for it.
	win := sarExplainWinMs - fixLogMs
	switch {
	case before >= 0 && t-before <= win, after >= 0 && after-t <= win:
		return true
	case before >= 0 && after >= 0 && after-before <= sarBridgeMs-2*fixLogMs:
		return true
	}
	return false
}

func (g *gen) inOutage(t int64) bool {
	for _, o := range g.s.outages {
		if t >= o.From-hour && t < o.To+hour {
			return true
		}
	}
	return false
}

func sarTruth(d *SARDetection, candidates []uint32) event.Event {
	t := tm(d.Time)
	e := event.Event{Type: event.DarkVessel, Start: t, End: t, Lat: d.Lat, Lon: d.Lon, Confidence: 1,
		Sensor: "sar", Scene: d.Scene, Candidates: candidates}
	if len(candidates) > 0 {
		e.Summary = fmt.Sprintf("staged: %d seen by satellite radar while its AIS was not heard", candidates[0])
	} else {
		e.Summary = "staged: a ship that never transmits seen by satellite radar"
	}
	e.SetID()
	return e
}

// inRing is a point-in-polygon test (even-odd) on a lon/lat ring.
func inRing(ring [][2]float64, lat, lon float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > lat) != (b[1] > lat) && lon < (b[0]-a[0])*(lat-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// WriteDetections writes the detections in Global Fishing Watch's SAR
// layout (scene_id, detect_id, detect_timestamp, detect_lat, detect_lon,
// presence_score, length_m): what `picket analyze --detections` reads.
func (r *SAR) WriteDetections(w io.Writer) error {
	var b []byte
	b = append(b, "scene_id,detect_id,detect_timestamp,detect_lat,detect_lon,presence_score,length_m\n"...)
	for _, d := range r.Detections {
		lat, lon := strconv.FormatFloat(d.Lat, 'f', 5, 64), strconv.FormatFloat(d.Lon, 'f', 5, 64)
		b = append(b, d.Scene...)
		b = append(b, ',')
		b = append(b, d.Scene+";"+lon+";"+lat...)
		b = append(b, ',')
		b = time.UnixMilli(d.Time).UTC().AppendFormat(b, "2006-01-02 15:04:05 UTC")
		b = append(b, ","+lat+","+lon+","...)
		b = strconv.AppendFloat(b, d.Score, 'f', 2, 64)
		b = append(b, ',')
		if d.LengthM > 0 {
			b = strconv.AppendFloat(b, d.LengthM, 'f', 0, 64)
		}
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// WriteScenes writes the scenes as GFW publishes footprints: scene_id,
// time, footprint_wkt.
func (r *SAR) WriteScenes(w io.Writer) error {
	var b []byte
	b = append(b, "scene_id,time,footprint_wkt\n"...)
	for _, sc := range r.Scenes {
		b = append(b, sc.ID+","...)
		b = time.UnixMilli(sc.Time).UTC().AppendFormat(b, "2006-01-02 15:04:05 UTC")
		b = append(b, `,"POLYGON ((`...)
		for i, p := range sc.Ring {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendFloat(b, p[0], 'f', 5, 64)
			b = append(b, ' ')
			b = strconv.AppendFloat(b, p[1], 'f', 5, 64)
		}
		b = append(b, "))\"\n"...)
	}
	_, err := w.Write(b)
	return err
}
