package web

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/server"
	"github.com/picket-ais/picket/internal/store"
)

// rulesCase is what e2e/rules.mjs is told: who logs in, where to draw,
// and the URL that pushes a position into a feed.
type rulesCase struct {
	Analyst string     `json:"analyst"`
	Viewer  string     `json:"viewer"`
	Other   string     `json:"other"`    // GBR's analyst
	User    string     `json:"user"`     // the analyst's user name
	Assign  string     `json:"assign"`   // a user of the same partner
	Area    [4]float64 `json:"area"`     // minLon, minLat, maxLon, maxLat to draw around
	Vessel  uint32     `json:"vessel"`   // heard by jpn-coast: crosses into the area
	Hidden  uint32     `json:"hidden"`   // heard by gbr-sat only: crosses into it first
	PushURL string     `json:"push_url"` // POST ?feed=&mmsi=&lat=&lon=&ago= (minutes)
	// History is a vessel with 21 days in the store, and what its
	// timeline must show JPN.
	History historyWant `json:"history"`
}

// historyWant is what JPN must see of the history vessel's timeline.
type historyWant struct {
	MMSI     uint32 `json:"mmsi"`
	Days     int    `json:"days"`
	Ports    int    `json:"ports"`
	Voyages  int    `json:"voyages"`
	Meetings int    `json:"meetings"`
	Gaps     int    `json:"gaps"`
	Names    int    `json:"names"`
	Meeting  string `json:"meeting"` // the id of the meeting it may see
}

// seedHistory puts 21 days of a vessel's history in the store, as
// jpn-coast (bit 0) heard it: a fix every 6 h, two port calls, a meeting
// with a vessel jpn-coast heard, another with one only gbr-sat (bit 1)
// heard (which JPN may not see), a gap, and a change of name.
func seedHistory(t *testing.T, st *store.Store) historyWant {
	t.Helper()
	const m, mate, stranger = 431000555, 431000556, 232000557
	day := 24 * time.Hour
	t0 := time.Now().UTC().Truncate(day).Add(-21 * day)
	var ps []store.Position
	for i := 0; i < 21*4; i++ {
		ps = append(ps, store.Position{MMSI: m, Time: t0.Add(time.Duration(i) * 6 * time.Hour).UnixMilli(), Lat: 34.07 + float64(i)*0.01, Lon: 124.1,
			SOG: 10, COG: 0, Heading: -1, Status: 0, Feeds: 1})
	}
	ps = append(ps, store.Position{MMSI: mate, Time: t0.Add(5 * day).UnixMilli(), Lat: 34.2, Lon: 124.1, SOG: 0, COG: 0, Heading: -1, Feeds: 1})
	if err := st.Append(ps); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.IdentityRecord{
		{Field: "name", Value: "OLD NAME", First: t0.UnixMilli(), Last: t0.Add(12 * day).UnixMilli(), Feeds: 1},
		{Field: "name", Value: "HISTORY MARU", First: t0.Add(12 * day).UnixMilli(), Last: t0.Add(20 * day).UnixMilli(), Feeds: 1},
	} {
		if err := st.PutIdentity(m, r); err != nil {
			t.Fatal(err)
		}
	}
	ev := func(id string, typ event.Type, other uint32, from, to time.Duration, port string) event.Event {
		return event.Event{ID: id, Type: typ, MMSI: m, OtherMMSI: other, Start: t0.Add(from), End: t0.Add(to), Lat: 34.1, Lon: 124.1,
			Confidence: 0.8, Summary: id, Port: port}
	}
	for _, e := range []struct {
		e    event.Event
		prov store.Provenance
	}{
		{ev("hist-port-busan", event.PortVisit, 0, 2*day, 3*day, "BUSAN"), store.Provenance{Feeds: 1}},
		{ev("hist-meet", event.Encounter, mate, 5*day, 5*day+3*time.Hour, ""), store.Provenance{Feeds: 1, OtherFeeds: 1}},
		{ev("hist-meet-hidden", event.Encounter, stranger, 6*day, 6*day+3*time.Hour, ""), store.Provenance{Feeds: 1, OtherFeeds: 2}},
		{ev("hist-gap", event.Gap, 0, 7*day, 8*day, ""), store.Provenance{Feeds: 1}},
		{ev("hist-port-nakhodka", event.PortVisit, 0, 10*day, 11*day, "NAKHODKA"), store.Provenance{Feeds: 1}},
	} {
		if err := st.PutEvent(e.e, e.prov); err != nil {
			t.Fatal(err)
		}
	}
	// Before BUSAN, BUSAN to NAKHODKA, NAKHODKA to the last fix.
	return historyWant{MMSI: m, Days: 21, Ports: 2, Voyages: 3, Meetings: 1, Gaps: 1, Names: 2, Meeting: "hist-meet"}
}

// TestBrowserRules runs the real server with two live TCP feeds,
// jpn-coast (REL TO JPN) and gbr-sat (REL TO GBR), and in headless
// Chromium: JPN's analyst draws an area on the map, makes an entry rule
// of it, and when a vessel jpn-coast hears crosses into it, gets the
// alert live (a toast, a ring on the map, the inbox) and never one of a
// vessel only gbr-sat hears, which crossed first; assigns and
// acknowledges it; JPN's viewer sees the inbox with no buttons; the
// measure tool gives a distance and bearing; a vessel's timeline shows
// its 21 days in the store, its voyages, port calls, the meeting JPN may
// see (not the one it may not) and its gap; the rule is changed,
// disabled and enabled; a zone drawn on the map is made a rule of and
// alerts; a watchlist entry rings the vessel and names it in its panel;
// GBR's analyst sees none of it. The audit log must then hold each rule,
// zone and watchlist change and both actions with the analyst's name and
// what changed.
func TestBrowserRules(t *testing.T) {
	chromium, node := browserTools(t)
	dir := t.TempDir()
	secrets := map[string]string{}
	users := []struct {
		name, partner string
		role          access.Role
	}{{"aiko", "JPN", access.Analyst}, {"kenji", "JPN", access.Viewer}, {"gwen", "GBR", access.Analyst}}
	err := access.Update(dir, func(r *access.Registry) error {
		for _, p := range []string{"JPN", "GBR"} {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
		}
		for _, u := range users {
			if err := r.AddUser(u.name, u.partner, u.role, ""); err != nil {
				return err
			}
			s, _, err := r.CreateToken(u.name, "e2e", time.Hour, time.Now())
			if err != nil {
				return err
			}
			secrets[u.name] = s
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
	audit, err := access.OpenAudit(filepath.Join(dir, access.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	history := seedHistory(t, st)
	feeds := []live.Feed{
		{Name: "jpn-coast", Partner: "JPN", Label: "REL TO JPN", Kind: live.TCPListener, Address: "127.0.0.1:0"},
		{Name: "gbr-sat", Partner: "GBR", Label: "REL TO GBR", Kind: live.TCPListener, Address: "127.0.0.1:0"},
	}
	reg := prometheus.NewRegistry()
	p, err := live.New(live.Options{Feeds: feeds}, st, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	desk, err := alert.Open(alert.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	pctx, stopPipeline := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- p.Run(pctx) }()
	center, zoom := [2]float64{124.5, 35.1}, 8.0
	srv := server.New(p, server.Options{Access: guard, Audit: audit, UI: Handler(), Gatherer: reg, Alerts: desk,
		StaleAfter: 6 * time.Hour, Map: server.MapConfig{Center: &center, Zoom: &zoom}}, nil, reg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hctx, stopHTTP := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(hctx, ln) }()

	// The pusher: one connection per feed, as receivers keep them.
	conns := map[string]net.Conn{}
	for _, f := range feeds {
		c, err := net.Dial("tcp", p.Addr(f.Name).String())
		if err != nil {
			t.Fatal(err)
		}
		conns[f.Name] = c
	}
	var mu sync.Mutex
	pushSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		c := conns[q.Get("feed")]
		m, err1 := strconv.ParseUint(q.Get("mmsi"), 10, 32)
		lat, err2 := strconv.ParseFloat(q.Get("lat"), 64)
		lon, err3 := strconv.ParseFloat(q.Get("lon"), 64)
		ago, err4 := strconv.Atoi(q.Get("ago"))
		if r.Method != http.MethodPost || c == nil || err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			http.Error(w, "POST ?feed=&mmsi=&lat=&lon=&ago=", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		at := time.Now().Add(-time.Duration(ago) * time.Minute)
		if _, err := io.WriteString(c, positionSentence(uint32(m), lat, lon, at)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		pushSrv.Close()
		for _, c := range conns {
			c.Close()
		}
		stopPipeline()
		if err := <-ran; err != nil {
			t.Error(err)
		}
		stopHTTP()
		if err := <-served; err != nil {
			t.Error(err)
		}
		if err := audit.Close(); err != nil {
			t.Error(err)
		}
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	}
	defer stop()

	c := rulesCase{Analyst: secrets["aiko"], Viewer: secrets["kenji"], Other: secrets["gwen"], User: "aiko", Assign: "kenji",
		Area: [4]float64{124.3, 35.0, 124.7, 35.2}, Vessel: 431000777, Hidden: 232000888, PushURL: pushSrv.URL, History: history}
	b, _ := json.Marshal(c)
	casesFile := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(casesFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PICKET_RULES", casesFile)
	runBrowser(t, chromium, node, "rules.mjs", "http://"+ln.Addr().String())

	// What the audit log holds of the changes: the rule, the assignment
	// and the acknowledgement, by aiko.
	stop()
	f, err := os.Open(filepath.Join(dir, access.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e access.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Action == access.ActionRule || e.Action == access.ActionAlert || e.Action == access.ActionZone || e.Action == access.ActionWatchlist {
			got = append(got, e.User+" "+strconv.Itoa(e.Status)+" "+e.Detail)
		}
	}
	want := []string{"aiko 201 rule ", `aiko 200 rule `, "aiko 200 rule ", "aiko 200 rule ", "aiko 200 assign alert ", "aiko 200 acknowledge alert ",
		"aiko 201 zone ", "aiko 201 rule ", "aiko 201 watchlist ", "aiko 201 watchlist "}
	if len(got) != len(want) {
		t.Fatalf("audit of the changes: %q, want %d like %q", got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("audit entry %d: %q, want %q...", i, got[i], want[i])
		}
	}
	for i, suffix := range map[int]string{1: `changed: name "Strait watch" to "Strait watch, both ways", triggers`, 2: "changed: disabled", 3: "changed: enabled",
		4: " to kenji", 6: " drawn: Narrows", 7: " added: Narrows entry", 8: " made: Suspects", 9: " added: MMSI 431000777"} {
		if !strings.HasSuffix(got[i], suffix) {
			t.Errorf("audit entry %d: %q, want ...%q", i, got[i], suffix)
		}
	}
}
