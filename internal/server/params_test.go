package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

func TestParseBBox(t *testing.T) {
	for _, c := range []struct {
		in   string
		want *store.BBox
		err  string
	}{
		{"", nil, ""},
		{"1,2,3,4", &store.BBox{MinLon: 1, MinLat: 2, MaxLon: 3, MaxLat: 4}, ""},
		{" -10.5 , 50 , 2 , 61.25 ", &store.BBox{MinLon: -10.5, MinLat: 50, MaxLon: 2, MaxLat: 61.25}, ""},
		{"170,-10,-170,10", &store.BBox{MinLon: 170, MinLat: -10, MaxLon: -170, MaxLat: 10}, ""}, // across the antimeridian
		{"1,2,3", nil, "want minLon,minLat,maxLon,maxLat"},
		{"1,2,3,x", nil, `"x" is not a number`},
		{"1,2,3,NaN", nil, "not a number"},
		{"-181,0,0,1", nil, "longitudes"},
		{"0,-91,1,1", nil, "latitudes"},
		{"0,10,1,5", nil, "minLat is above maxLat"},
	} {
		got, err := parseBBox(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.HasPrefix(message(err), "bbox: ") {
				t.Errorf("parseBBox(%q): error %v, want one saying %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("parseBBox(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestParseTimeAndDuration(t *testing.T) {
	if tm, err := parseTime("from", "2026-03-01T12:00:00+01:00"); err != nil || !tm.Equal(time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)) || tm.Location() != time.UTC {
		t.Errorf("parseTime: %v %v", tm, err)
	}
	if tm, err := parseTime("from", ""); err != nil || !tm.IsZero() {
		t.Errorf("empty time: %v %v", tm, err)
	}
	for _, bad := range []string{"yesterday", "2026-03-01", "2026-03-01 12:00:00", "1772323200"} {
		if _, err := parseTime("to", bad); err == nil || !strings.Contains(message(err), "to: ") {
			t.Errorf("parseTime(%q): %v", bad, err)
		}
	}
	for in, want := range map[string]time.Duration{"": time.Hour, "30m": 30 * time.Minute, "2d": 48 * time.Hour, "1.5h": 90 * time.Minute} {
		if d, err := parseDuration("max_age", in, time.Hour); err != nil || d != want {
			t.Errorf("parseDuration(%q) = %v, %v", in, d, err)
		}
	}
	for _, bad := range []string{"-1h", "0s", "soon", "d"} {
		if _, err := parseDuration("max_age", bad, time.Hour); err == nil {
			t.Errorf("parseDuration(%q): no error", bad)
		}
	}
}

func TestParseEventQuery(t *testing.T) {
	q, err := parseEventQuery(url.Values{
		"type": {"encounter,gap"}, "from": {"2026-03-01T00:00:00Z"}, "to": {"2026-03-02T00:00:00Z"},
		"bbox": {"120,30,130,40"}, "mmsi": {"440123456"}, "min_confidence": {"0.5"}, "limit": {"20"}, "order": {"asc"},
	}, 1000, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.store.Types) != 2 || q.store.Types[1] != event.Gap || q.store.MMSI != 440123456 || q.minConf != 0.5 || q.limit != 20 || q.desc || q.bbox == nil {
		t.Errorf("query %+v", q)
	}
	ev := event.Event{Lat: 35, Lon: 125, Confidence: 0.6}
	if !q.match(&ev) {
		t.Error("event in the box above the confidence does not match")
	}
	ev.Confidence = 0.4
	if q.match(&ev) {
		t.Error("event below min_confidence matches")
	}
	for _, c := range []struct{ k, v, want string }{
		{"type", "encounter,party", `type: unknown type "party"`},
		{"from", "now", "from: "},
		{"mmsi", "0", "mmsi: "},
		{"mmsi", "1234567890", "mmsi: "},
		{"mmsi", "abc", "mmsi: "},
		{"min_confidence", "1.5", "min_confidence: "},
		{"limit", "0", "limit: "},
		{"limit", "10001", "limit: "},
		{"order", "random", "order: "},
		{"bbox", "1,2", "bbox: "},
	} {
		_, err := parseEventQuery(url.Values{c.k: {c.v}}, 1000, 10000)
		if err == nil || !strings.HasPrefix(message(err), c.want) {
			t.Errorf("%s=%s: error %v, want it to start %q", c.k, c.v, err, c.want)
		}
	}
	if _, err := parseEventQuery(url.Values{"from": {"2026-03-02T00:00:00Z"}, "to": {"2026-03-01T00:00:00Z"}}, 1, 1); err == nil {
		t.Error("from after to: no error")
	}
	q, _ = parseEventQuery(url.Values{}, 1000, 10000)
	if q.limit != 1000 || !q.desc {
		t.Errorf("defaults: %+v", q)
	}
}

func TestParseStreamFilter(t *testing.T) {
	for in, want := range map[string]live.Filter{
		"":                    {Positions: true, Alerts: true},
		"types=position":      {Positions: true},
		"types=alert":         {Alerts: true},
		"types=gap,encounter": {Alerts: true, Types: []event.Type{event.Gap, event.Encounter}},
		"types=position,gap":  {Positions: true, Alerts: true, Types: []event.Type{event.Gap}},
	} {
		r := httptest.NewRequest("GET", "/api/stream?"+in, nil)
		f, err := parseStreamFilter(r)
		if err != nil || f.Positions != want.Positions || f.Alerts != want.Alerts || len(f.Types) != len(want.Types) {
			t.Errorf("%q: %+v, %v; want %+v", in, f, err, want)
		}
	}
	if _, err := parseStreamFilter(httptest.NewRequest("GET", "/api/stream?types=ship", nil)); err == nil || !strings.HasPrefix(message(err), "types: ") {
		t.Errorf("unknown type: %v", err)
	}
	if f, err := parseStreamFilter(httptest.NewRequest("GET", "/api/stream?min_interval=30s", nil)); err != nil || f.MinInterval != 30*time.Second {
		t.Errorf("min_interval: %+v %v", f, err)
	}
	if _, err := parseStreamFilter(httptest.NewRequest("GET", "/api/stream?min_interval=often", nil)); err == nil || !strings.HasPrefix(message(err), "min_interval: ") {
		t.Errorf("bad min_interval: %v", err)
	}
}

// TestErrors: every mistake in a request gets a 4xx and a JSON body
// saying what is wrong.
func TestErrors(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	h := srv.Handler()
	for _, c := range []struct {
		method, path string
		code         int
		says         string
	}{
		{"GET", "/api/vessels?bbox=1,2,3", 400, "bbox"},
		{"GET", "/api/vessels?max_age=forever", 400, "max_age"},
		{"GET", "/api/vessels/abc", 400, "mmsi"},
		{"GET", "/api/vessels/123456789", 404, "not known"},
		{"GET", "/api/vessels/123456789/track?from=yesterday", 400, "from"},
		{"GET", "/api/vessels/123456789/track?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", 400, "not before"},
		{"GET", "/api/vessels/123456789/track?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", 400, "range"},
		{"GET", "/api/events?type=party", 400, "unknown type"},
		{"GET", "/api/events?min_confidence=2", 400, "min_confidence"},
		{"GET", "/api/export/events.csv?to=tomorrow", 400, "to"},
		{"GET", "/api/networks?mmsi=-1", 400, "mmsi"},
		{"GET", "/api/stream?bbox=0,0,0", 400, "bbox"},
		{"GET", "/api/nothing", 404, "no such endpoint"},
		{"POST", "/api/events", 405, "not allowed"},
		{"DELETE", "/api/vessels/123456789", 405, "not allowed"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		var body errorBody
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != c.code || !strings.Contains(body.Error, c.says) {
			t.Errorf("%s %s: %d %q, want %d saying %q", c.method, c.path, w.Code, w.Body.String(), c.code, c.says)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: content type %q", c.method, c.path, ct)
		}
	}
	// A body over the limit is refused before any handler reads it.
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/api/events", strings.NewReader(strings.Repeat("x", 2<<20)))
	h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d", w.Code)
	}
}

func TestMapConfig(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/api/config", nil))
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != "{}" {
		t.Errorf("default config: %d %s", w.Code, w.Body)
	}
	zoom := 5.0
	srv.opts.Map = MapConfig{Tiles: "https://tiles.example.org/{z}/{x}/{y}.png", Center: &[2]float64{127.5, 35.5}, Zoom: &zoom}
	w = httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/api/config", nil))
	if want := `{"tiles":"https://tiles.example.org/{z}/{x}/{y}.png","center":[127.5,35.5],"zoom":5}`; strings.TrimSpace(w.Body.String()) != want {
		t.Errorf("config: %s, want %s", w.Body, want)
	}
}
