package pipeline

import (
	"fmt"
	"io"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/track"
)

// readDetections reads the detection files (dets SAR unless they say,
// optical optical) and scene files of a run: scenes first, so that each
// detection is checked against its footprint.
func readDetections(dets, optical, scenes []string) (*detection.Set, error) {
	set := detection.NewSet()
	read := func(p string, f func(*detection.Set, *source.File) error) error {
		file, err := source.Open(p)
		if err != nil {
			return err
		}
		defer file.Close()
		if err := f(set, file); err != nil {
			return &InputError{Name: file.Name, Err: err}
		}
		return nil
	}
	for _, p := range scenes {
		if err := read(p, func(s *detection.Set, f *source.File) error { return s.ReadScenes(f, f.Name) }); err != nil {
			return nil, err
		}
	}
	for _, p := range dets {
		if err := read(p, func(s *detection.Set, f *source.File) error { return s.Read(f, f.Name) }); err != nil {
			return nil, err
		}
	}
	for _, p := range optical {
		if err := read(p, func(s *detection.Set, f *source.File) error {
			return s.ReadSensor(f, f.Name, detection.SensorOptical)
		}); err != nil {
			return nil, err
		}
	}
	set.Check()
	if set.Rows > 0 && len(set.Detections) == 0 {
		var why string
		for _, b := range set.BadRows {
			why += "; " + b.String()
		}
		return nil, fmt.Errorf("pipeline: no detection could be used%s", why)
	}
	return set, nil
}

// correlationTracks turns the fixes a run kept into the correlator's
// tracks, one per segment, with each vessel's length from its static
// reports.
func (t *Tracks) correlationTracks(tr *track.Tracker) []detection.Track {
	out := make([]detection.Track, 0, len(t.segs))
	for _, s := range t.segs {
		dt := detection.Track{MMSI: s.mmsi, Times: s.times, Lat: s.lat, Lon: s.lon}
		if v := tr.Vessel(s.mmsi); v != nil {
			dt.LengthM = float64(v.ID.Length)
		}
		out = append(out, dt)
	}
	return out
}

// correlate matches the run's detections against its tracks and adds a
// dark_vessel event for each detection no AIS vessel explains.
func correlate(res *AnalyzeResult, set *detection.Set, ais []detection.Track, opts detection.Options) {
	res.Detections = set
	res.Correlation = detection.Correlate(set, ais, opts)
	res.Events = append(res.Events, detection.Events(set, res.Correlation)...)
}

// WriteDetectionSummary says what became of the detections of a run:
// matched, dark, and the rows not used by reason. Nothing without them.
func WriteDetectionSummary(w io.Writer, res *AnalyzeResult) {
	set := res.Detections
	if set == nil {
		return
	}
	dark, low := 0, 0
	for i := range res.Correlation {
		if res.Correlation[i].Dark() {
			dark++
			if res.Correlation[i].LowScore {
				low++
			}
		}
	}
	fmt.Fprintf(w, "detections %d: %d matched to AIS, %d dark (%d of them scored too low to report); %d of %d rows not used\n",
		len(set.Detections), len(set.Detections)-dark, dark, low, set.Bad, set.Rows)
	for _, b := range set.BadRows {
		fmt.Fprintf(w, "  %s\n", b.String())
	}
}
