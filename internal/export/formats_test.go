package export

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/picket-ais/picket/internal/event"
)

// TestOneColumnList: the GeoParquet file has the columns of the CSV, in
// the same order, and then the details and the geometry; CSV and
// GeoParquet carry the same values.
func TestOneColumnList(t *testing.T) {
	var names []string
	for _, f := range parquet.SchemaOf(ParquetRow{}).Fields() {
		names = append(names, f.Name())
	}
	if want := append(Header(), "details", "geometry"); !slices.Equal(names, want) {
		t.Fatalf("parquet columns %v\nwant %v", names, want)
	}
	t0 := time.Date(2026, 3, 1, 3, 49, 48, 0, time.UTC)
	yes := true
	evs := []event.Event{{ID: "b", Type: event.Gap, MMSI: 440123456, Start: t0, End: t0.Add(20 * time.Hour), Lat: 35, Lon: 125,
		EndLat: event.Ptr(36.5), EndLon: event.Ptr(126.25), Intentional: &yes, Confidence: 0.7, Summary: "dark, 20 h",
		Entry: &event.Entry{List: "OFAC SDN", Name: "X", By: "imo"}, Segment: "440123456-1"}}
	var c, p bytes.Buffer
	if err := WriteCSV(&c, evs); err != nil {
		t.Fatal(err)
	}
	if err := WriteGeoParquet(&p, evs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv %v %v", rows, err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(p.Bytes()), int64(p.Len()))
	if err != nil {
		t.Fatal(err)
	}
	prow := make([]parquet.Row, 1)
	n, _ := f.RowGroups()[0].Rows().ReadRows(prow)
	if n != 1 {
		t.Fatal("no parquet row")
	}
	for k, name := range Header() {
		v := prow[0][k]
		got := ""
		switch {
		case v.IsNull():
		case name == "start" || name == "end":
			got = time.UnixMilli(v.Int64()).UTC().Format(time.RFC3339)
		default:
			got = strings.TrimSpace(v.String())
		}
		if got != rows[1][k] {
			t.Errorf("%s: parquet %q, csv %q", name, got, rows[1][k])
		}
	}
}

func TestLookup(t *testing.T) {
	if f, err := Lookup("kml"); err != nil || f.File != "events.kml" {
		t.Errorf("kml: %+v %v", f, err)
	}
	if _, err := Lookup("shp"); err == nil || !strings.Contains(err.Error(), "want geojson, kml, csv, parquet") {
		t.Errorf("shp: %v", err)
	}
}
