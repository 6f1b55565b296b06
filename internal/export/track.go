package export

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Track is one vessel's positions, in time order, as the track exports
// write them.
type Track struct {
	MMSI uint32
	Name string // the name heard last, "" when none
	// Points are the positions; speed and course are NaN when the report
	// had none, heading -1.
	Points []TrackPoint
}

// TrackPoint is one position of a track.
type TrackPoint struct {
	Time     time.Time
	Lat, Lon float64
	SOG, COG float64 // knots, degrees; NaN when not available
	Heading  int     // degrees; -1 when not available
}

// TrackFormat is one track export format.
type TrackFormat struct {
	Name string
	// File is the file's name ("tracks.kml"), also the API path's last
	// element (/api/export/tracks.kml).
	File        string
	ContentType string
	Write       func(w io.Writer, tracks []Track) error
	// WriteMarked, for a format that carries a releasability marking,
	// writes the tracks with it.
	WriteMarked func(w io.Writer, tracks []Track, marking string) error
}

// TrackFormats are the track export formats, in the order they are
// listed: the formats of events.
var TrackFormats = []TrackFormat{
	{"geojson", "tracks.geojson", "application/geo+json", WriteTracksGeoJSON, nil},
	{"kml", "tracks.kml", "application/vnd.google-earth.kml+xml", WriteTracksKML, nil},
	{"csv", "tracks.csv", "text/csv; charset=utf-8", WriteTracksCSV, nil},
	{"parquet", "tracks.parquet", "application/vnd.apache.parquet", WriteTracksGeoParquet, nil},
	{"nvg", "tracks.nvg", "application/xml", WriteTracksNVG, func(w io.Writer, tracks []Track, marking string) error {
		return WriteNVG(w, Overlay{Tracks: tracks, Marking: marking})
	}},
}

func optVal(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// WriteTracksGeoJSON writes a FeatureCollection with a Feature per track:
// a LineString (a Point for one position, a null geometry for none) whose
// properties hold the MMSI, the name, the first and last time and, per
// vertex, "times" (RFC 3339), "sog" and "cog" (null when not known).
func WriteTracksGeoJSON(w io.Writer, tracks []Track) error {
	type props struct {
		MMSI  uint32     `json:"mmsi"`
		Name  string     `json:"name,omitempty"`
		Start *time.Time `json:"start"`
		End   *time.Time `json:"end"`
		Count int        `json:"count"`
		Times []string   `json:"times"`
		SOG   []*float64 `json:"sog"`
		COG   []*float64 `json:"cog"`
	}
	type geom struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
	type feat struct {
		Type       string `json:"type"`
		Geometry   *geom  `json:"geometry"`
		Properties props  `json:"properties"`
	}
	fc := struct {
		Type     string `json:"type"`
		Features []feat `json:"features"`
	}{Type: "FeatureCollection", Features: []feat{}}
	for _, t := range tracks {
		p := props{MMSI: t.MMSI, Name: t.Name, Count: len(t.Points), Times: []string{}, SOG: []*float64{}, COG: []*float64{}}
		coords := make([][2]float64, 0, len(t.Points))
		for _, pt := range t.Points {
			coords = append(coords, [2]float64{pt.Lon, pt.Lat})
			p.Times = append(p.Times, pt.Time.UTC().Format(time.RFC3339))
			p.SOG, p.COG = append(p.SOG, optVal(pt.SOG)), append(p.COG, optVal(pt.COG))
		}
		f := feat{Type: "Feature", Properties: p}
		switch len(coords) {
		case 0:
		case 1:
			f.Geometry = &geom{"Point", coords[0]}
		default:
			f.Geometry = &geom{"LineString", coords}
		}
		if n := len(t.Points); n > 0 {
			s, e := t.Points[0].Time.UTC(), t.Points[n-1].Time.UTC()
			f.Properties.Start, f.Properties.End = &s, &e
		}
		fc.Features = append(fc.Features, f)
	}
	return json.NewEncoder(w).Encode(fc)
}

// trackColours tell tracks apart in Google Earth (KML's aabbggrr).
var trackColours = []string{"ffb4771f", "ffc277e3", "ff2ca02c", "ff0e7fff", "ffbd6794", "ff4b568c", "ffcfbe17", "ff22bdbc"}

// WriteTracksKML writes a Placemark per track holding a gx:Track: a
// position per <when> and <gx:coord>, so that Google Earth's time slider
// moves the vessel along it, each track in a colour of its own.
func WriteTracksKML(w io.Writer, tracks []Track) error {
	var b strings.Builder
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString(xml.Header)
	b.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><name>picket tracks</name>` + "\n")
	for i, c := range trackColours {
		fmt.Fprintf(&b, `<Style id="track-%d"><LineStyle><color>%s</color><width>2.5</width></LineStyle><IconStyle><color>%s</color><scale>0.8</scale></IconStyle></Style>`+"\n", i, c, c)
	}
	for i, t := range tracks {
		name := strconv.FormatUint(uint64(t.MMSI), 10)
		if t.Name != "" {
			name += " " + t.Name
		}
		fmt.Fprintf(&b, `<Placemark id="track-%d"><name>%s</name><styleUrl>#track-%d</styleUrl>`, t.MMSI, esc(name), i%len(trackColours))
		fmt.Fprintf(&b, `<ExtendedData><Data name="mmsi"><value>%d</value></Data><Data name="positions"><value>%d</value></Data></ExtendedData>`, t.MMSI, len(t.Points))
		b.WriteString(`<gx:Track><altitudeMode>clampToGround</altitudeMode>`)
		for _, p := range t.Points {
			fmt.Fprintf(&b, "<when>%s</when>", p.Time.UTC().Format(time.RFC3339))
		}
		for _, p := range t.Points {
			fmt.Fprintf(&b, "<gx:coord>%s %s 0</gx:coord>", strconv.FormatFloat(p.Lon, 'f', -1, 64), strconv.FormatFloat(p.Lat, 'f', -1, 64))
		}
		b.WriteString("</gx:Track></Placemark>\n")
	}
	b.WriteString("</Document></kml>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// TrackHeader is the columns of the CSV track export.
var TrackHeader = []string{"mmsi", "name", "time", "lat", "lon", "sog", "cog", "heading"}

// WriteTracksCSV writes a row per position (RFC 4180), in TrackHeader's
// columns; a speed, course or heading not known is an empty cell.
func WriteTracksCSV(w io.Writer, tracks []Track) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(TrackHeader); err != nil {
		return err
	}
	opt := func(x float64) string {
		if v := optVal(x); v != nil {
			return strconv.FormatFloat(*v, 'f', -1, 32)
		}
		return ""
	}
	for _, t := range tracks {
		m := strconv.FormatUint(uint64(t.MMSI), 10)
		for _, p := range t.Points {
			h := ""
			if p.Heading >= 0 && p.Heading < 360 {
				h = strconv.Itoa(p.Heading)
			}
			if err := cw.Write([]string{m, t.Name, p.Time.UTC().Format(time.RFC3339), num(p.Lat), num(p.Lon), opt(p.SOG), opt(p.COG), h}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// TrackParquetRow is one row of the GeoParquet track export: a position.
type TrackParquetRow struct {
	MMSI     int64     `parquet:"mmsi"`
	Name     string    `parquet:"name,optional,dict"`
	Time     time.Time `parquet:"time,timestamp(millisecond)"`
	Lat      float64   `parquet:"lat"`
	Lon      float64   `parquet:"lon"`
	SOG      *float64  `parquet:"sog"`
	COG      *float64  `parquet:"cog"`
	Heading  *int32    `parquet:"heading"`
	Geometry []byte    `parquet:"geometry"`
}

// WriteTracksGeoParquet writes GeoParquet 1.1, a row per position with a
// WKB point geometry: `SELECT mmsi, time, ST_GeomFromWKB(geometry) ...` in
// DuckDB, or geopandas.read_parquet.
func WriteTracksGeoParquet(w io.Writer, tracks []Track) error {
	bbox := []float64{180, 90, -180, -90}
	n := 0
	for _, t := range tracks {
		for _, p := range t.Points {
			n++
			bbox[0], bbox[1] = min(bbox[0], p.Lon), min(bbox[1], p.Lat)
			bbox[2], bbox[3] = max(bbox[2], p.Lon), max(bbox[3], p.Lat)
		}
	}
	col := map[string]any{"encoding": "WKB", "geometry_types": []string{"Point"}}
	if n > 0 {
		col["bbox"] = bbox
	}
	meta, _ := json.Marshal(map[string]any{"version": "1.1.0", "primary_column": "geometry", "columns": map[string]any{"geometry": col}})
	pw := parquet.NewGenericWriter[TrackParquetRow](w,
		parquet.KeyValueMetadata("geo", string(meta)),
		parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("picket", "", ""))
	rows := make([]TrackParquetRow, 0, 4096)
	flush := func() error {
		_, err := pw.Write(rows)
		rows = rows[:0]
		return err
	}
	for _, t := range tracks {
		for _, p := range t.Points {
			r := TrackParquetRow{MMSI: int64(t.MMSI), Name: t.Name, Time: p.Time, Lat: p.Lat, Lon: p.Lon,
				SOG: optVal(p.SOG), COG: optVal(p.COG), Geometry: wkbPoint(p.Lon, p.Lat)}
			if p.Heading >= 0 && p.Heading < 360 {
				h := int32(p.Heading)
				r.Heading = &h
			}
			rows = append(rows, r)
			if len(rows) == cap(rows) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return pw.Close()
}

// LookupTrack returns the track format named name.
func LookupTrack(name string) (TrackFormat, error) {
	var names []string
	for _, f := range TrackFormats {
		if f.Name == name {
			return f, nil
		}
		names = append(names, f.Name)
	}
	return TrackFormat{}, fmt.Errorf("export: unknown track format %q (want %s)", name, strings.Join(names, ", "))
}
