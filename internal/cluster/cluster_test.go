package cluster

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/loopbacktest"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/ports"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/source"
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

// testCluster is three nodes in one process, each with its own JetStream
// and store directories.
type testCluster struct {
	nodes  []*Node
	stores []*store.Store
	addrs  []string
	dirs   []string
	opts   []NodeOptions
	regs   []*prometheus.Registry
}

func startCluster(t *testing.T, n, partitions int, feed string, onLine func(node string, part int, seq uint64)) *testCluster {
	t.Helper()
	tc := &testCluster{addrs: loopbacktest.FreeAddrs(t, n), nodes: make([]*Node, n), stores: make([]*store.Store, n), opts: make([]NodeOptions, n)}
	pl := places()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		dir := t.TempDir()
		tc.dirs = append(tc.dirs, dir)
		st, err := store.Open(filepath.Join(dir, "data"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		tc.stores[i] = st
		name := fmt.Sprintf("n%d", i+1)
		opts := NodeOptions{
			Cluster: Options{Name: name, Listen: tc.addrs[i], Routes: tc.addrs, Partitions: partitions,
				StoreDir: filepath.Join(dir, "jetstream"), Lease: 2 * time.Second},
			Core: ingest.Options{Places: pl}, Store: st, FeedBits: map[string]int{"sim": 0},
			Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo})),
		}
		if onLine != nil {
			opts.onLine = func(part int, seq uint64) { onLine(name, part, seq) }
		}
		if i == 0 && feed != "" {
			opts.Feeds = []Feed{{Source: source.Config{Name: "sim", Kind: "file", File: feed}}}
		}
		reg := prometheus.NewRegistry()
		opts.Registerer = reg
		tc.regs = append(tc.regs, reg)
		tc.opts[i] = opts
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			tc.nodes[i], errs[i] = Start(ctx, opts)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i+1, err)
		}
		t.Cleanup(tc.nodes[i].Close)
	}
	return tc
}

func simFeed(t *testing.T, opts sim.Options) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := sim.Generate(opts, &buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "feed.nmea")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func storedEvents(t *testing.T, st *store.Store) []event.Event {
	t.Helper()
	var out []event.Event
	if err := st.Events(store.EventFilter{Clearance: store.AllFeeds}, func(e event.Event, _ store.Provenance) bool {
		if !e.Withdrawn() { // an episode that ended short of its definition: analyze never emits it
			out = append(out, e)
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// evKey is what must agree between the cluster and analyze: the id, the
// type, the vessels and the times.
type evKey struct {
	id          string
	typ         event.Type
	sub         string
	mmsi, other uint32
	start, end  int64
}

func keyOf(e event.Event) evKey {
	return evKey{e.ID, e.Type, e.Subtype, e.MMSI, e.OtherMMSI, e.Start.UnixMilli(), e.End.UnixMilli()}
}

func keys(evs []event.Event) []evKey {
	out := make([]evKey, 0, len(evs))
	for _, e := range evs {
		out = append(out, keyOf(e))
	}
	slices.SortFunc(out, func(a, b evKey) int {
		if a.id < b.id {
			return -1
		} else if a.id > b.id {
			return 1
		}
		return 0
	})
	return out
}

// crossPartition says whether an event joins vessels of two partitions:
// the core of one partition never sees both (MMSI partitions cannot
// split pair detectors; docs/cluster.md).
func crossPartition(e event.Event, n int) bool {
	var others []uint32
	if e.OtherMMSI != 0 {
		others = append(others, e.OtherMMSI)
	}
	if p := e.PreviousMMSI(); p != 0 {
		others = append(others, p)
	}
	for _, o := range others {
		if ingest.Partition(o, n) != ingest.Partition(e.MMSI, n) {
			return true
		}
	}
	return false
}

// compare checks a node's events against analyze's: every event within a
// partition is there with the same id, type, vessels and times, nothing
// else is, and events across partitions are counted as missing (the
// honest status of pair detectors on an MMSI-partitioned cluster).
func compare(t *testing.T, node string, want, got []event.Event, partitions int) (crossMissing int) {
	t.Helper()
	have := map[string]evKey{}
	for _, k := range keys(got) {
		if _, dup := have[k.id]; dup {
			t.Errorf("%s: event %s twice", node, k.id)
		}
		have[k.id] = k
	}
	wantIDs := map[string]bool{}
	for _, e := range want {
		wantIDs[e.ID] = true
		k, ok := have[e.ID]
		switch {
		case !ok && crossPartition(e, partitions):
			crossMissing++
		case !ok:
			t.Errorf("%s: missing %s %s mmsi %d at %v", node, e.Type, e.ID, e.MMSI, e.Start)
		case k != keyOf(e):
			t.Errorf("%s: event %s differs:\n got %+v\nwant %+v", node, e.ID, k, keyOf(e))
		}
	}
	for id, k := range have {
		if !wantIDs[id] {
			t.Errorf("%s: extra event %+v", node, k)
		}
	}
	return crossMissing
}

// TestClusterMatchesAnalyze: three nodes replay a simulated day through
// the cluster; every node's read model holds the events `picket analyze`
// finds on the same file, with the same ids, types, vessels and times,
// but for pair events whose vessels fall in different partitions, which
// an MMSI-partitioned cluster does not find (counted and logged). With
// one partition there are none, and the events are all equal.
func TestClusterMatchesAnalyze(t *testing.T) {
	if testing.Short() {
		t.Skip("three embedded servers")
	}
	feed := simFeed(t, sim.Options{Seed: 5, Vessels: 40, Hours: 24})
	res, err := pipeline.Analyze([]string{feed}, pipeline.AnalyzeOptions{Places: places(), ReorderWindow: time.Hour, ReorderMax: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for _, e := range res.Events {
		if crossPartition(e, 4) {
			pairs++
		}
	}
	for _, partitions := range []int{1, 4} {
		t.Run(fmt.Sprintf("partitions=%d", partitions), func(t *testing.T) {
			began := time.Now()
			tc := startCluster(t, 3, partitions, feed, nil)
			t.Logf("cluster up after %v", time.Since(began))
			run(t, tc, res.Events, partitions, nil)
		})
	}
	t.Logf("analyze: %d events, %d of them join vessels of two partitions of 4", len(res.Events), pairs)
}

// run waits for the feed, ends the data, waits for the survivors to catch
// up and compares each survivor's events with want.
func run(t *testing.T, tc *testCluster, want []event.Event, partitions int, dead map[int]bool) {
	t.Helper()
	began := time.Now()
	if err := tc.nodes[0].FeedsDone(); err != nil {
		t.Fatal(err)
	}
	fc := tc.nodes[0].FeedCounts()[0]
	t.Logf("feed done after %v: %d lines, %d acknowledged in %d messages, %d published again, %d failed, %d unrouted",
		time.Since(began), fc.Lines, fc.Acked, fc.AckedMessages, fc.Retried, fc.Failed, fc.Unrouted)
	if fc.Failed != 0 || fc.Acked != fc.Published || fc.Published+fc.Unrouted != fc.Lines {
		t.Errorf("feed: %+v: every line is published and acknowledged, or counted unrouted", fc)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := tc.nodes[0].EndOfData(ctx); err != nil {
		t.Fatal(err)
	}
	// Every acknowledged message is in the stream (and nothing else but
	// the end markers), on whichever nodes are left.
	ls, err := tc.nodes[0].bus.js.Stream(ctx, linesStream)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ls.CachedInfo().State.Msgs, uint64(fc.AckedMessages)+uint64(partitions); got != want {
		t.Errorf("the lines stream holds %d messages; %d acknowledged and %d end markers", got, fc.AckedMessages, partitions)
	}
	for i, n := range tc.nodes {
		if dead[i] {
			continue
		}
		if err := n.CaughtUp(ctx); err != nil {
			t.Fatalf("%s not caught up: %v", n.Name(), err)
		}
		t.Logf("%s caught up after %v", n.Name(), time.Since(began))
		// The metrics say the same: nothing left to apply, and the feed's
		// lines all acknowledged.
		m := gather(t, tc.regs[i])
		if m["picket_cluster_read_model_lag"] != 0 || (i == 0 && (m["picket_cluster_feed_lines_total/acked"] != float64(fc.Lines) ||
			m["picket_cluster_feed_line_reasons_total/decoded"] == 0)) {
			t.Errorf("%s: metrics %v", n.Name(), m)
		}
		got := storedEvents(t, tc.stores[i])
		missing := compare(t, n.Name(), want, got, partitions)
		if partitions == 1 && missing != 0 {
			t.Errorf("one partition: %d events missing", missing)
		}
		t.Logf("%s: %d events, %d of analyze's %d missing because their vessels are in two partitions; owns %v",
			n.Name(), len(got), missing, len(want), n.Owned())
	}
}

// TestClusterOwnerKilled: the owner of a partition is killed while it is
// working through its lines; another node takes the partition over and
// the events on the surviving nodes are those of analyze, none twice,
// none missing (but pairs across partitions, as above), and no
// acknowledged line is lost.
func TestClusterOwnerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("three embedded servers")
	}
	feed := simFeed(t, sim.Options{Seed: 5, Vessels: 40, Hours: 24})
	res, err := pipeline.Analyze([]string{feed}, pipeline.AnalyzeOptions{Places: places(), ReorderWindow: time.Hour, ReorderMax: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	const partitions = 4
	// The victim: the node other than the feeding one (n1) that first
	// works through 300 lines of a partition; it is then slowed down so
	// that it is killed in the middle of its work.
	var victim atomic.Value
	reached := make(chan struct{})
	var once sync.Once
	counts := map[string]*atomic.Int64{"n1": {}, "n2": {}, "n3": {}}
	onLine := func(node string, part int, seq uint64) {
		if node == "n1" {
			return
		}
		if v, _ := victim.Load().(string); v != "" && v != node {
			return
		}
		if counts[node].Add(1) == 300 {
			once.Do(func() {
				victim.Store(node)
				close(reached)
			})
		}
		if v, _ := victim.Load().(string); v == node {
			time.Sleep(2 * time.Millisecond)
		}
	}
	tc := startCluster(t, 3, partitions, feed, onLine)
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatal("no node other than n1 worked through 300 lines")
	}
	v := victim.Load().(string)
	idx := int(v[1] - '1')
	owned := tc.nodes[idx].Owned()
	killed := time.Now()
	tc.nodes[idx].Kill()
	t.Logf("killed %s, owner of partitions %v, after %d lines", v, owned, counts[v].Load())
	// How long until the survivors own every partition (a figure for
	// docs/cluster.md, not a threshold).
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		n := 0
		for i, nd := range tc.nodes {
			if i != idx {
				n += len(nd.Owned())
			}
		}
		if n == partitions {
			t.Logf("the survivors own every partition %v after the kill (lease 2 s)", time.Since(killed).Round(10*time.Millisecond))
			break
		}
	}
	run(t, tc, res.Events, partitions, map[int]bool{idx: true})
	var after []int
	for i, n := range tc.nodes {
		if i != idx {
			after = append(after, n.Owned()...)
		}
	}
	slices.Sort(after)
	if len(after) != partitions {
		t.Errorf("survivors own %v", after)
	}

	// The killed node restarts on its directories: it rejoins, its read
	// model catches up from where it stopped, and holds the same events.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := tc.opts[idx]
	opts.Feeds = nil
	opts.Registerer = prometheus.NewRegistry() // a new process's
	back, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("restarting %s: %v", v, err)
	}
	defer back.Close()
	if err := back.CaughtUp(ctx); err != nil {
		t.Fatalf("%s restarted, not caught up: %v", v, err)
	}
	missing := compare(t, v+" restarted", res.Events, storedEvents(t, tc.stores[idx]), partitions)
	t.Logf("%s restarted and caught up; %d pair events across partitions missing, as on the others", v, missing)
}

// gather returns a registry's picket_cluster_* values by name (and
// outcome, for the feed's lines).
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" || l.GetName() == "reason" {
					name += "/" + l.GetValue()
				}
			}
			switch {
			case m.Gauge != nil:
				out[name] = m.GetGauge().GetValue()
			case m.Counter != nil:
				out[name] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}
