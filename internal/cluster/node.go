package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/store"
)

// NodeOptions configures a cluster node.
type NodeOptions struct {
	Cluster Options
	// Feeds are the feeds this node reads; their lines go to the cluster.
	Feeds []Feed
	// Core configures the core each owned partition runs (places,
	// detector thresholds); Open is always set.
	Core ingest.Options
	// Store is the node's read model, kept from the output stream.
	// Required.
	Store *store.Store
	// FeedBits are the node's provenance bits by feed name (every feed of
	// the cluster the node's partners may be cleared for).
	FeedBits map[string]int
	// AppliedFile keeps the last output applied to Store. Default
	// StoreDir/../cluster-applied.
	AppliedFile string
	Logger      *slog.Logger
	// Applied, when set, is called by the read model after each output
	// is in the store, with its positions and events (their feed bits
	// the node's own): a node's live stream carries them on.
	Applied func(ps []store.Position, evs []Event)
	// Registerer, when set, gets the node's metrics
	// (picket_cluster_*).
	Registerer prometheus.Registerer
	// Releases, in a federation, returns the feeds (by name) a partner
	// is cleared for now: what is released to it is cut down to them.
	// Required with Cluster.Federation.
	Releases func(partner string) map[string]bool
	// FeedOwners is each feed's owning partner, by name: in a
	// federation a linked partner's releases are taken for the feeds it
	// owns and no other.
	FeedOwners map[string]string

	onLine func(part int, seq uint64) // tests: a worker processed a line
}

// Event is an event of the cluster with its provenance in the node's
// feed bits.
type Event struct {
	Event event.Event
	Prov  store.Provenance
}

// Node is one running node of a cluster: its bus, its feeds, the
// partitions it owns and its read model.
type Node struct {
	opts   NodeOptions
	bus    *Bus
	kv     jetstream.KeyValue
	log    *slog.Logger
	cancel context.CancelFunc

	mu    sync.Mutex
	owned map[int]*owned // written by the lease goroutine under mu
	feeds []*feedRun

	rd        reader
	fed       []*fedLink    // the federation's links
	changed   chan struct{} // closed and replaced when the read model moves
	wg        sync.WaitGroup
	feedsWG   sync.WaitGroup
	feedErrs  []error
	closeOnce sync.Once
}

// Start starts a node: its bus (joining the cluster), its read model, its
// leases and its feeds. ctx bounds the start; Close stops the node.
func Start(ctx context.Context, opts NodeOptions) (*Node, error) {
	opts.Cluster = opts.Cluster.WithDefaults()
	if err := opts.Cluster.Validate(); err != nil {
		return nil, err
	}
	if opts.Store == nil {
		return nil, errors.New("cluster: no store")
	}
	if opts.Cluster.Federation != nil && opts.Releases == nil {
		return nil, errors.New("cluster: a federation without Releases")
	}
	if opts.AppliedFile == "" {
		opts.AppliedFile = filepath.Join(filepath.Dir(filepath.Clean(opts.Cluster.StoreDir)), "cluster-applied")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("node", opts.Cluster.Name)
	bus, err := StartBus(ctx, opts.Cluster, logger)
	if err != nil {
		return nil, err
	}
	kv, err := bus.js.KeyValue(ctx, ownersBucket)
	if err != nil {
		bus.Close()
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.Background())
	n := &Node{opts: opts, bus: bus, kv: kv, log: logger, cancel: cancel, owned: map[int]*owned{}, changed: make(chan struct{})}
	n.rd = reader{n: n, js: bus.js, stream: outStream, file: opts.AppliedFile, bits: opts.FeedBits}
	var runs []func() error
	for _, f := range opts.Feeds {
		fr, run, err := bus.runFeed(rctx, f, logger.With("feed", f.Source.Name))
		if err != nil {
			cancel()
			bus.Close()
			return nil, err
		}
		n.feeds = append(n.feeds, fr)
		runs = append(runs, run)
	}
	n.goroutine(func() { n.readLoop(rctx, &n.rd) })
	n.startLinks(rctx)
	n.register(opts.Registerer)
	n.registerLinks(opts.Registerer)
	n.goroutine(func() { n.leaseLoop(rctx) })
	for i, run := range runs {
		n.feedsWG.Add(1)
		n.goroutine(func() {
			defer n.feedsWG.Done()
			if err := run(); err != nil && rctx.Err() == nil {
				n.mu.Lock()
				n.feedErrs = append(n.feedErrs, fmt.Errorf("cluster: feed %q: %w", opts.Feeds[i].Source.Name, err))
				n.mu.Unlock()
			}
		})
	}
	return n, nil
}

// readLoop runs a reader until ctx is done: it starts again after the
// last output it applied when its consumer fails (the stream's leader
// lost with its node).
func (n *Node) readLoop(ctx context.Context, r *reader) {
	for ctx.Err() == nil {
		if err := r.run(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("read model interrupted, resuming", "stream", r.stream, "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (n *Node) goroutine(fn func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		fn()
	}()
}

// notify wakes those waiting for the read model to move.
func (n *Node) notify() {
	n.mu.Lock()
	close(n.changed)
	n.changed = make(chan struct{})
	n.mu.Unlock()
}

// Name is the node's name.
func (n *Node) Name() string { return n.opts.Cluster.Name }

// ClusterAddr is where the node listens for its peers' routes.
func (n *Node) ClusterAddr() string { return n.bus.ClusterAddr().String() }

// Owned returns the partitions the node owns now.
func (n *Node) Owned() []int {
	n.mu.Lock()
	defer n.mu.Unlock()
	var ps []int
	for p := range n.owned {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// FeedsDone waits until every feed of the node has stopped (a replay at
// its end) and returns their errors.
func (n *Node) FeedsDone() error {
	n.feedsWG.Wait()
	n.mu.Lock()
	defer n.mu.Unlock()
	return errors.Join(n.feedErrs...)
}

// FeedCounts returns what each of the node's feeds has done, in order.
func (n *Node) FeedCounts() []FeedCounts {
	var out []FeedCounts
	for _, f := range n.feeds {
		out = append(out, f.counts())
	}
	return out
}

// EndOfData marks the end of the data in every partition: each owner
// closes what its detectors hold open (as at the end of a file) and
// publishes it. An archive replayed on a cluster ends with it.
func (n *Node) EndOfData(ctx context.Context) error {
	for p := 0; p < n.opts.Cluster.Partitions; p++ {
		m := nats.NewMsg(linesSubject + strconv.Itoa(p))
		m.Header.Set(hdrEnd, "1")
		if _, err := n.bus.js.PublishMsg(ctx, m); err != nil {
			return fmt.Errorf("cluster: end of data, partition %d: %w", p, err)
		}
	}
	return nil
}

// CaughtUp waits until the node's read model has applied every output the
// output stream holds and every partition's owner has processed every
// line, or ctx is done.
func (n *Node) CaughtUp(ctx context.Context) error {
	for {
		ok, err := n.caughtUp(ctx)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (n *Node) caughtUp(ctx context.Context) (bool, error) {
	js := n.bus.js
	ls, err := js.Stream(ctx, linesStream)
	if err != nil {
		return false, nil // the stream's leader moving: ask again
	}
	// Every partition's output stands at its last line.
	for p := 0; p < n.opts.Cluster.Partitions; p++ {
		info, err := ls.Info(ctx, jetstream.WithSubjectFilter(linesSubject+strconv.Itoa(p)))
		if err != nil {
			return false, nil
		}
		if info.State.Subjects[linesSubject+strconv.Itoa(p)] == 0 {
			continue
		}
		last, err := ls.GetLastMsgForSubject(ctx, linesSubject+strconv.Itoa(p))
		if err != nil {
			return false, nil
		}
		if !n.processedBy(ctx, p, last.Sequence) {
			return false, nil
		}
	}
	os, err := js.Stream(ctx, outStream)
	if err != nil {
		return false, nil
	}
	return n.rd.applied.Load() >= os.CachedInfo().State.LastSeq, nil
}

// processedBy reports whether partition p's owner has published the
// output of line seq (an idle owner publishes how far it has come).
func (n *Node) processedBy(ctx context.Context, p int, seq uint64) bool {
	os, err := n.bus.js.Stream(ctx, outStream)
	if err != nil {
		return false
	}
	m, err := os.GetLastMsgForSubject(ctx, outSubject+strconv.Itoa(p))
	if err != nil {
		return false
	}
	v, err := strconv.ParseUint(m.Header.Get(hdrLast), 10, 64)
	return err == nil && v >= seq
}

// Close stops the node: its feeds, then its workers (giving their
// partitions back, so that peers take them at once), its read model and
// its bus.
func (n *Node) Close() {
	n.closeOnce.Do(func() {
		n.cancel()
		n.wg.Wait()
		for p := range n.owned {
			n.stopWorker(p, true)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		n.kv.Delete(ctx, nodeKey(n.opts.Cluster.Name))
		cancel()
		n.bus.Close()
	})
}

// Kill stops the node as a crash would, as far as its peers can tell: its
// server goes at once, without giving anything back; its leases lapse.
func (n *Node) Kill() {
	n.closeOnce.Do(func() {
		n.bus.ns.Shutdown()
		n.cancel()
		n.bus.nc.Close()
		n.wg.Wait()
		for _, ow := range n.owned {
			ow.cancel()
			<-ow.done
		}
	})
}
