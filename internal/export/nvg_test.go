package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// realEvents reads the events of a real run (internal/casefile/testdata).
func realEvents(t *testing.T) []event.Event {
	t.Helper()
	f, err := os.Open("../casefile/testdata/marinecadastre_run/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []event.Event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e event.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// houstonZone is a zone with a hole: the Houston Ship Channel's turning
// basin area with the port itself cut out.
var houstonZone = Zone{Name: "Houston approaches <test>", Polygons: [][][][2]float64{{
	{{-95.4, 29.5}, {-94.7, 29.5}, {-94.7, 29.9}, {-95.4, 29.9}, {-95.4, 29.5}},
	{{-95.3, 29.7}, {-95.1, 29.7}, {-95.1, 29.8}, {-95.3, 29.8}, {-95.3, 29.7}},
}}}

// TestNVGGolden writes events, tracks and a zone of a real run as one
// overlay and compares it with testdata/overlay.nvg (-update rewrites it).
func TestNVGGolden(t *testing.T) {
	var b bytes.Buffer
	o := Overlay{Events: realEvents(t), Tracks: realTracks(t), Zones: []Zone{houstonZone}, Marking: "REL TO JPN, USA"}
	if err := WriteNVG(&b, o); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/overlay.nvg"
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("the overlay differs from %s (go test -update to accept)", golden)
	}
	n := checkNVG(t, b.Bytes())
	located := 0
	for _, e := range o.Events {
		if e.HasPosition() {
			located++
		}
	}
	if n["point"] != located+len(o.Tracks) || n["polyline"] != len(o.Tracks) || n["polygon"] != 1 || n["exclude"] != 1 || n["g"] != 3 {
		t.Errorf("drawables %v; want %d event and %d track points, %d track lines, a zone with a hole, 3 groups", n, located, len(o.Tracks), len(o.Tracks))
	}
}

// nvgChildren is the shape NVG 2.0 gives the elements picket writes: the
// children each may have. A drawable's attributes are checked in
// checkNVG.
var nvgChildren = map[string][]string{
	"nvg":          {"g", "point", "polyline", "polygon"},
	"g":            {"g", "point", "polyline", "polygon"},
	"point":        {"textInfo", "timeSpan", "timeStamp", "extendedData"},
	"polyline":     {"textInfo", "timeSpan", "timeStamp", "extendedData"},
	"polygon":      {"textInfo", "timeSpan", "timeStamp", "extendedData", "exclude"},
	"exclude":      {"linear-ring"},
	"linear-ring":  nil,
	"timeSpan":     {"begin", "end"},
	"extendedData": {"simpleData"},
	"textInfo":     nil, "timeStamp": nil, "begin": nil, "end": nil, "simpleData": nil,
}

var nvgSymbol = regexp.MustCompile(`^(2525b|app6b):[A-Z*-]{15}$`)

// checkNVG checks a document against the shape of NVG 2.0 as picket
// writes it: every element in the NVG namespace and where the format puts
// it, the root's version and classification, every drawable with a uri of
// its own, coordinates as lon,lat pairs on the Earth (two or more for a
// line, three or more for a ring), times in RFC 3339 with a begin before
// its end, symbols as a symbology's 15-character code, extended data
// keyed. It returns the count of each element.
func checkNVG(t *testing.T, doc []byte) map[string]int {
	t.Helper()
	counts := map[string]int{}
	uris := map[string]bool{}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	var text strings.Builder
	var begin time.Time
	pairs := func(el, s string, least int) {
		fields := strings.Fields(s)
		if len(fields) < least {
			t.Errorf("%s: %d points, want %d or more", el, len(fields), least)
		}
		for _, f := range fields {
			lon, lat, ok := strings.Cut(f, ",")
			x, err1 := strconv.ParseFloat(lon, 64)
			y, err2 := strconv.ParseFloat(lat, 64)
			if !ok || err1 != nil || err2 != nil || x < -180 || x > 180 || y < -90 || y > 90 {
				t.Errorf("%s: point %q is not lon,lat", el, f)
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			name := tk.Name.Local
			if tk.Name.Space != NVGNamespace {
				t.Errorf("<%s> in namespace %q", name, tk.Name.Space)
			}
			if _, known := nvgChildren[name]; !known {
				t.Errorf("<%s> is not an element picket's NVG has", name)
			}
			if len(stack) == 0 {
				if name != "nvg" {
					t.Fatalf("root <%s>", name)
				}
			} else if parent := stack[len(stack)-1]; !slices.Contains(nvgChildren[parent], name) {
				t.Errorf("<%s> inside <%s>", name, parent)
			}
			attr := map[string]string{}
			for _, a := range tk.Attr {
				if a.Name.Space == "" || a.Name.Local != "xmlns" && a.Name.Space != "xmlns" {
					attr[a.Name.Local] = a.Value
				}
			}
			switch name {
			case "nvg":
				if attr["version"] != NVGVersion || attr["classification"] == "" {
					t.Errorf("root: version %q classification %q", attr["version"], attr["classification"])
				}
			case "point", "polyline", "polygon", "g":
				if u := attr["uri"]; u == "" || uris[u] {
					t.Errorf("<%s label=%q>: uri %q missing or used twice", name, attr["label"], u)
				}
				uris[attr["uri"]] = true
				if s, ok := attr["symbol"]; ok && !nvgSymbol.MatchString(s) {
					t.Errorf("<%s>: symbol %q", name, s)
				}
			}
			switch name {
			case "point":
				pairs("point", attr["x"]+","+attr["y"], 1)
			case "polyline":
				pairs("polyline", attr["points"], 2)
			case "polygon", "linear-ring":
				pairs(name, attr["points"], 3)
			case "simpleData":
				if attr["key"] == "" {
					t.Error("simpleData without a key")
				}
			}
			counts[name]++
			stack = append(stack, name)
			text.Reset()
		case xml.CharData:
			text.Write(tk)
		case xml.EndElement:
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch name {
			case "begin", "end", "timeStamp":
				tm, err := time.Parse(time.RFC3339, strings.TrimSpace(text.String()))
				if err != nil {
					t.Errorf("<%s> %q is not a time", name, text.String())
				}
				if name == "begin" {
					begin = tm
				} else if name == "end" && tm.Before(begin) {
					t.Errorf("timeSpan ends %s before it begins %s", tm, begin)
				}
			}
		}
	}
	return counts
}

// TestNVGEscapes: a list's or a ship's text cannot break the document.
func TestNVGEscapes(t *testing.T) {
	e := event.Event{ID: "x1", Type: event.Watchlist, MMSI: 1, Lat: 1, Lon: 1, Start: time.Unix(0, 0), End: time.Unix(1, 0),
		Summary: `"><point x="0"/>`, Entry: &event.Entry{List: `a"b<c>&`, By: "name"}}
	var b bytes.Buffer
	if err := WriteNVG(&b, Overlay{Events: []event.Event{e}, Marking: `REL TO "A"`}); err != nil {
		t.Fatal(err)
	}
	if n := checkNVG(t, b.Bytes()); n["point"] != 1 {
		t.Errorf("%d points: the text made markup", n["point"])
	}
	fmt.Fprint(io.Discard, b.String())
}
