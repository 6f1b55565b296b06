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

// WriteKML writes a Placemark per event, with its time span (Google
// Earth's time slider plays them) and Columns as its extended data.
func WriteKML(w io.Writer, evs []event.Event) error {
	var b strings.Builder
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString(xml.Header)
	b.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>picket events</name>` + "\n")
	writeEventStyles(&b)
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
		fmt.Fprintf(&b, `<Placemark id="%s"><name>%s</name><description>%s</description><styleUrl>#%s</styleUrl>`, esc(e.ID), esc(name), esc(e.Summary), styleID(e.Type))
		fmt.Fprintf(&b, `<TimeSpan><begin>%s</begin><end>%s</end></TimeSpan>`, e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339))
		b.WriteString(`<ExtendedData>`)
		data := func(k, v string) {
			if v != "" {
				fmt.Fprintf(&b, `<Data name="%s"><value>%s</value></Data>`, k, esc(v))
			}
		}
		for _, c := range Columns {
			switch c.Name {
			case "id", "summary", "start", "end": // the Placemark's own
			default:
				data(c.Name, c.Value(e))
			}
		}
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

// kmlStyle is how Google Earth draws an event type: an icon of its
// standard set (shapes/), tinted (KML's aabbggrr).
type kmlStyle struct{ icon, colour string }

// eventStyles tell the event types apart in Google Earth: the behaviours
// in warm colours, identity findings in blue, visits in green.
var eventStyles = map[event.Type]kmlStyle{
	event.Encounter:      {"triangle", "ff3c14dc"},
	event.DarkRendezvous: {"triangle", "ff8b008b"},
	event.Loitering:      {"target", "ff00a5ff"},
	event.Gap:            {"forbidden", "ffbf3f7f"},
	event.Spoofing:       {"caution", "ff2e3ab0"},
	event.IdentityChange: {"info-i", "ff8d611f"},
	event.PortVisit:      {"marina", "ff657a11"},
	event.ZoneVisit:      {"polygon", "ff8b8b00"},
	event.Watchlist:      {"flag", "ff000000"},
	event.DarkVessel:     {"placemark_circle", "ff565d4d"},
	event.DarkEncounter:  {"triangle", "ff4f4f4f"},
}

// styleID is the id of an event type's Style ("other" for a type with
// none).
func styleID(t event.Type) string {
	if _, ok := eventStyles[t]; ok {
		return string(t)
	}
	return "other"
}

// writeEventStyles writes a Style per event type and one for any other.
func writeEventStyles(b *strings.Builder) {
	write := func(id string, s kmlStyle) {
		fmt.Fprintf(b, `<Style id="%s"><IconStyle><color>%s</color><scale>1.1</scale><Icon><href>https://maps.google.com/mapfiles/kml/shapes/%s.png</href></Icon></IconStyle><LabelStyle><scale>0.8</scale></LabelStyle></Style>`+"\n", id, s.colour, s.icon)
	}
	for _, t := range event.Types {
		if s, ok := eventStyles[t]; ok {
			write(string(t), s)
		}
	}
	write("other", kmlStyle{"placemark_square", "ff888888"})
}
