package detection

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// maxCandidates bounds the candidates an event names (nearest first): past
// a handful, a list is no lead.
const maxCandidates = 10

// Events makes a dark_vessel event of every dark detection (not those
// scored under Options.MinScore): at the
// detection's place and time, confidence from its score (0.5 when the
// source gives none), with its candidates and, as evidence, the detection
// itself and each candidate's last fix before it.
func Events(set *Set, res []Result) []event.Event {
	var out []event.Event
	for i := range res {
		r := &res[i]
		if !r.Dark() || r.LowScore {
			continue
		}
		d := &set.Detections[r.Detection]
		t := time.UnixMilli(d.Time).UTC()
		e := event.Event{
			Type: event.DarkVessel, Start: t, End: t, Lat: d.Lat, Lon: d.Lon,
			Confidence: confidence(d), Sensor: d.Sensor, Scene: d.Scene,
			Details: map[string]float64{},
		}
		if d.LengthM > 0 {
			e.Details["length_m"] = d.LengthM
		}
		if !math.IsNaN(d.Score) {
			e.Details["score"] = d.Score
		}
		if d.HasHeading() {
			e.Details["heading"] = d.Heading
		}
		e.Evidence = append(e.Evidence, event.Fix{Time: t, Lat: d.Lat, Lon: d.Lon, Feed: d.File, Receiver: "line " + strconv.Itoa(d.Line), Role: event.Detected})
		for k, c := range r.Candidates {
			if k == maxCandidates {
				break
			}
			e.Candidates = append(e.Candidates, c.MMSI)
			e.Evidence = append(e.Evidence, event.Fix{Time: time.UnixMilli(c.LastTime).UTC(), Lat: c.LastLat, Lon: c.LastLon, MMSI: c.MMSI, Role: event.LastBefore})
		}
		if len(r.Candidates) > 0 {
			e.Details["candidates"] = float64(len(r.Candidates))
		}
		what := "dark vessel"
		if d.LengthM > 0 {
			what = fmt.Sprintf("dark vessel of ~%.0f m", d.LengthM)
		}
		where := d.Sensor + " detection"
		if d.Scene != "" {
			where += " in scene " + d.Scene
		}
		e.Summary = DarkSummary(fmt.Sprintf("%s at %.4f,%.4f (%s) explained by no AIS vessel", what, d.Lat, d.Lon, where), &e, nil)
		e.SetID()
		out = append(out, e)
	}
	return out
}

func confidence(d *Detection) float64 {
	if math.IsNaN(d.Score) {
		return 0.5
	}
	// 0 is a withdrawn event's confidence (event.Withdrawn).
	return math.Max(0.01, math.Min(1, d.Score))
}

func hours(ms int64) string {
	return fmt.Sprintf("%.1f h", float64(ms)/3.6e6)
}
