package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/ports"
	"github.com/picket-ais/picket/internal/server"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/store"
	"github.com/picket-ais/picket/internal/watchlist"
	"github.com/picket-ais/picket/internal/zone"
)

// The partners test's world: a simulated scenario split by MMSI parity
// into two feeds that hear different vessels, and three partners' users.
var (
	partnerFeeds = []struct {
		name, owner string
		relTo       []string
	}{
		{"kor-shore", "KOR", []string{"KOR", "JPN"}}, // the replay of the even MMSIs
		{"gbr-sat", "GBR", []string{"NATO"}},         // the replay of the odd MMSIs
		{"kor-live", "KOR", []string{"KOR", "JPN"}},  // a TCP feed, pushed to while the page is open
	}
	partnerGroups = map[string][]string{"NATO": {"GBR", "USA"}}
	// sensorFeed takes satellite detections (kind: detections); it is
	// given sensorDetections, where the map opens.
	sensorFeed = struct {
		name, owner string
		relTo       []string
	}{"kor-sar", "KOR", []string{"KOR", "JPN"}}
	sensorDetections = [][2]float64{{124.6, 35.4}, {124.9, 35.2}}
	partnerUsers     = []struct {
		name, partner string
		role          access.Role
		shot          string
	}{
		{"jpn-analyst", "JPN", access.Analyst, "partners-jpn.png"},
		{"gbr-viewer", "GBR", access.Viewer, "partners-gbr.png"},
		{"usa-admin", "USA", access.Admin, "partners-usa.png"},
	}
)

// replayed is the number of partnerFeeds that replay a file; the others
// listen for TCP connections.
const replayed = 2

// partnersHours is the scenario's length: long enough for a staged
// encounter and loitering (about 10 h), short enough for a quick test.
const partnersHours = 12

// TestBrowserPartners runs the real server (internal/server over a live
// pipeline and a store, with access control, the audit log and the
// embedded map) on a simulated scenario whose feed is split in two: the
// even MMSIs are heard by kor-shore (REL TO KOR, JPN), the odd ones by
// gbr-sat (REL TO NATO, NATO being GBR and USA), both replayed to the end
// before the server starts. A third feed, kor-live (REL TO KOR, JPN),
// takes NMEA over TCP: the test pushes a new vessel into it while each
// user's page is open, which only JPN's live stream may bring.
//
// In headless Chromium, jpn-analyst, gbr-viewer and usa-admin each open a
// demo login link and must see exactly the vessels of the feeds they are
// cleared for, worked out here from the split files and the labels, not
// by the server's code: the header's count, the /api/vessels answer the
// page got and what it holds; none of another feed's vessels by name or
// MMSI in a search, the events, the networks, an export, the live stream
// or a vessel's panel (which must read as for an MMSI never heard); their
// partner on the badge and the marking; exports and networks locked for
// the viewer. They log out in turn in one page, so nothing may survive
// from one partner to the next. Screenshots partners-{jpn,gbr,usa}.png go
// beside TestBrowser's.
func TestBrowserPartners(t *testing.T) {
	chromium, node := browserTools(t)
	dir := t.TempDir()
	simDir := filepath.Join(dir, "sim")
	res, err := sim.WriteDir(sim.Options{Seed: 1, Vessels: 60, Hours: partnersHours}, simDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range partnerFeeds[:replayed] {
		files = append(files, filepath.Join(dir, f.name+".nmea"))
	}
	heard, err := splitByParity(filepath.Join(simDir, sim.FeedFile), files)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range heard {
		t.Logf("feed %s: %d lines, %d vessels with a position, %d named", partnerFeeds[i].name, h.lines, len(h.positions), len(h.names))
		if len(h.positions) < 10 {
			t.Fatalf("feed %s hears %d vessels: the split left it nearly empty", partnerFeeds[i].name, len(h.positions))
		}
	}
	samples := pickSamples(t, heard)

	end := res.Options.Start.Add(partnersHours * time.Hour)
	url, secrets, push, stop := servePartners(t, dir, simDir, files, end)
	defer stop() // idempotent

	// What each user must see, by the rule of docs/security.md.
	type userCase struct {
		User      string       `json:"user"`
		Partner   string       `json:"partner"`
		Role      string       `json:"role"`
		Token     string       `json:"token"`
		Clearance []string     `json:"clearance"`
		Hidden    []string     `json:"hidden_feeds"`
		Expect    []uint32     `json:"expect"`
		Others    []uint32     `json:"others"` // heard only by the feeds it is not cleared for
		Visible   sampleVessel `json:"visible"`
		Other     sampleVessel `json:"other"`
		Unknown   uint32       `json:"unknown"`
		// Push is the vessel pushed into kor-live while the page is open;
		// PushSeen says whether the user may see it.
		Push     uint32 `json:"push"`
		PushSeen bool   `json:"push_seen"`
		PushURL  string `json:"push_url"`
		Shot     string `json:"shot"`
		// Detections is how many of the sensors feed's detections the
		// user's map draws: all of them or none.
		Detections int `json:"detections"`
	}
	var cases []userCase
	for ui, u := range partnerUsers {
		c := userCase{User: u.name, Partner: u.partner, Role: string(u.role), Token: secrets[u.name], Shot: u.shot,
			Push: pushMMSI(ui), PushSeen: clearedForFeed(u.partner, replayed), PushURL: push + "?mmsi=" + strconv.Itoa(int(pushMMSI(ui)))}
		seen := map[uint32]bool{}
		for i, f := range partnerFeeds {
			if i >= replayed {
				if clearedForFeed(u.partner, i) {
					c.Clearance = append(c.Clearance, f.name)
				} else {
					c.Hidden = append(c.Hidden, f.name)
					for j := range partnerUsers {
						c.Others = append(c.Others, pushMMSI(j))
					}
				}
				continue
			}
			if !clearedForFeed(u.partner, i) {
				c.Hidden = append(c.Hidden, f.name)
				for m := range heard[i].positions {
					c.Others = append(c.Others, m)
				}
				for m := range heard[i].names {
					if !heard[i].positions[m] {
						c.Others = append(c.Others, m)
					}
				}
				if c.Other.MMSI == 0 {
					c.Other = samples[i]
				}
				continue
			}
			c.Clearance = append(c.Clearance, f.name)
			if c.Visible.MMSI == 0 {
				c.Visible = samples[i]
			}
			for m := range heard[i].positions {
				seen[m] = true
			}
		}
		if slices.Contains(sensorFeed.relTo, u.partner) || u.partner == sensorFeed.owner {
			c.Clearance = append(c.Clearance, sensorFeed.name)
			c.Detections = len(sensorDetections)
		} else {
			c.Hidden = append(c.Hidden, sensorFeed.name)
		}
		if c.Visible.MMSI == 0 || c.Other.MMSI == 0 {
			t.Fatalf("%s: cleared for %v, not for %v: the test wants one of each", u.name, c.Clearance, c.Hidden)
		}
		for m := range seen {
			c.Expect = append(c.Expect, m)
		}
		slices.Sort(c.Expect)
		slices.Sort(c.Others)
		// An MMSI heard by no feed, of the same country as the hidden
		// sample: its panel must read like the hidden vessel's.
		for m := c.Other.MMSI + 1; ; m++ {
			if !heard[0].any(m) && !heard[1].any(m) && !isPushed(m) {
				c.Unknown = m
				break
			}
		}
		t.Logf("%s (%s %s): cleared for %v, expects %d vessels; finds %d %q, not %d %q", u.name, u.partner, u.role,
			c.Clearance, len(c.Expect), c.Visible.MMSI, c.Visible.Name, c.Other.MMSI, c.Other.Name)
		cases = append(cases, c)
	}
	b, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	casesFile := filepath.Join(dir, "partners.json")
	if err := os.WriteFile(casesFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PICKET_PARTNERS", casesFile)
	// After the browser, whether it passed or not: the server stopped (the
	// audit log flushed), what the live feed and the audit log hold.
	defer func() {
		stop()
		if n := pushedReports.Load(); n != int64(len(partnerUsers)) {
			t.Errorf("kor-live took %d reports in, want the %d pushed", n, len(partnerUsers))
		}
		checkAudit(t, filepath.Join(dir, access.AuditFile), secrets)
	}()
	runBrowser(t, chromium, node, "partners.mjs", url)
}

// checkAudit reads the audit log: each user is logged with its partner
// and role, its reads of the map's vessels are there, and so are the
// viewer's refused networks and export; no token is.
func checkAudit(t *testing.T, path string, secrets map[string]string) {
	t.Helper()
	ab, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range partnerUsers {
		if strings.Contains(string(ab), secrets[u.name]) {
			t.Errorf("the audit log holds %s's token", u.name)
		}
	}
	reads := map[string]bool{}
	refused := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(ab)))
	for sc.Scan() {
		var e access.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		for _, u := range partnerUsers {
			if e.User == u.name && (e.Partner != u.partner || e.Role != u.role) {
				t.Errorf("audit: %s logged as %s %s", u.name, e.Partner, e.Role)
			}
		}
		if e.Path == "/api/vessels" && e.Status == 200 {
			reads[e.User] = true
		}
		if e.Status == 403 {
			refused[e.User+" "+e.Path] = true
		}
	}
	for _, u := range partnerUsers {
		if !reads[u.name] {
			t.Errorf("audit: no read of /api/vessels by %s", u.name)
		}
	}
	for _, p := range []string{"/api/networks", "/api/export/events.csv"} {
		if !refused["gbr-viewer "+p] {
			t.Errorf("audit: gbr-viewer's refused %s not logged", p)
		}
	}
}

// clearedForFeed says whether a partner is cleared for feed i: it owns the
// feed, or its label names the partner or a group the partner is in.
func clearedForFeed(partner string, i int) bool {
	f := partnerFeeds[i]
	if f.owner == partner {
		return true
	}
	for _, n := range f.relTo {
		if n == partner || slices.Contains(partnerGroups[n], partner) {
			return true
		}
	}
	return false
}

// servePartners starts the pipeline with the feeds, replays the files to
// the end, then serves the API and the map on a random port with access
// control. push is the URL of a test server whose POST ?mmsi= sends a
// position of that vessel into kor-live, stamped a few minutes before
// end. stop shuts
// down in pipeline order (idempotent).
func servePartners(t *testing.T, dir, simDir string, files []string, end time.Time) (url string, secrets map[string]string, push string, stop func()) {
	t.Helper()
	secrets = map[string]string{}
	err := access.Update(dir, func(r *access.Registry) error {
		for _, p := range []string{"KOR", "JPN", "GBR", "USA"} {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
		}
		for g, ms := range partnerGroups {
			if err := r.AddPartner(g, ms); err != nil {
				return err
			}
		}
		for _, u := range partnerUsers {
			if err := r.AddUser(u.name, u.partner, u.role, ""); err != nil {
				return err
			}
			secret, _, err := r.CreateToken(u.name, "e2e", time.Hour, time.Now())
			if err != nil {
				return err
			}
			secrets[u.name] = secret
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
	var feeds []live.Feed
	for i, f := range partnerFeeds {
		lf := live.Feed{Name: f.name, Partner: f.owner, Label: "REL TO " + strings.Join(f.relTo, ", "),
			Kind: live.TCPListener, Address: "127.0.0.1:0"}
		if i < replayed {
			lf.Kind, lf.Address, lf.File, lf.Speed = live.FileReplay, "", files[i], 0
		}
		feeds = append(feeds, lf)
	}
	feeds = append(feeds, live.Feed{Name: sensorFeed.name, Partner: sensorFeed.owner, Label: "REL TO " + strings.Join(sensorFeed.relTo, ", "), Kind: live.Detections})
	places, err := simPlaces(simDir)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	p, err := live.New(live.Options{Feeds: feeds, Places: places}, st, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	pctx, stopPipeline := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- p.Run(pctx) }()

	// The replays end; every report they decoded is tracked; the store
	// has it all.
	for _, f := range feeds[:replayed] {
		select {
		case <-p.Done(f.Name):
		case <-time.After(time.Minute): // a hang guard, not a measure
			t.Fatalf("feed %s still replaying: %+v", f.Name, p.Stats().Feeds)
		}
	}
	for i := 0; ; i++ {
		s := p.Stats()
		var decoded int64
		for _, f := range s.Feeds {
			if f.State == "failed" {
				t.Fatalf("feed %s failed: %s", f.Name, f.Err)
			}
			decoded += f.Reports
		}
		if s.Reports == decoded {
			break
		}
		if i == 30000 {
			t.Fatalf("reports not all tracked: %+v", s)
		}
		time.Sleep(time.Millisecond)
	}
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("pipeline: %+v", p.Stats())

	center, zoom := [2]float64{124.6, 35.4}, 5.2 // the korea region, whole
	srv := server.New(p, server.Options{
		Access: guard, Audit: audit, UI: Handler(), Gatherer: reg,
		// Every vessel heard in the scenario is on the map.
		StaleAfter: (partnersHours + 1) * time.Hour,
		Map:        server.MapConfig{Center: &center, Zoom: &zoom},
	}, nil, reg)
	// A delivery of SAR detections to the sensors feed, at the scenario's end.
	sar := "detect_id,detect_timestamp,detect_lat,detect_lon,presence_score\n"
	for i, d := range sensorDetections {
		sar += fmt.Sprintf("sar-%d,%s,%.4f,%.4f,0.9\n", i, end.Add(-time.Hour).UTC().Format(time.RFC3339), d[1], d[0])
	}
	sarFile := filepath.Join(dir, "sar.csv")
	if err := os.WriteFile(sarFile, []byte(sar), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := srv.Deliver(sensorFeed.name, source.Delivery{Path: sarFile, Format: "gfw-sar"}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hctx, stopHTTP := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(hctx, ln) }()

	// The pusher: one connection to kor-live, as a receiver would keep.
	conn, err := net.Dial("tcp", p.Addr(partnerFeeds[replayed].name).String())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	pushed := 0
	pushSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, err := strconv.ParseUint(r.URL.Query().Get("mmsi"), 10, 32)
		if r.Method != http.MethodPost || err != nil || !isPushed(uint32(m)) {
			http.Error(w, "POST ?mmsi= of a pushed vessel", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		pushed++
		// Stamped before the scenario's end, so as not to move the data's
		// clock: a later time could close episodes between two users.
		at := end.Add(time.Duration(pushed-10) * time.Minute)
		if _, err := io.WriteString(conn, positionSentence(uint32(m), 35.0, 124.0, at)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	pushedReports.Store(0)
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		pushSrv.Close()
		conn.Close()
		for _, f := range p.Stats().Feeds {
			if f.Name == partnerFeeds[replayed].name {
				pushedReports.Store(f.Reports)
			}
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
	return "http://" + ln.Addr().String(), secrets, pushSrv.URL, stop
}

// pushedReports is what kor-live had decoded when the server stopped.
var pushedReports atomic.Int64

// pushMMSI is the vessel pushed into kor-live during user i's session:
// Korean MMSIs the scenario does not use.
func pushMMSI(i int) uint32 { return 440999901 + uint32(i) }

func isPushed(m uint32) bool { return m >= pushMMSI(0) && m < pushMMSI(len(partnerUsers)) }

// positionSentence is a Class A position report (type 1, ITU-R
// M.1371-5) of mmsi at lat, lon, under way at 10 kn heading east, behind
// a tag block with its time, as the scenario's lines are.
func positionSentence(mmsi uint32, lat, lon float64, at time.Time) string {
	var bits []byte
	put := func(v int64, n int) {
		for b := n - 1; b >= 0; b-- {
			bits = append(bits, byte(v>>b)&1)
		}
	}
	put(1, 6)                              // message type
	put(0, 2)                              // repeat indicator
	put(int64(mmsi), 30)                   // MMSI
	put(0, 4)                              // under way using engine
	put(-128, 8)                           // rate of turn not available
	put(100, 10)                           // 10.0 kn
	put(1, 1)                              // accuracy
	put(int64(math.Round(lon*600000)), 28) // 1/10000 min
	put(int64(math.Round(lat*600000)), 27) // 1/10000 min
	put(900, 12)                           // 90.0°
	put(90, 9)                             // true heading
	put(int64(at.Second()), 6)             // time stamp
	put(0, 2+3+1+19)                       // manoeuvre, spare, RAIM, radio
	payload := make([]byte, 0, len(bits)/6)
	for i := 0; i < len(bits); i += 6 {
		v := byte(bitsU(bits, i, 6))
		if v >= 40 {
			v += 8
		}
		payload = append(payload, v+48)
	}
	tag := fmt.Sprintf("s:KOR-LIVE,c:%d", at.Unix())
	sentence := fmt.Sprintf("AIVDM,1,1,,A,%s,0", payload)
	return fmt.Sprintf("\\%s*%02X\\!%s*%02X\r\n", tag, nmeaSum(tag), sentence, nmeaSum(sentence))
}

// nmeaSum is the NMEA checksum: the XOR of the characters.
func nmeaSum(s string) byte {
	var x byte
	for i := 0; i < len(s); i++ {
		x ^= s[i]
	}
	return x
}

// simPlaces gives the detectors what picket serve gives them: the
// coastline, the world's ports, the scenario's zones and watchlist.
func simPlaces(simDir string) (detect.Places, error) {
	var p detect.Places
	p.ShoreM = geo.DefaultShore().DistanceToShore
	ix := ports.Default()
	p.NearestPort = func(lat, lon, maxM float64) (string, float64, bool) {
		port, d, ok := ix.Nearest(lat, lon)
		if !ok || d > maxM {
			return "", 0, false
		}
		return port.Name, d, true
	}
	z, err := zone.LoadFile(filepath.Join(simDir, sim.ZonesFile))
	if err != nil {
		return p, err
	}
	p.Zones = z.Contains
	wl, err := watchlist.LoadFile(filepath.Join(simDir, sim.WatchlistFile), watchlist.Options{})
	if err != nil {
		return p, err
	}
	p.Watch = func(q detect.WatchQuery) []event.Entry {
		var out []event.Entry
		for _, h := range wl.MatchVessel(nil, watchlist.Vessel{IMO: int(q.IMO), MMSI: int(q.MMSI), Name: q.Name, CallSign: q.CallSign, ShipType: int(q.ShipType)}) {
			e := h.Entry
			out = append(out, event.Entry{List: e.List, ID: e.ID, Name: e.Name, IMO: e.IMO, MMSI: e.MMSI, Program: e.Programs, By: h.By.String()})
		}
		return out
	}
	return p, nil
}

// heardFeed is what one feed file carries, decoded here from the
// sentences themselves.
type heardFeed struct {
	lines     int
	positions map[uint32]bool            // MMSIs with a position report
	names     map[uint32]map[string]bool // names broadcast (types 5 and 24A)
}

func (h *heardFeed) any(mmsi uint32) bool {
	return h.positions[mmsi] || h.names[mmsi] != nil
}

// splitByParity writes the lines of feed to files[0] (even MMSIs) and
// files[1] (odd), each multi-sentence message whole with its first
// sentence, and says what each file hears.
func splitByParity(feed string, files []string) ([]*heardFeed, error) {
	in, err := os.Open(feed)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	var outs []*bufio.Writer
	var heard []*heardFeed
	for _, name := range files {
		f, err := os.Create(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		defer w.Flush()
		outs = append(outs, w)
		heard = append(heard, &heardFeed{positions: map[uint32]bool{}, names: map[uint32]map[string]bool{}})
	}
	type pending struct {
		out     int
		payload string
	}
	groups := map[string]*pending{} // by the tag block's group id
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		tag, sentence := "", line
		if strings.HasPrefix(line, `\`) {
			end := strings.Index(line[1:], `\`)
			if end < 0 {
				return nil, fmt.Errorf("%s:%d: tag block not closed", feed, n)
			}
			tag, sentence = line[1:end+1], line[end+2:]
		}
		f := strings.Split(sentence, ",")
		if len(f) != 7 || !strings.HasSuffix(f[0], "VDM") {
			return nil, fmt.Errorf("%s:%d: not an AIVDM sentence: %q", feed, n, line)
		}
		total, _ := strconv.Atoi(f[1])
		part, _ := strconv.Atoi(f[2])
		group := f[3] + "/" + f[4] // the sentence's own id, unless the tag block groups it
		if cs, _, ok := strings.Cut(tag, "*"); ok {
			for _, kv := range strings.Split(cs, ",") {
				if g, ok := strings.CutPrefix(kv, "g:"); ok {
					if i := strings.LastIndexByte(g, '-'); i >= 0 {
						group = "g" + g[i+1:]
					}
				}
			}
		}
		var out int
		switch {
		case part <= 1:
			bits := sixBits(f[5])
			if len(bits) < 38 {
				return nil, fmt.Errorf("%s:%d: payload too short", feed, n)
			}
			mmsi := uint32(bitsU(bits, 8, 30))
			out = int(mmsi % 2)
			if total > 1 {
				groups[group] = &pending{out: out, payload: f[5]}
			} else {
				heard[out].message(bits)
			}
		default:
			g := groups[group]
			if g == nil {
				return nil, fmt.Errorf("%s:%d: part %d of a message whose first part was not seen", feed, n, part)
			}
			out = g.out
			g.payload += f[5]
			if part == total {
				heard[out].message(sixBits(g.payload))
				delete(groups, group)
			}
		}
		heard[out].lines++
		if _, err := outs[out].WriteString(line + "\n"); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, w := range outs {
		if err := w.Flush(); err != nil {
			return nil, err
		}
	}
	return heard, nil
}

// message notes the MMSI of a position report with a valid position, and
// the name of a static report (ITU-R M.1371-5 bit layouts).
func (h *heardFeed) message(bits []byte) {
	if len(bits) < 38 {
		return
	}
	typ := bitsU(bits, 0, 6)
	mmsi := uint32(bitsU(bits, 8, 30))
	var lonAt, latAt, lonLen, latLen int
	var scale float64
	switch typ {
	case 1, 2, 3:
		lonAt, latAt, lonLen, latLen, scale = 61, 89, 28, 27, 600000
	case 18, 19:
		lonAt, latAt, lonLen, latLen, scale = 57, 85, 28, 27, 600000
	case 27:
		lonAt, latAt, lonLen, latLen, scale = 44, 62, 18, 17, 600
	case 5:
		if len(bits) >= 232 {
			h.name(mmsi, sixText(bits, 112, 20))
		}
		return
	case 24:
		if len(bits) >= 160 && bitsU(bits, 38, 2) == 0 {
			h.name(mmsi, sixText(bits, 40, 20))
		}
		return
	default:
		return
	}
	if len(bits) < latAt+latLen {
		return
	}
	lon := float64(bitsS(bits, lonAt, lonLen)) / scale
	lat := float64(bitsS(bits, latAt, latLen)) / scale
	if lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 {
		h.positions[mmsi] = true
	}
}

func (h *heardFeed) name(mmsi uint32, name string) {
	if name == "" {
		return
	}
	if h.names[mmsi] == nil {
		h.names[mmsi] = map[string]bool{}
	}
	h.names[mmsi][name] = true
}

// sixBits unpacks an AIS payload's six-bit characters, one bit a byte.
func sixBits(payload string) []byte {
	bits := make([]byte, 0, 6*len(payload))
	for i := 0; i < len(payload); i++ {
		v := payload[i] - 48
		if v > 40 {
			v -= 8
		}
		for b := 5; b >= 0; b-- {
			bits = append(bits, (v>>b)&1)
		}
	}
	return bits
}

func bitsU(bits []byte, at, n int) uint64 {
	var v uint64
	for _, b := range bits[at : at+n] {
		v = v<<1 | uint64(b)
	}
	return v
}

func bitsS(bits []byte, at, n int) int64 {
	v := int64(bitsU(bits, at, n))
	if bits[at] == 1 {
		v -= 1 << n
	}
	return v
}

// sixText decodes n characters of six-bit ASCII, trailing '@' and
// spaces trimmed.
func sixText(bits []byte, at, n int) string {
	b := make([]byte, n)
	for i := range n {
		c := byte(bitsU(bits, at+6*i, 6))
		if c < 32 {
			c += 64
		}
		b[i] = c
	}
	s, _, _ := strings.Cut(string(b), "@")
	return strings.TrimSpace(s)
}

// sampleVessel is a vessel of one feed that a search finds by its name
// alone: it broadcast one name, which no other vessel's name contains.
type sampleVessel struct {
	MMSI uint32 `json:"mmsi"`
	Name string `json:"name"`
}

func pickSamples(t *testing.T, heard []*heardFeed) []sampleVessel {
	t.Helper()
	all := map[uint32][]string{}
	for _, h := range heard {
		for m, ns := range h.names {
			for n := range ns {
				all[m] = append(all[m], n)
			}
		}
	}
	var out []sampleVessel
	for i, h := range heard {
		var best sampleVessel
		for m := range h.positions {
			if len(all[m]) != 1 || (best.MMSI != 0 && m > best.MMSI) {
				continue
			}
			name := all[m][0]
			if strings.Trim(name, "0123456789 ") == "" || len(name) < 4 {
				continue
			}
			unique := true
			for o, ns := range all {
				for _, n := range ns {
					unique = unique && (o == m || !strings.Contains(n, name))
				}
			}
			if unique {
				best = sampleVessel{m, name}
			}
		}
		if best.MMSI == 0 {
			t.Fatalf("feed %s: no vessel with a name of its own to search for", partnerFeeds[i].name)
		}
		out = append(out, best)
	}
	return out
}
