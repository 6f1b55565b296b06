package pipeline

import (
	"fmt"
	"io"
	"sort"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/radar"
	"github.com/picket-ais/picket/internal/source"
)

// RadarInput is one radar's NMEA output (TTM/TLL with the own ship's
// GGA/RMC/HDT/ZDA), from a ship or, with HasSite, a fixed site at Site
// (lat, lon).
type RadarInput struct {
	File    string
	Site    [2]float64
	HasSite bool
}

// RadarSummary accounts for one radar input.
type RadarSummary struct {
	Name   string
	Lines  map[string]int64 // by reason (radar.Used, ...)
	Errors []error          // the first malformed sentences
	Tracks int
}

// readRadars reads every radar input into tracks.
func readRadars(inputs []RadarInput, opts *AnalyzeOptions) ([]radar.Track, []RadarSummary, error) {
	var tracks []radar.Track
	var sums []RadarSummary
	for _, in := range inputs {
		f, err := source.Open(in.File)
		if err != nil {
			return nil, nil, err
		}
		r := radar.NewReader(radar.Options{Feed: f.Name, Site: in.Site, HasSite: in.HasSite, Location: opts.Location})
		lr := source.NewLineReader(f)
		for lr.Next() {
			r.Line(lr.Line())
		}
		err = lr.Err()
		f.Close()
		if err != nil {
			return nil, nil, &InputError{Name: f.Name, Err: err}
		}
		ts := r.Tracks()
		if len(ts) == 0 {
			why := "no tracked target could be placed"
			if r.Lines[radar.NoTime] > 0 {
				why = radar.ErrNoTime.Error()
			}
			return nil, nil, &InputError{Name: f.Name, Err: fmt.Errorf("radar: %s (lines by reason: %v)", why, r.Lines)}
		}
		tracks = append(tracks, ts...)
		sums = append(sums, RadarSummary{Name: f.Name, Lines: r.Lines, Errors: r.Errors, Tracks: len(ts)})
	}
	return tracks, sums, nil
}

// correlateRadar matches the radar tracks with the run's AIS tracks and
// adds a dark_vessel event for each dark track, and a spoofing event
// (unseen_by_radar) for each AIS vessel the radars should have seen and
// did not.
func correlateRadar(res *AnalyzeResult, ais []detection.Track, opts *AnalyzeOptions) {
	res.RadarMatches = radar.Correlate(res.RadarTracks, ais, radar.CorrelateOptions{Match: opts.Correlate})
	res.Events = append(res.Events, radar.DarkVessels(res.RadarTracks, res.RadarMatches)...)
	uo := opts.Detect.UnseenByRadar // its Shore defaults to the embedded coastline
	if uo.Shore == nil {
		uo.Shore = geo.DefaultShore()
	}
	craft := func(mmsi uint32) (float64, bool) {
		v := res.Tracker.Vessel(mmsi)
		if v == nil {
			return 0, false
		}
		return float64(v.ID.Length), v.Class == fuse.ClassB
	}
	res.Events = append(res.Events, radar.UnseenBatch(res.RadarTracks, ais, craft, uo)...)
}

// darkEncounters finds the AIS vessels alongside dark radar tracks and
// repeated dark satellite detections, with the run's encounter
// thresholds (distance, duration, speed, distance from ports).
func darkEncounters(res *AnalyzeResult, ais []detection.Track, opts *AnalyzeOptions) {
	var darks []detection.Dark
	if res.RadarMatches != nil {
		darks = radar.Darks(res.RadarTracks, res.RadarMatches, 0)
	}
	if res.Detections != nil {
		darks = append(darks, detection.Darks(res.Detections.Detections, res.Correlation)...)
	}
	if len(darks) == 0 {
		return
	}
	enc := opts.Detect.Encounter
	eo := detection.EncounterOptions{MaxDistanceM: enc.MaxDistanceM, MinDuration: enc.MinDuration, MaxSpeedKn: enc.MaxSpeedKn}
	if np := opts.Places.NearestPort; np != nil {
		minPort := enc.MinPortM
		if minPort <= 0 {
			minPort = 10_000
		}
		eo.NearPort = func(lat, lon float64) bool { _, _, ok := np(lat, lon, minPort); return ok }
	}
	res.Events = append(res.Events, detection.DarkEncounters(darks, ais, eo, opts.Correlate)...)
}

// WriteRadarSummary says what became of the radar inputs of a run:
// tracks matched to AIS and dark, and the lines by reason.
func WriteRadarSummary(w io.Writer, res *AnalyzeResult) {
	if res.RadarMatches == nil {
		return
	}
	dark := 0
	for i := range res.RadarMatches {
		if res.RadarMatches[i].Dark() {
			dark++
		}
	}
	fmt.Fprintf(w, "radar tracks %d: %d matched to AIS, %d dark\n", len(res.RadarTracks), len(res.RadarTracks)-dark, dark)
	for _, s := range res.Radars {
		keys := make([]string, 0, len(s.Lines))
		for k := range s.Lines {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(w, "  %s: %d tracks;", s.Name, s.Tracks)
		for _, k := range keys {
			fmt.Fprintf(w, " %s %d", k, s.Lines[k])
		}
		fmt.Fprintln(w)
		for _, e := range s.Errors[:min(3, len(s.Errors))] {
			fmt.Fprintf(w, "    %v\n", e)
		}
	}
}
