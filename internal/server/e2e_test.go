package server

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// newTestServer returns a server over a pipeline (not running) with the
// given feeds and a store in a temporary directory.
func newTestServer(t *testing.T, feeds []live.Feed) (*Server, *live.Pipeline) {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	reg := prometheus.NewRegistry()
	p, err := live.New(live.Options{Feeds: feeds}, st, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return New(p, Options{Gatherer: reg, Heartbeat: time.Hour}, nil, reg), p
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %.200s", url, err, body)
	}
}

// sse is one message of the live stream.
type sse struct{ event, data string }

// readSSE sends the stream's messages to out until the body ends.
func readSSE(body io.Reader, out chan<- sse) {
	defer close(out)
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var m sse
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if m.event != "" {
				out <- m
			}
			m = sse{}
		case strings.HasPrefix(line, "event: "):
			m.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			m.data = line[6:]
		}
	}
}

// TestEndToEnd starts the real server and pipeline on random ports,
// pushes real NMEA over TCP (a Norwegian coastal log) and UDP (a
// satellite and terrestrial log), and reads vessels, profiles, tracks,
// events, exports and the live stream back through the API.
func TestEndToEnd(t *testing.T) {
	srv, p := newTestServer(t, []live.Feed{
		{Name: "sat", Partner: "CAN", Label: "REL TO FVEY", Kind: live.TCPListener, Address: "127.0.0.1:0"},
		{Name: "nor", Partner: "NOR", Label: "REL TO NATO", Kind: live.UDPListener, Address: "127.0.0.1:0"},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	pctx, stopPipeline := context.WithCancel(context.Background())
	defer stopPipeline()
	hctx, stopHTTP := context.WithCancel(context.Background())
	defer stopHTTP()
	ran := make(chan error, 1)
	served := make(chan error, 1)
	go func() { ran <- p.Run(pctx) }()
	go func() { served <- srv.Serve(hctx, ln) }()

	// Subscribe to the live stream before anything is pushed.
	resp, err := http.Get(base + "/api/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	msgs := make(chan sse, 1<<16)
	go readSSE(resp.Body, msgs)
	for p.Stats().Subscribers == 0 {
		time.Sleep(time.Millisecond) // the handler subscribes after answering
	}

	nor := readLines(t, "../../testdata/aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4")
	sat := readLines(t, "../../testdata/aivdm/aisdb_tagblock_2021-11-01.nm4")
	tc, err := net.Dial("tcp", p.Addr("sat").String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(tc, strings.Join(sat, "\r\n")+"\r\n"); err != nil {
		t.Fatal(err)
	}
	tc.Close()
	uc, err := net.Dial("udp", p.Addr("nor").String())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(nor); i += 10 { // ten sentences a datagram, as receivers batch them
		if _, err := uc.Write([]byte(strings.Join(nor[i:min(i+10, len(nor))], "\n") + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	uc.Close()

	// Wait until every line has been read and every report processed,
	// then flush the store.
	for i := 0; ; i++ {
		s := p.Stats()
		var decoded int64
		for _, f := range s.Feeds {
			decoded += f.Reports
		}
		if s.Feeds[0].Lines == int64(len(sat)) && s.Feeds[1].Lines == int64(len(nor)) && s.Reports == decoded {
			break
		}
		if i == 20000 {
			t.Fatalf("lines not all taken in: %+v", s)
		}
		time.Sleep(time.Millisecond)
	}
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	// Vessels now, from both feeds.
	var fc struct {
		Type     string
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates []float64
			}
			Properties struct {
				MMSI     uint32
				Name     string
				ShipType *int
				SOG      *float64
				Time     time.Time
			}
		}
	}
	getJSON(t, base+"/api/vessels?max_age=5000d", &fc) // the two logs are two years apart
	if fc.Type != "FeatureCollection" || len(fc.Features) < 1000 {
		t.Fatalf("%s with %d vessels", fc.Type, len(fc.Features))
	}
	named := 0
	for _, f := range fc.Features {
		if f.Properties.Name != "" {
			named++
		}
		if f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
			t.Fatalf("feature %+v", f)
		}
	}
	if named == 0 {
		t.Error("no vessel has a name")
	}
	getJSON(t, base+"/api/vessels?max_age=5000d&bbox=4,57,32,72", &fc) // Norway
	for _, f := range fc.Features {
		if lon, lat := f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]; lon < 4 || lon > 32 || lat < 57 || lat > 72 {
			t.Fatalf("vessel %d at %v outside the box", f.Properties.MMSI, f.Geometry.Coordinates)
		}
	}
	if len(fc.Features) < 500 {
		t.Errorf("%d vessels off Norway", len(fc.Features))
	}

	// Events detected live: MMSIs that are no ship's (a coast-station or
	// group number sending Class B positions, a placeholder). Net buoys
	// (BUOY-007, a battery level for a name) are fishing gear: no ship
	// rule applies to them.
	var evs []event.Event
	getJSON(t, base+"/api/events?type=spoofing", &evs)
	has := func(evs []event.Event, mmsi uint32) bool {
		for _, e := range evs {
			if e.MMSI == mmsi {
				return true
			}
		}
		return false
	}
	if !has(evs, 62585404) || !has(evs, 123456789) || has(evs, 994008087) || has(evs, 59700014) {
		t.Fatalf("spoofing events %+v", evs)
	}
	nSpoof := len(evs)
	getJSON(t, base+"/api/events?type=spoofing&bbox=-180,10,-170,20&min_confidence=0.85", &evs)
	if len(evs) != 1 || evs[0].MMSI != 62585404 {
		t.Errorf("filtered events: %+v", evs)
	}

	// Profiles: identity from the store, risk from the live picture.
	var prof vesselProfile
	getJSON(t, base+"/api/vessels/257021970", &prof)
	if prof.Name != "SANDER ANDRE" || len(prof.Identity["imo"]) != 1 || prof.Identity["imo"][0].Value != "981346200" || prof.Flag != "NO" {
		t.Errorf("profile %+v", prof)
	}
	prof = vesselProfile{}
	getJSON(t, base+"/api/vessels/62585404", &prof)
	if prof.Latest == nil || prof.Risk == nil || prof.Risk.Score == 0 || len(prof.Events) == 0 || prof.Profile == nil {
		t.Errorf("profile %+v", prof)
	}

	// A track.
	var tf struct {
		Type       string
		Geometry   *struct{ Type string }
		Properties trackProps
		Points     []position
	}
	getJSON(t, base+"/api/vessels/994008087/track?from=2021-11-01T00:00:00Z&to=2021-11-02T00:00:00Z", &tf)
	if tf.Type != "Feature" || tf.Geometry == nil || tf.Properties.Count == 0 || len(tf.Points) != tf.Properties.Count {
		t.Errorf("track %+v", tf)
	}

	// Exports.
	get := func(path string) (string, http.Header) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b), resp.Header
	}
	rows, err := csv.NewReader(strings.NewReader(func() string { b, _ := get("/api/export/events.csv?type=spoofing"); return b }())).ReadAll()
	if err != nil || len(rows) != nSpoof+1 || rows[0][0] != "id" {
		t.Errorf("csv: %v, %d rows", err, len(rows))
	}
	kml, h := get("/api/export/events.kml?type=spoofing")
	if !strings.Contains(kml, "<Placemark") || !strings.Contains(h.Get("Content-Disposition"), "events.kml") {
		t.Errorf("kml: %.300s", kml)
	}
	gj, _ := get("/api/export/events.geojson?mmsi=62585404")
	var efc featureCollection
	if err := json.Unmarshal([]byte(gj), &efc); err != nil || len(efc.Features) != 1 {
		t.Errorf("geojson export: %v, %.300s", err, gj)
	}

	pq, _ := get("/api/export/events.parquet?type=spoofing")
	if f, err := parquet.OpenFile(strings.NewReader(pq), int64(len(pq))); err != nil || f.NumRows() != int64(nSpoof) {
		t.Errorf("parquet export: %v", err)
	}

	var nets struct{ Networks []json.RawMessage }
	getJSON(t, base+"/api/networks", &nets)
	metrics, _ := get("/metrics")
	for _, want := range []string{`picket_live_lines_total{feed="nor"} 1000`, `picket_nmea_lines_total{feed="sat",reason="decoded"}`,
		`picket_live_queue_depth{queue="store"}`, `picket_detect_events_total{type="spoofing"}`, `picket_http_requests_total{code="200",route="GET /api/vessels"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	var hz health
	getJSON(t, base+"/healthz", &hz)
	if hz.Status != "ok" || len(hz.Feeds) != 2 || hz.Store.Vessels == 0 {
		t.Errorf("healthz %+v", hz)
	}

	// The live stream carried the positions and the alerts.
	var positions int
	alerts := map[uint32]bool{}
	for positions < 1000 || !alerts[62585404] || !alerts[123456789] {
		var m sse
		select {
		case m = <-msgs:
		case <-time.After(30 * time.Second): // a hang guard, not a measure
			t.Fatalf("stream: %d positions, alerts %v", positions, alerts)
		}
		switch m.event {
		case "position":
			positions++
		case "alert":
			var e event.Event
			if err := json.Unmarshal([]byte(m.data), &e); err != nil || e.ID == "" {
				t.Fatalf("alert %q: %v", m.data, err)
			}
			alerts[e.MMSI] = true
		case "dropped":
			t.Fatalf("stream dropped messages: %s", m.data)
		}
	}

	// Shutdown in pipeline order: the pipeline drains (the detectors
	// close what is open, as at the end of a file, and the store gets
	// every event), then HTTP.
	stopPipeline()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	for range msgs { // the stream ends when the hub closes
	}
	var stored int64
	p.Store().Events(store.EventFilter{Clearance: store.AllFeeds}, func(e event.Event, prov store.Provenance) bool {
		stored++
		if prov.Feeds == 0 || prov.Feeds > 3 || prov.OtherFeeds > 3 || (prov.OtherFeeds == 0) != (e.OtherMMSI == 0 && e.PreviousMMSI() == 0) {
			t.Errorf("event %s with provenance %+v: %+v", e.ID, prov, e)
		}
		return true
	})
	if s := p.Stats(); stored != s.Events || s.Stored != s.Tracked+s.OutOfOrder {
		t.Errorf("after shutdown: %d events stored of %d detected; %d positions stored of %d", stored, s.Events, s.Stored, s.Tracked+s.OutOfOrder)
	}
	stopHTTP()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
