package boundaries

import (
	"math"
	"testing"

	"github.com/picket-ais/picket/internal/geo"
)

// TestFeatures: the embedded file decodes, every feature is of a known
// kind and source with lines of at least two points on Earth, and the
// limits the demo's seas need are there.
func TestFeatures(t *testing.T) {
	fs, err := Features()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{"territorial_sea": true, "contiguous_zone": true, "eez": true, "boundary": true}
	sources := map[string]bool{"osm": true, "noaa": true, "amsa": true}
	have := map[[3]string]bool{}
	for i, f := range fs {
		if !kinds[f.Kind] || !sources[f.Source] || len(f.Country) != 3 {
			t.Errorf("feature %d: kind %q source %q country %q", i, f.Kind, f.Source, f.Country)
		}
		have[[3]string{f.Source, f.Kind, f.Country}] = true
		for _, l := range f.Lines {
			if len(l) < 2 {
				t.Errorf("feature %d (%s %s): a line of %d points", i, f.Kind, f.Country, len(l))
			}
			for _, c := range l {
				if math.Abs(c[0]) > 180 || math.Abs(c[1]) > 90 {
					t.Errorf("feature %d (%s %s): point %v", i, f.Kind, f.Country, c)
				}
			}
		}
	}
	for _, want := range [][3]string{
		{"osm", "territorial_sea", "KOR"}, {"osm", "territorial_sea", "JPN"}, {"osm", "territorial_sea", "NOR"},
		{"osm", "territorial_sea", "FRA"}, {"noaa", "eez", "USA"}, {"noaa", "territorial_sea", "USA"},
		{"noaa", "contiguous_zone", "USA"}, {"amsa", "eez", "AUS"},
	} {
		if !have[want] {
			t.Errorf("no %v", want)
		}
	}
}

// TestTerritorialSeaAtSea: the territorial-sea limits were cut where
// they run on land, so no point of one is inland (a few hundred metres'
// slack for the simplification).
func TestTerritorialSeaAtSea(t *testing.T) {
	fs, err := Features()
	if err != nil {
		t.Fatal(err)
	}
	shore := geo.DefaultShore().DistanceToShore
	bad, n := 0, 0
	for _, f := range fs {
		if f.Source != "osm" {
			continue
		}
		for _, l := range f.Lines {
			for _, c := range l {
				n++
				if shore(c[1], c[0]) < 2000 {
					bad++
				}
			}
		}
	}
	if n == 0 || bad > 0 {
		t.Errorf("%d of %d territorial-sea points within 2 km of the shore or inland", bad, n)
	}
}
