package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// TestHealthStoreDamage: a segment whose events section is damaged on
// disk costs its events, not /api/events for everyone, and /healthz says
// the store is damaged (503) instead of ok.
func TestHealthStoreDamage(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{BlockSpan: 5 * time.Minute, Grace: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const broken, kept = "ev-in-a-damaged-section", "ev-kept-in-memory"
	put := func(id string, at time.Duration) {
		e := event.Event{ID: id, Type: event.Gap, MMSI: 232000001, Start: t0.Add(at), End: t0.Add(at + time.Minute), Lat: 50, Lon: -1, Confidence: 0.5, Summary: id}
		if err := st.PutEvent(e, store.Provenance{Feeds: 1}); err != nil {
			t.Fatal(err)
		}
	}
	put(broken, 0)
	for _, m := range []time.Duration{0, time.Minute, 9 * time.Minute} {
		if err := st.Append([]store.Position{{MMSI: 232000001, Time: t0.Add(m).UnixMilli(), Lat: 50, Lon: -1, Heading: -1, Feeds: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	put(kept, 9*time.Minute)
	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*.pks"))
	if len(segs) == 0 {
		t.Fatal("no segment sealed")
	}
	b, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(broken))
	if i < 0 {
		t.Fatalf("%s holds no %s", segs[0], broken)
	}
	b[i+3] ^= 0x20
	if err := os.WriteFile(segs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}

	reg := prometheus.NewRegistry()
	p, err := live.New(live.Options{Feeds: []live.Feed{{Name: "f", Partner: "GBR", Label: "REL TO GBR", Kind: live.TCPListener, Address: "127.0.0.1:0"}}}, st, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	ts := httptest.NewServer(New(p, Options{Gatherer: reg}, nil, reg).Handler())
	defer ts.Close()
	get := func(path string) (int, []byte) {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.Bytes()
	}
	code, body := get("/api/events")
	var evs []event.Event
	if code != http.StatusOK || json.Unmarshal(body, &evs) != nil || len(evs) != 1 || evs[0].ID != kept {
		t.Errorf("/api/events with a damaged segment: %d %.300s, want the event kept in memory", code, body)
	}
	if code, _ := get("/api/vessels?max_age=1d"); code != http.StatusOK {
		t.Errorf("/api/vessels with a damaged segment: %d", code)
	}
	code, body = get("/healthz")
	var h struct{ Status string }
	json.Unmarshal(body, &h)
	if code != http.StatusServiceUnavailable || !strings.Contains(h.Status, filepath.Base(segs[0])) {
		t.Errorf("/healthz with a damaged segment: %d %q, want 503 naming %s", code, h.Status, filepath.Base(segs[0]))
	}
}
