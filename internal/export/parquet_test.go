package export

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/picket-ais/picket/internal/event"
)

func TestGeoParquet(t *testing.T) {
	endLat, endLon, yes := 36.5, 126.25, true
	t0 := time.Date(2026, 3, 1, 3, 49, 48, 0, time.UTC)
	evs := []event.Event{
		{ID: "a", Type: event.Encounter, MMSI: 414054143, OtherMMSI: 431096593, Start: t0, End: t0.Add(3 * time.Hour),
			Lat: 38.8, Lon: 122.7, Confidence: 0.82, Summary: "met", Details: map[string]float64{"hours": 3}},
		{ID: "b", Type: event.Gap, MMSI: 440123456, Start: t0, End: t0.Add(20 * time.Hour), Lat: 35, Lon: 125,
			EndLat: &endLat, EndLon: &endLon, Intentional: &yes, Confidence: 0.7, Summary: "dark",
			Entry: &event.Entry{List: "OFAC SDN", Name: "X", By: "imo"}},
	}
	var buf bytes.Buffer
	if err := WriteGeoParquet(&buf, evs); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	geo, ok := f.Lookup("geo")
	if !ok {
		t.Fatal("no geo metadata")
	}
	var meta struct {
		Version       string `json:"version"`
		PrimaryColumn string `json:"primary_column"`
		Columns       map[string]struct {
			Encoding string    `json:"encoding"`
			BBox     []float64 `json:"bbox"`
		} `json:"columns"`
	}
	if err := json.Unmarshal([]byte(geo), &meta); err != nil || meta.Version != "1.1.0" || meta.PrimaryColumn != "geometry" ||
		meta.Columns["geometry"].Encoding != "WKB" || len(meta.Columns["geometry"].BBox) != 4 || meta.Columns["geometry"].BBox[0] != 122.7 {
		t.Fatalf("geo metadata %s: %+v %v", geo, meta, err)
	}
	rows := make([]ParquetRow, 3)
	n, _ := parquet.NewGenericReader[ParquetRow](bytes.NewReader(buf.Bytes())).Read(rows)
	if n != 2 {
		t.Fatalf("%d rows", n)
	}
	r := rows[1]
	if r.ID != "b" || r.Type != "gap" || r.EndLat == nil || *r.EndLat != 36.5 || r.Intentional == nil || !*r.Intentional ||
		!r.Start.Equal(t0) || r.EntryList != "OFAC SDN" || r.OtherMMSI != 0 {
		t.Errorf("row %+v", r)
	}
	if rows[0].Details != `{"hours":3}` || rows[0].OtherMMSI != 431096593 {
		t.Errorf("row %+v", rows[0])
	}
	g := r.Geometry
	if len(g) != 21 || g[0] != 1 || binary.LittleEndian.Uint32(g[1:]) != 1 ||
		math.Float64frombits(binary.LittleEndian.Uint64(g[5:])) != 125 || math.Float64frombits(binary.LittleEndian.Uint64(g[13:])) != 35 {
		t.Errorf("geometry % x", g)
	}
}
