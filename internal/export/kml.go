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
