package server

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// queryEvents returns the events q selects, in its order, at most its
// limit.
func (s *Server) queryEvents(q *eventQuery, v *view) ([]event.Event, error) {
	f := q.store
	f.Clearance = v.storeClearance()
	exact := q.bbox == nil && q.minConf == 0
	if exact && !q.desc {
		f.Limit = q.limit // the store's order is ours: let it stop early
	}
	var out []event.Event
	err := s.st.Events(f, func(e event.Event, _ store.Provenance) bool {
		if q.match(&e) {
			out = append(out, e)
			if !q.desc && len(out) >= q.limit {
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if q.desc {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		if len(out) > q.limit {
			out = out[:q.limit]
		}
	}
	if out == nil {
		out = []event.Event{}
	}
	return out, nil
}

// events: GET /api/events?type=&from=&to=&bbox=&mmsi=&min_confidence=&limit=&order=
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	q, err := parseEventQuery(r.URL.Query(), s.opts.DefaultLimit, s.opts.MaxLimit)
	if err != nil {
		return err
	}
	evs, err := s.queryEvents(q, viewOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, "", evs)
}

func (s *Server) exportQuery(r *http.Request) ([]event.Event, error) {
	q, err := parseEventQuery(r.URL.Query(), s.opts.MaxExport, s.opts.MaxExport)
	if err != nil {
		return nil, err
	}
	return s.queryEvents(q, viewOf(r))
}

func attachment(w http.ResponseWriter, ctype, name string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

// eventFeature is an event as a GeoJSON Feature: a Point at the event's
// position (null when it has none, as GeoJSON allows), the event's fields
// (the contract) as properties.
func eventFeature(e *event.Event) eventGeoFeature {
	f := eventGeoFeature{Type: "Feature", Properties: e}
	if e.HasPosition() {
		g := point(e.Lat, e.Lon)
		f.Geometry = &g
	}
	return f
}

// eventGeoFeature is a geoFeature whose geometry may be null.
type eventGeoFeature struct {
	Type       string       `json:"type"`
	Geometry   *geometry    `json:"geometry"`
	Properties *event.Event `json:"properties"`
}

// exportGeoJSON: GET /api/export/events.geojson with the filters of
// /api/events.
func (s *Server) exportGeoJSON(w http.ResponseWriter, r *http.Request) error {
	evs, err := s.exportQuery(r)
	if err != nil {
		return err
	}
	fc := struct {
		Type     string            `json:"type"`
		Features []eventGeoFeature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]eventGeoFeature, 0, len(evs))}
	for i := range evs {
		fc.Features = append(fc.Features, eventFeature(&evs[i]))
	}
	attachment(w, "application/geo+json", "events.geojson")
	return json.NewEncoder(w).Encode(fc)
}

// exportCSV: GET /api/export/events.csv — one row per event, RFC 4180.
func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request) error {
	evs, err := s.exportQuery(r)
	if err != nil {
		return err
	}
	attachment(w, "text/csv; charset=utf-8", "events.csv")
	return writeCSV(w, evs)
}

// csvHeader is the export's columns.
var csvHeader = []string{"id", "type", "subtype", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "end_lat", "end_lon",
	"confidence", "intentional", "field", "from", "to", "port", "zone", "entry_list", "entry_name", "entry_by", "segment", "summary"}

func writeCSV(w io.Writer, evs []event.Event) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	opt := func(x *float64) string {
		if x == nil {
			return ""
		}
		return f(*x)
	}
	pos := func(e *event.Event, x float64) string { // empty when unknown, never 0,0
		if !e.HasPosition() {
			return ""
		}
		return f(x)
	}
	for i := range evs {
		e := &evs[i]
		row := []string{e.ID, string(e.Type), e.Subtype, strconv.FormatUint(uint64(e.MMSI), 10), "",
			e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339), pos(e, e.Lat), pos(e, e.Lon), opt(e.EndLat), opt(e.EndLon),
			f(e.Confidence), "", e.Field, e.From, e.To, e.Port, e.Zone, "", "", "", e.Segment, e.Summary}
		if e.OtherMMSI != 0 {
			row[4] = strconv.FormatUint(uint64(e.OtherMMSI), 10)
		}
		if e.Intentional != nil {
			row[12] = strconv.FormatBool(*e.Intentional)
		}
		if e.Entry != nil {
			row[18], row[19], row[20] = e.Entry.List, e.Entry.Name, e.Entry.By
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// exportKML: GET /api/export/events.kml — a Placemark per event, with
// its time span (Google Earth's time slider plays them).
func (s *Server) exportKML(w http.ResponseWriter, r *http.Request) error {
	evs, err := s.exportQuery(r)
	if err != nil {
		return err
	}
	attachment(w, "application/vnd.google-earth.kml+xml", "events.kml")
	return writeKML(w, evs)
}

func writeKML(w io.Writer, evs []event.Event) error {
	var b strings.Builder
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString(xml.Header)
	b.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>picket events</name>` + "\n")
	for i := range evs {
		e := &evs[i]
		name := string(e.Type)
		if e.Subtype != "" {
			name += " (" + e.Subtype + ")"
		}
		name += " " + strconv.FormatUint(uint64(e.MMSI), 10)
		if e.OtherMMSI != 0 {
			name += " / " + strconv.FormatUint(uint64(e.OtherMMSI), 10)
		}
		fmt.Fprintf(&b, `<Placemark id="%s"><name>%s</name><description>%s</description>`, esc(e.ID), esc(name), esc(e.Summary))
		fmt.Fprintf(&b, `<TimeSpan><begin>%s</begin><end>%s</end></TimeSpan>`, e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339))
		b.WriteString(`<ExtendedData>`)
		data := func(k, v string) {
			if v != "" {
				fmt.Fprintf(&b, `<Data name="%s"><value>%s</value></Data>`, k, esc(v))
			}
		}
		data("type", string(e.Type))
		data("subtype", e.Subtype)
		data("mmsi", strconv.FormatUint(uint64(e.MMSI), 10))
		if e.OtherMMSI != 0 {
			data("other_mmsi", strconv.FormatUint(uint64(e.OtherMMSI), 10))
		}
		data("confidence", strconv.FormatFloat(e.Confidence, 'f', -1, 64))
		data("port", e.Port)
		data("zone", e.Zone)
		b.WriteString(`</ExtendedData>`)
		if e.HasPosition() { // a Placemark may have no geometry
			fmt.Fprintf(&b, "<Point><coordinates>%s,%s</coordinates></Point>",
				strconv.FormatFloat(e.Lon, 'f', -1, 64), strconv.FormatFloat(e.Lat, 'f', -1, 64))
		}
		b.WriteString("</Placemark>\n")
	}
	b.WriteString("</Document></kml>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
