package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/paulmach/orb"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/sightings"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/store"
)

// Satellite detections (package sightings): delivered by `kind:
// detections` feeds (Deliver) or uploaded by a partner's analyst to its
// own feed (POST /api/detections), and read back, with their scenes and
// the radars' coverage, as GeoJSON for the map. A detection, a scene and
// a radar's coverage are visible through their feed, as any record.

// maxDeliveryBytes bounds a watched delivery file (an upload is bounded
// by MaxBodyBytes).
const maxDeliveryBytes = 256 << 20

// maxDetections is the most detections one answer holds.
const maxDetections = 50_000

// detectionFeeds are the pipeline's detections feeds that v may deliver
// to: those its partner owns (every one for an open server).
func (s *Server) detectionFeeds(v *view) []live.FeedStats {
	var out []live.FeedStats
	for _, f := range s.live.Stats().Feeds {
		if f.Kind == live.Detections && (v.all || f.Partner == v.who.Partner) {
			out = append(out, f)
		}
	}
	return out
}

// Deliver takes a file a detections feed found (live.Options.Deliver):
// correlated with the AIS its owner may see, kept, its events stored
// and published.
func (s *Server) Deliver(feed string, d source.Delivery) error {
	i := slices.IndexFunc(s.live.Stats().Feeds, func(f live.FeedStats) bool { return f.Name == feed && f.Kind == live.Detections })
	if i < 0 {
		return fmt.Errorf("server: no detections feed %q", feed)
	}
	f := s.live.Stats().Feeds[i]
	body, err := readBounded(d.Path)
	if err != nil {
		return err
	}
	dl := sightings.Delivery{Feed: sightings.Feed{Name: f.Name, Bit: f.Bit, Partner: f.Partner}, Name: baseName(d.Path),
		Body: body, Format: d.Format, Clearance: s.clearanceOf(f.Partner)}
	if d.Scenes != "" {
		if dl.Scenes, err = readBounded(d.Scenes); err != nil {
			return err
		}
		dl.ScenesName = baseName(d.Scenes)
	}
	rep, evs, err := s.desk.Take(dl)
	if err != nil {
		s.log.Warn("detections not taken", "feed", feed, "file", d.Path, "err", err)
		return err
	}
	s.publish(evs)
	if rep.Duplicate {
		s.log.Info("detections delivered again: taken once", "feed", feed, "file", d.Path, "delivery", rep.Delivery)
	}
	return nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxDeliveryBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxDeliveryBytes {
		return nil, fmt.Errorf("%s: over %d bytes", path, maxDeliveryBytes)
	}
	return b, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// publish hands a delivery's events to the live stream and the alert
// rules, as the pipeline's own.
func (s *Server) publish(evs []store.EventWithProvenance) {
	hub := s.live.Hub()
	for i := range evs {
		hub.PublishAlert(&evs[i].Event, evs[i].Prov)
	}
}

// uploadDetections: POST /api/detections?feed=&name=&format= with a CSV
// body (detections, or scene footprints): taken into one of the
// partner's own detections feeds, under its label.
func (s *Server) uploadDetections(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	q := r.URL.Query()
	feeds := s.detectionFeeds(v)
	var f live.FeedStats
	switch name := q.Get("feed"); {
	case name != "":
		i := slices.IndexFunc(feeds, func(f live.FeedStats) bool { return f.Name == name })
		if i < 0 {
			return notFound(fmt.Sprintf("no detections feed %q of your partner's", clip(name)))
		}
		f = feeds[i]
	case len(feeds) == 1:
		f = feeds[0]
	case len(feeds) == 0:
		return notFound("your partner has no detections feed (a feed of kind: detections in the server's config)")
	default:
		names := make([]string, len(feeds))
		for i := range feeds {
			names[i] = feeds[i].Name
		}
		return badParam("feed", "your partner has several detections feeds: name one of %s", strings.Join(names, ", "))
	}
	name := q.Get("name")
	if name == "" {
		name = "upload.csv"
	}
	if len(name) > 128 || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || r == '/' || r == '\\' }) >= 0 {
		return badParam("name", "%q: want a file name (printable, no slash, at most 128 bytes)", clip(name))
	}
	format := q.Get("format")
	if format != "" && !slices.Contains(source.DetectionFormats, format) {
		return badParam("format", "%q: want one of %s", clip(format), strings.Join(source.DetectionFormats, ", "))
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return &httpError{code: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("request body over %d bytes", mb.Limit)}
		}
		return badParam("body", "not read: %v", err)
	}
	if len(body) == 0 {
		return badParam("body", "empty: send the CSV file as the body")
	}
	rep, evs, err := s.desk.Take(sightings.Delivery{Feed: sightings.Feed{Name: f.Name, Bit: f.Bit, Partner: f.Partner},
		Name: name, Body: body, Format: format, Clearance: s.clearanceOf(f.Partner)})
	if errors.Is(err, sightings.ErrBadFile) {
		return badParam("body", "%s", strings.TrimPrefix(err.Error(), sightings.ErrBadFile.Error()+": "))
	}
	if err != nil {
		return err
	}
	s.publish(evs)
	note(r, fmt.Sprintf("delivery %s to %s (%s): %d rows, %d bad, %d matched, %d dark", rep.Delivery, rep.Feed, rep.File, rep.Rows, rep.Bad, rep.Matched, rep.Dark))
	return writeJSON(w, "", rep)
}

// detectionFilter reads the filters GET /api/detections and /api/scenes
// share.
func detectionFilter(r *http.Request) (sightings.Filter, error) {
	q := r.URL.Query()
	var f sightings.Filter
	b, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return f, err
	}
	f.Box = b
	from, err := parseTime("from", q.Get("from"))
	if err != nil {
		return f, err
	}
	to, err := parseTime("to", q.Get("to"))
	if err != nil {
		return f, err
	}
	if !from.IsZero() {
		f.From = from.UnixMilli()
	}
	if !to.IsZero() {
		f.To = to.UnixMilli()
	}
	if f.From != 0 && f.To != 0 && f.From >= f.To {
		return f, badParam("from", "%s is not before to", from.Format(time.RFC3339))
	}
	f.Feed = q.Get("feed")
	for x := range strings.SplitSeq(q.Get("sensor"), ",") {
		switch x = strings.TrimSpace(x); x {
		case "":
		case detection.SensorSAR, detection.SensorOptical, detection.SensorVIIRS:
			f.Sensors = append(f.Sensors, x)
		default:
			return f, badParam("sensor", "%q: want sar, optical or viirs", clip(x))
		}
	}
	switch st := q.Get("status"); st {
	case "", sightings.StatusDark, sightings.StatusMatched:
		f.Status = st
	default:
		return f, badParam("status", "%q: want dark or matched", clip(st))
	}
	return f, nil
}

// Detections calls fn with the kept detections f selects that the view
// may see: through the detection's feed, and of a matched one the MMSI
// and of a dark one the candidates only where the view sees a position
// of that vessel (as a dark vessel event's candidates, redactCandidates).
func (sc scope) Detections(desk *sightings.Desk, f sightings.Filter, fn func(sightings.Detection) bool) {
	f.Clearance = sc.v.storeClearance()
	desk.Detections(f, func(d sightings.Detection) bool {
		if !sc.v.full {
			if d.MMSI != 0 {
				if _, ok := sc.LatestOf(d.MMSI); !ok {
					d.MMSI, d.DistanceM = 0, 0
				}
			}
			var kept []uint32
			for _, m := range d.Candidates {
				if _, ok := sc.LatestOf(m); ok {
					kept = append(kept, m)
				}
			}
			d.Candidates = kept
		}
		return fn(d)
	})
}

// Scenes calls fn with the kept scenes f selects that the view may see.
func (sc scope) Scenes(desk *sightings.Desk, f sightings.Filter, fn func(sightings.Scene) bool) {
	f.Clearance = sc.v.storeClearance()
	desk.Scenes(f, fn)
}

type detectionProps struct {
	Feed   string    `json:"feed"`
	Time   time.Time `json:"time"`
	Sensor string    `json:"sensor"`
	// Status is "matched" or "dark".
	Status     string   `json:"status"`
	Scene      string   `json:"scene,omitempty"`
	ID         string   `json:"id,omitempty"`
	MMSI       uint32   `json:"mmsi,omitempty"`
	DistanceM  float64  `json:"distance_m,omitempty"`
	LengthM    float64  `json:"length_m,omitempty"`
	Heading    *float64 `json:"heading,omitempty"`
	Score      *float64 `json:"score,omitempty"`
	LowScore   bool     `json:"low_score,omitempty"`
	Candidates []uint32 `json:"candidates,omitempty"`
	Event      string   `json:"event,omitempty"`
	Delivery   string   `json:"delivery"`
}

type detectionFeature struct {
	Type       string         `json:"type"`
	Geometry   pointGeom      `json:"geometry"`
	Properties detectionProps `json:"properties"`
}

type detectionCollection struct {
	Type      string             `json:"type"`
	Features  []detectionFeature `json:"features"`
	Truncated bool               `json:"truncated"`
}

// detections: GET /api/detections?from=&to=&bbox=&sensor=&status=&feed=
// — the kept detections as GeoJSON points.
func (s *Server) detections(w http.ResponseWriter, r *http.Request) error {
	f, err := detectionFilter(r)
	if err != nil {
		return err
	}
	out := detectionCollection{Type: "FeatureCollection", Features: []detectionFeature{}}
	s.scope(viewOf(r)).Detections(s.desk, f, func(d sightings.Detection) bool {
		if len(out.Features) == maxDetections {
			out.Truncated = true
			return false
		}
		p := detectionProps{Feed: d.Feed, Time: time.UnixMilli(d.Time).UTC(), Sensor: d.Sensor, Status: d.Status, MMSI: d.MMSI, DistanceM: d.DistanceM,
			Scene: d.Scene, ID: d.ID, LengthM: d.LengthM, Heading: d.Heading, Score: d.Score, LowScore: d.LowScore,
			Candidates: d.Candidates, Event: d.Event, Delivery: d.Delivery}
		out.Features = append(out.Features, detectionFeature{Type: "Feature",
			Geometry: pointGeom{Type: "Point", Coordinates: [2]float64{d.Lon, d.Lat}}, Properties: p})
		return true
	})
	return writeJSON(w, "application/geo+json", out)
}

type sceneFeature struct {
	Type     string `json:"type"`
	Geometry struct {
		Type        string           `json:"type"`
		Coordinates orb.MultiPolygon `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		ID   string     `json:"id"`
		Feed string     `json:"feed"`
		Time *time.Time `json:"time,omitempty"`
	} `json:"properties"`
}

// scenes: GET /api/scenes?from=&to=&bbox=&feed= — the kept scenes'
// footprints as GeoJSON multipolygons (a scene without a footprint is
// left out).
func (s *Server) scenes(w http.ResponseWriter, r *http.Request) error {
	f, err := detectionFilter(r)
	if err != nil {
		return err
	}
	out := struct {
		Type     string         `json:"type"`
		Features []sceneFeature `json:"features"`
	}{Type: "FeatureCollection", Features: []sceneFeature{}}
	s.scope(viewOf(r)).Scenes(s.desk, f, func(sc sightings.Scene) bool {
		if len(sc.Footprint) == 0 {
			return true
		}
		var ft sceneFeature
		ft.Type = "Feature"
		ft.Geometry.Type, ft.Geometry.Coordinates = "MultiPolygon", sc.Footprint
		ft.Properties.ID, ft.Properties.Feed = sc.ID, sc.Feed
		if sc.Time != 0 {
			t := time.UnixMilli(sc.Time).UTC()
			ft.Properties.Time = &t
		}
		out.Features = append(out.Features, ft)
		return true
	})
	return writeJSON(w, "application/geo+json", out)
}

type radarProps struct {
	Feed     string     `json:"feed"`
	RangeM   float64    `json:"range_m"`
	Observed bool       `json:"observed"`
	Time     *time.Time `json:"time,omitempty"`
}

// layerRadars: GET /api/layers/radars — each radar feed the view is
// cleared for, at its site (or its ship's latest fix) with its range.
func (s *Server) layerRadars(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	type feature struct {
		Type       string     `json:"type"`
		Geometry   pointGeom  `json:"geometry"`
		Properties radarProps `json:"properties"`
	}
	out := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, f := range s.live.Stats().Feeds {
		if f.Kind != live.Radar || f.Coverage == nil || !v.seesPos(1<<f.Bit) {
			continue
		}
		c := f.Coverage
		p := radarProps{Feed: f.Name, RangeM: c.RangeM, Observed: c.Observed}
		if c.Time != 0 {
			t := time.UnixMilli(c.Time).UTC()
			p.Time = &t
		}
		out.Features = append(out.Features, feature{Type: "Feature", Geometry: pointGeom{Type: "Point", Coordinates: [2]float64{c.Lon, c.Lat}}, Properties: p})
	}
	return writeJSON(w, "application/geo+json", out)
}
