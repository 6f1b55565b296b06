package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/alert"
)

// changingRoutes are the routes that change state, with the role they
// need and a request that would change something: TestAccessRules calls
// each without a token, with every lower role and from another site.
var changingRoutes = []struct {
	pattern, method, path, body string
	role                        access.Role
}{
	{"POST /api/rules", http.MethodPost, "/api/rules", ruleBody("probe"), access.Analyst},
	{"DELETE /api/rules/{id}", http.MethodDelete, "/api/rules/0123456789ab", "", access.Analyst},
	{"POST /api/alerts/{id}/{action}", http.MethodPost, "/api/alerts/1/acknowledge", "", access.Analyst},
	{"PUT /api/rules/{id}", http.MethodPut, "/api/rules/0123456789ab", ruleBody("probe"), access.Analyst},
	{"POST /api/zones", http.MethodPost, "/api/zones", zoneBody("probe"), access.Analyst},
	{"PUT /api/zones/{id}", http.MethodPut, "/api/zones/0123456789ab", `{"name":"probe"}`, access.Analyst},
	{"DELETE /api/zones/{id}", http.MethodDelete, "/api/zones/0123456789ab", "", access.Analyst},
	{"POST /api/watchlists", http.MethodPost, "/api/watchlists", `{"name":"probe"}`, access.Analyst},
	{"DELETE /api/watchlists/{id}", http.MethodDelete, "/api/watchlists/0123456789ab", "", access.Analyst},
	{"POST /api/watchlists/{id}/entries", http.MethodPost, "/api/watchlists/0123456789ab/entries", `{"mmsi":431100001}`, access.Analyst},
	{"DELETE /api/watchlists/{id}/entries/{entry}", http.MethodDelete, "/api/watchlists/0123456789ab/entries/0123456789ab", "", access.Analyst},
	{"POST /api/detections", http.MethodPost, "/api/detections", "lat,lon,time\n", access.Analyst},
}

// ruleBox is the rules' area in these tests, off Japan, where the
// fixture's data is not.
var ruleBox = [][2]float64{{139.0, 30.0}, {139.1, 30.0}, {139.1, 30.1}, {139.0, 30.1}}

func ruleBody(name string) string {
	b, _ := json.Marshal(alert.Rule{Name: name, Area: alert.Area{Polygon: ruleBox}, Triggers: alert.Triggers{Entry: true, Exit: true}})
	return string(b)
}

// timedPosition is a type 1 report at time at, with its tag block.
func timedPosition(t *testing.T, mmsi uint32, at time.Time, lat, lon float64) string {
	t.Helper()
	payload, fill, err := ais.AppendPayload(nil, &ais.PositionReport{Header: ais.Header{Type: 1, MMSI: mmsi}, Speed: 100,
		Lon: int32(lon * 600_000), Lat: int32(lat * 600_000), Course: 0, Heading: 511, Second: uint8(at.Second())})
	if err != nil {
		t.Fatal(err)
	}
	tag := fmt.Sprintf("c:%d", at.Unix())
	s := fmt.Sprintf("AIVDM,1,1,,A,%s,%d", payload, fill)
	sum := func(s string) (x byte) {
		for i := 0; i < len(s); i++ {
			x ^= s[i]
		}
		return x
	}
	return fmt.Sprintf("\\%s*%02X\\!%s*%02X\r\n", tag, sum(tag), s, sum(s))
}

// TestAccessRules: the watch floor's routes as every partner and role. A
// viewer reads its partner's rules and inbox; an analyst makes rules and
// acts on alerts; a request from another site, without a token or of a
// lower role is refused. JPN's rule is alerted of a vessel jpn-coast hears
// crossing its area, on the live stream and in the inbox, and never of
// one only gbr-sat hears crossing it too (GBR's rule is); no partner
// sees, deletes or acts on another's rules and alerts; each action is in
// the audit log with who did what.
func TestAccessRules(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	tok := func(p string, r access.Role) string { return f.secrets[userName(p, r)] }

	// Refusals first.
	for _, rt := range changingRoutes {
		body := func() io.Reader { return strings.NewReader(rt.body) }
		errorOf(t, rt.pattern+" without a token", f.do(t, rt.method, rt.path, "", body(), "Content-Type", "application/json"), http.StatusUnauthorized)
		for _, role := range testRoles {
			if role.Allows(rt.role) {
				r := f.do(t, rt.method, rt.path, tok("AUS", role), body(), "Content-Type", "application/json", "Origin", "https://elsewhere.example")
				errorOf(t, rt.pattern+" from another site", r, http.StatusForbidden)
				r = f.do(t, rt.method, rt.path, tok("AUS", role), body(), "Content-Type", "application/json", "Sec-Fetch-Site", "same-site")
				errorOf(t, rt.pattern+" from a sibling site", r, http.StatusForbidden)
				continue
			}
			msg := errorOf(t, rt.pattern+" as "+string(role), f.do(t, rt.method, rt.path, tok("AUS", role), body(), "Content-Type", "application/json"), http.StatusForbidden)
			if !strings.Contains(msg, string(rt.role)) {
				t.Errorf("%s as %s: %q does not say the role needed", rt.pattern, role, msg)
			}
		}
	}
	if r := f.do(t, http.MethodPost, "/api/rules", tok("JPN", access.Analyst), strings.NewReader(ruleBody("x")), "Content-Type", "text/plain"); r.code != http.StatusUnsupportedMediaType {
		t.Errorf("a rule as text/plain: %d", r.code)
	}
	if r := f.do(t, http.MethodPost, "/api/rules", tok("JPN", access.Analyst), strings.NewReader(`{"name":"x","area":{"polygon":[[0,0],[1,1]]},"triggers":{"entry":true}}`),
		"Content-Type", "application/json"); !strings.Contains(errorOf(t, "a two-point area", r, http.StatusBadRequest), "3 to") {
		t.Error("a two-point area's error does not say what is wrong")
	}
	if r := f.do(t, http.MethodPut, "/api/rules", tok("JPN", access.Analyst), nil); r.code != http.StatusMethodNotAllowed {
		t.Errorf("PUT /api/rules: %d", r.code)
	}

	// Each partner's rule, on the same area.
	ruleIDs := map[string]string{}
	for _, p := range []string{"JPN", "GBR"} {
		r := f.do(t, http.MethodPost, "/api/rules", tok(p, access.Analyst), strings.NewReader(ruleBody("Box "+p)), "Content-Type", "application/json")
		var got alert.Rule
		if r.code != http.StatusCreated || json.Unmarshal(r.body, &got) != nil || got.Partner != p || got.CreatedBy != userName(p, access.Analyst) {
			t.Fatalf("%s's rule: %d %s", p, r.code, r.body)
		}
		ruleIDs[p] = got.ID
	}
	for _, p := range testPartners {
		var got struct{ Rules []alert.Rule }
		f.getOK(t, "/api/rules", tok(p, access.Viewer), &got)
		var names []string
		for _, r := range got.Rules {
			names = append(names, r.Name)
		}
		if want := []string{"Box " + p}; (p == "JPN" || p == "GBR") != slices.Equal(names, want) || (p != "JPN" && p != "GBR" && len(names) != 0) {
			t.Errorf("%s's rules: %v", p, names)
		}
	}
	errorOf(t, "GBR deleting JPN's rule", f.do(t, http.MethodDelete, "/api/rules/"+ruleIDs["JPN"], tok("GBR", access.Analyst), nil), http.StatusNotFound)

	// JPN's live stream of rule alerts.
	req, _ := http.NewRequest(http.MethodGet, f.base+"/api/stream?types=rule_alert", nil)
	req.Header.Set("Authorization", "Bearer "+tok("JPN", access.Viewer))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	stream := make(chan sse, 64)
	go readSSE(resp.Body, stream)

	// The watchers take the rules within the desk's second; then a
	// vessel of each feed crosses the area, gbr-sat's first.
	waitFor(t, "the rules' watchers", func() bool { return f.p.Stats().Subscribers >= 3 })
	const viaJ, viaG = 431800001, 232800002
	at := f.t0.Add(10 * time.Hour)
	for _, c := range []struct {
		feed string
		mmsi uint32
	}{{"gbr-sat", viaG}, {"jpn-coast", viaJ}} {
		conn, err := net.Dial("tcp", f.p.Addr(c.feed).String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for i, lat := range []float64{29.95, 30.05, 30.15} {
			io.WriteString(conn, timedPosition(t, c.mmsi, at.Add(time.Duration(i)*36*time.Minute), lat, 139.05))
		}
	}
	var live []alert.Alert
	for timeout := time.After(20 * time.Second); len(live) < 2; {
		select {
		case m, ok := <-stream:
			if !ok {
				t.Fatal("stream ended")
			}
			if m.event != "rule_alert" {
				t.Errorf("a stream of rule_alert sent %s", m.event)
				continue
			}
			var a alert.Alert
			if err := json.Unmarshal([]byte(m.data), &a); err != nil {
				t.Fatal(err)
			}
			live = append(live, a)
		case <-timeout:
			t.Fatalf("JPN's stream: %d rule alerts in 20 s", len(live))
		}
	}
	if live[0].MMSI != viaJ || live[0].Kind != alert.KindEntry || live[1].Kind != alert.KindExit || live[0].RuleID != ruleIDs["JPN"] {
		t.Errorf("JPN's live rule alerts: %+v", live)
	}
	inbox := func(p string, role access.Role, query string) []alert.Alert {
		var got struct{ Alerts []alert.Alert }
		f.getOK(t, "/api/alerts"+query, tok(p, role), &got)
		return got.Alerts
	}
	waitFor(t, "GBR's alerts", func() bool { return len(inbox("GBR", access.Viewer, "")) == 2 })
	for _, p := range testPartners {
		for _, a := range inbox(p, access.Viewer, "") {
			if want := map[string]uint32{"JPN": viaJ, "GBR": viaG}[p]; a.MMSI != want {
				t.Errorf("%s's inbox has an alert of %d: %+v", p, a.MMSI, a)
			}
		}
	}
	if got := inbox("JPN", access.Viewer, ""); len(got) != 2 {
		t.Fatalf("JPN's inbox: %+v", got)
	}
	id := strconv.FormatInt(live[0].ID, 10)
	gbrID := strconv.FormatInt(inbox("GBR", access.Viewer, "")[0].ID, 10)

	// Acting on alerts.
	post := func(token, path, body string) reply {
		return f.do(t, http.MethodPost, path, token, strings.NewReader(body), "Content-Type", "application/json")
	}
	errorOf(t, "a viewer acknowledging", post(tok("JPN", access.Viewer), "/api/alerts/"+id+"/acknowledge", ""), http.StatusForbidden)
	errorOf(t, "GBR acknowledging JPN's alert", post(tok("GBR", access.Analyst), "/api/alerts/"+id+"/acknowledge", ""), http.StatusNotFound)
	errorOf(t, "JPN acknowledging GBR's alert", post(tok("JPN", access.Analyst), "/api/alerts/"+gbrID+"/acknowledge", ""), http.StatusNotFound)
	errorOf(t, "assigning to GBR's user", post(tok("JPN", access.Analyst), "/api/alerts/"+id+"/assign", `{"user":"gbr-analyst"}`), http.StatusBadRequest)
	errorOf(t, "an unknown action", post(tok("JPN", access.Analyst), "/api/alerts/"+id+"/escalate", ""), http.StatusNotFound)
	if r := post(tok("JPN", access.Analyst), "/api/alerts/"+id+"/assign", `{"user":"jpn-viewer"}`); r.code != http.StatusOK {
		t.Fatalf("assign: %d %s", r.code, r.body)
	}
	r := post(tok("JPN", access.Admin), "/api/alerts/"+id+"/acknowledge", "")
	var a alert.Alert
	if r.code != http.StatusOK || json.Unmarshal(r.body, &a) != nil {
		t.Fatalf("acknowledge: %d %s", r.code, r.body)
	}
	if a.Status != alert.StatusAcknowledged || a.AssignedTo != "jpn-viewer" || len(a.Actions) != 2 ||
		a.Actions[0].User != "jpn-analyst" || a.Actions[1].User != "jpn-admin" || a.Actions[1].Time.IsZero() {
		t.Errorf("after assign and acknowledge: %+v", a)
	}
	if got := inbox("JPN", access.Viewer, "?status=open"); len(got) != 1 || got[0].ID == a.ID {
		t.Errorf("open alerts after acknowledging one: %+v", got)
	}
	errorOf(t, "a bad status", f.get(t, "/api/alerts?status=closed", tok("JPN", access.Viewer)), http.StatusBadRequest)
	if r := f.do(t, http.MethodDelete, "/api/rules/"+ruleIDs["JPN"], tok("JPN", access.Analyst), nil); r.code != http.StatusNoContent {
		t.Errorf("JPN deleting its rule: %d %s", r.code, r.body)
	}

	// The audit log: who did what to which alert and rule.
	f.close()
	details := changesAudited(t, f.dir, access.ActionAlert, access.ActionRule)
	want := []string{
		"jpn-analyst: rule " + ruleIDs["JPN"] + " added: Box JPN",
		"gbr-analyst: rule " + ruleIDs["GBR"] + " added: Box GBR",
		"jpn-analyst: assign alert " + id + " to jpn-viewer",
		"jpn-admin: acknowledge alert " + id,
		"jpn-analyst: rule " + ruleIDs["JPN"] + " deleted",
	}
	if !slices.Equal(details, want) {
		t.Errorf("audit of the changes:\n%s\nwant\n%s", strings.Join(details, "\n"), strings.Join(want, "\n"))
	}
}

// changesAudited returns the audit log's entries of changes of the given
// actions that succeeded, as "user: detail".
func changesAudited(t *testing.T, dir string, actions ...string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, access.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		var e access.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(actions, e.Action) && e.Status < 300 {
			details = append(details, e.User+": "+e.Detail)
		}
	}
	return details
}
