package server

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// maxErrorBody bounds an error answer, whatever the request: an error
// repeats a bounded part of what it was sent.
const maxErrorBody = 512

// state is what hostile requests must leave as it was: the store and
// the access registry.
type state struct {
	stats  store.Stats
	events []string
	idents map[uint32][]store.IdentityRecord
	access []byte
}

func stateOf(t *testing.T, f *fixture) state {
	t.Helper()
	// A seal still writing in the background would change the counts.
	if err := f.st.WaitSeal(); err != nil {
		t.Fatal(err)
	}
	s := state{stats: f.st.Stats(), idents: map[uint32][]store.IdentityRecord{}}
	if err := f.st.Events(store.EventFilter{Clearance: store.AllFeeds}, func(e event.Event, p store.Provenance) bool {
		s.events = append(s.events, e.ID+"/"+strconv.FormatUint(p.Feeds, 2)+"/"+strconv.FormatUint(p.OtherFeeds, 2))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	for _, m := range fixtureMMSIs {
		recs, err := f.st.Identities(m)
		if err != nil {
			t.Fatal(err)
		}
		s.idents[m] = recs
	}
	var err error
	if s.access, err = os.ReadFile(filepath.Join(f.dir, access.File)); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s state) check(t *testing.T, f *fixture) {
	t.Helper()
	now := stateOf(t, f)
	if now.stats != s.stats || !slices.Equal(now.events, s.events) {
		t.Errorf("the store changed: %+v %v, was %+v %v", now.stats, now.events, s.stats, s.events)
	}
	for m, recs := range s.idents {
		if !slices.Equal(now.idents[m], recs) {
			t.Errorf("the identities of %d changed: %+v, were %+v", m, now.idents[m], recs)
		}
	}
	if !bytes.Equal(now.access, s.access) {
		t.Errorf("access.json changed")
	}
}

// hostileError checks that r is a 4xx JSON error of that code, short,
// naming param (when not empty), and returns its message.
func hostileError(t *testing.T, what string, r reply, code int, param string) string {
	t.Helper()
	msg := errorOf(t, what, r, code)
	if len(r.body) > maxErrorBody {
		t.Errorf("%s: a %d-byte error answer: %.200s...", what, len(r.body), r.body)
	}
	if r.hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no X-Content-Type-Options: nosniff", what)
	}
	if param != "" && !strings.HasPrefix(msg, param+": ") {
		t.Errorf("%s: %q does not name %s", what, msg, param)
	}
	if bytes.Contains(r.body, []byte("<script")) {
		t.Errorf("%s: the answer repeats markup: %s", what, r.body)
	}
	return msg
}

// TestHostileParameters sends malformed, oversized and injection-like
// parameters to every endpoint that takes them: each gets a short 400
// naming the parameter, and nothing changes.
func TestHostileParameters(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6})
	f.seed()
	before := stateOf(t, f)
	viewer, analyst := f.secrets["jpn-viewer"], f.secrets["jpn-analyst"]
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	vessel := "/api/vessels/" + mmsiPath(mOnlyJ)

	type c struct {
		path  string // escaped as it is sent
		param string
	}
	var cases []c
	add := func(param string, paths ...string) {
		for _, p := range paths {
			cases = append(cases, c{p, param})
		}
	}
	q := url.QueryEscape

	// Bounding boxes: not numbers, not four, out of range, upside down.
	for _, b := range []string{"NaN,0,1,1", "0,0,inf,1", "-Inf,0,1,1", "0,0,1,+Inf", "1e400,0,1,1", "0,10,1,5", "0,0,200,1", "-180.5,0,1,1",
		"0,-91,1,1", "0,0,1,91", "0,0,1,1,1", "0,0,1", ",,,", "a,b,c,d", " ", "0;0;1;1", "0,0,1,1\x00", "1,2,3," + long("9", 20000)} {
		add("bbox", "/api/vessels?bbox="+q(b), "/api/events?bbox="+q(b), "/api/stream?bbox="+q(b), "/api/export/events.csv?bbox="+q(b))
	}
	// Times: not RFC 3339, out of range, the wrong way round, too long a
	// track.
	for _, tm := range []string{"yesterday", "2026-13-01T00:00:00Z", "1e9", "2026-03-01", "2026-03-01T00:00:00Z'--", "2026-03-01T25:00:00Z",
		"<script>alert(1)</script>", long("2", 20000)} {
		add("from", "/api/events?from="+q(tm), vessel+"/track?from="+q(tm), "/api/export/events.kml?from="+q(tm))
		add("to", "/api/events?to="+q(tm), vessel+"/track?to="+q(tm))
	}
	add("from", "/api/events?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", vessel+"/track?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z",
		"/api/events?from="+q("2030-01-01T00:00:00."+long("0", 20000)+"Z")+"&to=2020-01-01T00:00:00Z")
	add("to", vessel+"/track?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z")
	// MMSIs: signed, floating, hexadecimal, zero, ten digits, padded,
	// full-width, far too long.
	for _, m := range []string{"-1", "1e9", "0x10", "0", "1000000000", "4294967297", "+123", " 123", "123abc", "１２３", "123\x00",
		"' OR 1=1--", long("1", 10000)} {
		add("mmsi", "/api/vessels/"+url.PathEscape(m), "/api/vessels/"+url.PathEscape(m)+"/track", "/api/events?mmsi="+q(m),
			"/api/networks?mmsi="+q(m), "/api/export/events.geojson?mmsi="+q(m))
	}
	// Types, and words that look like injections.
	for _, ty := range []string{"gap' OR 1=1--", "<script>alert(1)</script>", "\x00", "gap\x00", "ǵap", "GAP", "gap;drop", long("x", 20000)} {
		add("type", "/api/events?type="+q(ty), "/api/export/events.parquet?type="+q(ty))
		add("types", "/api/stream?types="+q(ty))
	}
	for _, v := range []string{"-1", "0", "1e3", "10001", "1.5", long("9", 20000)} {
		add("limit", "/api/events?limit="+q(v))
	}
	for _, v := range []string{"NaN", "2", "-0.1", "Inf", "0x1p-2x", long("0", 20000) + "x"} {
		add("min_confidence", "/api/events?min_confidence="+q(v))
	}
	for _, v := range []string{"ASC", "asc;drop", "random", long("a", 20000)} {
		add("order", "/api/events?order="+q(v))
	}
	for _, v := range []string{"-1h", "0", "0s", "NaNd", "1e999d", "soon", "d", long("1", 20000)} {
		add("max_age", "/api/vessels?max_age="+q(v))
	}
	for _, v := range []string{"-1s", "often", long("5", 20000)} {
		add("min_interval", "/api/stream?min_interval="+q(v))
	}
	for _, v := range []string{"\x00", "a\x00b", "x\r\nSet-Cookie: x=1", "\x7f", long("A", 65), long("A", 40000)} {
		add("q", "/api/vessels?q="+q(v))
	}

	for _, c := range cases {
		tok := viewer
		if strings.HasPrefix(c.path, "/api/export") || strings.HasPrefix(c.path, "/api/networks") {
			tok = analyst
		}
		r := f.get(t, c.path, tok)
		what := c.path
		if len(what) > 120 {
			what = what[:120] + "..."
		}
		hostileError(t, what, r, http.StatusBadRequest, c.param)
		if r.hdr.Get("Set-Cookie") != "" {
			t.Errorf("%s: sets a cookie", what)
		}
	}

	// Searches are text, never a query language: what looks like one
	// finds nothing, and the answer does not repeat it.
	for _, s := range []string{"' OR 1=1--", "<script>alert(1)</script>", "\"}]}", "船", "%", "*", ".*", "${jndi:x}", "../../etc/passwd"} {
		var fc vesselsReply
		r := f.getOK(t, "/api/vessels?max_age=1d&q="+q(s), viewer, &fc)
		if len(fc.Features) != 0 || bytes.Contains(r.body, []byte(s)) {
			t.Errorf("q=%q: %s", s, r.body)
		}
	}
	// A box across the antimeridian is a box, not an error.
	f.getOK(t, "/api/vessels?bbox=170,-10,-170,10", viewer, nil)

	// A query string past the server's header limit is refused by
	// net/http itself.
	r := f.get(t, "/api/vessels?q="+long("A", 200_000), viewer)
	if r.code != http.StatusRequestHeaderFieldsTooLarge || len(r.body) > maxErrorBody {
		t.Errorf("a 200 kB query: %d %.200s", r.code, r.body)
	}

	before.check(t, f)
}

// TestHostileRequests sends oversized bodies, path tricks and wrong
// methods: each is refused with a 4xx, the guarded routes stay guarded,
// and nothing changes.
func TestHostileRequests(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6})
	f.seed()
	before := stateOf(t, f)
	viewer, admin := f.secrets["jpn-viewer"], f.secrets["jpn-admin"]
	huge := bytes.Repeat([]byte("x"), 2<<20)

	// Bodies over the limit: with a length, and chunked.
	for _, path := range []string{"/api/login", "/api/logout", "/api/events"} {
		r := f.do(t, http.MethodPost, path, viewer, bytes.NewReader(huge), "Content-Type", "application/json")
		hostileError(t, "POST "+path+" of 2 MiB", r, http.StatusRequestEntityTooLarge, "")
	}
	r := f.do(t, http.MethodPost, "/api/login", "", io.MultiReader(strings.NewReader(`{"user":"`), bytes.NewReader(huge), strings.NewReader(`"}`)),
		"Content-Type", "application/json")
	hostileError(t, "POST /api/login of 2 MiB chunked", r, http.StatusRequestEntityTooLarge, "")
	// Malformed logins.
	for _, body := range []string{"", "{", "[]", "null", `{"user":"x","password":"y"}{"user":"x"}`, `{"user":"x","password":"y","admin":true}`,
		`{"user":"jpn-viewer","password":"p","token":"pkt_x"}`, `{"user":1}`, `{}`, `{"password":"only a password, long"}`} {
		r := f.do(t, http.MethodPost, "/api/login", "", strings.NewReader(body), "Content-Type", "application/json")
		msg := hostileError(t, "login "+body, r, http.StatusBadRequest, "")
		if !strings.HasPrefix(msg, "login: ") {
			t.Errorf("login %s: %q", body, msg)
		}
	}

	// Path tricks: cleaned by a redirect to the route they stand for,
	// which answers as it always does; none reaches a guarded route
	// unguarded.
	type trick struct {
		path                string
		anonymous, asViewer int // final status without a token, with a viewer's
	}
	for _, c := range []trick{
		{"/api/vessels/../metrics", 401, 404},
		{"/api/vessels/../feeds", 401, 403},
		{"/api/vessels/%2e%2e/feeds", 401, 404},
		{"/api/vessels/%2e%2e/%2e%2e/metrics", 401, 404},
		{"/api//vessels", 401, 200},
		{"/api/./feeds", 401, 403},
		{"/api/export/events.csv/..", 401, 404},
		{"/api/export/../feeds", 401, 403},
		{"/healthz/../api/feeds", 401, 403},
		{"/api/vessels%2F431100001", 401, 404},
		{"/api/vessels/431100001/", 401, 404},
		{"/api/vessels/431100001/track/extra", 401, 404},
		{"/api/vessels/431100001%2Ftrack", 401, 400},
		{"/api/feeds%00", 401, 404},
		{"/api/feeds/", 401, 404},
		{"/api/me/..%2f..%2ffeeds", 401, 404},
	} {
		for _, who := range []struct {
			token string
			want  int
		}{{"", c.anonymous}, {viewer, c.asViewer}} {
			path := c.path
			var r reply
			for hop := 0; ; hop++ {
				r = f.get(t, path, who.token)
				if r.code != http.StatusMovedPermanently && r.code != http.StatusTemporaryRedirect && r.code != http.StatusPermanentRedirect {
					break
				}
				if hop == 3 || len(r.body) > maxErrorBody {
					t.Fatalf("%s: redirect %d to %q", c.path, r.code, r.hdr.Get("Location"))
				}
				loc, err := url.Parse(r.hdr.Get("Location"))
				if err != nil || loc.Host != "" {
					t.Fatalf("%s: redirect to %q", c.path, r.hdr.Get("Location"))
				}
				path = loc.RequestURI()
			}
			what := c.path + " (" + map[bool]string{true: "anonymous", false: "viewer"}[who.token == ""] + ")"
			if who.want == http.StatusOK {
				if r.code != http.StatusOK {
					t.Errorf("%s: %d %s", what, r.code, r.body)
				}
				continue
			}
			hostileError(t, what, r, who.want, "")
		}
	}

	// Wrong methods: 405 with Allow, and nothing done.
	for _, path := range []string{"/api/vessels", "/api/vessels/" + mmsiPath(mOnlyJ), "/api/vessels/" + mmsiPath(mOnlyJ) + "/track", "/api/events",
		"/api/networks", "/api/export/events.csv", "/api/export/events.parquet", "/api/feeds", "/api/me", "/api/config", "/api/stream",
		"/healthz", "/metrics"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, "PURGE", strings.Repeat("X", 10000)} {
			r := f.do(t, method, path, admin, strings.NewReader(`{"mmsi":431100001,"name":"CHANGED"}`), "Content-Type", "application/json")
			hostileError(t, method[:min(len(method), 10)]+" "+path, r, http.StatusMethodNotAllowed, "")
			if allow := r.hdr.Get("Allow"); !strings.Contains(allow, http.MethodGet) {
				t.Errorf("%s %s: Allow %q", method[:min(len(method), 10)], path, allow)
			}
		}
	}

	before.check(t, f)
}

// TestHostileLimits: a token over its rate gets 429 with Retry-After,
// other tokens go on; a client guessing passwords gets 429 too, even
// with the right one, and no session is opened.
func TestHostileLimits(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 0.001, RateBurst: 3, LoginsPerMinute: 3})
	f.seed()
	before := stateOf(t, f)
	viewer := f.secrets["jpn-viewer"]
	for i := range 3 {
		if r := f.get(t, "/api/vessels", viewer); r.code != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, r.code, r.body)
		}
	}
	for _, path := range []string{"/api/vessels", "/api/me", "/api/stream"} {
		r := f.get(t, path, viewer)
		hostileError(t, "over the rate: "+path, r, http.StatusTooManyRequests, "")
		if n, err := strconv.Atoi(r.hdr.Get("Retry-After")); err != nil || n < 1 {
			t.Errorf("over the rate: Retry-After %q", r.hdr.Get("Retry-After"))
		}
	}
	if r := f.get(t, "/api/vessels", f.secrets["jpn-analyst"]); r.code != http.StatusOK {
		t.Errorf("another token: %d", r.code)
	}

	login := func(password string) reply {
		return f.do(t, http.MethodPost, "/api/login", "", strings.NewReader(`{"user":"`+testPasswordUser+`","password":"`+password+`"}`),
			"Content-Type", "application/json")
	}
	for i := range 3 {
		hostileError(t, "a wrong password", login("guess number "+strconv.Itoa(i)+", long enough"), http.StatusUnauthorized, "")
	}
	for _, pw := range []string{"guess number 4, long enough", testPassword} {
		r := login(pw)
		hostileError(t, "a login past the limit", r, http.StatusTooManyRequests, "")
		if n, err := strconv.Atoi(r.hdr.Get("Retry-After")); err != nil || n < 1 {
			t.Errorf("login past the limit: Retry-After %q", r.hdr.Get("Retry-After"))
		}
		if r.hdr.Get("Set-Cookie") != "" {
			t.Errorf("a login past the limit set a cookie")
		}
	}
	before.check(t, f)
}
