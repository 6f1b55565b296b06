package detection

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The layouts of a CSV file of detections or scenes, as Layout tells
// them from its header.
const (
	// LayoutSAR is a file of detections without VIIRS' quality flag:
	// Global Fishing Watch's SAR layout, or the generic one.
	LayoutSAR = "gfw-sar"
	// LayoutVIIRS is NOAA EOG's VIIRS boat detections (QF_Detect).
	LayoutVIIRS = "viirs"
	// LayoutScenes is a scenes file: scene ids and footprints, no
	// positions (ReadScenes).
	LayoutScenes = "scenes"
)

// Layout reads a CSV header and says which layout it is: LayoutVIIRS
// with a QF_Detect column, LayoutScenes with a scene id and a footprint
// and no latitude, LayoutSAR otherwise. It reads the first record only.
func Layout(r io.Reader) (string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return "", fmt.Errorf("detection: CSV header: %w", err)
	}
	det, sc := columns(head, detColumns), columns(head, sceneColumns)
	_, qf := det[colQF]
	_, lat := det[colLat]
	_, scene := sc[colScene]
	_, fp := sc[colFootprint]
	switch {
	case qf:
		return LayoutVIIRS, nil
	case !lat && scene && fp:
		return LayoutScenes, nil
	}
	return LayoutSAR, nil
}

// Darks takes the dark detections of res together by sensor, each in
// time order: the dark objects of DarkEncounters (a satellite sees a
// hull once a pass; repeated dark detections alongside one AIS vessel
// make the encounter).
func Darks(dets []Detection, res []Result) []Dark {
	by := map[string]int{}
	var out []Dark
	for _, r := range res {
		if !r.Dark() {
			continue
		}
		d := &dets[r.Detection]
		k, ok := by[d.Sensor]
		if !ok {
			k = len(out)
			by[d.Sensor] = k
			out = append(out, Dark{Sensor: d.Sensor})
		}
		out[k].Sightings = append(out[k].Sightings, Sighting{Time: d.Time, Lat: d.Lat, Lon: d.Lon, Feed: d.File, Line: d.Line})
	}
	for k := range out {
		s := out[k].Sightings
		slices.SortStableFunc(s, func(a, b Sighting) int { return cmp.Compare(a.Time, b.Time) })
	}
	slices.SortFunc(out, func(a, b Dark) int { return strings.Compare(a.Sensor, b.Sensor) })
	return out
}
