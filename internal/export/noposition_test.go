package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/picket-ais/picket/internal/event"
)

// Every export of an event with no known position leaves the position
// out (a null geometry, empty cells, a Placemark without a Point, null
// columns) instead of writing 0,0.
func TestExportsWithoutPosition(t *testing.T) {
	t0 := time.Date(2015, 10, 6, 0, 1, 0, 0, time.UTC)
	evs := []event.Event{
		{ID: "nopos", Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: 3080, Start: t0, End: t0, Confidence: 0.9, Summary: "IMO 29"},
		{ID: "pos", Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: 3081, Start: t0, End: t0, Lat: 10, Lon: 20, Confidence: 0.9, Summary: "IMO 30"},
	}
	var fc struct {
		Features []struct {
			Geometry   *point
			Properties map[string]any
		}
	}
	var gj bytes.Buffer
	if err := WriteGeoJSON(&gj, evs); err != nil {
		t.Fatal(err)
	}
	b := gj.Bytes()
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 2 {
		t.Fatalf("GeoJSON %s: %v", b, err)
	}
	if fc.Features[0].Geometry != nil || fc.Features[0].Properties["lat"] != nil || fc.Features[1].Geometry == nil {
		t.Errorf("GeoJSON %s", b)
	}
	var csvOut bytes.Buffer
	if err := WriteCSV(&csvOut, evs); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(csvOut.String(), "\n")
	if !strings.Contains(rows[1], "2015-10-06T00:01:00Z,2015-10-06T00:01:00Z,,,,,0.9") || !strings.Contains(rows[2], ",10,20,") {
		t.Errorf("CSV\n%s", csvOut.String())
	}
	var kml bytes.Buffer
	if err := WriteKML(&kml, evs); err != nil {
		t.Fatal(err)
	}
	if strings.Count(kml.String(), "<Point>") != 1 || strings.Contains(kml.String(), "<coordinates>0,0") {
		t.Errorf("KML %s", kml.String())
	}
	var pq bytes.Buffer
	if err := WriteGeoParquet(&pq, evs); err != nil {
		t.Fatal(err)
	}
	got := make([]ParquetRow, 2)
	if n, _ := parquet.NewGenericReader[ParquetRow](bytes.NewReader(pq.Bytes())).Read(got); n != 2 {
		t.Fatalf("%d parquet rows", n)
	}
	if got[0].Lat != nil || got[0].Lon != nil || len(got[0].Geometry) != 0 || got[1].Lat == nil || *got[1].Lat != 10 || len(got[1].Geometry) != 21 {
		t.Errorf("parquet rows %+v", got)
	}
}
