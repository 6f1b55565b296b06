package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/store"
)

// detFixture is a server with access control over an AIS feed of JPN's
// (released to JPN and KOR), a radar of KOR's (released to KOR alone)
// and a detections feed of KOR's (released to KOR and USA), and partners
// JPN, KOR, USA and AUS (cleared for nothing).
type detFixture struct {
	srv     *Server
	http    *httptest.Server
	st      *store.Store
	tok     map[string]string // by user
	t0      time.Time
	aisBit  uint64
	detFeed string
}

func newDetFixture(t *testing.T) *detFixture {
	t.Helper()
	dir := t.TempDir()
	f := &detFixture{tok: map[string]string{}, t0: time.Now().Add(-6 * time.Hour).Truncate(time.Hour), detFeed: "kor-sar"}
	err := access.Update(dir, func(r *access.Registry) error {
		for _, p := range []string{"JPN", "KOR", "USA", "AUS"} {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
			for _, role := range testRoles {
				u := userName(p, role)
				if err := r.AddUser(u, p, role, ""); err != nil {
					return err
				}
				secret, _, err := r.CreateToken(u, "tests", 0, time.Now())
				if err != nil {
					return err
				}
				f.tok[u] = secret
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	guard, err := access.OpenGuard(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.st, err = store.Open(filepath.Join(dir, "store"), store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.st.Close() })
	p, err := live.New(live.Options{Feeds: []live.Feed{
		{Name: "jpn-coast", Partner: "JPN", Label: "REL TO JPN, KOR", Kind: live.TCPListener, Address: "127.0.0.1:0"},
		{Name: "kor-radar", Partner: "KOR", Label: "REL TO KOR", Kind: live.Radar, File: "radar.nmea", Site: &[2]float64{37.45, 126.6}, RangeM: 44_448},
		{Name: f.detFeed, Partner: "KOR", Label: "REL TO KOR, USA", Kind: live.Detections},
	}}, f.st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	f.aisBit = 1 << 0
	f.srv = New(p, Options{Access: guard, RatePerSecond: 1e6, RateBurst: 1 << 20}, nil, nil)
	f.http = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.http.Close)
	// One vessel heard by jpn-coast, anchored at 37.5, 125.5.
	var ps []store.Position
	for m := 0; m <= 120; m += 10 {
		ps = append(ps, store.Position{MMSI: 440100001, Time: f.t0.Add(time.Duration(m) * time.Minute).UnixMilli(), Lat: 37.5, Lon: 125.5,
			SOG: 0, COG: 0, Heading: -1, Status: 1, Feeds: f.aisBit})
	}
	if err := f.st.Append(ps); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *detFixture) do(t *testing.T, method, path, user, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.tok[user])
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// features gets a GeoJSON answer and returns its features' properties.
func (f *detFixture) features(t *testing.T, path, user string) []map[string]any {
	t.Helper()
	code, b := f.do(t, http.MethodGet, path, user, "")
	if code != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %s", path, user, code, b)
	}
	var fc struct {
		Type     string
		Features []struct {
			Geometry   map[string]any
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil || fc.Type != "FeatureCollection" {
		t.Fatalf("GET %s: %v %.200s", path, err, b)
	}
	var out []map[string]any
	for _, ft := range fc.Features {
		ft.Properties["geometry"] = ft.Geometry["type"]
		out = append(out, ft.Properties)
	}
	return out
}

// TestDetectionsUploadAndAccess: KOR's analyst uploads a SAR file to
// KOR's detections feed; the answer counts its rows by reason; KOR's
// users see the detections, the scene and the radar's coverage; USA the
// detections without the AIS vessel it may not see; JPN
// (cleared for the AIS the detection was matched against, not for the
// detections feed) and AUS (cleared for nothing) see none of them, and
// cannot upload.
func TestDetectionsUploadAndAccess(t *testing.T) {
	f := newDetFixture(t)
	at := f.t0.Add(time.Hour).UTC().Format(time.RFC3339)
	csv := "scene_id,detect_id,detect_timestamp,detect_lat,detect_lon,presence_score,footprint_wkt\n" +
		"S1,on-ais," + at + ",37.5003,125.5003,0.9,\"POLYGON ((125 37, 126 37, 126 38, 125 38, 125 37))\"\n" +
		"S1,dark," + at + ",37.7,125.8,0.9,\n" +
		"S1,bad," + at + ",37.7,not-a-number,0.9,\n"
	kor := userName("KOR", access.Analyst)
	code, b := f.do(t, http.MethodPost, "/api/detections?name=pass.csv", kor, csv)
	if code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, b)
	}
	var rep struct {
		Feed                           string
		Rows, Used, Bad, Matched, Dark int
		DarkVessels                    int `json:"dark_vessels"`
		BadRows                        []struct {
			Reason    string
			Rows      int
			FirstLine int `json:"first_line"`
		} `json:"bad_rows"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Feed != f.detFeed || rep.Rows != 3 || rep.Used != 2 || rep.Bad != 1 || rep.Matched != 1 || rep.Dark != 1 || rep.DarkVessels != 1 ||
		len(rep.BadRows) != 1 || rep.BadRows[0].FirstLine != 4 || !strings.Contains(rep.BadRows[0].Reason, "lon") {
		t.Errorf("upload report %s", b)
	}
	// A file without positions is refused whole, saying why.
	if code, b := f.do(t, http.MethodPost, "/api/detections", kor, "a,b\n1,2\n"); code != http.StatusBadRequest || !strings.Contains(string(b), "lat") {
		t.Errorf("a file without positions: %d %s", code, b)
	}
	// JPN and AUS have no detections feed: nothing to upload to.
	for _, p := range []string{"JPN", "AUS"} {
		if code, b := f.do(t, http.MethodPost, "/api/detections", userName(p, access.Analyst), csv); code != http.StatusNotFound {
			t.Errorf("%s uploads: %d %s", p, code, b)
		}
	}
	// Nor to KOR's, named.
	if code, _ := f.do(t, http.MethodPost, "/api/detections?feed="+f.detFeed, userName("JPN", access.Analyst), csv); code != http.StatusNotFound {
		t.Errorf("JPN uploads to KOR's feed: %d", code)
	}

	dets := f.features(t, "/api/detections", userName("KOR", access.Viewer))
	if len(dets) != 2 {
		t.Fatalf("KOR sees %d detections", len(dets))
	}
	for _, d := range dets {
		switch d["id"] {
		case "on-ais":
			if d["status"] != "matched" || d["mmsi"] != float64(440100001) {
				t.Errorf("matched detection %v", d)
			}
		case "dark":
			if d["status"] != "dark" || d["event"] == nil || d["sensor"] != "sar" {
				t.Errorf("dark detection %v", d)
			}
		}
	}
	if got := f.features(t, "/api/detections?status=dark", userName("KOR", access.Viewer)); len(got) != 1 || got[0]["id"] != "dark" {
		t.Errorf("status=dark: %v", got)
	}
	if got := f.features(t, "/api/detections?bbox=125.4,37.4,125.6,37.6", userName("KOR", access.Viewer)); len(got) != 1 || got[0]["id"] != "on-ais" {
		t.Errorf("bbox: %v", got)
	}
	if got := f.features(t, "/api/scenes", userName("KOR", access.Viewer)); len(got) != 1 || got[0]["id"] != "S1" || got[0]["geometry"] != "MultiPolygon" {
		t.Errorf("scenes: %v", got)
	}
	if got := f.features(t, "/api/layers/radars", userName("KOR", access.Viewer)); len(got) != 1 || got[0]["feed"] != "kor-radar" || got[0]["range_m"] != 44448.0 {
		t.Errorf("radars: %v", got)
	}
	// USA sees the detections, not the AIS: the matched one without its
	// vessel, and not the radar.
	for _, d := range f.features(t, "/api/detections", userName("USA", access.Viewer)) {
		if d["id"] == "on-ais" && (d["status"] != "matched" || d["mmsi"] != nil) {
			t.Errorf("USA sees the matched detection as %v", d)
		}
	}
	if got := f.features(t, "/api/layers/radars", userName("USA", access.Viewer)); len(got) != 0 {
		t.Errorf("USA sees radars %v", got)
	}
	n := 0
	f.st.Events(store.EventFilter{Clearance: store.AllFeeds, Types: []event.Type{event.DarkVessel}}, func(event.Event, store.Provenance) bool { n++; return true })
	if n != 1 {
		t.Errorf("%d dark_vessel events stored", n)
	}
	// A partner not cleared for the detections feed sees nothing of it.
	for _, p := range []string{"JPN", "AUS"} {
		for _, path := range []string{"/api/detections", "/api/scenes", "/api/layers/radars", "/api/events?type=dark_vessel"} {
			code, b := f.do(t, http.MethodGet, path, userName(p, access.Viewer), "")
			if code != http.StatusOK {
				t.Fatalf("%s as %s: %d", path, p, code)
			}
			if strings.Contains(string(b), "S1") || strings.Contains(string(b), "kor-") || strings.Contains(string(b), "125.8") {
				t.Errorf("%s as %s shows what KOR's feeds made: %.300s", path, p, b)
			}
		}
	}
}

// TestDetectionsWatchedDelivery: a file dropped into a detections feed's
// directory goes through the pipeline (live.Options.Deliver) to the
// server's desk: its detections come out of the API to a partner cleared
// for the feed, and its dark vessel on the live stream's hub.
func TestDetectionsWatchedDelivery(t *testing.T) {
	dir := t.TempDir()
	drop := filepath.Join(dir, "drop")
	if err := os.Mkdir(drop, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var srv *Server
	p, err := live.New(live.Options{
		Feeds:       []live.Feed{{Name: "sar", Partner: "KOR", Label: "REL TO KOR", Kind: live.Detections, File: drop, Format: "gfw-sar"}},
		KeepRunning: true,
		Deliver:     func(feed string, d source.Delivery) error { return srv.Deliver(feed, d) },
		// The directory is polled every few milliseconds, not seconds.
		Sleep: func(ctx context.Context, _ time.Duration) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
				return nil
			}
		},
	}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv = New(p, Options{}, nil, nil)
	sub := p.Hub().Subscribe(live.Filter{Alerts: true, Clearance: store.AllFeeds})
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- p.Run(ctx) }()
	defer func() { cancel(); <-ran }()
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	csv := "detect_id,detect_timestamp,detect_lat,detect_lon,presence_score\nw1," + at + ",37.7,125.8,0.9\n"
	if err := os.WriteFile(filepath.Join(drop, "pass.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	for i := 0; ; i++ {
		resp, err := http.Get(hs.URL + "/api/detections")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), `"id":"w1"`) {
			break
		}
		if i == 3000 {
			t.Fatalf("the dropped file's detection never came: %s; feeds %+v", b, p.Stats().Feeds)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case m := <-sub.C:
		if m.Alert == nil || m.Alert.Type != event.DarkVessel {
			t.Errorf("the hub sent %+v", m)
		}
	case <-time.After(time.Minute): // a hang guard, not a measure
		t.Error("no dark vessel on the live stream")
	}
}
