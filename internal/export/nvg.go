package export

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// NVG 2.0 (NATO Vector Graphics, the overlay format of NATO's Federated
// Mission Networking): an nvg document in the TIDE namespace holding
// drawables. picket writes:
//
//   - an event as a point at its position (a gap also as a polyline from
//     where the vessel went silent to where it was heard again), labelled
//     with its type and vessels, its summary as textInfo, its time as
//     timeSpan, the export columns as extendedData;
//   - a track as a polyline of its positions with its timeSpan, and a point
//     at its last position with the symbol of a civilian merchant surface
//     track (MIL-STD-2525B SUSPXM);
//   - a zone as a polygon, its holes as exclude rings;
//
// each in a group (g) of its kind, with a uri of its own
// (urn:picket:event:<id>, urn:picket:track:<mmsi>, urn:picket:zone:<n>).
// Coordinates are "lon,lat" pairs in WGS84 degrees. The root carries the
// releasability marking in its classification attribute.
const (
	NVGNamespace = "https://tide.act.nato.int/schemas/2012/10/nvg"
	NVGVersion   = "2.0.2"
	// nvgVessel is the symbol of a vessel's last position: MIL-STD-2525B,
	// unknown affiliation, sea surface, civilian merchant.
	nvgVessel = "2525b:SUSPXM----*****"
)

// Zone is a named area as the overlay exports write it: polygons, each
// its outer ring then its holes, rings of [lon, lat].
type Zone struct {
	Name     string
	Polygons [][][][2]float64
}

// Overlay is what an NVG document holds.
type Overlay struct {
	Events []event.Event
	Tracks []Track
	Zones  []Zone
	// Marking is the releasability of the content, written as the
	// document's classification. Default "NOT MARKED".
	Marking string
}

// WriteEventsNVG writes events as an NVG 2.0 overlay, not marked (the
// server writes its exports with WriteNVG and the partner's marking).
func WriteEventsNVG(w io.Writer, evs []event.Event) error {
	return WriteNVG(w, Overlay{Events: evs})
}

// WriteTracksNVG writes tracks as an NVG 2.0 overlay, not marked.
func WriteTracksNVG(w io.Writer, tracks []Track) error {
	return WriteNVG(w, Overlay{Tracks: tracks})
}

// WriteNVG writes an NVG 2.0 document.
func WriteNVG(w io.Writer, o Overlay) error {
	var b strings.Builder
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return strings.ReplaceAll(e.String(), `"`, "&#34;")
	}
	marking := o.Marking
	if marking == "" {
		marking = "NOT MARKED"
	}
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, `<nvg xmlns="%s" version="%s" classification="%s">`+"\n", NVGNamespace, NVGVersion, esc(marking))
	span := func(t0, t1 time.Time) {
		fmt.Fprintf(&b, `<timeSpan><begin>%s</begin><end>%s</end></timeSpan>`, t0.UTC().Format(time.RFC3339), t1.UTC().Format(time.RFC3339))
	}
	ll := func(lon, lat float64) string {
		return strconv.FormatFloat(lon, 'f', -1, 64) + "," + strconv.FormatFloat(lat, 'f', -1, 64)
	}
	if len(o.Events) > 0 {
		b.WriteString(`<g label="picket events" uri="urn:picket:events">` + "\n")
		for i := range o.Events {
			e := &o.Events[i]
			if !e.HasPosition() {
				continue // a drawable needs a place
			}
			label := string(e.Type) + " " + strconv.FormatUint(uint64(e.MMSI), 10)
			if e.OtherMMSI != 0 {
				label += " / " + strconv.FormatUint(uint64(e.OtherMMSI), 10)
			}
			style := "fill:" + eventColour(e.Type) + ";stroke:#ffffff"
			fmt.Fprintf(&b, `<point x="%s" y="%s" label="%s" uri="urn:picket:event:%s" style="%s">`,
				strconv.FormatFloat(e.Lon, 'f', -1, 64), strconv.FormatFloat(e.Lat, 'f', -1, 64), esc(label), esc(e.ID), style)
			fmt.Fprintf(&b, `<textInfo>%s</textInfo>`, esc(e.Summary))
			span(e.Start, e.End)
			b.WriteString(`<extendedData>`)
			for _, c := range Columns {
				switch c.Name {
				case "lat", "lon", "summary":
					continue
				}
				if v := c.Value(e); v != "" {
					fmt.Fprintf(&b, `<simpleData key="%s">%s</simpleData>`, c.Name, esc(v))
				}
			}
			b.WriteString("</extendedData></point>\n")
			if e.EndLat != nil && e.EndLon != nil {
				fmt.Fprintf(&b, `<polyline points="%s %s" label="%s" uri="urn:picket:event:%s:path" style="stroke:%s;stroke-width:2;stroke-dasharray:6,4">`,
					ll(e.Lon, e.Lat), ll(*e.EndLon, *e.EndLat), esc(label), esc(e.ID), eventColour(e.Type))
				span(e.Start, e.End)
				b.WriteString("</polyline>\n")
			}
		}
		b.WriteString("</g>\n")
	}
	if len(o.Tracks) > 0 {
		b.WriteString(`<g label="picket tracks" uri="urn:picket:tracks">` + "\n")
		for i, t := range o.Tracks {
			if len(t.Points) == 0 {
				continue
			}
			label := strconv.FormatUint(uint64(t.MMSI), 10)
			if t.Name != "" {
				label += " " + t.Name
			}
			first, last := t.Points[0], t.Points[len(t.Points)-1]
			if len(t.Points) > 1 {
				pts := make([]string, len(t.Points))
				for k, p := range t.Points {
					pts[k] = ll(p.Lon, p.Lat)
				}
				fmt.Fprintf(&b, `<polyline points="%s" label="%s" uri="urn:picket:track:%d" style="stroke:#%s;stroke-width:2">`,
					strings.Join(pts, " "), esc(label), t.MMSI, kmlToRGB(trackColours[i%len(trackColours)]))
				span(first.Time, last.Time)
				b.WriteString("</polyline>\n")
			}
			fmt.Fprintf(&b, `<point x="%s" y="%s" label="%s" uri="urn:picket:track:%d:last" symbol="%s">`,
				strconv.FormatFloat(last.Lon, 'f', -1, 64), strconv.FormatFloat(last.Lat, 'f', -1, 64), esc(label), t.MMSI, nvgVessel)
			fmt.Fprintf(&b, `<timeStamp>%s</timeStamp>`, last.Time.UTC().Format(time.RFC3339))
			b.WriteString(`<extendedData>`)
			fmt.Fprintf(&b, `<simpleData key="mmsi">%d</simpleData><simpleData key="positions">%d</simpleData>`, t.MMSI, len(t.Points))
			if v := optVal(last.SOG); v != nil {
				fmt.Fprintf(&b, `<simpleData key="sog">%s</simpleData>`, strconv.FormatFloat(*v, 'f', -1, 32))
			}
			if v := optVal(last.COG); v != nil {
				fmt.Fprintf(&b, `<simpleData key="cog">%s</simpleData>`, strconv.FormatFloat(*v, 'f', -1, 32))
			}
			b.WriteString("</extendedData></point>\n")
		}
		b.WriteString("</g>\n")
	}
	if len(o.Zones) > 0 {
		b.WriteString(`<g label="picket zones" uri="urn:picket:zones">` + "\n")
		n := 0
		for _, z := range o.Zones {
			for _, poly := range z.Polygons {
				if len(poly) == 0 || len(poly[0]) < 3 {
					continue
				}
				n++
				fmt.Fprintf(&b, `<polygon points="%s" label="%s" uri="urn:picket:zone:%d" style="stroke:#8b8b00;stroke-width:2;fill:#8b8b00;fill-opacity:0.15">`,
					ringPoints(poly[0], ll), esc(z.Name), n)
				for _, hole := range poly[1:] {
					if len(hole) >= 3 {
						fmt.Fprintf(&b, `<exclude><linear-ring points="%s"/></exclude>`, ringPoints(hole, ll))
					}
				}
				b.WriteString("</polygon>\n")
			}
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</nvg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// ringPoints writes a ring as NVG points, without repeating the first
// point at the end (NVG closes polygons itself).
func ringPoints(ring [][2]float64, ll func(lon, lat float64) string) string {
	if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
		ring = ring[:len(ring)-1]
	}
	pts := make([]string, len(ring))
	for i, p := range ring {
		pts[i] = ll(p[0], p[1])
	}
	return strings.Join(pts, " ")
}

// eventColour is an event type's colour as CSS, the KML style's.
func eventColour(t event.Type) string {
	s, ok := eventStyles[t]
	if !ok {
		return "#888888"
	}
	return "#" + kmlToRGB(s.colour)
}

// kmlToRGB turns KML's aabbggrr into rrggbb.
func kmlToRGB(c string) string {
	if len(c) != 8 {
		return "888888"
	}
	return c[6:8] + c[4:6] + c[2:4]
}
