package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/export"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/store"
)

// The access tests run a server with access control over three feeds
// of different labels, and check every read path against the rule of
// docs/security.md, written out again here (see want) rather than taken
// from the server's view code.

// The fixture's feeds, in order: bit i is feed i.
var testFeeds = []struct {
	name, owner string
	relTo       []string
}{
	{"jpn-coast", "JPN", []string{"JPN", "USA", opsPartner}},
	{"gbr-sat", "GBR", []string{"NATO", opsPartner}},
	{"kor-shore", "KOR", []string{"KOR", opsPartner}},
}

// opsPartner is the partner that runs the server: every label releases to
// it, so its admins get the views that cover every feed (/api/feeds,
// /metrics, the details of /healthz). It is not in the matrix.
const opsPartner = "OPS"

const (
	fJ = uint64(1) << 0 // jpn-coast
	fG = uint64(1) << 1 // gbr-sat
	fK = uint64(1) << 2 // kor-shore
)

// testGroups are the partners that are groups, with their members.
var testGroups = map[string][]string{"NATO": {"GBR", "USA"}}

// testPartners are the partners with users; AUS is cleared for no feed.
var testPartners = []string{"JPN", "GBR", "USA", "KOR", "AUS"}

var testRoles = []access.Role{access.Viewer, access.Analyst, access.Admin}

// testPassword is the password of the one user that logs in with one.
const (
	testPasswordUser = "gbr-analyst"
	testPassword     = "correct horse battery staple"
)

func userName(partner string, role access.Role) string {
	return strings.ToLower(partner) + "-" + string(role)
}

// clearedFor is the rule's first step: a partner is cleared for a feed
// it owns or whose label names it or a group it belongs to.
func clearedFor(partner string) uint64 {
	var bits uint64
	for i, f := range testFeeds {
		ok := f.owner == partner
		for _, n := range f.relTo {
			ok = ok || n == partner || slices.Contains(testGroups[n], partner)
		}
		if ok {
			bits |= 1 << i
		}
	}
	return bits
}

// The fixture's vessels: the MMSIs and names say who may see them.
const (
	mOnlyJ   = 431100001 // heard by jpn-coast only
	mOnlyG   = 232200002 // by gbr-sat only
	mOnlyK   = 440300003 // by kor-shore only
	mSays    = 538400004 // by jpn-coast and gbr-sat, a name over each
	mDream   = 440123000 // docs/security.md's example: jpn-coast, then gbr-sat only
	mJK      = 636500005 // by jpn-coast, later by kor-shore
	mNoPos   = 257600006 // an identity heard by kor-shore, no position
	mUnknown = 311999999 // never heard
)

var fixtureMMSIs = []uint32{mOnlyJ, mOnlyG, mOnlyK, mSays, mDream, mJK, mNoPos}

type fixPos struct {
	mmsi  uint32
	at    time.Duration // after the fixture's t0
	feeds uint64
}

var fixPositions = func() []fixPos {
	h := time.Hour
	ps := []fixPos{
		{mOnlyJ, 9 * h, fJ}, {mOnlyJ, 9*h + 30*time.Minute, fJ},
		{mOnlyG, 9 * h, fG}, {mOnlyG, 9*h + 30*time.Minute, fG},
		{mOnlyK, 9 * h, fK}, {mOnlyK, 9*h + 30*time.Minute, fK},
		{mSays, 9 * h, fJ | fG}, {mSays, 9*h + 20*time.Minute, fJ}, {mSays, 9*h + 40*time.Minute, fG},
		{mJK, 9*h + 10*time.Minute, fJ}, {mJK, 9*h + 50*time.Minute, fK},
	}
	for i := range 7 { // 00:00 to 06:00 over jpn-coast
		ps = append(ps, fixPos{mDream, time.Duration(i) * h, fJ})
	}
	for _, at := range []time.Duration{8 * h, 9 * h, 10 * h} { // then gbr-sat only
		ps = append(ps, fixPos{mDream, at, fG})
	}
	return ps
}()

// fixed rounds to 5 decimals, so that a coordinate prints as those.
func fixed(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 5, 64), 64)
	return v
}

// posCoord and evCoord give every position and event a place of its own
// whose fifth decimal is never 0: printed, each is a distinct number.
func posCoord(i int) (lat, lon float64) {
	return fixed(30.01234 + float64(i)*0.1731), fixed(130.02345 + float64(i)*0.2917)
}

func evCoord(i int) (lat, lon float64) {
	return fixed(36.05678 + float64(i)*0.0913), fixed(138.06789 + float64(i)*0.0619)
}

type fixIdent struct {
	mmsi         uint32
	field, value string
	first, last  time.Duration
	feeds        uint64
}

var fixIdents = func() []fixIdent {
	h, m := time.Hour, time.Minute
	return []fixIdent{
		{mOnlyJ, event.FieldName, "ONLY-JPN", 9 * h, 9*h + 30*m, fJ},
		{mOnlyG, event.FieldName, "ONLY-GBR", 9 * h, 9*h + 30*m, fG},
		{mOnlyK, event.FieldName, "ONLY-KOR", 9 * h, 9*h + 30*m, fK},
		{mOnlyK, event.FieldCallSign, "KORCALL1", 9 * h, 9*h + 30*m, fK},
		{mSays, event.FieldName, "JPN-SAYS", 9 * h, 9*h + 20*m, fJ},
		{mSays, event.FieldName, "GBR-SAYS", 9 * h, 9*h + 40*m, fG},
		{mDream, event.FieldName, "SEA DREAM", time.Millisecond, 6 * h, fJ},
		{mJK, event.FieldName, "SHARED-JK", 9*h + 10*m, 9*h + 10*m, fJ},
		{mJK, event.FieldName, "SHARED-JK", 9*h + 50*m, 9*h + 50*m, fK},
		{mNoPos, event.FieldName, "NO-POSITION", 9 * h, 9 * h, fK},
	}
}()

type fixEvent struct {
	id                string
	typ               event.Type
	mmsi, other       uint32
	start, end        time.Duration
	feeds, otherFeeds uint64
	conf              float64
}

var fixEvents = func() []fixEvent {
	h, m := time.Hour, time.Minute
	return []fixEvent{
		{"evt-enc-jg", event.Encounter, mOnlyJ, mOnlyG, 9 * h, 9*h + 30*m, fJ, fG, 0.9},         // USA
		{"evt-gap-k", event.Gap, mOnlyK, 0, 9 * h, 9*h + 30*m, fK, 0, 0.5},                      // KOR
		{"evt-loiter-jg", event.Loitering, mSays, 0, 9 * h, 9*h + 40*m, fJ | fG, 0, 0.7},        // JPN, GBR, USA
		{"evt-gap-dream", event.Gap, mDream, 0, 6 * h, 8 * h, fJ | fG, 0, 0.6},                  // JPN, GBR, USA
		{"evt-dark-gk", event.DarkRendezvous, mDream, mOnlyK, 8 * h, 9 * h, fG, fK, 0.8},        // nobody
		{"evt-enc-says", event.Encounter, mSays, mOnlyJ, 9 * h, 9*h + 20*m, fJ | fG, fJ, 0.4},   // JPN, USA
		{"evt-enc-jk", event.Encounter, mJK, mOnlyK, 9*h + 40*m, 9*h + 50*m, fJ | fK, fK, 0.85}, // KOR
	}
}()

// want is what a partner may see of the fixture, by the rule.
type want struct {
	partner string
	clr     uint64
	t0      time.Time
}

func (w want) seesFeeds(feeds uint64) bool { return feeds&w.clr != 0 }

// seesEvent: cleared for a feed of each of the event's vessels.
func (w want) seesEvent(e fixEvent) bool {
	return w.seesFeeds(e.feeds) && (e.other == 0 || w.seesFeeds(e.otherFeeds))
}

// latest is the index in fixPositions of the vessel's latest position
// the partner's feeds heard, -1 for none.
func (w want) latest(mmsi uint32) int {
	best := -1
	for i, p := range fixPositions {
		if p.mmsi == mmsi && w.seesFeeds(p.feeds) && (best < 0 || p.at > fixPositions[best].at) {
			best = i
		}
	}
	return best
}

// identity is the identity values the partner's feeds heard, those of
// one value merged, by field, oldest first.
func (w want) identity(mmsi uint32) map[string][]identityValue {
	out := map[string][]identityValue{}
	for _, r := range fixIdents {
		if r.mmsi != mmsi || !w.seesFeeds(r.feeds) {
			continue
		}
		first, last := w.t0.Add(r.first).UTC(), w.t0.Add(r.last).UTC()
		vs := out[r.field]
		if i := slices.IndexFunc(vs, func(v identityValue) bool { return v.Value == r.value }); i >= 0 {
			if first.Before(vs[i].First) {
				vs[i].First = first
			}
			if last.After(vs[i].Last) {
				vs[i].Last = last
			}
			continue
		}
		out[r.field] = append(vs, identityValue{Value: r.value, First: first, Last: last})
	}
	for _, vs := range out {
		slices.SortFunc(vs, func(a, b identityValue) int {
			if c := a.First.Compare(b.First); c != 0 {
				return c
			}
			return strings.Compare(a.Value, b.Value)
		})
	}
	return out
}

// name is the name heard last through the partner's feeds.
func (w want) name(mmsi uint32) string {
	var name string
	var last time.Time
	for _, v := range w.identity(mmsi)[event.FieldName] {
		if name == "" || v.Last.After(last) {
			name, last = v.Value, v.Last
		}
	}
	return name
}

func (w want) involved(e fixEvent, mmsi uint32) bool { return e.mmsi == mmsi || e.other == mmsi }

// knows reports whether the vessel exists for the partner: a position,
// an identity value or an event it may see.
func (w want) knows(mmsi uint32) bool {
	if w.latest(mmsi) >= 0 || len(w.identity(mmsi)) > 0 {
		return true
	}
	for _, e := range fixEvents {
		if w.involved(e, mmsi) && w.seesEvent(e) {
			return true
		}
	}
	return false
}

// events returns the ids of the visible events keep selects, in the
// API's order (start time, then id; newest first when desc), at most
// limit (0: all).
func (w want) events(keep func(e fixEvent) bool, desc bool, limit int) []string {
	var es []fixEvent
	for _, e := range fixEvents {
		if w.seesEvent(e) && (keep == nil || keep(e)) {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(a, b fixEvent) int {
		if a.start != b.start {
			return int(a.start - b.start)
		}
		return strings.Compare(a.id, b.id)
	})
	ids := []string{}
	for _, e := range es {
		ids = append(ids, e.id)
	}
	if desc {
		slices.Reverse(ids)
	}
	if limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	return ids
}

// networks returns the member MMSIs of each network the partner may
// see: the groups its visible encounters and dark rendezvous link,
// sorted.
func (w want) networks() [][]uint32 {
	parent := map[uint32]uint32{}
	var find func(uint32) uint32
	find = func(x uint32) uint32 {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, e := range fixEvents {
		if w.seesEvent(e) && (e.typ == event.Encounter || e.typ == event.DarkRendezvous) {
			parent[find(e.mmsi)] = find(e.other)
		}
	}
	groups := map[uint32][]uint32{}
	for m := range parent {
		groups[find(m)] = append(groups[find(m)], m)
	}
	out := [][]uint32{}
	for _, g := range groups {
		slices.Sort(g)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b []uint32) int { return int(a[0]) - int(b[0]) })
	return out
}

// clearance is the names of the feeds the partner may see.
func (w want) clearance() []string {
	out := []string{}
	for i, f := range testFeeds {
		if w.clr&(1<<i) != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// secret is one thing a partner must never be shown.
type secret struct{ kind, s string }

// hidden lists what the partner may not see: the MMSIs of the vessels
// that do not exist for it, the names none of its feeds heard, the ids
// (which are in the summaries too) of the events it may not see, and
// the places of the positions and events it may not see.
func (w want) hidden() []secret {
	var out []secret
	for _, m := range fixtureMMSIs {
		if !w.knows(m) {
			out = append(out, secret{"mmsi", strconv.Itoa(int(m))})
		}
	}
	names := map[string]bool{}
	for _, r := range fixIdents {
		names[r.value] = names[r.value] || w.seesFeeds(r.feeds)
	}
	for n, seen := range names {
		if !seen {
			out = append(out, secret{"identity value", n})
		}
	}
	for i, e := range fixEvents {
		if !w.seesEvent(e) {
			lat, lon := evCoord(i)
			out = append(out, secret{"event", e.id}, secret{"coordinate", ftoa(lat)}, secret{"coordinate", ftoa(lon)})
		}
	}
	for i, p := range fixPositions {
		if !w.seesFeeds(p.feeds) {
			lat, lon := posCoord(i)
			out = append(out, secret{"coordinate", ftoa(lat)}, secret{"coordinate", ftoa(lon)})
		}
	}
	return out
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// containsNumber reports whether s occurs in b as a whole number: not
// next to a digit or a decimal point.
func containsNumber(b []byte, s string) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(s))
		if i < 0 {
			return false
		}
		i += off
		j := i + len(s)
		isNum := func(c byte) bool { return c >= '0' && c <= '9' || c == '.' }
		if (i == 0 || !isNum(b[i-1])) && (j == len(b) || !isNum(b[j])) {
			return true
		}
		off = i + 1
	}
}

// scan fails the test for every secret found in body, but those of
// except (what the request itself named).
func scan(t *testing.T, what string, body []byte, secrets []secret, except ...string) {
	t.Helper()
	for _, s := range secrets {
		if slices.Contains(except, s.s) {
			continue
		}
		found := false
		switch s.kind {
		case "mmsi", "coordinate":
			found = containsNumber(body, s.s)
		default:
			found = bytes.Contains(body, []byte(s.s))
		}
		if found {
			t.Errorf("%s: shows the hidden %s %s: %.300s", what, s.kind, s.s, body)
		}
	}
}

// fixture is a server with access control over a running pipeline of
// three TCP feeds, on random ports.
type fixture struct {
	t     *testing.T
	dir   string // the data directory: access.json, audit.jsonl
	t0    time.Time
	st    *store.Store
	p     *live.Pipeline
	srv   *Server
	guard *access.Guard
	audit *access.Audit
	base  string
	http  *http.Client

	secrets  map[string]string // by user
	tokenIDs map[string]string // by user
	close    func()
}

// newFixture starts a fixture: partners, groups and users of every
// role with a token each in a fresh access registry, and a server with
// opts (Access, Audit and Gatherer are set here).
func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, t0: time.Now().Add(-12 * time.Hour).Truncate(time.Hour),
		secrets: map[string]string{}, tokenIDs: map[string]string{}}
	err := access.Update(dir, func(r *access.Registry) error {
		for _, p := range append(testPartners, opsPartner) {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
		}
		for g, ms := range testGroups {
			if err := r.AddPartner(g, ms); err != nil {
				return err
			}
		}
		for _, p := range append(testPartners, opsPartner) {
			for _, role := range testRoles {
				u, pw := userName(p, role), ""
				if u == testPasswordUser {
					pw = testPassword
				}
				if err := r.AddUser(u, p, role, pw); err != nil {
					return err
				}
				secret, tok, err := r.CreateToken(u, "tests", 0, time.Now())
				if err != nil {
					return err
				}
				f.secrets[u], f.tokenIDs[u] = secret, tok.ID
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.guard, err = access.OpenGuard(dir, nil); err != nil {
		t.Fatal(err)
	}
	if f.audit, err = access.OpenAudit(filepath.Join(dir, access.AuditFile)); err != nil {
		t.Fatal(err)
	}
	if f.st, err = store.Open(filepath.Join(dir, "store"), store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.st.Close() })
	reg := prometheus.NewRegistry()
	var feeds []live.Feed
	for _, tf := range testFeeds {
		feeds = append(feeds, live.Feed{Name: tf.name, Partner: tf.owner, Label: "REL TO " + strings.Join(tf.relTo, ", "),
			Kind: live.TCPListener, Address: "127.0.0.1:0"})
	}
	// A long provenance window: a copy of a transmission from a second
	// feed adds its feed to the stored position however slow the machine.
	f.p, err = live.New(live.Options{Feeds: feeds, ProvenanceHold: time.Hour}, f.st, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.p.Close)
	opts.Access, opts.Audit, opts.Gatherer = f.guard, f.audit, reg
	if opts.Heartbeat == 0 {
		opts.Heartbeat = time.Hour
	}
	f.srv = New(f.p, opts, nil, reg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.base = "http://" + ln.Addr().String()
	f.http = &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       time.Minute, // a hang guard, not a measure
	}
	pctx, stopPipeline := context.WithCancel(context.Background())
	hctx, stopHTTP := context.WithCancel(context.Background())
	ran, served := make(chan error, 1), make(chan error, 1)
	go func() { ran <- f.p.Run(pctx) }()
	go func() { served <- f.srv.Serve(hctx, ln) }()
	var once sync.Once
	f.close = func() {
		once.Do(func() {
			// Pipeline order: the pipeline (its end closes the live
			// streams), then HTTP, then the audit log.
			stopPipeline()
			if err := <-ran; err != nil {
				t.Error(err)
			}
			stopHTTP()
			if err := <-served; err != nil {
				t.Error(err)
			}
			if err := f.audit.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(f.close)
	return f
}

// seed puts the fixture's positions, identities and events straight
// into the store.
func (f *fixture) seed() {
	t := f.t
	t.Helper()
	ms := func(d time.Duration) int64 { return f.t0.Add(d).UnixMilli() }
	var ps []store.Position
	for i, p := range fixPositions {
		lat, lon := posCoord(i)
		ps = append(ps, store.Position{MMSI: p.mmsi, Time: ms(p.at), Lat: lat, Lon: lon, SOG: 9.5, COG: 45, Heading: 44, Status: 0, Feeds: p.feeds})
	}
	if err := f.st.Append(ps); err != nil {
		t.Fatal(err)
	}
	for _, r := range fixIdents {
		if err := f.st.PutIdentity(r.mmsi, store.IdentityRecord{Field: r.field, Value: r.value, First: ms(r.first), Last: ms(r.last), Feeds: r.feeds}); err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range fixEvents {
		lat, lon := evCoord(i)
		ev := event.Event{ID: e.id, Type: e.typ, MMSI: e.mmsi, OtherMMSI: e.other, Start: f.t0.Add(e.start).UTC(), End: f.t0.Add(e.end).UTC(),
			Lat: lat, Lon: lon, Confidence: e.conf, Summary: "summary of " + e.id}
		if err := f.st.PutEvent(ev, store.Provenance{Feeds: e.feeds, OtherFeeds: e.otherFeeds}); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) want(partner string) want {
	return want{partner: partner, clr: clearedFor(partner), t0: f.t0}
}

// reply is an HTTP answer, read whole.
type reply struct {
	code int
	hdr  http.Header
	body []byte
}

// do sends a request with a bearer token (none when ""), and extra
// headers as name, value pairs; it does not follow redirects. A live
// stream is cut once its headers came.
func (f *fixture) do(t *testing.T, method, path, token string, body io.Reader, hdr ...string) reply {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, f.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := f.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	r := reply{code: resp.StatusCode, hdr: resp.Header}
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		if r.body, err = io.ReadAll(resp.Body); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return r
}

func (f *fixture) get(t *testing.T, path, token string) reply {
	t.Helper()
	return f.do(t, http.MethodGet, path, token, nil)
}

// getOK gets path, wants a 200, and decodes the body into v (when not nil).
func (f *fixture) getOK(t *testing.T, path, token string, v any) reply {
	t.Helper()
	r := f.get(t, path, token)
	if r.code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.code, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("GET %s: %v in %.300s", path, err, r.body)
		}
	}
	return r
}

// errorOf checks that r is a JSON error of that code and returns its
// message.
func errorOf(t *testing.T, what string, r reply, code int) string {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: %d, want %d: %.300s", what, r.code, code, r.body)
		return ""
	}
	if ct := r.hdr.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: content type %q", what, ct)
	}
	var e errorBody
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error == "" {
		t.Errorf("%s: not a JSON error: %v in %.300s", what, err, r.body)
	}
	return e.Error
}

type vesselsReply struct {
	Type     string
	Features []struct {
		Geometry struct {
			Type        string
			Coordinates []float64
		}
		Properties vesselProps
	}
}

type trackReply struct {
	Type       string
	Geometry   *geometry
	Properties trackProps
	Points     []position
}

type networksReply struct {
	Networks []network.Network
}

func mmsiPath(m uint32) string { return strconv.FormatUint(uint64(m), 10) }

// TestAccessMatrix reads every endpoint as every partner, and checks
// that each answer is exactly what the rule lets the partner see, and
// that nothing hidden shows anywhere in any answer: aggregates, risk,
// networks, exports and errors included.
func TestAccessMatrix(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6})
	f.seed()

	// The clearances the labels give, as docs/security.md reads them.
	for p, bits := range map[string]uint64{"JPN": fJ, "GBR": fG, "USA": fJ | fG, "KOR": fK, "AUS": 0} {
		if got := clearedFor(p); got != bits {
			t.Fatalf("the test's rule clears %s for %b, want %b", p, got, bits)
		}
	}
	watermark := f.t0.Add(10 * time.Hour)
	if got := f.st.Stats().Watermark; got != watermark.UnixMilli() {
		t.Fatalf("watermark %d, want %d", got, watermark.UnixMilli())
	}

	for _, partner := range testPartners {
		t.Run(partner, func(t *testing.T) {
			w := f.want(partner)
			secrets := w.hidden()
			viewer, analyst, admin := f.secrets[userName(partner, access.Viewer)], f.secrets[userName(partner, access.Analyst)], f.secrets[userName(partner, access.Admin)]

			// /api/me: the feeds the partner may see, by name.
			var m me
			r := f.getOK(t, "/api/me", viewer, &m)
			scan(t, "/api/me", r.body, secrets)
			if m.Partner != partner || m.User != userName(partner, access.Viewer) || m.Role != access.Viewer || m.Open || !slices.Equal(m.Clearance, w.clearance()) {
				t.Errorf("/api/me: %+v, want clearance %v", m, w.clearance())
			}

			checkVessels(t, f, w, viewer, secrets)
			checkProfiles(t, f, w, viewer, secrets)
			checkTracks(t, f, w, viewer, secrets)
			checkTimelines(t, f, w, viewer, secrets)
			checkEvents(t, f, w, viewer, secrets)
			checkNetworks(t, f, w, analyst, secrets)
			checkExports(t, f, w, analyst, secrets)

			// Roles grant actions, never clearance: an admin sees what a
			// viewer of its partner sees.
			for _, path := range []string{"/api/vessels?max_age=1d", "/api/events", "/api/vessels/" + mmsiPath(mSays), "/api/me"} {
				a, v := f.get(t, path, admin), f.get(t, path, viewer)
				if path == "/api/me" {
					var ma, mv me
					json.Unmarshal(a.body, &ma)
					json.Unmarshal(v.body, &mv)
					if !slices.Equal(ma.Clearance, mv.Clearance) {
						t.Errorf("admin's clearance %v, viewer's %v", ma.Clearance, mv.Clearance)
					}
					continue
				}
				if a.code != v.code || !bytes.Equal(a.body, v.body) {
					t.Errorf("%s: the admin sees\n%s\nthe viewer\n%s", path, a.body, v.body)
				}
			}

			// The operator's views cover every feed: only an admin of a
			// partner cleared for every feed gets /api/feeds, /metrics
			// and the details of /healthz, and none of the matrix's is.
			for _, path := range []string{"/api/feeds", "/metrics"} {
				for _, tok := range []string{viewer, analyst, admin} {
					errorOf(t, path, f.get(t, path, tok), http.StatusForbidden)
				}
			}
			for _, tok := range []string{"", viewer, analyst, admin} {
				r := f.getOK(t, "/healthz", tok, nil)
				var h map[string]any
				json.Unmarshal(r.body, &h)
				if len(h) != 2 || h["status"] != "ok" || h["time"] == nil {
					t.Errorf("/healthz for a non-admin: %s", r.body)
				}
			}
			r = f.getOK(t, "/api/config", viewer, nil)
			scan(t, "/api/config", r.body, secrets)
		})
	}
}

// checkVessels: /api/vessels, with and without bbox, max_age and q.
func checkVessels(t *testing.T, f *fixture, w want, token string, secrets []secret) {
	t.Helper()
	watermark := f.st.Stats().Watermark
	type query struct {
		q, bbox string
		maxAge  time.Duration
	}
	var queries []query
	for _, maxAge := range []time.Duration{0, 24 * time.Hour} {
		for _, bbox := range []string{"", "130,30,133,32.5", "133,32.5,138,36"} {
			queries = append(queries, query{"", bbox, maxAge})
		}
		for _, q := range []string{"ONLY", "SAYS", "JPN-SAYS", "GBR-SAYS", "sea dream", "SHARED", "NO-POSITION", "440", "4", "2322", "KOR", "JPN", "GBR"} {
			queries = append(queries, query{q, "", maxAge})
		}
	}
	for _, q := range queries {
		v := url.Values{}
		if q.q != "" {
			v.Set("q", q.q)
		}
		if q.bbox != "" {
			v.Set("bbox", q.bbox)
		}
		maxAge := time.Hour // the server's StaleAfter
		if q.maxAge != 0 {
			v.Set("max_age", "1d")
			maxAge = q.maxAge
		}
		path := "/api/vessels"
		if len(v) > 0 {
			path += "?" + v.Encode()
		}
		var fc vesselsReply
		r := f.getOK(t, path, token, &fc)
		scan(t, path, r.body, secrets)

		// Expected: each vessel's latest position its partner's feeds
		// heard, recent enough and in the box, whose MMSI starts with q
		// or whose name (as the partner knows it) contains it.
		var box *store.BBox
		if q.bbox != "" {
			box, _ = parseBBox(q.bbox)
		}
		type vessel struct {
			mmsi     uint32
			name     string
			lat, lon float64
			at       time.Time
		}
		var exp []vessel
		for _, m := range fixtureMMSIs {
			i := w.latest(m)
			if i < 0 {
				continue
			}
			lat, lon := posCoord(i)
			at := w.t0.Add(fixPositions[i].at)
			name := w.name(m)
			s := strings.ToUpper(q.q)
			match := s == "" || strings.Contains(strings.ToUpper(name), s)
			if s != "" && strings.Trim(s, "0123456789") == "" {
				match = strings.HasPrefix(mmsiPath(m), s)
			}
			if at.UnixMilli() >= watermark-maxAge.Milliseconds() && (box == nil || box.Contains(lat, lon)) && match {
				exp = append(exp, vessel{m, name, lat, lon, at.UTC()})
			}
		}
		slices.SortFunc(exp, func(a, b vessel) int { return int(a.mmsi) - int(b.mmsi) })
		var got []vessel
		for _, ft := range fc.Features {
			c := ft.Geometry.Coordinates
			if ft.Geometry.Type != "Point" || len(c) != 2 {
				t.Fatalf("%s: geometry %+v", path, ft.Geometry)
			}
			got = append(got, vessel{ft.Properties.MMSI, ft.Properties.Name, c[1], c[0], ft.Properties.Time})
			// A risk score only for a vessel in a visible event.
			inEvent := false
			for _, e := range fixEvents {
				inEvent = inEvent || w.involved(e, ft.Properties.MMSI) && w.seesEvent(e)
			}
			if (ft.Properties.Risk != nil) != inEvent {
				t.Errorf("%s: vessel %d has risk %v; in a visible event: %v", path, ft.Properties.MMSI, ft.Properties.Risk, inEvent)
			}
		}
		if !slices.Equal(got, exp) {
			t.Errorf("%s:\n got %+v\nwant %+v", path, got, exp)
		}
	}
}

// checkProfiles: /api/vessels/{mmsi} of every vessel, and of one never
// heard: a vessel the partner may not see answers exactly as that one.
func checkProfiles(t *testing.T, f *fixture, w want, token string, secrets []secret) {
	t.Helper()
	unknown := f.get(t, "/api/vessels/"+mmsiPath(mUnknown), token)
	errorOf(t, "unknown vessel", unknown, http.StatusNotFound)
	for _, m := range fixtureMMSIs {
		path := "/api/vessels/" + mmsiPath(m)
		r := f.get(t, path, token)
		if !w.knows(m) {
			if want := bytes.ReplaceAll(unknown.body, []byte(mmsiPath(mUnknown)), []byte(mmsiPath(m))); r.code != unknown.code || !bytes.Equal(r.body, want) ||
				r.hdr.Get("Content-Type") != unknown.hdr.Get("Content-Type") {
				t.Errorf("%s: hidden, but answers %d %s; an unknown vessel %d %s", path, r.code, r.body, unknown.code, unknown.body)
			}
			scan(t, path, r.body, secrets, mmsiPath(m))
			continue
		}
		if r.code != http.StatusOK {
			t.Errorf("%s: %d %s", path, r.code, r.body)
			continue
		}
		scan(t, path, r.body, secrets)
		var vp vesselProfile
		if err := json.Unmarshal(r.body, &vp); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if vp.MMSI != m || vp.Name != w.name(m) {
			t.Errorf("%s: mmsi %d name %q, want %q", path, vp.MMSI, vp.Name, w.name(m))
		}
		if i := w.latest(m); i < 0 {
			if vp.Latest != nil {
				t.Errorf("%s: latest %+v, want none", path, vp.Latest)
			}
		} else if lat, lon := posCoord(i); vp.Latest == nil || vp.Latest.Lat != lat || vp.Latest.Lon != lon || !vp.Latest.Time.Equal(w.t0.Add(fixPositions[i].at)) {
			t.Errorf("%s: latest %+v, want %v, %v at %v", path, vp.Latest, lat, lon, fixPositions[i].at)
		}
		wantID := w.identity(m)
		if len(vp.Identity) != len(wantID) {
			t.Errorf("%s: identity %+v, want %+v", path, vp.Identity, wantID)
		}
		for field, vs := range wantID {
			got := vp.Identity[field]
			if len(got) != len(vs) {
				t.Errorf("%s: %s %+v, want %+v", path, field, got, vs)
				continue
			}
			for i := range vs {
				if got[i].Value != vs[i].Value || !got[i].First.Equal(vs[i].First) || !got[i].Last.Equal(vs[i].Last) {
					t.Errorf("%s: %s %+v, want %+v", path, field, got, vs)
				}
			}
		}
		var ids []string
		for _, e := range vp.Events {
			ids = append(ids, e.ID)
		}
		if wantIDs := w.events(func(e fixEvent) bool { return w.involved(e, m) }, true, 0); !slices.Equal(ids, wantIDs) && !(len(ids) == 0 && len(wantIDs) == 0) {
			t.Errorf("%s: events %v, want %v", path, ids, wantIDs)
		}
		// Risk and profile come from the visible events alone.
		if (vp.Profile != nil) != (len(ids) > 0) || (vp.Risk != nil) != (len(ids) > 0) {
			t.Errorf("%s: profile %v, risk %v, with %d visible events", path, vp.Profile != nil, vp.Risk != nil, len(ids))
		}
		if vp.Profile != nil {
			n := 0
			for _, c := range vp.Profile.Events {
				n += c
			}
			if n != len(ids) {
				t.Errorf("%s: the profile counts %v events, %d are visible", path, vp.Profile.Events, len(ids))
			}
			for _, reason := range vp.Risk.Reasons {
				for _, id := range reason.Events {
					if !slices.Contains(ids, id) && !slices.Contains(w.events(nil, false, 0), id) {
						t.Errorf("%s: risk reason %q rests on event %s", path, reason.Code, id)
					}
				}
			}
		}
		// Its networks are those of /api/networks with it.
		var nets networksReply
		f.getOK(t, "/api/networks?mmsi="+mmsiPath(m), f.secrets[userName(w.partner, access.Analyst)], &nets)
		var netIDs []string
		for _, n := range nets.Networks {
			netIDs = append(netIDs, n.ID)
		}
		if !slices.Equal(vp.Networks, netIDs) && !(len(vp.Networks) == 0 && len(netIDs) == 0) {
			t.Errorf("%s: networks %v, /api/networks has %v", path, vp.Networks, netIDs)
		}
	}
}

// checkTracks: /api/vessels/{mmsi}/track; a vessel the partner may not
// see has an empty track, as one never heard.
func checkTracks(t *testing.T, f *fixture, w want, token string, secrets []secret) {
	t.Helper()
	for _, q := range []string{"", "?from=" + url.QueryEscape(w.t0.Format(time.RFC3339)) + "&to=" + url.QueryEscape(w.t0.Add(9*time.Hour+15*time.Minute).Format(time.RFC3339))} {
		unknown := f.getOK(t, "/api/vessels/"+mmsiPath(mUnknown)+"/track"+q, token, nil)
		for _, m := range fixtureMMSIs {
			path := "/api/vessels/" + mmsiPath(m) + "/track" + q
			var tr trackReply
			r := f.getOK(t, path, token, &tr)
			scan(t, path, r.body, secrets, mmsiPath(m))
			from, to := w.t0.Add(10*time.Hour+time.Millisecond).Add(-24*time.Hour), w.t0.Add(10*time.Hour+time.Millisecond)
			if q != "" {
				from, to = w.t0, w.t0.Add(9*time.Hour+15*time.Minute)
			}
			var exp []position
			for i, p := range fixPositions {
				at := w.t0.Add(p.at)
				if p.mmsi == m && w.seesFeeds(p.feeds) && !at.Before(from) && at.Before(to) {
					lat, lon := posCoord(i)
					exp = append(exp, position{Time: at.UTC(), Lat: lat, Lon: lon})
				}
			}
			slices.SortFunc(exp, func(a, b position) int { return a.Time.Compare(b.Time) })
			if len(tr.Points) != len(exp) || tr.Properties.Count != len(exp) {
				t.Errorf("%s: %d points, want %d", path, len(tr.Points), len(exp))
				continue
			}
			for i := range exp {
				if p := tr.Points[i]; !p.Time.Equal(exp[i].Time) || p.Lat != exp[i].Lat || p.Lon != exp[i].Lon {
					t.Errorf("%s: point %d %+v, want %+v", path, i, p, exp[i])
				}
			}
			if len(exp) == 0 {
				if want := bytes.ReplaceAll(unknown.body, []byte(mmsiPath(mUnknown)), []byte(mmsiPath(m))); !bytes.Equal(r.body, want) {
					t.Errorf("%s: an empty track answers %s; one never heard %s", path, r.body, unknown.body)
				}
			}
		}
	}
}

// checkEvents: /api/events with each filter.
func checkEvents(t *testing.T, f *fixture, w want, token string, secrets []secret) {
	t.Helper()
	ts := func(d time.Duration) string { return url.QueryEscape(w.t0.Add(d).Format(time.RFC3339)) }
	box := &store.BBox{MinLon: 138, MinLat: 36, MaxLon: 138.2, MaxLat: 36.3}
	type c struct {
		query string
		keep  func(e fixEvent) bool
		asc   bool
		limit int
	}
	cases := []c{
		{"", nil, false, 0},
		{"type=encounter", func(e fixEvent) bool { return e.typ == event.Encounter }, false, 0},
		{"type=gap,loitering", func(e fixEvent) bool { return e.typ == event.Gap || e.typ == event.Loitering }, false, 0},
		{"type=dark_rendezvous", func(e fixEvent) bool { return e.typ == event.DarkRendezvous }, false, 0},
		{"from=" + ts(9*time.Hour+35*time.Minute) + "&to=" + ts(11*time.Hour), func(e fixEvent) bool {
			return e.end >= 9*time.Hour+35*time.Minute && e.start < 11*time.Hour
		}, false, 0},
		{"to=" + ts(8*time.Hour+30*time.Minute), func(e fixEvent) bool { return e.start < 8*time.Hour+30*time.Minute }, false, 0},
		{"bbox=138,36,138.2,36.3", func(e fixEvent) bool {
			i := slices.IndexFunc(fixEvents, func(x fixEvent) bool { return x.id == e.id })
			lat, lon := evCoord(i)
			return box.Contains(lat, lon)
		}, false, 0},
		{"min_confidence=0.6", func(e fixEvent) bool { return e.conf >= 0.6 }, false, 0},
		{"order=asc&limit=2", nil, true, 2},
		{"limit=1", nil, false, 1},
	}
	for _, m := range append(fixtureMMSIs, mUnknown) {
		cases = append(cases, c{"mmsi=" + mmsiPath(m), func(e fixEvent) bool { return w.involved(e, m) }, false, 0})
	}
	for _, c := range cases {
		path := "/api/events?" + c.query
		var evs []event.Event
		r := f.getOK(t, path, token, &evs)
		except := []string{}
		if m, ok := strings.CutPrefix(c.query, "mmsi="); ok {
			except = append(except, m)
		}
		scan(t, path, r.body, secrets, except...)
		var ids []string
		for _, e := range evs {
			ids = append(ids, e.ID)
		}
		if want := w.events(c.keep, !c.asc, c.limit); !slices.Equal(ids, want) && !(len(ids) == 0 && len(want) == 0) {
			t.Errorf("%s: %v, want %v", path, ids, want)
		}
	}
}

// checkNetworks: /api/networks are the groups the visible encounters and
// dark rendezvous link, and their links rest on visible events only.
func checkNetworks(t *testing.T, f *fixture, w want, token string, secrets []secret) {
	t.Helper()
	var nets networksReply
	r := f.getOK(t, "/api/networks", token, &nets)
	scan(t, "/api/networks", r.body, secrets)
	visible := w.events(nil, false, 0)
	got := [][]uint32{}
	for _, n := range nets.Networks {
		var ms []uint32
		for _, m := range n.Members {
			ms = append(ms, m.MMSI)
			if m.Name != w.name(m.MMSI) && m.Name != "" {
				t.Errorf("network %s: member %d named %q, want %q", n.ID, m.MMSI, m.Name, w.name(m.MMSI))
			}
		}
		slices.Sort(ms)
		got = append(got, ms)
		for _, l := range n.Links {
			for _, id := range l.Events {
				if !slices.Contains(visible, id) {
					t.Errorf("network %s: link %s-%s rests on event %s", n.ID, l.A, l.B, id)
				}
			}
		}
	}
	slices.SortFunc(got, func(a, b []uint32) int { return int(a[0]) - int(b[0]) })
	want := w.networks()
	if len(got) != len(want) {
		t.Errorf("/api/networks: %v, want %v", got, want)
		return
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("/api/networks: %v, want %v", got, want)
		}
	}
	// With a hidden vessel: nothing.
	for _, m := range fixtureMMSIs {
		if w.knows(m) {
			continue
		}
		path := "/api/networks?mmsi=" + mmsiPath(m)
		var nets networksReply
		r := f.getOK(t, path, token, &nets)
		scan(t, path, r.body, secrets, mmsiPath(m))
		if len(nets.Networks) != 0 {
			t.Errorf("%s: %d networks", path, len(nets.Networks))
		}
	}
}

// checkExports: the four exports hold the visible events only.
func checkExports(t *testing.T, f *fixture, w want, token string, secrets []secret) {
	t.Helper()
	for _, q := range []string{"", "?type=encounter"} {
		var keep func(fixEvent) bool
		if q != "" {
			keep = func(e fixEvent) bool { return e.typ == event.Encounter }
		}
		want := w.events(keep, true, 0)
		slices.Sort(want)
		check := func(path string, ids []string, mmsis []uint32) {
			t.Helper()
			slices.Sort(ids)
			if !slices.Equal(ids, want) && !(len(ids) == 0 && len(want) == 0) {
				t.Errorf("%s: events %v, want %v", path, ids, want)
			}
			for _, m := range mmsis {
				if !w.knows(m) {
					t.Errorf("%s: names hidden vessel %d", path, m)
				}
			}
		}

		path := "/api/export/events.csv" + q
		r := f.getOK(t, path, token, nil)
		scan(t, path, r.body, secrets)
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil || len(rows) == 0 || !slices.Equal(rows[0], export.Header()) {
			t.Fatalf("%s: %v %q", path, err, r.body)
		}
		var ids []string
		var mmsis []uint32
		for _, row := range rows[1:] {
			ids = append(ids, row[0])
			for _, s := range row[3:5] {
				if n, err := strconv.ParseUint(s, 10, 32); err == nil {
					mmsis = append(mmsis, uint32(n))
				}
			}
		}
		check(path, ids, mmsis)

		path = "/api/export/events.geojson" + q
		r = f.getOK(t, path, token, nil)
		scan(t, path, r.body, secrets)
		var fc struct {
			Type     string
			Features []struct{ Properties event.Event }
		}
		if err := json.Unmarshal(r.body, &fc); err != nil || fc.Type != "FeatureCollection" {
			t.Fatalf("%s: %v %.300s", path, err, r.body)
		}
		ids, mmsis = nil, nil
		for _, ft := range fc.Features {
			ids = append(ids, ft.Properties.ID)
			mmsis = append(mmsis, ft.Properties.MMSI)
			if ft.Properties.OtherMMSI != 0 {
				mmsis = append(mmsis, ft.Properties.OtherMMSI)
			}
		}
		check(path, ids, mmsis)

		path = "/api/export/events.kml" + q
		r = f.getOK(t, path, token, nil)
		scan(t, path, r.body, secrets)
		var kml struct {
			Placemarks []struct {
				ID   string `xml:"id,attr"`
				Data []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value"`
				} `xml:"ExtendedData>Data"`
			} `xml:"Document>Placemark"`
		}
		if err := xml.Unmarshal(r.body, &kml); err != nil {
			t.Fatalf("%s: %v %.300s", path, err, r.body)
		}
		ids, mmsis = nil, nil
		for _, p := range kml.Placemarks {
			ids = append(ids, p.ID)
			for _, d := range p.Data {
				if d.Name == "mmsi" || d.Name == "other_mmsi" {
					n, _ := strconv.ParseUint(d.Value, 10, 32)
					mmsis = append(mmsis, uint32(n))
				}
			}
		}
		check(path, ids, mmsis)

		path = "/api/export/events.parquet" + q
		r = f.getOK(t, path, token, nil)
		scan(t, path, r.body, secrets)
		pf, err := parquet.OpenFile(bytes.NewReader(r.body), int64(len(r.body)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if pf.NumRows() != int64(len(want)) {
			t.Errorf("%s: %d rows, want %d", path, pf.NumRows(), len(want))
		}
		rows2 := make([]export.ParquetRow, len(want)+1)
		n, _ := parquet.NewGenericReader[export.ParquetRow](bytes.NewReader(r.body)).Read(rows2)
		ids, mmsis = nil, nil
		for _, row := range rows2[:n] {
			ids = append(ids, row.ID)
			mmsis = append(mmsis, uint32(row.MMSI))
			if row.OtherMMSI != 0 {
				mmsis = append(mmsis, uint32(row.OtherMMSI))
			}
			scan(t, path+" row", []byte(row.Summary+" "+row.Details), secrets)
		}
		check(path, ids, mmsis)
	}
}

// NMEA sentences for the live stream.

func aivdm(t *testing.T, m ais.Message) string {
	t.Helper()
	payload, fill, err := ais.AppendPayload(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	body := "AIVDM,1,1,,A," + string(payload) + "," + strconv.Itoa(fill)
	var sum byte
	for i := 0; i < len(body); i++ {
		sum ^= body[i]
	}
	return fmt.Sprintf("!%s*%02X\r\n", body, sum)
}

func positionSentence(t *testing.T, mmsi uint32, lat, lon float64) string {
	return aivdm(t, &ais.PositionReport{Header: ais.Header{Type: 1, MMSI: mmsi}, Speed: 102, Accuracy: true,
		Lon: int32(math.Round(lon * 600000)), Lat: int32(math.Round(lat * 600000)), Course: 900, Heading: 90, Second: 12})
}

func nameSentence(t *testing.T, mmsi uint32, name string) string {
	return aivdm(t, &ais.StaticDataReport{Header: ais.Header{Type: 24, MMSI: mmsi}, PartNo: 0, ShipName: []byte(name)})
}

// TestAccessStream pushes real NMEA over TCP into the three feeds, the
// same transmission into two of them, and reads the live stream as each
// partner: a subscriber gets a transmission once, from the first of its
// feeds that heard it, the name only when cleared for a feed that said
// it, and an alert only when cleared for its input. The store then
// answers the same way.
func TestAccessStream(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	const (
		sJ       = 431900001 // named over jpn-coast; heard by jpn-coast, then gbr-sat
		sK       = 440900002 // named over kor-shore; heard by kor-shore
		sKG      = 232900003 // heard by kor-shore, then gbr-sat
		sBadK    = 150000007 // not a ship's MMSI: an alert; heard by kor-shore
		sBadJ    = 160000008 // not a ship's MMSI: an alert; heard by jpn-coast
		nameJ    = "STREAM-JPN"
		nameK    = "STREAM-KOR"
		latJ     = 34.51234
		lonJ     = 135.42345
		latK     = 35.61234
		lonK     = 129.72345
		latKG    = 36.71234
		lonKG    = 130.82345
		latBad   = 33.11234
		lonBad   = 131.22345
		latBadJ  = 32.21234
		lonBadJ  = 132.32345
		alertBad = "invalid_identity"
	)
	type got struct {
		positions map[uint32]int    // copies received
		names     map[uint32]string // the name shown
		alerts    []uint32
		body      []byte
	}
	streams := map[string]chan sse{}
	raw := map[string]*bytes.Buffer{}
	var readers sync.WaitGroup
	for _, partner := range testPartners {
		req, _ := http.NewRequest(http.MethodGet, f.base+"/api/stream", nil)
		req.Header.Set("Authorization", "Bearer "+f.secrets[userName(partner, access.Viewer)])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("%s: stream %d %s", partner, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		buf := &bytes.Buffer{}
		raw[partner] = buf
		ch := make(chan sse, 1024)
		streams[partner] = ch
		readers.Add(1)
		go func() {
			defer readers.Done()
			readSSE(io.TeeReader(resp.Body, buf), ch)
		}()
	}
	waitFor(t, "subscribers", func() bool { return f.p.Stats().Subscribers == len(testPartners) })

	conns := map[string]net.Conn{}
	lines := map[string]int64{}
	send := func(feed, line string) {
		t.Helper()
		c := conns[feed]
		if c == nil {
			var err error
			if c, err = net.Dial("tcp", f.p.Addr(feed).String()); err != nil {
				t.Fatal(err)
			}
			conns[feed] = c
		}
		if _, err := io.WriteString(c, line); err != nil {
			t.Fatal(err)
		}
		lines[feed]++
		// One line at a time, each tracked before the next is sent, so
		// that which feed heard a transmission first is not left to
		// the scheduler.
		waitFor(t, "line taken in", func() bool {
			s := f.p.Stats()
			var decoded int64
			for i, fs := range s.Feeds {
				if fs.Lines != lines[testFeeds[i].name] {
					return false
				}
				decoded += fs.Reports
			}
			return s.Reports == decoded
		})
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	pJ := positionSentence(t, sJ, latJ, lonJ)
	pKG := positionSentence(t, sKG, latKG, lonKG)
	send("jpn-coast", nameSentence(t, sJ, nameJ))
	send("jpn-coast", pJ)
	send("gbr-sat", pJ)
	send("kor-shore", nameSentence(t, sK, nameK))
	send("kor-shore", positionSentence(t, sK, latK, lonK))
	send("kor-shore", pKG)
	send("gbr-sat", pKG)
	send("kor-shore", positionSentence(t, sBadK, latBad, lonBad))
	send("jpn-coast", positionSentence(t, sBadJ, latBadJ, lonBadJ))
	if err := f.p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := f.p.Stats(); s.Duplicates != 2 {
		t.Errorf("%d duplicates, want the 2 transmissions heard twice", s.Duplicates)
	}

	// What each partner may see, by the rule: the feeds that heard each
	// vessel, and those that said its name.
	heard := map[uint32]uint64{sJ: fJ | fG, sK: fK, sKG: fK | fG, sBadK: fK, sBadJ: fJ}
	named := map[uint32]string{sJ: nameJ, sK: nameK}
	nameFeeds := map[uint32]uint64{sJ: fJ, sK: fK}
	all := []uint32{sJ, sK, sKG, sBadK, sBadJ}
	hiddenOf := func(w want) []secret {
		var out []secret
		for _, m := range all {
			if !w.seesFeeds(heard[m]) {
				out = append(out, secret{"mmsi", mmsiPath(m)})
			}
			if n := named[m]; n != "" && !w.seesFeeds(nameFeeds[m]) {
				out = append(out, secret{"name", n})
			}
		}
		return out
	}

	// The store, through the API, after the pipeline wrote it.
	for _, partner := range testPartners {
		w := f.want(partner)
		tok := f.secrets[userName(partner, access.Viewer)]
		var fc vesselsReply
		r := f.getOK(t, "/api/vessels?max_age=1d", tok, &fc)
		scan(t, partner+" /api/vessels", r.body, hiddenOf(w))
		gotNames := map[uint32]string{}
		for _, ft := range fc.Features {
			gotNames[ft.Properties.MMSI] = ft.Properties.Name
		}
		for _, m := range all {
			name, ok := gotNames[m]
			if ok != w.seesFeeds(heard[m]) {
				t.Errorf("%s: vessel %d listed %v, heard by %b", partner, m, ok, heard[m])
			}
			want := named[m]
			if !w.seesFeeds(nameFeeds[m]) {
				want = ""
			}
			if ok && name != want {
				t.Errorf("%s: vessel %d named %q, want %q", partner, m, name, want)
			}
		}
		var evs []event.Event
		r = f.getOK(t, "/api/events", tok, &evs)
		scan(t, partner+" /api/events", r.body, hiddenOf(w))
		var gotAlerts []uint32
		for _, e := range evs {
			gotAlerts = append(gotAlerts, e.MMSI)
		}
		slices.Sort(gotAlerts)
		var wantAlerts []uint32
		for _, m := range []uint32{sBadK, sBadJ} {
			if w.seesFeeds(heard[m]) {
				wantAlerts = append(wantAlerts, m)
			}
		}
		slices.Sort(wantAlerts)
		if !slices.Equal(gotAlerts, wantAlerts) {
			t.Errorf("%s: events of %v, want %v", partner, gotAlerts, wantAlerts)
		}
	}

	// The end of the pipeline ends the streams: everything sent is read.
	f.close()
	readers.Wait()
	for _, partner := range testPartners {
		w := f.want(partner)
		g := got{positions: map[uint32]int{}, names: map[uint32]string{}, body: raw[partner].Bytes()}
		for m := range streams[partner] {
			switch m.event {
			case "position":
				var lp livePosition
				if err := json.Unmarshal([]byte(m.data), &lp); err != nil {
					t.Fatalf("%s: %q: %v", partner, m.data, err)
				}
				g.positions[lp.MMSI]++
				g.names[lp.MMSI] = lp.Name
			case "alert":
				var e event.Event
				if err := json.Unmarshal([]byte(m.data), &e); err != nil {
					t.Fatalf("%s: %q: %v", partner, m.data, err)
				}
				if e.Subtype != alertBad {
					t.Errorf("%s: unexpected alert %s", partner, m.data)
				}
				g.alerts = append(g.alerts, e.MMSI)
			case "dropped":
				t.Errorf("%s: dropped %s", partner, m.data)
			}
		}
		scan(t, partner+" stream", g.body, hiddenOf(w))
		for _, m := range all {
			want := 0
			if w.seesFeeds(heard[m]) {
				want = 1
			}
			if g.positions[m] != want {
				t.Errorf("%s: %d copies of vessel %d's position, want %d", partner, g.positions[m], m, want)
			}
			if want == 1 {
				wantName := named[m]
				if !w.seesFeeds(nameFeeds[m]) {
					wantName = ""
				}
				if g.names[m] != wantName {
					t.Errorf("%s: vessel %d named %q in the stream, want %q", partner, m, g.names[m], wantName)
				}
			}
		}
		var wantAlerts []uint32
		for _, m := range []uint32{sBadK, sBadJ} {
			if w.seesFeeds(heard[m]) {
				wantAlerts = append(wantAlerts, m)
			}
		}
		slices.Sort(g.alerts)
		slices.Sort(wantAlerts)
		if !slices.Equal(g.alerts, wantAlerts) {
			t.Errorf("%s: alerts for %v, want %v", partner, g.alerts, wantAlerts)
		}
	}
}

// waitFor polls cond until it holds; the bound is a hang guard, not a
// measure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i == 30000 {
			t.Fatalf("%s: waited 30 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// protectedRoutes are the routes that need a token, with the role they
// need.
var protectedRoutes = []struct {
	path string
	role access.Role
}{
	{"/api/vessels", access.Viewer},
	{"/api/vessels/" + mmsiPath(mOnlyJ), access.Viewer},
	{"/api/vessels/" + mmsiPath(mOnlyJ) + "/track", access.Viewer},
	{"/api/vessels/" + mmsiPath(mOnlyJ) + "/timeline", access.Viewer},
	{"/api/events", access.Viewer},
	{"/api/config", access.Viewer},
	{"/api/me", access.Viewer},
	{"/api/stream", access.Viewer},
	{"/api/rules", access.Viewer},
	{"/api/alerts", access.Viewer},
	{"/api/zones", access.Viewer},
	{"/api/watchlists", access.Viewer},
	{"/api/layers/ports", access.Viewer},
	{"/api/layers/boundaries", access.Viewer},
	{"/api/layers/density", access.Viewer},
	{"/api/layers/radars", access.Viewer},
	{"/api/detections", access.Viewer},
	{"/api/scenes", access.Viewer},
	{"/api/networks", access.Analyst},
	{"/api/case?mmsi=" + mmsiPath(mOnlyJ), access.Analyst},
	{"/api/export/events.geojson", access.Analyst},
	{"/api/export/events.kml", access.Analyst},
	{"/api/export/events.csv", access.Analyst},
	{"/api/export/events.parquet", access.Analyst},
	{"/api/export/events.nvg", access.Analyst},
	{"/api/export/tracks.nvg?mmsi=" + mmsiPath(mOnlyJ), access.Analyst},
	{"/api/export/tracks.geojson?mmsi=" + mmsiPath(mOnlyJ), access.Analyst},
	{"/api/export/tracks.kml?mmsi=" + mmsiPath(mOnlyJ), access.Analyst},
	{"/api/export/tracks.csv?mmsi=" + mmsiPath(mOnlyJ), access.Analyst},
	{"/api/export/tracks.parquet?mmsi=" + mmsiPath(mOnlyJ), access.Analyst},
	{"/api/feeds", access.Admin},
	{"/metrics", access.Admin},
}

// TestAccessAuth: who gets in, with which role, and what the audit log
// keeps of it.
func TestAccessAuth(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6})
	f.seed()
	jpnViewer := f.secrets[userName("JPN", access.Viewer)]

	// The operator's views, for an admin of the partner cleared for every
	// feed.
	opsAdmin := f.secrets[userName(opsPartner, access.Admin)]
	for _, path := range []string{"/api/feeds", "/metrics"} {
		f.getOK(t, path, opsAdmin, nil)
	}
	var h health
	if r := f.getOK(t, "/healthz", opsAdmin, &h); h.Status != "ok" || len(h.Feeds) != len(testFeeds) {
		t.Errorf("/healthz for the operator's admin: %s", r.body)
	}

	// No token, or not one: 401 everywhere, the same generic answer.
	for _, rt := range append(protectedRoutes, struct {
		path string
		role access.Role
	}{"/api/no-such-thing", access.Viewer}) {
		r := f.get(t, rt.path, "")
		errorOf(t, rt.path+" without a token", r, http.StatusUnauthorized)
		if !strings.HasPrefix(r.hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", rt.path, r.hdr.Get("WWW-Authenticate"))
		}
		for _, h := range []string{"Basic " + jpnViewer, "Bearer", "Bearer ", "bearer " + jpnViewer, "Bearer " + jpnViewer + "x",
			"Bearer pkt_short", "Bearer " + strings.Replace(jpnViewer, "pkt_", "pkt-", 1), "Token " + jpnViewer, jpnViewer,
			"Bearer " + jpnViewer[:len(jpnViewer)-1] + "!", "Bearer " + strings.Repeat("A", 4000)} {
			r := f.do(t, http.MethodGet, rt.path, "", nil, "Authorization", h)
			if msg := errorOf(t, fmt.Sprintf("%s with Authorization %.20q", rt.path, h), r, http.StatusUnauthorized); strings.Contains(msg, "pkt_") {
				t.Errorf("%s: the 401 echoes the token: %s", rt.path, msg)
			}
		}
		// A cookie that is not a session is no better.
		r = f.do(t, http.MethodGet, rt.path, "", nil, "Cookie", SessionCookie+"=nonsense")
		errorOf(t, rt.path+" with a bad cookie", r, http.StatusUnauthorized)
	}

	// Roles: 403 below the route's role, and the answer otherwise.
	for _, rt := range protectedRoutes {
		for _, role := range testRoles {
			partner := "USA"
			if rt.path == "/api/feeds" || rt.path == "/metrics" {
				partner = opsPartner // they cover every feed
			}
			tok := f.secrets[userName(partner, role)]
			r := f.get(t, rt.path, tok)
			if role.Allows(rt.role) {
				if r.code != http.StatusOK {
					t.Errorf("%s as %s: %d %s", rt.path, role, r.code, r.body)
				}
				continue
			}
			msg := errorOf(t, rt.path+" as "+string(role), r, http.StatusForbidden)
			if !strings.Contains(msg, string(rt.role)) {
				t.Errorf("%s as %s: %q does not say the role needed", rt.path, role, msg)
			}
		}
	}
	if r := f.get(t, "/api/no-such-thing", jpnViewer); r.code != http.StatusNotFound {
		t.Errorf("an unknown endpoint: %d", r.code)
	}

	// Revoked, expired, disabled: refused once the guard has reloaded.
	var revokeMe, expired, disabledTok string
	var revokeID string
	err := access.Update(f.dir, func(r *access.Registry) error {
		if err := r.AddUser("aus-temp", "AUS", access.Viewer, ""); err != nil {
			return err
		}
		var err error
		var tok access.Token
		if revokeMe, tok, err = r.CreateToken("jpn-viewer", "to revoke", 0, time.Now()); err != nil {
			return err
		}
		revokeID = tok.ID
		if expired, _, err = r.CreateToken("jpn-viewer", "expired", time.Hour, time.Now().Add(-2*time.Hour)); err != nil {
			return err
		}
		disabledTok, _, err = r.CreateToken("aus-temp", "", 0, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.guard.Reload(); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{revokeMe, disabledTok} {
		if r := f.get(t, "/api/me", tok); r.code != http.StatusOK {
			t.Fatalf("a new token: %d %s", r.code, r.body)
		}
	}
	errorOf(t, "an expired token", f.get(t, "/api/me", expired), http.StatusUnauthorized)
	err = access.Update(f.dir, func(r *access.Registry) error {
		if err := r.RevokeToken(revokeID, time.Now()); err != nil {
			return err
		}
		return r.SetDisabled("aus-temp", true)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.guard.Reload(); err != nil {
		t.Fatal(err)
	}
	for what, tok := range map[string]string{"a revoked token": revokeMe, "a disabled user's token": disabledTok} {
		for _, rt := range protectedRoutes {
			errorOf(t, what+" on "+rt.path, f.get(t, rt.path, tok), http.StatusUnauthorized)
		}
	}
	if r := f.get(t, "/api/me", jpnViewer); r.code != http.StatusOK {
		t.Errorf("the user's other token stopped working: %d", r.code)
	}

	// A web login with a password: a session cookie, HttpOnly and
	// SameSite=Strict, that works until logout revokes it.
	login := func(body string) (reply, *http.Cookie) {
		t.Helper()
		r := f.do(t, http.MethodPost, "/api/login", "", strings.NewReader(body), "Content-Type", "application/json")
		for _, c := range (&http.Response{Header: r.hdr}).Cookies() {
			if c.Name == SessionCookie {
				return r, c
			}
		}
		return r, nil
	}
	loginBody := func(user, password string) string {
		b, _ := json.Marshal(loginRequest{User: user, Password: password})
		return string(b)
	}
	r, cookie := login(loginBody(testPasswordUser, testPassword))
	var m me
	if r.code != http.StatusOK || cookie == nil || json.Unmarshal(r.body, &m) != nil {
		t.Fatalf("login: %d %s %v", r.code, r.body, cookie)
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" || cookie.Value == "" || cookie.MaxAge <= 0 {
		t.Errorf("session cookie %+v", cookie)
	}
	if m.User != testPasswordUser || m.Partner != "GBR" || !slices.Equal(m.Clearance, []string{"gbr-sat"}) {
		t.Errorf("login answers %+v", m)
	}
	if bytes.Contains(r.body, []byte(cookie.Value)) {
		t.Error("the login's body carries the session secret")
	}
	sessionSecret := cookie.Value
	cookieHeader := func(c *http.Cookie) string { return (&http.Cookie{Name: c.Name, Value: c.Value}).String() }
	withCookie := func(path string, c *http.Cookie) reply {
		return f.do(t, http.MethodGet, path, "", nil, "Cookie", cookieHeader(c))
	}
	r = withCookie("/api/me", cookie)
	if r.code != http.StatusOK || json.Unmarshal(r.body, &m) != nil || m.User != testPasswordUser {
		t.Fatalf("/api/me with the session: %d %s", r.code, r.body)
	}
	if r := withCookie("/api/export/events.csv", cookie); r.code != http.StatusOK {
		t.Errorf("an analyst's session exporting: %d", r.code)
	}
	errorOf(t, "an analyst's session on /api/feeds", withCookie("/api/feeds", cookie), http.StatusForbidden)
	r = f.do(t, http.MethodPost, "/api/logout", "", nil, "Cookie", cookieHeader(cookie))
	if r.code != http.StatusNoContent {
		t.Errorf("logout: %d %s", r.code, r.body)
	}
	if c := (&http.Response{Header: r.hdr}).Cookies(); len(c) != 1 || c[0].Name != SessionCookie || c[0].MaxAge >= 0 {
		t.Errorf("logout's cookie %+v", c)
	}
	errorOf(t, "a session after logout", withCookie("/api/me", cookie), http.StatusUnauthorized)
	reg, err := access.Load(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	sessions := 0
	for _, tok := range reg.Tokens {
		if tok.Label == access.SessionLabel {
			sessions++
			if tok.User != testPasswordUser || tok.Revoked.IsZero() {
				t.Errorf("session %+v", tok)
			}
		}
	}
	if sessions != 1 {
		t.Errorf("%d sessions in the registry", sessions)
	}

	// A login with a token sets it as the cookie; logging out of it does
	// not revoke an API token.
	tokBody, _ := json.Marshal(loginRequest{Token: jpnViewer})
	r, cookie = login(string(tokBody))
	if r.code != http.StatusOK || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("login with a token: %d %s %+v", r.code, r.body, cookie)
	}
	if r := withCookie("/api/vessels", cookie); r.code != http.StatusOK {
		t.Errorf("the token's cookie: %d", r.code)
	}
	f.do(t, http.MethodPost, "/api/logout", "", nil, "Cookie", cookieHeader(cookie))
	if r := f.get(t, "/api/me", jpnViewer); r.code != http.StatusOK {
		t.Errorf("logging out of a token's cookie revoked the token: %d", r.code)
	}

	// Failed logins: one generic answer, whatever went wrong.
	var generic string
	for i, body := range []string{
		loginBody(testPasswordUser, "wrong password, long enough"),
		loginBody("nobody-at-all", testPassword),
		loginBody("jpn-viewer", testPassword), // a user without a password
		loginBody(testPasswordUser, ""),
		loginBody(testPasswordUser, strings.Repeat("p", 300)),
	} {
		r, c := login(body)
		msg := errorOf(t, "a failed login", r, http.StatusUnauthorized)
		if c != nil {
			t.Errorf("a failed login set a cookie %+v", c)
		}
		if i == 0 {
			generic = msg
		} else if msg != generic {
			t.Errorf("failed logins answer %q and %q", generic, msg)
		}
	}
	if strings.Contains(generic, testPasswordUser) || strings.Contains(generic, "password is") {
		t.Errorf("the failed login's message says too much: %q", generic)
	}
	last := byte('A')
	if jpnViewer[len(jpnViewer)-1] == 'A' {
		last = 'E'
	}
	badTok, _ := json.Marshal(loginRequest{Token: jpnViewer[:len(jpnViewer)-1] + string(last)})
	r, _ = login(string(badTok))
	errorOf(t, "a login with a bad token", r, http.StatusUnauthorized)

	// A secret in a query string is not kept.
	f.get(t, "/api/vessels?token="+url.QueryEscape(jpnViewer)+"&q="+url.QueryEscape(revokeMe), jpnViewer)
	f.get(t, "/api/vessels?password="+url.QueryEscape(testPassword), jpnViewer)
	f.get(t, "/api/stream?types=gap", jpnViewer)

	// The audit log: reads, exports, streams, denials, logins, failed
	// logins and logouts, by whom; never a secret.
	f.close()
	b, err := os.ReadFile(filepath.Join(f.dir, access.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append([]string{testPassword, sessionSecret, revokeMe, expired, disabledTok}, secretsOf(f)...) {
		if bytes.Contains(b, []byte(s)) || bytes.Contains(b, []byte(url.QueryEscape(s))) {
			t.Errorf("the audit log holds a secret: %.12s...", s)
		}
	}
	var entries []access.AuditEntry
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var e access.AuditEntry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	has := func(what string, match func(e access.AuditEntry) bool) {
		t.Helper()
		if !slices.ContainsFunc(entries, match) {
			t.Errorf("the audit log has no %s", what)
		}
	}
	jpnViewerID := f.tokenIDs["jpn-viewer"]
	has("read", func(e access.AuditEntry) bool {
		return e.Action == access.ActionRead && e.Path == "/api/vessels" && e.Status == 200 && e.User == "jpn-viewer" &&
			e.Partner == "JPN" && e.Role == access.Viewer && e.TokenID == jpnViewerID && e.Remote != ""
	})
	has("export", func(e access.AuditEntry) bool {
		return e.Action == access.ActionExport && e.Path == "/api/export/events.csv" && e.Status == 200 && e.User == "usa-analyst" && e.Bytes > 0
	})
	has("stream", func(e access.AuditEntry) bool { return e.Action == access.ActionStream && e.User == "jpn-viewer" })
	has("denial without a token", func(e access.AuditEntry) bool { return e.Action == "denied" && e.Status == 401 && e.User == "" })
	has("denial by role", func(e access.AuditEntry) bool {
		return e.Action == "denied" && e.Status == 403 && e.User == "ops-viewer" && e.Path == "/api/feeds"
	})
	has("login", func(e access.AuditEntry) bool {
		return e.Action == access.ActionLogin && e.User == testPasswordUser && e.Partner == "GBR"
	})
	has("failed login", func(e access.AuditEntry) bool {
		return e.Action == access.ActionLoginFailed && e.User == testPasswordUser && e.Status == 401
	})
	has("logout", func(e access.AuditEntry) bool { return e.Action == "logout" && e.User == testPasswordUser })
	has("redacted query", func(e access.AuditEntry) bool {
		return e.Path == "/api/vessels" && strings.Contains(e.Query, "token=REDACTED") && strings.Contains(e.Query, "q=REDACTED")
	})
	has("redacted password", func(e access.AuditEntry) bool { return e.Query == "password=REDACTED" })

	// The registry keeps hashes, never a secret.
	b, err = os.ReadFile(filepath.Join(f.dir, access.File))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append([]string{testPassword, sessionSecret}, secretsOf(f)...) {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("access.json holds a secret: %.12s...", s)
		}
	}
}

func secretsOf(f *fixture) []string {
	var out []string
	for _, s := range f.secrets {
		out = append(out, s)
	}
	return out
}
