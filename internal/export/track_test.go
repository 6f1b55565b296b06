package export

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/picket-ais/picket/internal/event"
)

// realTracks reads two vessels' tracks from a real run (NOAA
// MarineCadastre, 3 January 2022; internal/casefile/testdata), with a
// speed and a heading missing on one fix, as AIS often has.
func realTracks(t *testing.T) []Track {
	t.Helper()
	b, err := os.ReadFile("../casefile/testdata/marinecadastre_run/tracks.geojson")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates [][2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				MMSI  uint32  `json:"mmsi"`
				Times []int64 `json:"times"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	var out []Track
	for _, f := range fc.Features {
		tr := Track{MMSI: f.Properties.MMSI, Name: "N" + strconv.Itoa(len(out))}
		for i, c := range f.Geometry.Coordinates {
			tr.Points = append(tr.Points, TrackPoint{Time: time.Unix(f.Properties.Times[i], 0).UTC(), Lat: c[1], Lon: c[0], SOG: 10.5, COG: 90, Heading: 91})
		}
		out = append(out, tr)
	}
	out[0].Points[0].SOG, out[0].Points[0].Heading = math.NaN(), -1
	if len(out) != 2 {
		t.Fatalf("%d tracks", len(out))
	}
	return out
}

func writeTracks(t *testing.T, name string, tracks []Track) []byte {
	t.Helper()
	f, err := LookupTrack(name)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b, tracks); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func points(tracks []Track) int {
	n := 0
	for _, t := range tracks {
		n += len(t.Points)
	}
	return n
}

// TestTrackFormats reads every track export back and finds each position
// with its time, in order.
func TestTrackFormats(t *testing.T) {
	tracks := realTracks(t)
	want := points(tracks)

	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				MMSI  uint32     `json:"mmsi"`
				Times []string   `json:"times"`
				SOG   []*float64 `json:"sog"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(writeTracks(t, "geojson", tracks), &fc); err != nil {
		t.Fatal(err)
	}
	for i, f := range fc.Features {
		var coords [][2]float64
		json.Unmarshal(f.Geometry.Coordinates, &coords)
		tr := tracks[i]
		if f.Properties.MMSI != tr.MMSI || len(coords) != len(tr.Points) || len(f.Properties.Times) != len(tr.Points) || f.Geometry.Type != "LineString" {
			t.Fatalf("geojson feature %d: %+v", i, f.Properties)
		}
		for k, p := range tr.Points {
			if coords[k] != [2]float64{p.Lon, p.Lat} || f.Properties.Times[k] != p.Time.Format(time.RFC3339) {
				t.Errorf("geojson %d/%d: %v %s", i, k, coords[k], f.Properties.Times[k])
			}
		}
	}
	if fc.Features[0].Properties.SOG[0] != nil {
		t.Error("geojson: an unknown speed is not null")
	}

	// KML: a gx:Track per vessel, as many <when> as <gx:coord>.
	var kml struct {
		Placemarks []struct {
			Name     string `xml:"name"`
			StyleURL string `xml:"styleUrl"`
			Track    struct {
				When  []string `xml:"when"`
				Coord []string `xml:"http://www.google.com/kml/ext/2.2 coord"`
			} `xml:"http://www.google.com/kml/ext/2.2 Track"`
		} `xml:"Document>Placemark"`
		Styles []struct {
			ID string `xml:"id,attr"`
		} `xml:"Document>Style"`
	}
	if err := xml.Unmarshal(writeTracks(t, "kml", tracks), &kml); err != nil {
		t.Fatal(err)
	}
	for i, p := range kml.Placemarks {
		tr := tracks[i]
		if len(p.Track.When) != len(tr.Points) || len(p.Track.Coord) != len(tr.Points) || !strings.HasPrefix(p.Name, strconv.Itoa(int(tr.MMSI))) {
			t.Fatalf("kml placemark %d: %d when, %d coord, name %q", i, len(p.Track.When), len(p.Track.Coord), p.Name)
		}
		first := strings.Fields(p.Track.Coord[0])
		if first[0] != strconv.FormatFloat(tr.Points[0].Lon, 'f', -1, 64) || first[1] != strconv.FormatFloat(tr.Points[0].Lat, 'f', -1, 64) {
			t.Errorf("kml coord %q, want lon lat of %+v", p.Track.Coord[0], tr.Points[0])
		}
		if p.StyleURL != "#track-"+strconv.Itoa(i) {
			t.Errorf("kml style %q", p.StyleURL)
		}
	}

	rows, err := csv.NewReader(bytes.NewReader(writeTracks(t, "csv", tracks))).ReadAll()
	if err != nil || len(rows) != want+1 || strings.Join(rows[0], ",") != "mmsi,name,time,lat,lon,sog,cog,heading" {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	if r := rows[1]; r[5] != "" || r[7] != "" || r[6] != "90" || r[0] != strconv.Itoa(int(tracks[0].MMSI)) {
		t.Errorf("csv first row %v: unknown speed and heading must be empty", r)
	}

	pb := writeTracks(t, "parquet", tracks)
	f, err := parquet.OpenFile(bytes.NewReader(pb), int64(len(pb)))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != int64(want) {
		t.Errorf("parquet %d rows, want %d", f.NumRows(), want)
	}
	geo, ok := f.Lookup("geo")
	if !ok || !strings.Contains(geo, `"primary_column":"geometry"`) {
		t.Errorf("parquet geo metadata %q", geo)
	}
	r := parquet.NewGenericReader[TrackParquetRow](bytes.NewReader(pb))
	got := make([]TrackParquetRow, want)
	if n, _ := r.Read(got); n != want {
		t.Fatalf("parquet read %d", n)
	}
	p0 := tracks[0].Points[0]
	lon := math.Float64frombits(binary.LittleEndian.Uint64(got[0].Geometry[5:]))
	lat := math.Float64frombits(binary.LittleEndian.Uint64(got[0].Geometry[13:]))
	if lon != p0.Lon || lat != p0.Lat || !got[0].Time.Equal(p0.Time) || got[0].SOG != nil || got[0].Heading != nil || *got[0].COG != 90 {
		t.Errorf("parquet first row %+v", got[0])
	}
}

// TestKMLEventStyles: in Google Earth each event type has an icon and a
// colour of its own (every pin looked the same before).
func TestKMLEventStyles(t *testing.T) {
	t0 := time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC)
	var evs []event.Event
	for i, typ := range append(append([]event.Type{}, event.Types...), "made_up") {
		evs = append(evs, event.Event{ID: "e" + strconv.Itoa(i), Type: typ, MMSI: 538008297, Start: t0, End: t0, Lat: 29.7, Lon: -95.2})
	}
	var b bytes.Buffer
	if err := WriteKML(&b, evs); err != nil {
		t.Fatal(err)
	}
	var kml struct {
		Styles []struct {
			ID     string `xml:"id,attr"`
			Colour string `xml:"IconStyle>color"`
			Href   string `xml:"IconStyle>Icon>href"`
		} `xml:"Document>Style"`
		Placemarks []struct {
			ID       string `xml:"id,attr"`
			StyleURL string `xml:"styleUrl"`
		} `xml:"Document>Placemark"`
	}
	if err := xml.Unmarshal(b.Bytes(), &kml); err != nil {
		t.Fatal(err)
	}
	looks := map[string]string{}
	styles := map[string]bool{}
	for _, s := range kml.Styles {
		look := s.Colour + " " + s.Href
		if other, ok := looks[look]; ok {
			t.Errorf("styles %s and %s look the same", s.ID, other)
		}
		looks[look], styles[s.ID] = s.ID, true
	}
	for i, p := range kml.Placemarks {
		want := "#" + string(evs[i].Type)
		if evs[i].Type == "made_up" {
			want = "#other"
		}
		if p.StyleURL != want || !styles[strings.TrimPrefix(p.StyleURL, "#")] {
			t.Errorf("placemark %s (%s): style %q", p.ID, evs[i].Type, p.StyleURL)
		}
	}
	if len(styles) != len(event.Types)+1 {
		t.Errorf("%d styles for %d types and the rest", len(styles), len(event.Types))
	}
}
