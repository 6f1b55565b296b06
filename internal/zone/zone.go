package zone

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// ErrFormat is wrapped by every error about a zones file's content.
var ErrFormat = errors.New("zone: not a FeatureCollection of named polygons")

// Zone is one named area.
type Zone struct {
	Name  string
	Shape orb.MultiPolygon
	Bound orb.Bound
}

// Set is a set of zones.
type Set struct {
	Zones []Zone
}

// Load reads a GeoJSON FeatureCollection of polygons with a "name"
// property.
func Load(r io.Reader) (*Set, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("zone: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	s := &Set{}
	for i, f := range fc.Features {
		name, _ := f.Properties["name"].(string)
		if name == "" {
			return nil, fmt.Errorf("%w: feature %d has no \"name\" property", ErrFormat, i)
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			return nil, fmt.Errorf("%w: feature %d (%s) is a %s, not a Polygon or MultiPolygon", ErrFormat, i, name, f.Geometry.GeoJSONType())
		}
		s.Zones = append(s.Zones, Zone{Name: name, Shape: mp, Bound: mp.Bound()})
	}
	return s, nil
}

// LoadFile reads a zones file.
func LoadFile(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Contains appends to dst the names of the zones containing (lat, lon).
func (s *Set) Contains(lat, lon float64, dst []string) []string {
	p := orb.Point{lon, lat}
	for i := range s.Zones {
		z := &s.Zones[i]
		if !z.Bound.Contains(p) {
			continue
		}
		if planar.MultiPolygonContains(z.Shape, p) {
			dst = append(dst, z.Name)
		}
	}
	return dst
}
