package alert

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// The rule tests run a live pipeline with two feeds that hear different
// vessels, and a desk over its hub whose partners are cleared as a
// server would clear them: JPN for jpn-coast, GBR for gbr-sat.
const (
	bitJ = uint64(1) << 0 // jpn-coast
	bitG = uint64(1) << 1 // gbr-sat
)

func clearanceOf(p string) uint64 {
	switch p {
	case "JPN":
		return bitJ
	case "GBR":
		return bitG
	}
	return 0
}

// box is the test's area: about 6 by 5 nautical miles off Korea.
var box = Area{Polygon: [][2]float64{{124.0, 35.0}, {124.1, 35.0}, {124.1, 35.1}, {124.0, 35.1}}}

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

type rig struct {
	t     *testing.T
	p     *live.Pipeline
	d     *Desk
	conns map[string]net.Conn
	subs  map[string]*Subscription
}

// newRig starts the pipeline and the desk (kept in dir when not "").
func newRig(t *testing.T, dir string, opts Options) *rig {
	t.Helper()
	return newRigCleared(t, dir, opts, clearanceOf)
}

// newRigCleared is newRig with the desk's partners cleared by clearance.
func newRigCleared(t *testing.T, dir string, opts Options, clearance func(string) uint64) *rig {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	feeds := []live.Feed{
		{Name: "jpn-coast", Partner: "JPN", Label: "REL TO JPN", Kind: live.TCPListener, Address: "127.0.0.1:0"},
		{Name: "gbr-sat", Partner: "GBR", Label: "REL TO GBR", Kind: live.TCPListener, Address: "127.0.0.1:0"},
	}
	p, err := live.New(live.Options{Feeds: feeds}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Dir, opts.Recheck = dir, 5*time.Millisecond
	d, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran, ran2 := make(chan error, 1), make(chan struct{})
	go func() { ran <- p.Run(ctx) }()
	dctx, stopDesk := context.WithCancel(context.Background())
	go func() { d.Run(dctx, p.Hub(), clearance); close(ran2) }()
	r := &rig{t: t, p: p, d: d, conns: map[string]net.Conn{}, subs: map[string]*Subscription{}}
	for _, f := range feeds {
		c, err := net.Dial("tcp", p.Addr(f.Name).String())
		if err != nil {
			t.Fatal(err)
		}
		r.conns[f.Name] = c
	}
	for _, partner := range []string{"JPN", "GBR"} {
		r.subs[partner] = d.Subscribe(partner, clearanceOf(partner))
	}
	t.Cleanup(func() {
		for _, c := range r.conns {
			c.Close()
		}
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
		stopDesk()
		<-ran2
	})
	return r
}

// rule adds a rule and waits until its partner's watcher has it.
func (r *rig) rule(partner string, rule Rule) Rule {
	r.t.Helper()
	got, err := r.d.AddRule(partner, "tester", rule)
	if err != nil {
		r.t.Fatal(err)
	}
	for i := 0; ; i++ {
		r.d.mu.Lock()
		w := r.d.watchers[partner]
		ok := w != nil && w.sub != nil && slices.ContainsFunc(*w.rules.Load(), func(c *compiled) bool { return c.ID == got.ID })
		r.d.mu.Unlock()
		if ok {
			return got
		}
		if i == 10000 {
			r.t.Fatalf("the watcher of %s never took rule %s", partner, got.ID)
		}
		time.Sleep(time.Millisecond)
	}
}

// send writes NMEA lines to a feed.
func (r *rig) send(feed string, lines ...[]byte) {
	r.t.Helper()
	if _, err := r.conns[feed].Write(bytes.Join(lines, nil)); err != nil {
		r.t.Fatal(err)
	}
}

// next returns the next alert raised for partner that ok accepts, and
// fails after 10 s without one (a hang guard, not a measure).
func (r *rig) next(partner, what string, ok func(Alert) bool) Alert {
	r.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case a := <-r.subs[partner].C:
			if len(a.Actions) == 0 && ok(a) {
				return a
			}
		case <-timeout:
			r.t.Fatalf("%s: no alert: %s (inbox %+v)", partner, what, r.d.Alerts(partner, clearanceOf(partner), Query{}))
		}
	}
}

func of(mmsi uint32, kind string) func(Alert) bool {
	return func(a Alert) bool { return a.MMSI == mmsi && a.Kind == kind }
}

// pos is a type 1 position report at t0+at, as an NMEA line with its
// tag block.
func pos(t *testing.T, mmsi uint32, at time.Duration, lat, lon, kn float64) []byte {
	t.Helper()
	ms := t0.Add(at).UnixMilli()
	m := &ais.PositionReport{Header: ais.Header{Type: 1, MMSI: mmsi}, Speed: uint16(kn * 10),
		Lon: int32(lon * 600_000), Lat: int32(lat * 600_000), Heading: 511, Course: 3600, Second: uint8(ms / 1000 % 60)}
	payload, fill, err := ais.AppendPayload(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	return line(fmt.Sprintf("c:%d", ms/1000), fmt.Sprintf("AIVDM,1,1,,A,%s,%d", payload, fill))
}

// static is a type 5 report (name and ship type) at t0+at.
func static(t *testing.T, mmsi uint32, at time.Duration, name string, shipType uint8) []byte {
	t.Helper()
	payload, fill, err := ais.AppendPayload(nil, &ais.StaticVoyage{Header: ais.Header{Type: 5, MMSI: mmsi}, AISVersion: 2,
		ShipName: []byte(name), ShipType: shipType, Destination: []byte("BUSAN")})
	if err != nil {
		t.Fatal(err)
	}
	tag := fmt.Sprintf("c:%d", t0.Add(at).Unix())
	return append(line(tag+",g:1-2-7", fmt.Sprintf("AIVDM,2,1,7,A,%s,0", payload[:60])),
		line(tag+",g:2-2-7", fmt.Sprintf("AIVDM,2,2,7,A,%s,%d", payload[60:], fill))...)
}

func line(tag, sentence string) []byte {
	return []byte(`\` + tag + "*" + sum(tag) + `\!` + sentence + "*" + sum(sentence) + "\r\n")
}

func sum(s string) string {
	var x byte
	for i := 0; i < len(s); i++ {
		x ^= s[i]
	}
	return fmt.Sprintf("%02X", x)
}

// cross is a vessel's way from south of the box, through it, to north of
// it, at 10 knots: outside at 0, inside at 36 min, outside at 72 min.
func cross(t *testing.T, mmsi uint32, start time.Duration, kn float64) [][]byte {
	return [][]byte{
		pos(t, mmsi, start, 34.95, 124.05, kn),
		pos(t, mmsi, start+36*time.Minute, 35.05, 124.05, kn),
		pos(t, mmsi, start+72*time.Minute, 35.15, 124.05, kn),
	}
}

// TestRuleEntryExit: a vessel crossing a drawn area raises an entry then
// an exit, with the name its partner heard, at the fixes that crossed.
func TestRuleEntryExit(t *testing.T) {
	r := newRig(t, "", Options{})
	rule := r.rule("JPN", Rule{Name: "Box", Area: box, Triggers: Triggers{Entry: true, Exit: true}})
	const m = 431000001
	r.send("jpn-coast", static(t, m, 0, "KAIYO MARU", 70))
	r.send("jpn-coast", cross(t, m, time.Minute, 10)...)
	in := r.next("JPN", "entry", of(m, KindEntry))
	out := r.next("JPN", "exit", of(m, KindExit))
	if in.RuleID != rule.ID || in.Name != "KAIYO MARU" || in.Lat != 35.05 || !in.Time.Equal(t0.Add(37*time.Minute)) || in.Status != StatusOpen {
		t.Errorf("entry: %+v", in)
	}
	if in.SOG == nil || *in.SOG != 10 {
		t.Errorf("entry speed: %v", in.SOG)
	}
	if out.Lat != 35.15 || !out.Time.Equal(t0.Add(73*time.Minute)) || out.ID <= in.ID {
		t.Errorf("exit: %+v after %+v", out, in)
	}
	if got := r.d.Alerts("JPN", bitJ, Query{}); len(got) != 2 || got[0].ID != out.ID {
		t.Errorf("inbox, newest first: %+v", got)
	}
	if got := r.d.Alerts("GBR", bitG, Query{}); len(got) != 0 {
		t.Errorf("GBR's inbox has JPN's alerts: %+v", got)
	}
}

// TestRuleReleasability: a rule of JPN never fires on a vessel that only
// GBR's feed heard, though the same rule of GBR does; a JPN vessel
// crossing after it is alerted to JPN (so JPN's watcher had read past
// the GBR vessel's fixes), and JPN's webhook receives nothing of it.
func TestRuleReleasability(t *testing.T) {
	got := make(chan Delivery, 16)
	hook := hookServer(t, got, 0)
	r := newRig(t, "", Options{Webhooks: []Webhook{{Name: "jpn-ops", Partner: "JPN", URL: hook}}})
	// A GBR webhook name cannot be used by JPN.
	if _, err := r.d.AddRule("JPN", "x", Rule{Name: "x", Area: box, Triggers: Triggers{Entry: true}, Webhooks: []string{"gbr"}}); err == nil {
		t.Error("a rule of JPN took a webhook that is not JPN's")
	}
	for _, p := range []string{"JPN", "GBR"} {
		rl := Rule{Name: "Box " + p, Area: box, Triggers: Triggers{Entry: true, Exit: true, Events: []string{"any"}, DarkMinutes: 10}}
		if p == "JPN" {
			rl.Webhooks = []string{"jpn-ops"}
		}
		r.rule(p, rl)
	}
	const onlyG, onlyJ = 232000002, 431000003
	r.send("gbr-sat", static(t, onlyG, 0, "NORTHERN STAR", 80))
	r.send("gbr-sat", cross(t, onlyG, time.Minute, 10)...)
	r.next("GBR", "GBR's vessel enters, for GBR", of(onlyG, KindEntry))
	r.next("GBR", "GBR's vessel leaves, for GBR", of(onlyG, KindExit))
	r.send("jpn-coast", cross(t, onlyJ, 2*time.Minute, 10)...)
	r.next("JPN", "JPN's vessel leaves, for JPN", of(onlyJ, KindExit))
	// Every alert JPN's rule raised, before the inbox's own check of
	// the clearance.
	r.d.mu.Lock()
	raised := slices.Clone(r.d.alerts["JPN"])
	r.d.mu.Unlock()
	if len(raised) != 2 {
		t.Errorf("JPN's rule raised %d alerts, want 2", len(raised))
	}
	for _, a := range raised {
		if a.MMSI != onlyJ {
			t.Errorf("JPN's rule fired on a vessel only gbr-sat heard: %+v", a)
		}
	}
	// JPN's webhook got JPN's alerts only.
	for n := 0; n < 2; n++ {
		select {
		case d := <-got:
			if d.Alert.MMSI != onlyJ || d.Partner != "JPN" {
				t.Errorf("JPN's webhook got %+v", d)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("JPN's webhook got nothing")
		}
	}
}

// TestRuleFilters: ship type, flag, watchlist and speed keep the vessels
// they name; a vessel whose type was not heard matches no type.
func TestRuleFilters(t *testing.T) {
	r := newRig(t, "", Options{})
	min5 := 5.0
	r.rule("JPN", Rule{Name: "Tankers", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{ShipTypes: []string{"tanker"}}})
	r.rule("JPN", Rule{Name: "Korean", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{Flags: []string{"kr"}}})
	r.rule("JPN", Rule{Name: "Fast", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{MinSpeed: &min5}})
	const (
		tanker  = 431000010 // JP, type 80, 10 kn
		cargoKR = 440000011 // KR, type 70, 10 kn
		slowKR  = 440000012 // KR, no type heard, 2 kn
	)
	r.send("jpn-coast", static(t, tanker, 0, "OIL ONE", 80), static(t, cargoKR, 0, "BOX TWO", 70))
	r.send("jpn-coast", cross(t, tanker, time.Minute, 10)...)
	r.send("jpn-coast", cross(t, cargoKR, 2*time.Minute, 10)...)
	r.send("jpn-coast", cross(t, slowKR, 3*time.Minute, 2)...)
	// The last crossing's exit is no trigger: wait for its entry on the
	// Korean rule, then read the inbox whole.
	r.next("JPN", "the slow Korean vessel", func(a Alert) bool { return a.MMSI == slowKR })
	fired := map[string][]uint32{}
	for _, a := range r.d.Alerts("JPN", bitJ, Query{}) {
		fired[a.RuleName] = append(fired[a.RuleName], a.MMSI)
	}
	for _, s := range fired {
		slices.Sort(s)
	}
	want := map[string][]uint32{"Tankers": {tanker}, "Korean": {cargoKR, slowKR}, "Fast": {tanker, cargoKR}}
	for k, w := range want {
		if !slices.Equal(fired[k], w) {
			t.Errorf("rule %s fired on %v, want %v", k, fired[k], w)
		}
	}
}

// TestRuleGoingDark: a vessel last heard inside the area is alerted dark
// once its partner's own data has gone on for the rule's time without
// it; another partner's later data does not move JPN's clock.
func TestRuleGoingDark(t *testing.T) {
	r := newRig(t, "", Options{})
	r.rule("JPN", Rule{Name: "Dark", Area: box, Triggers: Triggers{Entry: true, DarkMinutes: 30}})
	const quiet, other, gbr = 431000020, 431000021, 232000022
	r.send("jpn-coast", pos(t, quiet, 0, 35.05, 124.05, 3))
	r.send("gbr-sat", pos(t, gbr, 5*time.Hour, 30, 130, 3)) // far later, by GBR's feed
	r.send("jpn-coast", pos(t, other, 10*time.Minute, 34.95, 124.05, 10), pos(t, other, 20*time.Minute, 35.02, 124.05, 10))
	r.next("JPN", "the other vessel's entry", of(other, KindEntry))
	for _, a := range r.d.Alerts("JPN", bitJ, Query{}) {
		if a.Kind == KindDark {
			t.Fatalf("dark after 20 min of JPN's data (GBR's data went on 5 h): %+v", a)
		}
	}
	r.send("jpn-coast", pos(t, other, 40*time.Minute, 35.06, 124.05, 10))
	a := r.next("JPN", "dark", of(quiet, KindDark))
	if !a.Time.Equal(t0.Add(30*time.Minute)) || a.Lat != 35.05 {
		t.Errorf("dark alert: %+v", a)
	}
	// Heard again, then silent again: alerted again.
	r.send("jpn-coast", pos(t, quiet, 50*time.Minute, 35.05, 124.05, 3), pos(t, other, 90*time.Minute, 35.06, 124.05, 10))
	if a := r.next("JPN", "dark again", of(quiet, KindDark)); !a.Time.Equal(t0.Add(80 * time.Minute)) {
		t.Errorf("dark again: %+v", a)
	}
}

// TestInboxActionsPersist: acknowledge, assign and dismiss are recorded
// with who and when; the rules and the inbox survive a restart; another
// partner cannot act on an alert; an alert its partner may no longer see
// leaves the inbox.
func TestInboxActionsPersist(t *testing.T) {
	dir := t.TempDir()
	clock := t0
	r := newRig(t, dir, Options{Now: func() time.Time { return clock }})
	rule := r.rule("JPN", Rule{Name: "Box", Area: box, Triggers: Triggers{Entry: true}})
	const m = 431000030
	r.send("jpn-coast", cross(t, m, 0, 10)...)
	a := r.next("JPN", "entry", of(m, KindEntry))
	if _, err := r.d.Act("GBR", bitG, "gbr-analyst", a.ID, ActAcknowledge, ""); err != ErrNotFound {
		t.Errorf("GBR acknowledged JPN's alert: %v", err)
	}
	if _, err := r.d.Act("JPN", bitJ, "aiko", a.ID, "escalate", ""); err == nil {
		t.Error("an unknown action was taken")
	}
	clock = t0.Add(time.Minute)
	if _, err := r.d.Act("JPN", bitJ, "aiko", a.ID, ActAssign, "kenji"); err != nil {
		t.Fatal(err)
	}
	clock = t0.Add(2 * time.Minute)
	got, err := r.d.Act("JPN", bitJ, "kenji", a.ID, ActAcknowledge, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Action{{Action: ActAssign, User: "aiko", Time: t0.Add(time.Minute), To: "kenji"}, {Action: ActAcknowledge, User: "kenji", Time: t0.Add(2 * time.Minute)}}
	if got.Status != StatusAcknowledged || got.AssignedTo != "kenji" || !slices.Equal(got.Actions, want) {
		t.Errorf("after assign and acknowledge: %+v", got)
	}
	if n := len(r.d.Alerts("JPN", bitJ, Query{Status: StatusOpen})); n != 0 {
		t.Errorf("%d open alerts after acknowledge", n)
	}
	if n := len(r.d.Alerts("JPN", bitG, Query{})); n != 0 {
		t.Errorf("an alert on jpn-coast's position is shown to a clearance without it: %d", n)
	}

	d2, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	rs := d2.Rules("JPN")
	if len(rs) != 1 || rs[0].ID != rule.ID || rs[0].CreatedBy != "tester" || !slices.Equal(rs[0].Area.Polygon, box.Polygon) {
		t.Errorf("rules after reopening: %+v", rs)
	}
	as := d2.Alerts("JPN", bitJ, Query{})
	if len(as) != 1 || as[0].ID != a.ID || !slices.Equal(as[0].Actions, want) {
		t.Errorf("inbox after reopening: %+v", as)
	}
	if err := d2.DeleteRule("JPN", rule.ID); err != nil {
		t.Fatal(err)
	}
	if d3, err := Open(Options{Dir: dir}); err != nil || len(d3.Rules("JPN")) != 0 || len(d3.Alerts("JPN", bitJ, Query{})) != 1 {
		t.Errorf("after deleting the rule: %v", err)
	}
}

// TestRuleChecks: rules that cannot work are refused with what is wrong.
func TestRuleChecks(t *testing.T) {
	d, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    Rule
		want string
	}{
		{Rule{Area: box, Triggers: Triggers{Entry: true}}, "name"},
		{Rule{Name: "a", Triggers: Triggers{Entry: true}}, "area"},
		{Rule{Name: "a", Area: Area{Zone: "nowhere"}, Triggers: Triggers{Entry: true}}, "no zone"},
		{Rule{Name: "a", Area: Area{Polygon: [][2]float64{{0, 0}, {1, 1}}}, Triggers: Triggers{Entry: true}}, "3 to"},
		{Rule{Name: "a", Area: Area{Polygon: [][2]float64{{0, 0}, {1, 1}, {2, 2}}}, Triggers: Triggers{Entry: true}}, "no area"},
		{Rule{Name: "a", Area: Area{Polygon: [][2]float64{{0, 0}, {1, 95}, {2, 0}}}, Triggers: Triggers{Entry: true}}, "point 1"},
		{Rule{Name: "a", Area: box}, "triggers"},
		{Rule{Name: "a", Area: box, Triggers: Triggers{Events: []string{"party"}}}, "party"},
		{Rule{Name: "a", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{ShipTypes: []string{"yacht"}}}, "yacht"},
		{Rule{Name: "a", Area: box, Triggers: Triggers{Entry: true}, Filters: Filters{Flags: []string{"KOR"}}}, "KOR"},
		{Rule{Name: "a", Area: box, Triggers: Triggers{Entry: true}, Webhooks: []string{"x"}}, "webhook"},
	} {
		_, err := d.AddRule("JPN", "u", c.r)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%+v: %v, want an error saying %q", c.r, err, c.want)
		}
	}
	if len(d.Rules("JPN")) != 0 {
		t.Error("a refused rule was kept")
	}
}
