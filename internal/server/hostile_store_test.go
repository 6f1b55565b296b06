package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
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
	if err := st.WaitSeal(); err != nil {
		t.Fatal(err)
	}
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

// TestHostileTrackReadsNothingHidden: the track of a vessel the asking
// partner sees no position of is answered without reading its positions,
// so that the time taken cannot tell it from a vessel never heard (a
// hidden vessel answered 0.4-0.6 ms slower). No timing is measured: the
// vessel's block on disk is damaged, and a read of it would find and
// report the damage. JPN's request finds none; KOR's, cleared for the
// feed that heard it, reads the block and does.
func TestHostileTrackReadsNothingHidden(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	const hidden, other = 440900001, 431900002
	var ps []store.Position
	for m := range 30 {
		ps = append(ps, store.Position{MMSI: hidden, Time: f.t0.Add(time.Duration(m) * time.Minute).UnixMilli(), Lat: 35 + float64(m)/1000, Lon: 129, Heading: -1, Feeds: fK})
	}
	// Later data seals the hidden vessel's hour into a segment of its own.
	ps = append(ps, store.Position{MMSI: other, Time: f.t0.Add(3 * time.Hour).UnixMilli(), Lat: 34, Lon: 135, Heading: -1, Feeds: fJ})
	if err := f.st.Append(ps); err != nil {
		t.Fatal(err)
	}
	if err := f.st.WaitSeal(); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(f.dir, "store", "seg-*.pks"))
	if len(segs) != 1 {
		t.Fatalf("%d segments, want the hidden vessel's hour sealed", len(segs))
	}
	b, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/4] ^= 0xff // in the vessel's block, the first thing in the file
	if err := os.WriteFile(segs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	path := "/api/vessels/" + strconv.Itoa(hidden) + "/track?from=" + f.t0.Add(-time.Hour).Format(time.RFC3339) + "&to=" + f.t0.Add(2*time.Hour).Format(time.RFC3339)
	if r := f.get(t, path, f.secrets["jpn-viewer"]); r.code != http.StatusNotFound && r.code != http.StatusOK {
		t.Fatalf("JPN's track of the hidden vessel: %d %s", r.code, r.body)
	}
	if d := f.st.Damages(); len(d) != 0 {
		t.Fatalf("JPN's request for a vessel it sees nothing of read its positions: %+v", d)
	}
	f.get(t, path, f.secrets["kor-viewer"])
	if d := f.st.Damages(); len(d) == 0 {
		t.Fatal("KOR's track read the damaged block and found nothing: the test shows nothing")
	}
}
