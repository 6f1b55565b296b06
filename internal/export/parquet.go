package export

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/picket-ais/picket/internal/event"
)

// ParquetRow is one row of the GeoParquet export: the event contract's
// fields as columns (details as a JSON string), and the position as a WKB
// point in the geometry column.
type ParquetRow struct {
	ID          string    `parquet:"id"`
	Type        string    `parquet:"type,dict"`
	Subtype     string    `parquet:"subtype,optional,dict"`
	MMSI        int64     `parquet:"mmsi"`
	OtherMMSI   int64     `parquet:"other_mmsi,optional"`
	Start       time.Time `parquet:"start,timestamp(millisecond)"`
	End         time.Time `parquet:"end,timestamp(millisecond)"`
	Lat         *float64  `parquet:"lat"` // null when the position is unknown
	Lon         *float64  `parquet:"lon"`
	EndLat      *float64  `parquet:"end_lat"`
	EndLon      *float64  `parquet:"end_lon"`
	Confidence  float64   `parquet:"confidence"`
	Intentional *bool     `parquet:"intentional"`
	Field       string    `parquet:"field,optional,dict"`
	From        string    `parquet:"from,optional"`
	To          string    `parquet:"to,optional"`
	Port        string    `parquet:"port,optional,dict"`
	Zone        string    `parquet:"zone,optional,dict"`
	EntryList   string    `parquet:"entry_list,optional,dict"`
	EntryName   string    `parquet:"entry_name,optional"`
	EntryBy     string    `parquet:"entry_by,optional,dict"`
	Segment     string    `parquet:"segment,optional"`
	Sensor      string    `parquet:"sensor,optional,dict"`
	Scene       string    `parquet:"scene,optional"`
	Candidates  string    `parquet:"candidates,optional"` // MMSIs separated by spaces
	Summary     string    `parquet:"summary"`
	Details     string    `parquet:"details,optional"` // JSON (the json logical type with optional panics in parquet-go v0.32.0)
	Geometry    []byte    `parquet:"geometry,optional"`
}

// wkbPoint is a point in well-known binary, little-endian.
func wkbPoint(lon, lat float64) []byte {
	b := make([]byte, 21)
	b[0] = 1 // little-endian
	binary.LittleEndian.PutUint32(b[1:], 1)
	binary.LittleEndian.PutUint64(b[5:], math.Float64bits(lon))
	binary.LittleEndian.PutUint64(b[13:], math.Float64bits(lat))
	return b
}

// geoMetadata is the file's "geo" key (GeoParquet 1.1): one WKB point
// column in OGC:CRS84 (lon, lat on WGS84, the default when crs is left
// out), and the bounding box of the file.
func geoMetadata(evs []event.Event) string {
	bbox := []float64{180, 90, -180, -90}
	n := 0
	for i := range evs {
		if !evs[i].HasPosition() {
			continue
		}
		n++
		bbox[0], bbox[1] = min(bbox[0], evs[i].Lon), min(bbox[1], evs[i].Lat)
		bbox[2], bbox[3] = max(bbox[2], evs[i].Lon), max(bbox[3], evs[i].Lat)
	}
	col := map[string]any{"encoding": "WKB", "geometry_types": []string{"Point"}}
	if n > 0 {
		col["bbox"] = bbox
	}
	b, _ := json.Marshal(map[string]any{"version": "1.1.0", "primary_column": "geometry", "columns": map[string]any{"geometry": col}})
	return string(b)
}

// WriteGeoParquet writes GeoParquet 1.1: the event contract's fields as
// columns and the position as a WKB point geometry column.
func WriteGeoParquet(w io.Writer, evs []event.Event) error {
	pw := parquet.NewGenericWriter[ParquetRow](w,
		parquet.KeyValueMetadata("geo", geoMetadata(evs)),
		parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("picket", "", ""))
	rows := make([]ParquetRow, 0, min(len(evs), 4096))
	flush := func() error {
		_, err := pw.Write(rows)
		rows = rows[:0]
		return err
	}
	for i := range evs {
		e := &evs[i]
		r := ParquetRow{ID: e.ID, Type: string(e.Type), Subtype: e.Subtype, MMSI: int64(e.MMSI), OtherMMSI: int64(e.OtherMMSI),
			Start: e.Start, End: e.End, EndLat: e.EndLat, EndLon: e.EndLon, Confidence: e.Confidence,
			Intentional: e.Intentional, Field: e.Field, From: e.From, To: e.To, Port: e.Port, Zone: e.Zone, Segment: e.Segment,
			Sensor: e.Sensor, Scene: e.Scene, Candidates: candidates(e.Candidates), Summary: e.Summary}
		if e.HasPosition() {
			r.Lat, r.Lon, r.Geometry = event.Ptr(e.Lat), event.Ptr(e.Lon), wkbPoint(e.Lon, e.Lat)
		}
		if e.Entry != nil {
			r.EntryList, r.EntryName, r.EntryBy = e.Entry.List, e.Entry.Name, e.Entry.By
		}
		if len(e.Details) > 0 {
			b, _ := json.Marshal(e.Details)
			r.Details = string(b)
		}
		rows = append(rows, r)
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pw.Close()
}
