package zone

import (
	"errors"
	"strings"
	"testing"
)

const zonesJSON = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"Korea Bay STS area"},"geometry":{"type":"Polygon","coordinates":[[[123.0,38.0],[125.0,38.0],[125.0,39.5],[123.0,39.5],[123.0,38.0]]]}},
 {"type":"Feature","properties":{"name":"Two boxes"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[10,10],[11,10],[11,11],[10,11],[10,10]]]]}}
]}`

func TestContains(t *testing.T) {
	s, err := Load(strings.NewReader(zonesJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lat, lon float64
		want     string
	}{
		{38.5, 124.0, "Korea Bay STS area"},
		{10.5, 10.5, "Two boxes"},
		{0.5, 0.5, "Two boxes"},
		{5, 5, ""},
		{37.9, 124.0, ""},
	} {
		got := strings.Join(s.Contains(tc.lat, tc.lon, nil), ",")
		if got != tc.want {
			t.Errorf("(%v, %v): %q, want %q", tc.lat, tc.lon, got, tc.want)
		}
	}
}

func TestBadFiles(t *testing.T) {
	for _, bad := range []string{
		`not json`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"p"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`,
	} {
		if _, err := Load(strings.NewReader(bad)); !errors.Is(err, ErrFormat) {
			t.Errorf("%.40s: error %v, want ErrFormat", bad, err)
		}
	}
}
