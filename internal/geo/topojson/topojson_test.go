package topojson

import (
	"slices"
	"strings"
	"testing"
)

// A unit square split into two arcs, the second used backwards, quantized with a transform.
const square = `{"type":"Topology",
 "transform":{"scale":[0.5,0.25],"translate":[10,20]},
 "objects":{"land":{"type":"GeometryCollection","geometries":[
   {"type":"Polygon","arcs":[[0,-2]]}]}},
 "arcs":[[[0,0],[2,0],[0,4]],[[0,0],[0,4],[2,0]]]}`

func TestDecode(t *testing.T) {
	topo, err := Decode(strings.NewReader(square), "land")
	if err != nil {
		t.Fatal(err)
	}
	if len(topo.Arcs) != 2 || len(topo.Polygons) != 1 {
		t.Fatalf("%d arcs, %d polygons; want 2, 1", len(topo.Arcs), len(topo.Polygons))
	}
	// Deltas accumulate and the transform applies: (0,0) (2,0) (2,4) -> degrees.
	want0 := []Point{{10, 20}, {11, 20}, {11, 21}}
	if !slices.Equal(topo.Arcs[0], want0) {
		t.Errorf("arc 0 = %v, want %v", topo.Arcs[0], want0)
	}
	ring := topo.Ring(topo.Polygons[0][0])
	want := []Point{{10, 20}, {11, 20}, {11, 21}, {10, 21}, {10, 20}}
	if !slices.Equal(ring, want) {
		t.Errorf("ring = %v, want %v", ring, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, object string }{
		{"not JSON", "{", "land"},
		{"not a topology", `{"type":"FeatureCollection"}`, "land"},
		{"missing object", square, "countries"},
		{"arc out of range", strings.Replace(square, "[[0,-2]]", "[[0,5]]", 1), "land"},
		{"unsupported geometry", strings.Replace(square, `"type":"Polygon"`, `"type":"Point"`, 1), "land"},
	} {
		if _, err := Decode(strings.NewReader(tt.in), tt.object); err == nil || !strings.HasPrefix(err.Error(), "topojson: ") {
			t.Errorf("%s: err = %v, want a topojson error", tt.name, err)
		}
	}
}

func TestAntimeridian(t *testing.T) {
	for _, tt := range []struct {
		a, b Point
		want bool
	}{
		{Point{180, 65}, Point{180, 66}, true},
		{Point{-180, 65}, Point{180, 66}, true},
		{Point{179.7, -84.3}, Point{-180, -84.35}, false},
		{Point{0, 0}, Point{1, 1}, false},
	} {
		if got := Antimeridian(tt.a, tt.b); got != tt.want {
			t.Errorf("Antimeridian(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
