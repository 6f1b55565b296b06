package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// Format is one export format.
type Format struct {
	// Name is what a user asks for (--export csv).
	Name string
	// File is the file's name ("events.csv"), also the API path's last
	// element (/api/export/events.csv).
	File        string
	ContentType string
	// Write writes the events in the format.
	Write func(w io.Writer, evs []event.Event) error
	// WriteMarked, for a format that carries a releasability marking
	// (NVG's classification), writes the events with it.
	WriteMarked func(w io.Writer, evs []event.Event, marking string) error
}

// Formats are the export formats, in the order they are listed.
var Formats = []Format{
	{"geojson", "events.geojson", "application/geo+json", WriteGeoJSON, nil},
	{"kml", "events.kml", "application/vnd.google-earth.kml+xml", WriteKML, nil},
	{"csv", "events.csv", "text/csv; charset=utf-8", WriteCSV, nil},
	{"parquet", "events.parquet", "application/vnd.apache.parquet", WriteGeoParquet, nil},
	{"nvg", "events.nvg", "application/xml", WriteEventsNVG, func(w io.Writer, evs []event.Event, marking string) error {
		return WriteNVG(w, Overlay{Events: evs, Marking: marking})
	}},
}

// Lookup returns the format named name.
func Lookup(name string) (Format, error) {
	var names []string
	for _, f := range Formats {
		if f.Name == name {
			return f, nil
		}
		names = append(names, f.Name)
	}
	return Format{}, fmt.Errorf("export: unknown format %q (want %s)", name, strings.Join(names, ", "))
}

// Column is one column of the tabular exports (CSV, the attributes of
// KML and GeoParquet): its name and its value for an event, "" when the
// event has none.
type Column struct {
	Name  string
	Value func(e *event.Event) string
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func optNum(x *float64) string {
	if x == nil {
		return ""
	}
	return num(*x)
}

func mmsi(m uint32) string {
	if m == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(m), 10)
}

func candidates(ms []uint32) string {
	var b []byte
	for i, m := range ms {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendUint(b, uint64(m), 10)
	}
	return string(b)
}

// Columns are the event contract's fields as columns, in order.
var Columns = []Column{
	{"id", func(e *event.Event) string { return e.ID }},
	{"type", func(e *event.Event) string { return string(e.Type) }},
	{"subtype", func(e *event.Event) string { return e.Subtype }},
	{"mmsi", func(e *event.Event) string { return strconv.FormatUint(uint64(e.MMSI), 10) }},
	{"other_mmsi", func(e *event.Event) string { return mmsi(e.OtherMMSI) }},
	{"start", func(e *event.Event) string { return e.Start.UTC().Format(time.RFC3339) }},
	{"end", func(e *event.Event) string { return e.End.UTC().Format(time.RFC3339) }},
	{"lat", func(e *event.Event) string {
		if !e.HasPosition() {
			return ""
		}
		return num(e.Lat)
	}},
	{"lon", func(e *event.Event) string {
		if !e.HasPosition() {
			return ""
		}
		return num(e.Lon)
	}},
	{"end_lat", func(e *event.Event) string { return optNum(e.EndLat) }},
	{"end_lon", func(e *event.Event) string { return optNum(e.EndLon) }},
	{"confidence", func(e *event.Event) string { return num(e.Confidence) }},
	{"intentional", func(e *event.Event) string {
		if e.Intentional == nil {
			return ""
		}
		return strconv.FormatBool(*e.Intentional)
	}},
	{"field", func(e *event.Event) string { return e.Field }},
	{"from", func(e *event.Event) string { return e.From }},
	{"to", func(e *event.Event) string { return e.To }},
	{"port", func(e *event.Event) string { return e.Port }},
	{"zone", func(e *event.Event) string { return e.Zone }},
	{"entry_list", func(e *event.Event) string {
		if e.Entry == nil {
			return ""
		}
		return e.Entry.List
	}},
	{"entry_name", func(e *event.Event) string {
		if e.Entry == nil {
			return ""
		}
		return e.Entry.Name
	}},
	{"entry_by", func(e *event.Event) string {
		if e.Entry == nil {
			return ""
		}
		return e.Entry.By
	}},
	{"segment", func(e *event.Event) string { return e.Segment }},
	{"sensor", func(e *event.Event) string { return e.Sensor }},
	{"scene", func(e *event.Event) string { return e.Scene }},
	// candidates: a dark vessel's candidate MMSIs, separated by spaces.
	{"candidates", func(e *event.Event) string { return candidates(e.Candidates) }},
	{"summary", func(e *event.Event) string { return e.Summary }},
}

// Header is the names of Columns.
func Header() []string {
	h := make([]string, len(Columns))
	for i, c := range Columns {
		h[i] = c.Name
	}
	return h
}
