package export

import (
	"encoding/json"
	"io"

	"github.com/picket-ais/picket/internal/event"
)

// feature is an event as a GeoJSON Feature: a Point at the event's
// position (null when it has none, as GeoJSON allows), the event's fields
// (the contract) as properties.
type feature struct {
	Type       string       `json:"type"`
	Geometry   *point       `json:"geometry"`
	Properties *event.Event `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// WriteGeoJSON writes a FeatureCollection, a Feature per event.
func WriteGeoJSON(w io.Writer, evs []event.Event) error {
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, 0, len(evs))}
	for i := range evs {
		e := &evs[i]
		f := feature{Type: "Feature", Properties: e}
		if e.HasPosition() {
			f.Geometry = &point{Type: "Point", Coordinates: [2]float64{e.Lon, e.Lat}}
		}
		fc.Features = append(fc.Features, f)
	}
	return json.NewEncoder(w).Encode(fc)
}
