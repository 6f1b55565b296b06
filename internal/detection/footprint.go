package detection

import (
	"errors"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
)

// ErrFootprint: a footprint that is neither a WKT nor a GeoJSON polygon.
var ErrFootprint = errors.New("is not a WKT or GeoJSON polygon")

// parseFootprint reads a scene footprint: WKT POLYGON or MULTIPOLYGON (as
// GFW publishes them), or a GeoJSON Polygon or MultiPolygon geometry (or a
// Feature holding one).
func parseFootprint(s string) (orb.MultiPolygon, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		var g orb.Geometry
		if f, err := geojson.UnmarshalFeature([]byte(s)); err == nil && f.Geometry != nil {
			g = f.Geometry
		} else if gg, err := geojson.UnmarshalGeometry([]byte(s)); err == nil {
			g = gg.Geometry()
		}
		return polygons(g)
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, ErrFootprint
	}
	return polygons(g)
}

func polygons(g orb.Geometry) (orb.MultiPolygon, error) {
	switch p := g.(type) {
	case orb.Polygon:
		if len(p) > 0 && len(p[0]) >= 4 {
			return orb.MultiPolygon{p}, nil
		}
	case orb.MultiPolygon:
		if len(p) > 0 {
			return p, nil
		}
	}
	return nil, ErrFootprint
}
