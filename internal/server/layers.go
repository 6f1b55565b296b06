package server

import (
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/picket-ais/picket/internal/boundaries"
	"github.com/picket-ais/picket/internal/density"
	"github.com/picket-ais/picket/internal/ports"
	"github.com/picket-ais/picket/internal/store"
)

// The map's context layers: ports and anchorages and maritime limits
// (reference data, the same for everyone, but behind authentication like
// the rest), and traffic density, computed from the positions the
// request's view may see.

// maxDensitySpan is the longest window a density map is counted over.
const maxDensitySpan = 31 * 24 * time.Hour

// maxLayerPorts is the most places one /api/layers/ports answer holds.
const maxLayerPorts = 20000

// densitySteps are the cell sizes offered when none is asked for.
var densitySteps = []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}

// builtinPorts is the built-in list of ports and anchorages, decoded once.
var builtinPorts = sync.OnceValue(func() []ports.Port { return ports.DefaultPorts() })

type portFeature struct {
	Type       string    `json:"type"`
	Geometry   pointGeom `json:"geometry"`
	Properties portProps `json:"properties"`
}

type pointGeom struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

type portProps struct {
	Name    string `json:"name"`
	Country string `json:"country"`
	Kind    string `json:"kind"`
	Source  string `json:"source"`
}

type portCollection struct {
	Type      string        `json:"type"`
	Features  []portFeature `json:"features"`
	Truncated bool          `json:"truncated"`
}

// layerPorts: GET /api/layers/ports?bbox=&kind=: the built-in ports and
// anchorages as GeoJSON points.
func (s *Server) layerPorts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	b, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	if b == nil {
		b = &world
	}
	var kinds []string
	for k := range strings.SplitSeq(q.Get("kind"), ",") {
		switch k = strings.TrimSpace(k); k {
		case "":
		case ports.KindPort.String(), ports.KindAnchorage.String():
			kinds = append(kinds, k)
		default:
			return badParam("kind", "%q: want port or anchorage", clip(k))
		}
	}
	out := portCollection{Type: "FeatureCollection", Features: []portFeature{}}
	for _, p := range builtinPorts() {
		kind := p.Kind.String()
		if !b.Contains(p.Lat, p.Lon) || (len(kinds) > 0 && !slices.Contains(kinds, kind)) {
			continue
		}
		if len(out.Features) >= maxLayerPorts {
			out.Truncated = true
			break
		}
		out.Features = append(out.Features, portFeature{Type: "Feature",
			Geometry:   pointGeom{Type: "Point", Coordinates: [2]float64{p.Lon, p.Lat}},
			Properties: portProps{Name: p.Name, Country: p.Country, Kind: kind, Source: p.Source}})
	}
	return writeJSON(w, "application/geo+json", out)
}

// layerBoundaries: GET /api/layers/boundaries: the embedded maritime
// limits (package boundaries), sent as stored when the client takes gzip.
func (s *Server) layerBoundaries(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(boundaries.GeoJSONGzip())
		return nil
	}
	b, err := boundaries.GeoJSON()
	if err != nil {
		return err
	}
	w.Write(b)
	return nil
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// densityMap is the answer of /api/layers/density.
type densityMap struct {
	// Cell is the cells' size in degrees; each cell is [lon, lat] to
	// [lon+cell, lat+cell].
	Cell float64   `json:"cell"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Hours is the window's length in hours: a cell's vessel_hours over
	// it is the mean number of vessels there.
	Hours float64 `json:"hours"`
	// Positions and Vessels count what was read, in all.
	Positions      int           `json:"positions"`
	Vessels        int           `json:"vessels"`
	MaxVesselHours int           `json:"max_vessel_hours"`
	Cells          []densityCell `json:"cells"`
}

type densityCell struct {
	Lon         float64 `json:"lon"`
	Lat         float64 `json:"lat"`
	VesselHours int     `json:"vessel_hours"`
	Vessels     int     `json:"vessels"`
	Positions   int     `json:"positions"`
	// ByHour is VesselHours by UTC hour of day, with ?profile=hour.
	ByHour *[24]int `json:"by_hour,omitempty"`
}

// layerDensity: GET /api/layers/density?bbox=&from=&to=&cell=&profile=:
// vessel-hours per cell (package density) of the positions the view may
// see; with profile=hour, each cell's by UTC hour of day too.
func (s *Server) layerDensity(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	q := r.URL.Query()
	b, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	if b == nil {
		b = &world
	}
	from, err := parseTime("from", q.Get("from"))
	if err != nil {
		return err
	}
	to, err := parseTime("to", q.Get("to"))
	if err != nil {
		return err
	}
	sc := s.scope(v)
	if to.IsZero() {
		newest, err := sc.Newest()
		if err != nil {
			return err
		}
		to = time.UnixMilli(newest + 1).UTC()
	}
	if from.IsZero() {
		from = to.Add(-7 * 24 * time.Hour)
	}
	if !from.Before(to) {
		return badParam("from", "%s is not before to (%s)", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if to.Sub(from) > maxDensitySpan {
		return badParam("to", "the range is over %s: ask for less", maxDensitySpan)
	}
	cell, err := parseFloatIn("cell", q.Get("cell"), 0.01, 5, 0)
	if err != nil {
		return err
	}
	if cell == 0 {
		cell = defaultCell(*b)
	}
	profile := q.Get("profile")
	if profile != "" && profile != "hour" {
		return badParam("profile", "%q: want hour, or none", clip(profile))
	}
	g, err := density.NewGrid(cell, density.Box{MinLat: b.MinLat, MinLon: b.MinLon, MaxLat: b.MaxLat, MaxLon: b.MaxLon})
	if err != nil {
		return badParam("cell", "%v", err)
	}
	out := densityMap{Cell: cell, From: from, To: to, Hours: to.Sub(from).Hours(), Cells: []densityCell{}}
	var last uint32
	err = sc.Positions(r.Context(), *b, from.UnixMilli(), to.UnixMilli(), func(p store.Position) bool {
		if g.Add(p.MMSI, p.Time, p.Lat, p.Lon) {
			out.Positions++
			if p.MMSI != last || out.Vessels == 0 {
				out.Vessels++
				last = p.MMSI
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	for _, c := range g.Cells() {
		dc := densityCell{Lon: c.Lon, Lat: c.Lat, VesselHours: c.VesselHours, Vessels: c.Vessels, Positions: c.Positions}
		if profile == "hour" {
			dc.ByHour = &c.ByHour
		}
		out.Cells = append(out.Cells, dc)
		out.MaxVesselHours = max(out.MaxVesselHours, c.VesselHours)
	}
	return writeJSON(w, "", out)
}

// defaultCell is the smallest of densitySteps that puts no more than
// about 250 cells across the box's wider side.
func defaultCell(b store.BBox) float64 {
	w := b.MaxLon - b.MinLon
	if w < 0 {
		w += 360
	}
	span := math.Max(w, b.MaxLat-b.MinLat)
	for _, c := range densitySteps {
		if span/c <= 250 {
			return c
		}
	}
	return densitySteps[len(densitySteps)-1]
}
