package casefile

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"sync"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo/topojson"
)

//go:embed land-50m.json.gz
var landGz []byte

// landRing is one ring of land with its bounding box.
type landRing struct {
	pts                            []topojson.Point
	minLat, maxLat, minLon, maxLon float64
}

var land = sync.OnceValue(func() []landRing {
	zr, err := gzip.NewReader(bytes.NewReader(landGz))
	if err != nil {
		panic("casefile: embedded land: " + err.Error()) // a broken build
	}
	topo, err := topojson.Decode(zr, "land")
	if err != nil {
		panic("casefile: embedded land: " + err.Error())
	}
	var out []landRing
	for _, poly := range topo.Polygons {
		for _, refs := range poly {
			r := landRing{pts: topo.Ring(refs), minLat: 90, maxLat: -90, minLon: 180, maxLon: -180}
			for _, p := range r.pts {
				r.minLat, r.maxLat = min(r.minLat, p.Lat), max(r.maxLat, p.Lat)
				r.minLon, r.maxLon = min(r.minLon, p.Lon), max(r.maxLon, p.Lon)
			}
			out = append(out, r)
		}
	}
	return out
})

// Map size in SVG units (CSS pixels at 100%).
const (
	mapW = 960
	mapH = 540
)

// proj is an equirectangular projection of a box onto the map, scaled by
// the cosine of its middle latitude so that shapes near the box read true:
// a case covers a sea, not the globe.
type proj struct {
	lon0, lat1 float64 // west and north edges
	sx, sy     float64 // units per degree
	dx, dy     float64 // offsets that centre the box
}

func (p proj) xy(lat, lon float64) (float64, float64) {
	return p.dx + (lon-p.lon0)*p.sx, p.dy + (p.lat1-lat)*p.sy
}

// box is the extent of what a map shows.
type box struct {
	minLat, maxLat, minLon, maxLon float64
	empty                          bool
}

func (b *box) add(lat, lon float64) {
	if lat == 0 && lon == 0 {
		return // unknown, never a place
	}
	if b.empty {
		*b = box{minLat: lat, maxLat: lat, minLon: lon, maxLon: lon}
		return
	}
	b.minLat, b.maxLat = min(b.minLat, lat), max(b.maxLat, lat)
	b.minLon, b.maxLon = min(b.minLon, lon), max(b.maxLon, lon)
}

// fit returns the projection of b, padded, onto the map.
func fit(b box) proj {
	// At least half a degree across, a tenth more on each side.
	padLat := max(0.25, (b.maxLat-b.minLat)*0.1)
	padLon := max(0.25, (b.maxLon-b.minLon)*0.1)
	b.minLat, b.maxLat = max(-85, b.minLat-padLat), min(85, b.maxLat+padLat)
	b.minLon, b.maxLon = max(-180, b.minLon-padLon), min(180, b.maxLon+padLon)
	k := math.Cos((b.minLat + b.maxLat) / 2 * math.Pi / 180)
	w, h := (b.maxLon-b.minLon)*k, b.maxLat-b.minLat
	s := min(mapW/w, mapH/h)
	return proj{lon0: b.minLon, lat1: b.maxLat, sx: s * k, sy: s,
		dx: (mapW - w*s) / 2, dy: (mapH - h*s) / 2}
}

// typeColour is the colour of an event type on the map and in the list.
func typeColour(t event.Type) string {
	switch t {
	case event.Encounter, event.DarkRendezvous:
		return "#c0392b"
	case event.Gap:
		return "#7f3fbf"
	case event.Loitering:
		return "#d68910"
	case event.Spoofing:
		return "#b03a2e"
	case event.Watchlist:
		return "#000000"
	case event.IdentityChange:
		return "#1f618d"
	case event.PortVisit, event.ZoneVisit:
		return "#117a65"
	case event.DarkVessel:
		return "#4d5656"
	}
	return "#555555"
}

// trackColours tell the vessels' tracks apart.
var trackColours = []string{"#1f77b4", "#e377c2", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#bcbd22"}

// svgMap draws the case: land, each vessel's track, each event (numbered
// as in the list) and each evidence fix.
func svgMap(c *Case) template.HTML {
	b := box{empty: true}
	for _, v := range c.Vessels {
		for _, p := range v.Track {
			b.add(p.Lat, p.Lon)
		}
	}
	for _, e := range c.Events {
		b.add(e.Lat, e.Lon)
		if e.EndLat != nil && e.EndLon != nil {
			b.add(*e.EndLat, *e.EndLon)
		}
		for _, f := range e.Evidence {
			b.add(f.Lat, f.Lon)
		}
	}
	if b.empty {
		return template.HTML(`<p class="note">No position to draw: the case has no track and no located event.</p>`)
	}
	p := fit(b)
	var s bytes.Buffer
	fmt.Fprintf(&s, `<svg class="map" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="map of the case">`, mapW, mapH)
	s.WriteString(`<rect width="100%" height="100%" fill="#dbe9f4"/>`)
	// Land: the rings whose box meets the map's.
	west, north := p.lon0, p.lat1
	east, south := west+mapW/p.sx, north-mapH/p.sy
	s.WriteString(`<path class="land" fill="#f2efe6" stroke="#9a9484" stroke-width="0.6" d="`)
	for _, r := range land() {
		if r.maxLon < west-1 || r.minLon > east+1 || r.maxLat < south-1 || r.minLat > north+1 {
			continue
		}
		drawRing(&s, p, r.pts)
	}
	s.WriteString(`"/>`)
	// Tracks, a line per vessel, broken where a fix jumps across the
	// antimeridian.
	for i, v := range c.Vessels {
		if len(v.Track) == 0 {
			continue
		}
		col := trackColours[i%len(trackColours)]
		fmt.Fprintf(&s, `<path class="track" data-mmsi="%d" fill="none" stroke="%s" stroke-width="1.6" stroke-linejoin="round" d="`, v.MMSI, col)
		var lx, ly float64
		for k, pt := range v.Track {
			x, y := p.xy(pt.Lat, pt.Lon)
			switch {
			case k == 0 || math.Abs(pt.Lon-v.Track[k-1].Lon) > 180:
				fmt.Fprintf(&s, "M%s %s", f1(x), f1(y))
			case math.Abs(x-lx) < 0.5 && math.Abs(y-ly) < 0.5 && k != len(v.Track)-1:
				continue // under a pixel
			default:
				fmt.Fprintf(&s, "L%s %s", f1(x), f1(y))
			}
			lx, ly = x, y
		}
		s.WriteString(`"/>`)
		last := v.Track[len(v.Track)-1]
		x, y := p.xy(last.Lat, last.Lon)
		fmt.Fprintf(&s, `<circle cx="%s" cy="%s" r="3" fill="%s"/><text x="%s" y="%s" class="vlabel">%d</text>`,
			f1(x), f1(y), col, f1(x+5), f1(y-5), v.MMSI)
	}
	// Evidence fixes, then the events on top, numbered.
	for _, e := range c.Events {
		for _, f := range e.Evidence {
			if f.Lat == 0 && f.Lon == 0 {
				continue
			}
			x, y := p.xy(f.Lat, f.Lon)
			fmt.Fprintf(&s, `<circle class="fix" cx="%s" cy="%s" r="2.2" fill="#fff" stroke="%s" stroke-width="1"/>`, f1(x), f1(y), typeColour(e.Type))
		}
	}
	for i, e := range c.Events {
		if !e.HasPosition() {
			continue
		}
		x, y := p.xy(e.Lat, e.Lon)
		col := typeColour(e.Type)
		if e.EndLat != nil && e.EndLon != nil {
			x2, y2 := p.xy(*e.EndLat, *e.EndLon)
			fmt.Fprintf(&s, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="4 3"/>`, f1(x), f1(y), f1(x2), f1(y2), col)
		}
		fmt.Fprintf(&s, `<g class="event" data-type="%s"><circle cx="%s" cy="%s" r="7" fill="%s" stroke="#fff" stroke-width="1.2"/><text x="%s" y="%s" class="enum">%d</text></g>`,
			template.HTMLEscapeString(string(e.Type)), f1(x), f1(y), col, f1(x), f1(y+3), i+1)
	}
	// A scale bar: the distance of a round number of km near the bottom left.
	km := niceKm(200 / p.sx * 111.32 * math.Cos((north+south)/2*math.Pi/180))
	w := km / (111.32 * math.Cos((north+south)/2*math.Pi/180)) * p.sx
	fmt.Fprintf(&s, `<g class="scale"><rect x="12" y="%d" width="%s" height="4" fill="#333"/><text x="12" y="%d">%s km</text></g>`,
		mapH-18, f1(w), mapH-24, strconv.FormatFloat(km, 'f', -1, 64))
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// drawRing appends a ring as a closed subpath, clipped to a margin
// around the map (Sutherland-Hodgman: a continent's ring is drawn only
// where it can be seen), dropping points under half a unit from the last
// kept one.
func drawRing(s *bytes.Buffer, p proj, pts []topojson.Point) {
	xy := make([][2]float64, len(pts))
	for k, pt := range pts {
		x, y := p.xy(pt.Lat, pt.Lon)
		xy[k] = [2]float64{x, y}
	}
	xy = clipRect(xy, -clipMargin, -clipMargin, mapW+clipMargin, mapH+clipMargin)
	var lx, ly float64
	n := 0
	for k, q := range xy {
		x, y := q[0], q[1]
		if k > 0 && math.Abs(x-lx) < 0.5 && math.Abs(y-ly) < 0.5 {
			continue
		}
		if n == 0 {
			s.WriteString("M")
		} else {
			s.WriteString("L")
		}
		s.WriteString(f1(x))
		s.WriteByte(' ')
		s.WriteString(f1(y))
		lx, ly, n = x, y, n+1
	}
	if n > 2 {
		s.WriteString("Z")
	}
}

// clipMargin keeps the clipped edges of land out of sight.
const clipMargin = 10

// clipRect clips a closed polygon to a rectangle, one edge at a time.
func clipRect(poly [][2]float64, x0, y0, x1, y1 float64) [][2]float64 {
	type edge struct {
		inside func(q [2]float64) bool
		cut    func(a, b [2]float64) [2]float64
	}
	atX := func(x float64) func(a, b [2]float64) [2]float64 {
		return func(a, b [2]float64) [2]float64 {
			t := (x - a[0]) / (b[0] - a[0])
			return [2]float64{x, a[1] + t*(b[1]-a[1])}
		}
	}
	atY := func(y float64) func(a, b [2]float64) [2]float64 {
		return func(a, b [2]float64) [2]float64 {
			t := (y - a[1]) / (b[1] - a[1])
			return [2]float64{a[0] + t*(b[0]-a[0]), y}
		}
	}
	edges := []edge{
		{func(q [2]float64) bool { return q[0] >= x0 }, atX(x0)},
		{func(q [2]float64) bool { return q[0] <= x1 }, atX(x1)},
		{func(q [2]float64) bool { return q[1] >= y0 }, atY(y0)},
		{func(q [2]float64) bool { return q[1] <= y1 }, atY(y1)},
	}
	for _, e := range edges {
		if len(poly) == 0 {
			return nil
		}
		in := poly
		poly = make([][2]float64, 0, len(in))
		prev := in[len(in)-1]
		for _, cur := range in {
			switch ci, pi := e.inside(cur), e.inside(prev); {
			case ci && pi:
				poly = append(poly, cur)
			case ci:
				poly = append(poly, e.cut(prev, cur), cur)
			case pi:
				poly = append(poly, e.cut(prev, cur))
			}
			prev = cur
		}
	}
	return poly
}

// f1 formats a coordinate to a tenth of a unit.
func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// niceKm rounds a distance down to 1, 2 or 5 times a power of ten.
func niceKm(km float64) float64 {
	if km <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(km)))
	for _, m := range []float64{5, 2, 1} {
		if m*e <= km {
			return m * e
		}
	}
	return e
}
