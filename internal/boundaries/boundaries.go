package boundaries

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
)

// The reference data lives next to the repository; point -data elsewhere
// if your copy is not there.
//go:generate go run ./internal/boundariesgen -data ../../../shared/data/reference/boundaries -out boundaries.geojson.gz

//go:embed boundaries.geojson.gz
var geojsonGz []byte

// GeoJSONGzip returns the embedded GeoJSON FeatureCollection, gzip
// compressed. The slice is shared: do not modify it.
func GeoJSONGzip() []byte { return geojsonGz }

// GeoJSON returns the embedded FeatureCollection uncompressed.
func GeoJSON() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(geojsonGz))
	if err != nil {
		return nil, fmt.Errorf("boundaries: %w", err)
	}
	return io.ReadAll(zr)
}

// Feature is one limit as decoded from the embedded file.
type Feature struct {
	Kind, Country, Source, Name string
	Lines                       [][][2]float64
}

// Features decodes the embedded file.
func Features() ([]Feature, error) {
	b, err := GeoJSON()
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []struct {
			Properties struct {
				Kind    string `json:"kind"`
				Country string `json:"country"`
				Source  string `json:"source"`
				Name    string `json:"name"`
			} `json:"properties"`
			Geometry struct {
				Type        string         `json:"type"`
				Coordinates [][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, fmt.Errorf("boundaries: %w", err)
	}
	out := make([]Feature, 0, len(fc.Features))
	for i, f := range fc.Features {
		if f.Geometry.Type != "MultiLineString" {
			return nil, fmt.Errorf("boundaries: feature %d: geometry %q", i, f.Geometry.Type)
		}
		p := f.Properties
		out = append(out, Feature{Kind: p.Kind, Country: p.Country, Source: p.Source, Name: p.Name, Lines: f.Geometry.Coordinates})
	}
	return out, nil
}
