package casefile

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

//go:embed case.html.tmpl
var pageText string

var page = template.Must(template.New("case").Funcs(template.FuncMap{
	"time":    fmtTime,
	"colour":  func(t event.Type) template.CSS { return template.CSS(typeColour(t)) },
	"track":   func(i int) template.CSS { return template.CSS(trackColours[i%len(trackColours)]) },
	"pos":     fmtPos,
	"opt":     fmtOpt,
	"pct":     func(c float64) string { return strconv.Itoa(int(c*100+0.5)) + "%" },
	"dur":     fmtDuration,
	"inc":     func(i int) int { return i + 1 },
	"join":    strings.Join,
	"mmsis":   fmtMMSIs,
	"details": fmtDetails,
}).Parse(pageText))

// pageData is what the template reads.
type pageData struct {
	*Case
	Map     template.HTML
	Matched []MatchedEntry
}

// Write renders c as one HTML document. c's events and identities are
// sorted first (Sort).
func Write(w io.Writer, c *Case) error {
	c.Sort()
	if c.Marking.Text == "" {
		return fmt.Errorf("casefile: a case without a marking: say what it is releasable to, or that it is not marked")
	}
	return page.Execute(w, pageData{Case: c, Map: svgMap(c), Matched: c.Entries()})
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func fmtPos(lat, lon float64) string {
	if lat == 0 && lon == 0 {
		return "—"
	}
	ns, ew := "N", "E"
	if lat < 0 {
		ns, lat = "S", -lat
	}
	if lon < 0 {
		ew, lon = "W", -lon
	}
	return strconv.FormatFloat(lat, 'f', 5, 64) + "°" + ns + " " + strconv.FormatFloat(lon, 'f', 5, 64) + "°" + ew
}

func fmtOpt(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

func fmtDuration(a, b time.Time) string {
	d := b.Sub(a).Round(time.Minute)
	if d <= 0 {
		return "—"
	}
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	if h >= 24 {
		return fmt.Sprintf("%dd %dh %02dm", h/24, h%24, m)
	}
	return fmt.Sprintf("%dh %02dm", h, m)
}

func fmtMMSIs(e event.Event) string {
	if e.OtherMMSI != 0 {
		return strconv.FormatUint(uint64(e.MMSI), 10) + " & " + strconv.FormatUint(uint64(e.OtherMMSI), 10)
	}
	if e.MMSI == 0 {
		return "—"
	}
	return strconv.FormatUint(uint64(e.MMSI), 10)
}

// fmtDetails lists a detector's measurements in key order.
func fmtDetails(d map[string]float64) string {
	if len(d) == 0 {
		return ""
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + strconv.FormatFloat(d[k], 'g', 6, 64)
	}
	return strings.Join(parts, ", ")
}
