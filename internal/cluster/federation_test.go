package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/loopbacktest"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/store"
)

// TestReleasable: an output cut down for a partner keeps a position or an
// identity heard by a cleared feed with the cleared feeds alone, an event
// only when a cleared feed heard each of its vessels, and names no feed
// the partner is not cleared for.
func TestReleasable(t *testing.T) {
	o := &output{
		Feeds: []string{"hidden", "open", "other"},
		Pos: []store.Position{
			{MMSI: 1, Time: 1, Feeds: 0b001}, // hidden only: dropped
			{MMSI: 2, Time: 2, Feeds: 0b011}, // hidden and open: kept, open only
			{MMSI: 3, Time: 3, Feeds: 0b100}, // other only: kept
		},
		Idents: []ident{
			{MMSI: 1, Rec: store.IdentityRecord{Field: "name", Value: "A", Feeds: 0b001}},
			{MMSI: 2, Rec: store.IdentityRecord{Field: "name", Value: "B", Feeds: 0b010}},
		},
		Events: []outEvent{
			{Event: event.Event{ID: "single-hidden"}, Prov: store.Provenance{Feeds: 0b001}},
			{Event: event.Event{ID: "pair-half"}, Prov: store.Provenance{Feeds: 0b010, OtherFeeds: 0b001}},
			{Event: event.Event{ID: "pair-both"}, Prov: store.Provenance{Feeds: 0b011, OtherFeeds: 0b100}},
			{Event: event.Event{ID: "unknown"}, Prov: store.Provenance{}},
		},
	}
	r := releasable(o, func(f string) bool { return f != "hidden" })
	if r == nil {
		t.Fatal("nothing released")
	}
	if !slices.Equal(r.Feeds, []string{"open", "other"}) {
		t.Errorf("feeds %v, want [open other]", r.Feeds)
	}
	if len(r.Pos) != 2 || r.Pos[0].MMSI != 2 || r.Pos[0].Feeds != 0b01 || r.Pos[1].MMSI != 3 || r.Pos[1].Feeds != 0b10 {
		t.Errorf("positions %+v", r.Pos)
	}
	if len(r.Idents) != 1 || r.Idents[0].MMSI != 2 || r.Idents[0].Rec.Feeds != 0b01 {
		t.Errorf("identities %+v", r.Idents)
	}
	if len(r.Events) != 1 || r.Events[0].Event.ID != "pair-both" || r.Events[0].Prov != (store.Provenance{Feeds: 0b01, OtherFeeds: 0b10}) {
		t.Errorf("events %+v", r.Events)
	}
	if releasable(o, func(f string) bool { return f == "nobody" }) != nil {
		t.Error("released to a partner cleared for none of the feeds")
	}
	// The original is left as it was: other partners get their own cut.
	if o.Pos[1].Feeds != 0b011 || len(o.Feeds) != 3 {
		t.Error("the output was changed")
	}
}

// TestFederationOptions: a federation's mistakes are refused, naming the
// setting.
func TestFederationOptions(t *testing.T) {
	base := func() Options {
		return Options{Name: "n1", Listen: "127.0.0.1:6222", StoreDir: t.TempDir(),
			Federation: &Federation{Partner: "JPN", LeafListen: "127.0.0.1:7422", Links: []Link{{Partner: "KOR", Secret: strings.Repeat("s", 16)}}}}
	}
	for _, tc := range []struct {
		edit func(f *Federation)
		want string
	}{
		{func(f *Federation) { f.Partner = "" }, "federation: partner: required"},
		{func(f *Federation) { f.Partner = "J P" }, `federation: partner "J P"`},
		{func(f *Federation) { f.LeafListen = "7422" }, `federation: leaf_listen "7422": want host:port`},
		{func(f *Federation) { f.Links = nil }, "federation: links: none"},
		{func(f *Federation) { f.Links[0].Partner = "JPN" }, "federation: links[0] (JPN): partner: this deployment's own partner"},
		{func(f *Federation) { f.Links = append(f.Links, f.Links[0]) }, "federation: links[1] (KOR): partner: linked twice"},
		{func(f *Federation) { f.Links[0].Secret = "short" }, "federation: links[0] (KOR): secret: at least 16 bytes"},
		{func(f *Federation) { f.LeafListen = "" }, "federation: links[0] (KOR): url: required when there is no leaf_listen"},
		{func(f *Federation) { f.Links[0].URL = "http://x:1" }, `federation: links[0] (KOR): url "http://x:1": want host:port or nats-leaf://host:port`},
		{func(f *Federation) { f.RelMaxAge = time.Second }, "federation: rel_max_age 1s: at least 1m"},
	} {
		o := base()
		tc.edit(o.Federation)
		o = o.WithDefaults()
		err := o.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	o := base().WithDefaults()
	if err := o.Validate(); err != nil {
		t.Errorf("good options refused: %v", err)
	}
	o.Federation.Links[0].URL = "nats-leaf://127.0.0.1:7423"
	if err := o.Validate(); err != nil {
		t.Errorf("a nats-leaf URL refused: %v", err)
	}
}

// linkProxy forwards a leaf link over loopback and can cut it: every
// connection closed, new ones refused, until it is restored.
type linkProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  []net.Conn
}

func newLinkProxy(t *testing.T, target string) *linkProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &linkProxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.setCut(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.cut {
				p.mu.Unlock()
				c.Close()
				continue
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			go func() { io.Copy(d, c); d.Close() }()
			go func() { io.Copy(c, d); c.Close() }()
		}
	}()
	return p
}

func (p *linkProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// fedFeed is a feed of the test's federation.
type fedFeed struct {
	name, owner, label string
	seed               uint64
}

var fedFeeds = []fedFeed{
	{"jpn-coast", "JPN", "REL TO JPN, GBR", 11},
	{"jpn-kor", "JPN", "REL TO KOR", 12},
	{"kor-shore", "KOR", "REL TO KOR, JPN", 13},
	{"gbr-sat", "GBR", "REL TO NATO", 14}, // GBR and USA: nothing of it leaves GBR here
	{"gbr-wide", "GBR", "REL TO JPN, KOR", 15},
}

// fedRegistry is every partner's registry: the partners and the feeds,
// with their labels.
func fedRegistry(t *testing.T) *access.Registry {
	t.Helper()
	r := &access.Registry{}
	for _, p := range []string{"JPN", "KOR", "GBR", "USA"} {
		if err := r.AddPartner(p, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.AddPartner("NATO", []string{"GBR", "USA"}); err != nil {
		t.Fatal(err)
	}
	var recs []access.FeedRecord
	for _, f := range fedFeeds {
		recs = append(recs, access.FeedRecord{Name: f.name, Owner: f.owner, Label: f.label})
	}
	if _, err := r.AssignFeeds(recs); err != nil {
		t.Fatal(err)
	}
	return r
}

type fedPartner struct {
	name string
	node *Node
	st   *store.Store
	reg  *prometheus.Registry
	bits map[string]int
}

// probe is a server a partner could run: it dials a host's leaf listener
// with the partner's name and the pair's secret, and a client on it
// subscribes to everything and lists what it can reach of the host's
// JetStream domain.
type probe struct {
	as, host string
	ns       *server.Server
	nc       *nats.Conn
	mu       sync.Mutex
	msgs     []*nats.Msg
}

func startProbe(t *testing.T, as, host, leafAddr, secret string) *probe {
	t.Helper()
	ns, err := server.NewServer(&server.Options{ServerName: "probe-" + as + "-at-" + host, Host: "127.0.0.1", Port: -1, NoSigs: true, NoLog: true,
		LeafNode: server.LeafNodeOpts{ReconnectInterval: 100 * time.Millisecond, Remotes: []*server.RemoteLeafOpts{{
			URLs: []*url.URL{{Scheme: "nats-leaf", User: url.UserPassword(as, secret), Host: leafAddr}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(5 * time.Second) {
		t.Fatal("probe server not ready")
	}
	deadline := time.Now().Add(10 * time.Second)
	for ns.NumLeafNodes() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("probe %s at %s: no leaf connection", as, host)
		}
		time.Sleep(20 * time.Millisecond)
	}
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	p := &probe{as: as, host: host, ns: ns, nc: nc}
	if _, err := nc.Subscribe(">", func(m *nats.Msg) {
		p.mu.Lock()
		p.msgs = append(p.msgs, m)
		p.mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

// check finds nothing unreleasable to the probe's partner in what it
// heard on ">" and in every stream it can reach in the host's domain,
// and no way to the host's own streams. It returns the records it read.
func (p *probe) check(t *testing.T, cleared map[string]bool) (records int) {
	t.Helper()
	look := func(where string, data []byte, h nats.Header) {
		if h.Get(hdrFeed) != "" {
			t.Errorf("probe %s at %s: raw lines of feed %s on %s", p.as, p.host, h.Get(hdrFeed), where)
		}
		o, err := decodeOutput(data)
		if err != nil || len(o.Feeds) == 0 {
			return
		}
		for _, f := range o.Feeds {
			if !cleared[f] {
				t.Errorf("probe %s at %s: feed %s, not releasable to %s, on %s", p.as, p.host, f, p.as, where)
			}
		}
		records += len(o.Pos) + len(o.Idents) + len(o.Events)
	}
	p.mu.Lock()
	heard := slices.Clone(p.msgs)
	p.mu.Unlock()
	for _, m := range heard {
		look(m.Subject, m.Data, m.Header)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	js, err := jetstream.NewWithDomain(p.nc, p.host)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range js.StreamNames(ctx).Name() {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{inStream, relStream}) {
		t.Errorf("probe %s at %s reaches streams %v, want [%s %s]", p.as, p.host, names, inStream, relStream)
	}
	for _, own := range []string{linesStream, outStream, "KV_" + ownersBucket} {
		if _, err := js.Stream(ctx, own); !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Errorf("probe %s at %s: stream %s: got %v, want not found", p.as, p.host, own, err)
		}
	}
	// It cannot make a stream of its own in the host's account (to keep
	// what the host publishes there, or to fill the host's disk).
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: "PROBE", Subjects: []string{"probe.>"}})
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != maxStreamsReached {
		t.Errorf("probe %s at %s making a stream in the host's domain: got %v, want the maximum number of streams reached", p.as, p.host, err)
	}
	for _, name := range names {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		for c := range s.ListConsumers(ctx).Info() {
			if c.Config.FilterSubject != "" && !strings.HasPrefix(c.Config.FilterSubject, relSubject) {
				t.Errorf("probe %s at %s: consumer %s on %s filters %s", p.as, p.host, c.Name, name, c.Config.FilterSubject)
			}
		}
		n := s.CachedInfo().State.Msgs
		for seq := uint64(1); n > 0 && seq <= s.CachedInfo().State.LastSeq; seq++ {
			m, err := s.GetMsg(ctx, seq)
			if err != nil {
				continue
			}
			look(name, m.Data, m.Header)
		}
	}
	return records
}

// TestFederation: three partners, JPN, KOR and GBR, each a cluster of its
// own (one node here) and its own JetStream domain, with labelled feeds,
// linked as leaf nodes (KOR and GBR dial JPN, GBR dials KOR; the KOR-JPN
// link goes through a proxy that the test cuts). While the feeds replay,
// a probe per partner connects as that partner to the others' leaf
// listeners, subscribes to everything and reads every stream it can
// reach: it finds nothing its partner is not cleared for, and no way to
// the host's own streams. The KOR-JPN link is cut while JPN goes on
// releasing to KOR, then restored: every message JPN released to KOR
// arrives, none twice, and KOR's store holds exactly the positions of
// JPN's feeds released to it and none of the feeds it is not cleared
// for; likewise for every pair.
func TestFederation(t *testing.T) {
	if testing.Short() {
		t.Skip("three partners with embedded servers")
	}
	dir := t.TempDir()
	feedFile := map[string]string{}
	for _, f := range fedFeeds {
		feedFile[f.name] = simFeed(t, sim.Options{Seed: f.seed, Vessels: 20, Hours: 24, Rate: 4})
	}
	ports := loopbacktest.FreeAddrs(t, 5) // three cluster listeners, two leaf listeners
	leafJPN, leafKOR := ports[3], ports[4]
	proxy := newLinkProxy(t, leafJPN)
	secret := func(a, b string) string {
		if a > b {
			a, b = b, a
		}
		return "secret-of-" + a + "-and-" + b
	}
	feds := map[string]*Federation{
		"JPN": {Partner: "JPN", LeafListen: leafJPN, NoAdvertise: true, Links: []Link{{Partner: "KOR"}, {Partner: "GBR"}}},
		"KOR": {Partner: "KOR", LeafListen: leafKOR, NoAdvertise: true, Links: []Link{{Partner: "JPN", URL: proxy.ln.Addr().String()}, {Partner: "GBR"}}},
		"GBR": {Partner: "GBR", Links: []Link{{Partner: "JPN", URL: leafJPN}, {Partner: "KOR", URL: "nats-leaf://" + leafKOR}}},
	}
	names := []string{"JPN", "KOR", "GBR"}
	reg := fedRegistry(t)
	owners := map[string]string{}
	bits := map[string]int{}
	for _, f := range reg.Feeds {
		owners[f.Name], bits[f.Name] = f.Owner, f.Bit
	}
	partners := map[string]*fedPartner{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var startErrs []error
	for i, name := range names {
		f := feds[name]
		f.ReconnectWait = 100 * time.Millisecond
		for j := range f.Links {
			f.Links[j].Secret = secret(name, f.Links[j].Partner)
		}
		st, err := store.Open(filepath.Join(dir, name, "data"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		var feeds []Feed
		for _, ff := range fedFeeds {
			if ff.owner == name {
				feeds = append(feeds, Feed{Source: source.Config{Name: ff.name, Kind: "file", File: feedFile[ff.name], Speed: 20000}})
			}
		}
		pr := prometheus.NewRegistry()
		fp := &fedPartner{name: name, st: st, reg: pr, bits: bits}
		partners[name] = fp
		opts := NodeOptions{
			Cluster: Options{Name: strings.ToLower(name) + "1", Listen: ports[i], Partitions: 2, Lease: 2 * time.Second,
				StoreDir: filepath.Join(dir, name, "jetstream"), Federation: f},
			Feeds: feeds, Core: ingest.Options{Places: places()}, Store: st, FeedBits: bits, FeedOwners: owners,
			Releases:   func(p string) map[string]bool { return reg.ClearedFeeds(p) },
			Logger:     slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})).With("partner", name),
			Registerer: pr,
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			n, err := Start(ctx, opts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				startErrs = append(startErrs, fmt.Errorf("%s: %w", name, err))
				return
			}
			fp.node = n
		}()
	}
	wg.Wait()
	for _, fp := range partners {
		if fp.node != nil {
			t.Cleanup(fp.node.Close)
		}
	}
	if err := errors.Join(startErrs...); err != nil {
		t.Fatal(err)
	}
	linkOf := func(at, to string) LinkStatus {
		for _, ls := range partners[at].node.Links(context.Background()) {
			if ls.Partner == to {
				return ls
			}
		}
		t.Fatalf("%s has no link to %s", at, to)
		return LinkStatus{}
	}
	waitFor := func(what string, d time.Duration, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(d)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s: gave up after %v", what, d)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("every link up", 20*time.Second, func() bool {
		for _, at := range names {
			for _, ls := range partners[at].node.Links(context.Background()) {
				if !ls.Up {
					return false
				}
			}
		}
		return true
	})

	// Probes, while the feeds replay: each partner at the listeners of
	// the others.
	probes := []*probe{
		startProbe(t, "KOR", "JPN", leafJPN, secret("KOR", "JPN")),
		startProbe(t, "GBR", "JPN", leafJPN, secret("GBR", "JPN")),
		startProbe(t, "JPN", "KOR", leafKOR, secret("JPN", "KOR")),
		startProbe(t, "GBR", "KOR", leafKOR, secret("GBR", "KOR")),
	}
	// A wrong secret gets no link.
	bad, err := server.NewServer(&server.Options{ServerName: "bad", Host: "127.0.0.1", Port: -1, NoSigs: true, NoLog: true,
		LeafNode: server.LeafNodeOpts{Remotes: []*server.RemoteLeafOpts{{
			URLs: []*url.URL{{Scheme: "nats-leaf", User: url.UserPassword("KOR", "not-the-secret-at-all"), Host: leafJPN}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	bad.Start()
	t.Cleanup(bad.Shutdown)

	// Cut the KOR-JPN link while JPN releases to KOR, for as long as it
	// takes JPN to release more while it is down.
	waitFor("JPN releasing to KOR", 20*time.Second, func() bool { return linkOf("JPN", "KOR").Released > 0 })
	proxy.setCut(true)
	cutTime := time.Now()
	// (JPN still has a leaf connection in KOR's account: the probe's.)
	waitFor("KOR seeing the link down", 10*time.Second, func() bool { return !linkOf("KOR", "JPN").Up })
	if !linkOf("JPN", "KOR").Up {
		t.Error("JPN's link to KOR down with the probe's connection in KOR's account")
	}
	cutAt := linkOf("JPN", "KOR").Released
	receivedAtCut := linkOf("KOR", "JPN").Received
	waitFor("JPN releasing to KOR while the link is down", 20*time.Second, func() bool { return linkOf("JPN", "KOR").Released >= cutAt+5 })
	waitFor("KOR's metric of the cut link to JPN at 0", 10*time.Second, func() bool {
		return metricValue(t, partners["KOR"].reg, "picket_federation_link_up", "JPN") == 0
	})
	if got := linkOf("KOR", "JPN").Received; got > receivedAtCut+1 {
		t.Errorf("KOR received %d messages of JPN's over a cut link (had %d)", got, receivedAtCut)
	}
	t.Logf("link KOR-JPN cut for %v; JPN released %d messages to KOR meanwhile", time.Since(cutTime).Round(time.Millisecond), linkOf("JPN", "KOR").Released-cutAt)
	proxy.setCut(false)

	for _, name := range names {
		if err := partners[name].node.FeedsDone(); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for _, name := range names {
		if err := partners[name].node.CaughtUp(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// Every release examined and every one received and applied.
	waitFor("every link caught up", 80*time.Second, func() bool {
		for _, at := range names {
			for _, ls := range partners[at].node.Links(context.Background()) {
				back := linkOf(ls.Partner, at)
				if !ls.Up || ls.OutputsBehind != 0 || back.Received != ls.Released || back.Applied != back.Received {
					return false
				}
			}
		}
		return true
	})

	// What each partner released to each other one, read back from its
	// release stream, equals what the other received, message for
	// message, and holds only feeds the other is cleared for.
	released := map[[2]string]map[string]int{} // [from, to] -> positions by feed
	for _, from := range names {
		for _, fl := range partners[from].node.fed {
			to := fl.Partner
			cleared := reg.ClearedFeeds(to)
			sent := streamOutputs(t, fl.js, relStream)
			var got []*output
			for _, back := range partners[to].node.fed {
				if back.Partner == from {
					got = streamOutputs(t, back.js, inStream)
				}
			}
			if len(sent) != len(got) {
				t.Errorf("%s released %d messages to %s, %s received %d", from, len(sent), to, to, len(got))
			}
			byFeed := map[string]int{}
			for i, o := range sent {
				for _, f := range o.Feeds {
					if !cleared[f] {
						t.Errorf("%s released feed %s to %s, which is not cleared for it", from, f, to)
					}
					if owners[f] != from {
						t.Errorf("%s released feed %s of %s", from, f, owners[f])
					}
				}
				for _, p := range o.Pos {
					byFeed[o.Feeds[bitIndex(p.Feeds)]]++
				}
				if i < len(got) && (len(got[i].Pos) != len(o.Pos) || len(got[i].Events) != len(o.Events)) {
					t.Errorf("%s to %s: message %d differs", from, to, i+1)
				}
			}
			released[[2]string{from, to}] = byFeed
			// Nothing lost between the cluster's outputs and the release.
			want := map[string]int{}
			for _, o := range streamOutputs(t, partners[from].node.bus.js, outStream) {
				if r := releasable(o, func(f string) bool { return cleared[f] }); r != nil {
					for _, p := range r.Pos {
						want[r.Feeds[bitIndex(p.Feeds)]]++
					}
				}
			}
			if fmt.Sprint(want) != fmt.Sprint(byFeed) {
				t.Errorf("%s to %s: released positions by feed %v, the outputs hold %v releasable", from, to, byFeed, want)
			}
			t.Logf("%s -> %s: %d messages, positions by feed %v", from, to, len(sent), byFeed)
		}
	}
	if len(released[[2]string{"JPN", "KOR"}]) == 0 || len(released[[2]string{"GBR", "JPN"}]) == 0 {
		t.Fatal("nothing released where the labels release something")
	}
	if n := len(released[[2]string{"KOR", "GBR"}]); n != 0 {
		t.Errorf("KOR released %d feeds to GBR, which is cleared for none of KOR's", n)
	}

	// Each partner's store holds the positions of the others' feeds
	// released to it, each once, and nothing of those not released.
	for _, to := range names {
		counts := storeCounts(t, partners[to].st, bits)
		for _, f := range fedFeeds {
			if f.owner == to {
				continue
			}
			want := released[[2]string{f.owner, to}][f.name]
			if counts[f.name] != want {
				t.Errorf("%s's store: %d positions of %s's feed %s, %d were released to it", to, counts[f.name], f.owner, f.name, want)
			}
		}
	}

	// A partner deleting the stream of what is released to it (it can:
	// it reaches its account's JetStream API) harms only itself, and the
	// stream is made again.
	jsKOR, err := jetstream.NewWithDomain(probes[0].nc, "JPN")
	if err != nil {
		t.Fatal(err)
	}
	if err := jsKOR.DeleteStream(ctx, relStream); err != nil {
		t.Fatalf("KOR's probe deleting its release stream at JPN: %v", err)
	}
	waitFor("JPN making KOR's release stream again", 20*time.Second, func() bool {
		_, err := jsKOR.Stream(ctx, relStream)
		return err == nil
	})

	records := map[string]int{}
	for _, p := range probes {
		records[p.as+"@"+p.host] = p.check(t, reg.ClearedFeeds(p.as))
	}
	if records["KOR@JPN"] == 0 || records["GBR@JPN"] == 0 {
		t.Errorf("the probes read nothing where something was released: %v", records)
	}
	t.Logf("records the probes read: %v", records)
	if bad.NumLeafNodes() != 0 {
		t.Error("a leaf with a wrong secret was let in")
	}
	if got := metricValue(t, partners["KOR"].reg, "picket_federation_link_up", "JPN"); got != 1 {
		t.Errorf("KOR's metric of the restored link to JPN: %v, want 1", got)
	}
	if got := metricValue(t, partners["KOR"].reg, "picket_federation_received_last_seq", "JPN"); got != float64(linkOf("JPN", "KOR").Released) {
		t.Errorf("KOR's metric of what it received from JPN: %v, JPN released %d", got, linkOf("JPN", "KOR").Released)
	}
}

// maxStreamsReached is JetStream's error code for "maximum number of
// streams reached".
const maxStreamsReached = 10027

// bitIndex is the index of the lowest bit set.
func bitIndex(b uint64) int {
	for i := range 64 {
		if b&(1<<i) != 0 {
			return i
		}
	}
	return -1
}

// streamOutputs reads every output of a stream, in order.
func streamOutputs(t *testing.T, js jetstream.JetStream, name string) []*output {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	var out []*output
	last := s.CachedInfo().State.LastSeq
	for seq := uint64(1); seq <= last; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		o, err := decodeOutput(m.Data)
		if err != nil {
			t.Fatalf("%s %d: %v", name, seq, err)
		}
		out = append(out, o)
	}
	return out
}

// storeCounts counts a store's positions by feed name.
func storeCounts(t *testing.T, st *store.Store, bits map[string]int) map[string]int {
	t.Helper()
	var mmsis []uint32
	if err := st.Latest(store.BBox{MinLat: -90, MaxLat: 90, MinLon: -180, MaxLon: 180}, 0, func(p store.Position) bool {
		mmsis = append(mmsis, p.MMSI)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	byBit := map[int]int{}
	if err := st.Tracks(mmsis, 0, 1<<62, func(p store.Position) bool {
		for b := range 63 {
			if p.Feeds&(1<<b) != 0 {
				byBit[b]++
			}
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for name, b := range bits {
		out[name] = byBit[b]
	}
	return out
}

// metricValue is a gauge's value for one partner.
func metricValue(t *testing.T, reg *prometheus.Registry, name, partner string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labelIs(m, "partner", partner) {
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no metric %s{partner=%q}", name, partner)
	return 0
}

func labelIs(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}
