package radar

import (
	"fmt"
	"math"
	"time"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
)

// maxCandidates bounds the candidates an event names, nearest first.
const maxCandidates = 10

// DarkVessels makes a dark_vessel event of every dark track: from its
// first plot to its last, at its first plot, with the candidates that
// could have been there and, as evidence, its first and last plots and
// each candidate's last fix before it. Its scene is the track's id.
// Confidence grows with how long the radar held it: a target tracked
// for a minute may be clutter, one held for an hour is a vessel.
func DarkVessels(tracks []Track, matches []Match) []event.Event {
	var out []event.Event
	for _, m := range matches {
		if !m.Dark() {
			continue
		}
		tr := &tracks[m.Track]
		first, last := tr.Plots[0], tr.Plots[len(tr.Plots)-1]
		dur := last.Time - first.Time
		e := event.Event{
			Type: event.DarkVessel, Start: time.UnixMilli(first.Time).UTC(), End: time.UnixMilli(last.Time).UTC(),
			Lat: first.Lat, Lon: first.Lon, Sensor: detection.SensorRadar, Scene: tr.ID,
			Confidence: math.Round((0.5+0.45*math.Min(1, float64(dur)/3.6e6))*100) / 100,
			Details:    map[string]float64{"plots": float64(len(tr.Plots)), "hours": math.Round(float64(dur)/3.6e4) / 100},
			Evidence: []event.Fix{
				plotFix(tr, first, event.First),
				plotFix(tr, last, event.Last),
			},
		}
		for k, c := range m.Candidates {
			if k == maxCandidates {
				break
			}
			e.Candidates = append(e.Candidates, c.MMSI)
			e.Evidence = append(e.Evidence, event.Fix{Time: time.UnixMilli(c.LastTime).UTC(), Lat: c.LastLat, Lon: c.LastLon, MMSI: c.MMSI, Role: event.LastBefore})
		}
		if len(m.Candidates) > 0 {
			e.Details["candidates"] = float64(len(m.Candidates))
		}
		e.Summary = detection.DarkSummary(fmt.Sprintf("dark vessel at %.4f,%.4f: radar track %s held %.1f h, explained by no AIS vessel", first.Lat, first.Lon, tr.ID, float64(dur)/3.6e6), &e, nil)
		e.SetID()
		out = append(out, e)
	}
	return out
}

func plotFix(tr *Track, p Plot, role string) event.Fix {
	f := event.Fix{Time: time.UnixMilli(p.Time).UTC(), Lat: p.Lat, Lon: p.Lon, Feed: tr.Feed, Role: role}
	if p.Line > 0 {
		f.Receiver = fmt.Sprintf("line %d", p.Line)
	}
	if !math.IsNaN(p.SpeedKn) {
		f.SOG = event.Ptr(p.SpeedKn)
	}
	if !math.IsNaN(p.Course) {
		f.COG = event.Ptr(p.Course)
	}
	return f
}

// Darks returns the dark tracks as dark objects for
// detection.DarkEncounters, each its plots sampled as Correlate samples
// them.
func Darks(tracks []Track, matches []Match, sample time.Duration) []detection.Dark {
	if sample <= 0 {
		sample = time.Minute
	}
	var out []detection.Dark
	for _, m := range matches {
		if !m.Dark() {
			continue
		}
		tr := &tracks[m.Track]
		d := detection.Dark{Sensor: detection.SensorRadar, ID: tr.ID}
		for _, p := range Samples(tr, sample) {
			d.Sightings = append(d.Sightings, detection.Sighting{Time: p.Time, Lat: p.Lat, Lon: p.Lon, Feed: tr.Feed, Line: int(p.Line)})
		}
		out = append(out, d)
	}
	return out
}
