package topojson

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Point is a position in WGS84 degrees.
type Point struct {
	Lon, Lat float64
}

// Topology is a decoded land topology.
type Topology struct {
	// Arcs holds every arc in absolute degrees. Each coastline stretch is stored once.
	Arcs [][]Point
	// Polygons holds, per polygon, its rings as arc references: i means Arcs[i] forwards,
	// ^i (that is -i-1) means Arcs[i] backwards. The first ring is the outer one.
	Polygons [][][]int
}

type rawTopology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]rawGeometry `json:"objects"`
	Arcs    [][][2]float64         `json:"arcs"`
}

type rawGeometry struct {
	Type       string          `json:"type"`
	Geometries []rawGeometry   `json:"geometries"`
	Arcs       json.RawMessage `json:"arcs"`
}

// ReadFile decodes the object named object from a TopoJSON file, gunzipping it when the
// name ends in ".gz".
func ReadFile(path, object string) (*Topology, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("topojson: %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	t, err := Decode(r, object)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return t, nil
}

// Decode reads a TopoJSON document and returns the polygons of the object named object.
func Decode(r io.Reader, object string) (*Topology, error) {
	var raw rawTopology
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("topojson: %w", err)
	}
	if raw.Type != "Topology" {
		return nil, fmt.Errorf("topojson: type %q, want Topology", raw.Type)
	}
	obj, ok := raw.Objects[object]
	if !ok {
		return nil, fmt.Errorf("topojson: no object %q", object)
	}
	t := &Topology{Arcs: make([][]Point, len(raw.Arcs))}
	sx, sy, tx, ty := 1.0, 1.0, 0.0, 0.0
	if raw.Transform != nil {
		sx, sy = raw.Transform.Scale[0], raw.Transform.Scale[1]
		tx, ty = raw.Transform.Translate[0], raw.Transform.Translate[1]
	}
	for i, arc := range raw.Arcs {
		pts := make([]Point, len(arc))
		var x, y float64
		for k, p := range arc {
			if raw.Transform != nil {
				x += p[0]
				y += p[1]
				pts[k] = Point{Lon: x*sx + tx, Lat: y*sy + ty}
			} else {
				pts[k] = Point{Lon: p[0], Lat: p[1]}
			}
		}
		t.Arcs[i] = pts
	}
	if err := t.addGeometry(obj); err != nil {
		return nil, err
	}
	for _, p := range t.Polygons {
		for _, ring := range p {
			for _, ref := range ring {
				if i := arcIndex(ref); i < 0 || i >= len(t.Arcs) {
					return nil, errors.New("topojson: arc reference out of range")
				}
			}
		}
	}
	return t, nil
}

func (t *Topology) addGeometry(g rawGeometry) error {
	switch g.Type {
	case "GeometryCollection":
		for _, c := range g.Geometries {
			if err := t.addGeometry(c); err != nil {
				return err
			}
		}
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(g.Arcs, &rings); err != nil {
			return fmt.Errorf("topojson: polygon arcs: %w", err)
		}
		t.Polygons = append(t.Polygons, rings)
	case "MultiPolygon":
		var polys [][][]int
		if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			return fmt.Errorf("topojson: multipolygon arcs: %w", err)
		}
		t.Polygons = append(t.Polygons, polys...)
	case "", "null":
	default:
		return fmt.Errorf("topojson: unsupported geometry %q", g.Type)
	}
	return nil
}

func arcIndex(ref int) int {
	if ref < 0 {
		return ^ref
	}
	return ref
}

// Ring stitches a ring's arcs into one closed sequence of points.
func (t *Topology) Ring(refs []int) []Point {
	var out []Point
	for _, ref := range refs {
		arc := t.Arcs[arcIndex(ref)]
		start := len(out)
		if start > 0 {
			out = out[:start-1] // the arc starts where the previous one ended
			start--
		}
		out = append(out, arc...)
		if ref < 0 {
			for a, b := start, len(out)-1; a < b; a, b = a+1, b-1 {
				out[a], out[b] = out[b], out[a]
			}
		}
	}
	return out
}

// Antimeridian reports whether the edge a-b runs along the ±180° meridian. Natural Earth
// cuts land that spans the antimeridian (Chukotka, Fiji, Antarctica) there; such edges are
// where the data was cut, not coastline.
func Antimeridian(a, b Point) bool {
	const eps = 1e-9
	return (a.Lon <= -180+eps || a.Lon >= 180-eps) && (b.Lon <= -180+eps || b.Lon >= 180-eps)
}
