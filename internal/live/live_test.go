package live

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/ports"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// places is the geography `picket analyze` uses by default.
func places() detect.Places {
	ix := ports.Default()
	return detect.Places{
		ShoreM: geo.DefaultShore().DistanceToShore,
		NearestPort: func(lat, lon, maxM float64) (string, float64, bool) {
			p, d, ok := ix.Nearest(lat, lon)
			if !ok || d > maxM {
				return "", 0, false
			}
			return p.Name, d, true
		},
	}
}

// analyzeOptions are analyze's defaults, spelt out: Analyze fills in
// the reorder defaults after starting its input goroutines, which the race
// detector reports.
func analyzeOptions(pl detect.Places) pipeline.AnalyzeOptions {
	return pipeline.AnalyzeOptions{Places: pl, ReorderWindow: time.Hour, ReorderMax: 1_000_000}
}

// simFeed writes a simulated scenario's feed into dir and returns its path.
func simFeed(t *testing.T, dir string, opts sim.Options) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := sim.Generate(opts, &buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "feed.nmea")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// runUntilDone runs p until every named feed is done, then stops it and
// waits for the drain.
func runUntilDone(t *testing.T, p *Pipeline, feeds ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	for _, f := range feeds {
		<-p.Done(f)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func storedEvents(t *testing.T, st *store.Store) []event.Event {
	t.Helper()
	var out []event.Event
	if err := st.Events(store.EventFilter{Clearance: store.AllFeeds}, func(e event.Event, _ store.Provenance) bool {
		out = append(out, e)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

type evKey struct {
	typ         event.Type
	sub         string
	mmsi, other uint32
	start       int64
}

func keys(evs []event.Event) []evKey {
	out := make([]evKey, 0, len(evs))
	for _, e := range evs {
		out = append(out, evKey{e.Type, e.Subtype, e.MMSI, e.OtherMMSI, e.Start.UnixMilli()})
	}
	slices.SortFunc(out, func(a, b evKey) int {
		switch {
		case a.start != b.start:
			return int(a.start - b.start)
		case a.typ != b.typ:
			if a.typ < b.typ {
				return -1
			}
			return 1
		case a.mmsi != b.mmsi:
			return int(int64(a.mmsi) - int64(b.mmsi))
		case a.other != b.other:
			return int(int64(a.other) - int64(b.other))
		}
		if a.sub < b.sub {
			return -1
		} else if a.sub > b.sub {
			return 1
		}
		return 0
	})
	return out
}

// TestReplayMatchesAnalyze: the live pipeline, replaying a file, finds
// the same events as `picket analyze` on it. Detectors run on event time,
// so how fast lines arrive does not matter.
func TestReplayMatchesAnalyze(t *testing.T) {
	dir := t.TempDir()
	feed := simFeed(t, dir, sim.Options{Seed: 5, Vessels: 40, Hours: 24})
	pl := places()

	res, err := pipeline.Analyze([]string{feed}, analyzeOptions(pl))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) == 0 {
		t.Fatal("analyze found no events: the scenario tests nothing")
	}

	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "sim", Kind: FileReplay, File: feed}}, Places: pl}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runUntilDone(t, p, "sim")
	got := storedEvents(t, st)

	want, have := keys(res.Events), keys(got)
	if !slices.Equal(want, have) {
		t.Errorf("live found %d events, analyze %d", len(have), len(want))
		for _, k := range want {
			if !slices.Contains(have, k) {
				t.Errorf("missing live: %+v", k)
			}
		}
		for _, k := range have {
			if !slices.Contains(want, k) {
				t.Errorf("extra live: %+v", k)
			}
		}
	}
	ids := func(evs []event.Event) []string {
		var s []string
		for _, e := range evs {
			s = append(s, e.ID)
		}
		slices.Sort(s)
		return s
	}
	if !slices.Equal(ids(res.Events), ids(got)) {
		t.Errorf("event ids differ between live and analyze")
	}
	s := p.Stats()
	if s.Stored == 0 || s.Tracked == 0 || s.Events != int64(len(got)) {
		t.Errorf("stats %+v with %d events stored", s, len(got))
	}
	if fs := s.Feeds[0]; fs.Lines == 0 || fs.State != "stopped" {
		t.Errorf("feed stats %+v", fs)
	}
	// Every stored event and position carries the feed's bit.
	st.Events(store.EventFilter{Clearance: store.AllFeeds}, func(e event.Event, prov store.Provenance) bool {
		want := store.Provenance{Feeds: 1}
		if e.OtherMMSI != 0 || e.PreviousMMSI() != 0 {
			want.OtherFeeds = 1
		}
		if prov != want {
			t.Errorf("event %s has provenance %+v, want %+v", e.ID, prov, want)
			return false
		}
		return true
	})
	snap, err := p.Snapshot(context.Background(), time.Hour)
	if err != nil || len(snap.Profiles) == 0 || snap.Events != len(got) {
		t.Fatalf("snapshot: %v, %d profiles, %d events", err, len(snap.Profiles), snap.Events)
	}
}

// TestProvenanceORsFeeds: the same log heard through two feeds is stored
// once, each position with both feeds' bits.
func TestProvenanceORsFeeds(t *testing.T) {
	const file = "../../testdata/aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4"
	st := openStore(t)
	frozen := time.Now()
	p, err := New(Options{
		Feeds: []Feed{{Name: "a", Kind: FileReplay, File: file}, {Name: "b", Kind: FileReplay, File: file}},
		Now:   func() time.Time { return frozen }, // copies add their feed however late they come
	}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runUntilDone(t, p, "a", "b")
	s := p.Stats()
	if s.Duplicates == 0 || s.Duplicates*2 < s.Reports-1 {
		t.Errorf("reports %d, duplicates %d: want half of them duplicates", s.Reports, s.Duplicates)
	}
	n := 0
	err = st.Latest(store.BBox{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}, 0, func(pos store.Position) bool {
		n++
		if pos.Feeds != 3 {
			t.Errorf("mmsi %d: feeds %b, want 11", pos.MMSI, pos.Feeds)
			return false
		}
		return true
	})
	if err != nil || n == 0 {
		t.Fatalf("latest: %v, %d vessels", err, n)
	}
	if s.Stored != s.Tracked+s.OutOfOrder+s.Redelivered {
		t.Errorf("stored %d positions, tracked %d + out of order %d + re-delivered %d", s.Stored, s.Tracked, s.OutOfOrder, s.Redelivered)
	}
}

func TestProvenanceHold(t *testing.T) {
	var h provenance
	h.init()
	h.add(1, store.Position{MMSI: 1, Feeds: 1}, 100)
	h.add(2, store.Position{MMSI: 2, Feeds: 1}, 200)
	h.add(3, store.Position{MMSI: 3, Feeds: 4}, 300)
	if pos, prior, ok := h.merge(1, 2); !ok || prior != 1 || pos.Feeds != 3 || pos.MMSI != 1 {
		t.Fatalf("merge: %+v, prior %b, %v", pos, prior, ok)
	}
	if pos, prior, ok := h.merge(1, 2); !ok || prior != 3 || pos.Feeds != 3 {
		t.Fatalf("merge again: %+v, prior %b, %v", pos, prior, ok)
	}
	if _, _, ok := h.merge(9, 2); ok {
		t.Fatal("merged into a transmission never written")
	}
	h.expire(150, 10) // by time
	if _, _, ok := h.merge(1, 4); ok || h.len() != 2 {
		t.Errorf("merged into a position expired, or %d remembered", h.len())
	}
	h.expire(0, 1) // over the bound: the oldest goes
	if _, _, ok := h.merge(2, 4); ok || h.len() != 1 {
		t.Errorf("merged into a position over the bound, or %d remembered", h.len())
	}
	if pos, _, ok := h.merge(3, 1); !ok || pos.Feeds != 5 {
		t.Errorf("the newest position: %+v %v", pos, ok)
	}
}

func TestHubFilters(t *testing.T) {
	h := NewHub(2)
	box := &store.BBox{MinLat: 50, MinLon: 0, MaxLat: 60, MaxLon: 10}
	all := h.Subscribe(AllFilter)
	inBox := h.Subscribe(Filter{BBox: box, Positions: true, Alerts: true, Types: []event.Type{event.Gap}, Clearance: store.AllFeeds})
	alerts := h.Subscribe(Filter{Alerts: true, Clearance: store.AllFeeds})
	h.publishPositions([]Position{{Position: store.Position{MMSI: 1, Lat: 55, Lon: 5}}, {Position: store.Position{MMSI: 2, Lat: 0, Lon: 0}}})
	h.publishAlert(&event.Event{Type: event.Gap, Lat: 55, Lon: 5}, store.Provenance{Feeds: 1})
	h.publishAlert(&event.Event{Type: event.Encounter, Lat: 55, Lon: 5}, store.Provenance{Feeds: 1, OtherFeeds: 1})
	count := func(s *Subscription) (n int) {
		for {
			select {
			case <-s.C:
				n++
			default:
				return n
			}
		}
	}
	if n := count(all); n != 2 || all.Dropped() != 2 { // buffer 2: two of four dropped
		t.Errorf("all: %d received", n)
	}
	if n := count(inBox); n != 2 {
		t.Errorf("in box: %d received, want the position in the box and the gap", n)
	}
	if n := count(alerts); n != 2 {
		t.Errorf("alerts: %d received", n)
	}
	h.Close()
	if _, ok := <-all.C; ok {
		t.Error("subscription open after Close")
	}
	if _, ok := <-h.Subscribe(AllFilter).C; ok {
		t.Error("subscription to a closed hub is open")
	}
}

// TestHubClearance checks what subscribers cleared for some feeds get: a
// transmission once, from the first of their feeds that heard it; the
// name and the IMO number only when cleared for a feed that said each;
// an event only when
// cleared for a feed of each of its vessels.
func TestHubClearance(t *testing.T) {
	h := NewHub(16)
	f1 := h.Subscribe(Filter{Positions: true, Alerts: true, Clearance: 1})
	f2 := h.Subscribe(Filter{Positions: true, Alerts: true, Clearance: 2})
	f4 := h.Subscribe(Filter{Positions: true, Alerts: true, Clearance: 4})
	none := h.Subscribe(Filter{Positions: true, Alerts: true}) // forgot the clearance: fails closed
	all := h.Subscribe(AllFilter)
	pos := store.Position{MMSI: 1, Lat: 55, Lon: 5, Feeds: 1}
	// Feed 1 hears it first, feed 2 later; feed 1 said the name, feed 2
	// the IMO number.
	h.publishPositions([]Position{{Position: pos, Name: "SEA DREAM", NameFeeds: 1, IMO: 9074729, IMOFeeds: 2}})
	pos.Feeds = 2
	h.publishPositions([]Position{{Position: pos, Prior: 1, Name: "SEA DREAM", NameFeeds: 1, IMO: 9074729, IMOFeeds: 2}})
	h.publishAlert(&event.Event{ID: "enc", Type: event.Encounter}, store.Provenance{Feeds: 1, OtherFeeds: 2})
	h.publishAlert(&event.Event{ID: "gap", Type: event.Gap}, store.Provenance{Feeds: 2})
	h.Close()
	type got struct {
		positions int
		names     []bool
		imos      []bool
		alerts    []string
	}
	read := func(s *Subscription) (g got) {
		for m := range s.C {
			if m.Position != nil {
				g.positions++
				g.names = append(g.names, !m.HideName)
				g.imos = append(g.imos, !m.HideIMO)
			} else {
				g.alerts = append(g.alerts, m.Alert.ID)
			}
		}
		return g
	}
	for _, c := range []struct {
		name string
		sub  *Subscription
		want got
	}{
		{"feed 1", f1, got{1, []bool{true}, []bool{false}, nil}},
		{"feed 2", f2, got{1, []bool{false}, []bool{true}, []string{"gap"}}},
		{"feed 4", f4, got{}},
		{"no clearance", none, got{}},
		{"all", all, got{1, []bool{true}, []bool{true}, []string{"enc", "gap"}}},
	} {
		if g := read(c.sub); g.positions != c.want.positions || !slices.Equal(g.names, c.want.names) || !slices.Equal(g.imos, c.want.imos) || !slices.Equal(g.alerts, c.want.alerts) {
			t.Errorf("%s: got %+v, want %+v", c.name, g, c.want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, fs := range [][]Feed{
		{{Kind: FileReplay, File: "x"}},
		{{Name: "a", Kind: FileReplay, File: "x"}, {Name: "a", Kind: FileReplay, File: "y"}},
		{{Name: "a", Kind: "ftp"}},
		{{Name: "a", Kind: TCPListener}},
		{{Name: "a", Kind: FileReplay}},
		{{Name: "a", Kind: FileReplay, File: "x", Speed: 10, Rebase: true}},
		// Names that would not print as themselves in logs and metrics.
		{{Name: "jpn\ncoast", Kind: FileReplay, File: "x"}},
		{{Name: "jpn\x1b[31mcoast", Kind: FileReplay, File: "x"}},
		{{Name: "jpn\x00", Kind: FileReplay, File: "x"}},
		{{Name: " jpn", Kind: FileReplay, File: "x"}},
		{{Name: "\xff\xfe", Kind: FileReplay, File: "x"}},
		{{Name: "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", Kind: FileReplay, File: "x"}}, // 65 bytes
	} {
		o := Options{Feeds: fs}
		if err := o.Validate(); err == nil {
			t.Errorf("%+v: no error", fs)
		}
	}
}

// TestTCPClientFeed: the pipeline connects to a feed server, reads its
// lines, and reconnects when the server hangs up.
func TestTCPClientFeed(t *testing.T) {
	lines, err := os.ReadFile("../../testdata/aivdm/kystverket_norway_tagblock_2024-12-10.nm4")
	if err != nil {
		t.Fatal(err)
	}
	n := int64(bytes.Count(lines, []byte("\n")))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // two connections, each sends the log and hangs up
		for range 2 {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write(lines)
			c.Close()
		}
	}()
	st := openStore(t)
	p, err := New(Options{
		Feeds: []Feed{{Name: "upstream", Kind: TCPClient, Address: ln.Addr().String()}},
		Sleep: func(ctx context.Context, d time.Duration) error { return nil }, // reconnect at once
	}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	for i := 0; p.Stats().Feeds[0].Lines < 2*n; i++ {
		if i == 20000 {
			t.Fatalf("feed stats %+v", p.Stats().Feeds[0])
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.Feeds[0].Lines != 2*n || s.Duplicates == 0 || s.Stored == 0 {
		t.Errorf("stats %+v", s)
	}
}

// TestRestartKeepsRisk: after a restart on the same store, the risk
// picture still counts the events of the earlier run.
func TestRestartKeepsRisk(t *testing.T) {
	const file = "../../testdata/aivdm/aisdb_tagblock_2021-11-01.nm4"
	dir := t.TempDir()
	run := func(feeds []Feed) *Snapshot {
		st, err := store.Open(dir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		p, err := New(Options{Feeds: feeds}, st, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range feeds {
			names = append(names, f.Name)
		}
		runUntilDone(t, p, names...)
		snap, err := p.Snapshot(context.Background(), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	first := run([]Feed{{Name: "sat", Kind: FileReplay, File: file}})
	second := run(nil)
	if first.Events == 0 || second.Events != first.Events {
		t.Fatalf("events: %d in the first run's picture, %d after the restart", first.Events, second.Events)
	}
	// 1245196 is no ship's MMSI (MID 124 is unallocated): its
	// invalid-identity event scores.
	r1, ok1 := first.Risk(1245196)
	r2, ok2 := second.Risk(1245196)
	if !ok1 || !ok2 || r1 == 0 || r2 != r1 {
		t.Errorf("risk of 1245196: %d (%v) then %d (%v)", r1, ok1, r2, ok2)
	}
}

// TestReorderMatchesAnalyze: a satellite log delivered out of order,
// replayed with a reorder window as wide as analyze's, gives analyze's
// events and tracks every position analyze tracks.
func TestReorderMatchesAnalyze(t *testing.T) {
	const file = "../../testdata/aivdm/amsa_exactearth_2012/exact-earth-augmented.nmea"
	res, err := pipeline.Analyze([]string{file}, analyzeOptions(detect.Places{}))
	if err != nil {
		t.Fatal(err)
	}
	run := func(reorder time.Duration) (Stats, []event.Event) {
		st := openStore(t)
		p, err := New(Options{Feeds: []Feed{{Name: "sat", Kind: FileReplay, File: file, Reorder: reorder}}}, st, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		runUntilDone(t, p, "sat")
		return p.Stats(), storedEvents(t, st)
	}
	plain, _ := run(0)
	s, evs := run(time.Hour)
	if plain.OutOfOrder == 0 {
		t.Fatal("the log is in order: the test tests nothing")
	}
	if s.OutOfOrder != res.OutOfOrder || s.Redelivered != res.Tracker.Redelivered() ||
		s.Tracked+s.OutOfOrder+s.Redelivered != plain.Tracked+plain.OutOfOrder+plain.Redelivered {
		t.Errorf("out of order: %d with a window, %d without, %d in analyze", s.OutOfOrder, plain.OutOfOrder, res.OutOfOrder)
	}
	if want, have := keys(res.Events), keys(evs); !slices.Equal(want, have) {
		t.Errorf("events differ: live %d, analyze %d", len(have), len(want))
	}
}

func TestHubMinInterval(t *testing.T) {
	h := NewHub(100)
	sub := h.Subscribe(Filter{Positions: true, MinInterval: 10 * time.Second, Clearance: store.AllFeeds})
	var ps []Position
	for _, tm := range []int64{0, 4000, 9999, 10000, 15000, 21000} {
		ps = append(ps, Position{Position: store.Position{MMSI: 1, Time: tm}}, Position{Position: store.Position{MMSI: 2, Time: tm + 1}})
	}
	h.publishPositions(ps)
	h.Close()
	var got []int64
	for m := range sub.C {
		if m.Position.MMSI == 1 {
			got = append(got, m.Position.Time)
		}
	}
	if !slices.Equal(got, []int64{0, 10000, 21000}) {
		t.Errorf("sent %v", got)
	}
}

// TestFeedBits: a feed's records carry the bit it was given, not its
// place in the list.
func TestFeedBits(t *testing.T) {
	const file = "../../testdata/aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4"
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "nor", Kind: FileReplay, File: file}}, FeedBits: []int{5}}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runUntilDone(t, p, "nor")
	n := 0
	st.Latest(store.BBox{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}, 0, func(q store.Position) bool {
		if q.Feeds != 1<<5 {
			t.Fatalf("position heard with feeds %b, want bit 5", q.Feeds)
		}
		n++
		return true
	})
	if n == 0 || p.Stats().Feeds[0].Bit != 5 {
		t.Fatalf("%d vessels; stats %+v", n, p.Stats().Feeds)
	}
	for _, bits := range [][]int{{63}, {-1}, {1, 1}, {}} {
		o := Options{Feeds: []Feed{{Name: "a", Kind: FileReplay, File: file}, {Name: "b", Kind: FileReplay, File: file}}, FeedBits: bits}
		if len(bits) == 1 {
			o.Feeds = o.Feeds[:1]
		}
		if err := o.Validate(); err == nil {
			t.Errorf("feed bits %v: no error", bits)
		}
	}
}

// TestKeepRunning: with KeepRunning, a server whose replays have ended
// keeps its live stream and answers queries until it is stopped.
func TestKeepRunning(t *testing.T) {
	const file = "../../testdata/aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4"
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "nor", Kind: FileReplay, File: file}}, KeepRunning: true}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sub := p.Hub().Subscribe(AllFilter)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- p.Run(ctx) }()
	<-p.Done("nor")
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Without KeepRunning the stream closes within milliseconds of the
	// replay's end; it must stay open.
	for open := true; open; {
		select {
		case _, ok := <-sub.C:
			if !ok {
				t.Fatal("the live stream closed when the replay ended")
			}
		case err := <-ran:
			t.Fatalf("Run returned when the replay ended: %v", err)
		case <-time.After(300 * time.Millisecond):
			open = false
		}
	}
	if _, err := p.Snapshot(ctx, 0); err != nil || p.Stats().Stored == 0 {
		t.Fatalf("snapshot after the replay: %v; %+v", err, p.Stats())
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	for range sub.C { // closed once Run has drained
	}
}
