package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/picture"
	"github.com/picket-ais/picket/internal/radar"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/store"
)

// Pipeline is the live data path: feeds -> framing and decoding ->
// de-duplication -> tracking -> detection -> store and live stream. See
// the package documentation for its goroutines and shutdown.
type Pipeline struct {
	opts  Options
	log   *slog.Logger
	st    *store.Store
	hub   *Hub
	feeds []*feedState
	m     *metrics

	reports chan []fuse.Report
	storeq  chan *storeBatch
	ctl     chan func()

	// Arrays handed from one goroutine to the next, given back for reuse
	// once taken (a network feed hands a batch over at every read: new
	// arrays each time were most of what the live path allocated).
	reportArrays sync.Pool // *[]fuse.Report, cap reportBatch: feeds -> detect
	posArrays    sync.Pool // *[]store.Position: detect -> store

	wg         sync.WaitGroup // every goroutine the pipeline starts
	srcWG      sync.WaitGroup // the feeds' goroutines
	started    atomic.Bool
	detectDone chan struct{}

	// Counters: written by the detect and store goroutines, read by
	// Stats from any goroutine.
	nReports, nDups, nTracked, nOutOfOrder, nRedelivered, nEvents, nStored, nInvalid, nStoreErr atomic.Int64
	held, reordering, aheadHeld                                                                 atomic.Int64

	// Owned by the detect goroutine (and by whoever holds snapMu once it
	// has returned), by what it does:
	//   - the core and the reorder windows (detect.go);
	core     *ingest.Core
	reorder  []*ingest.Reorder // by feed index; nil for feeds without a window
	released []fuse.Report     // scratch: what the reorder windows let go
	ahead    []*aheadGuard     // by feed index; nil for file replays (ahead.go)
	admitted []fuse.Report     // scratch: what the ahead guards let go
	maxTime  int64             // newest data time tracked, Unix ms
	feedMax  []int64           // newest data time of each feed, by feed index
	//   - provenance: which feeds heard what, when (events.go, provenance.go);
	bits         []uint64             // each feed's provenance bit, by feed index
	heard        feedLog              // which feeds heard a vessel's positions when
	said         feedLog              // which feeds heard its static reports when
	heardTrimmed int64                // wall time of the last trim of heard, Unix ms
	given        map[string]givenProv // by event ID: the provenance it was emitted with
	prov         provenance
	holdMs       int64 // ProvenanceHold, or 0 when nothing can merge (one feed)
	//   - identities gathered for the store and shown on the stream
	//     (identities.go);
	shown  map[uint32]shownIdentity
	idents map[identKey]store.IdentityRecord
	//   - what waits for the store goroutine (storewriter.go).
	pendPos   []store.Position
	pendFeeds []store.Position // feeds added to positions written before
	pendEv    []store.EventWithProvenance
	//   - radar plots matched against the AIS picture (radar.go); nil
	//     without a radar feed.
	radar     *radar.Live
	unseen    *radar.Unseen // AIS vessels a radar should have seen; nil without a radar feed
	radarHeld []radarPlot   // plots waiting for the AIS to catch up

	// The risk picture (snapshot.go): snap is read by anyone. Lock
	// order: snapMu is never held while waiting on the detect goroutine
	// (request); that goroutine takes snapMu only in finish, and callers
	// of Snapshot take it only once it has returned.
	snap      atomic.Pointer[Snapshot]
	snapMu    sync.Mutex
	finalized bool // under snapMu

	// Rate-limited warnings, from any goroutine.
	warnMu   sync.Mutex
	lastWarn map[string]time.Time
}

// New returns a pipeline writing to st, with its listeners bound (so
// that Addr answers before Run). Metrics are registered with reg when it
// is not nil. Call Run, or Close if Run will not be called.
func New(opts Options, st *store.Store, logger *slog.Logger, reg prometheus.Registerer) (*Pipeline, error) {
	o := opts.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, errors.New("live: no store")
	}
	if logger == nil {
		logger = discard
	}
	if o.Places.FeedName == nil {
		// Evidence names the feed a fix came from as the config does; a
		// fix's Feed is the feed's index in o.Feeds.
		names := make([]string, len(o.Feeds))
		for i, f := range o.Feeds {
			names[i] = f.Name
		}
		o.Places.FeedName = func(i uint16) string {
			if int(i) < len(names) {
				return names[i]
			}
			return strconv.Itoa(int(i))
		}
	}
	p := &Pipeline{
		opts:       o,
		log:        logger,
		st:         st,
		hub:        NewHub(o.SubscriberBuffer),
		reports:    make(chan []fuse.Report, o.ReportQueue),
		storeq:     make(chan *storeBatch, o.StoreQueue),
		ctl:        make(chan func()),
		detectDone: make(chan struct{}),
		core:       ingest.NewCore(ingest.Options{Dedup: o.Dedup, Track: o.Track, Detect: o.Detect, Places: o.Places, Open: true}),
		heard:      newFeedLog(),
		said:       newFeedLog(),
		given:      make(map[string]givenProv),
		shown:      make(map[uint32]shownIdentity),
		idents:     make(map[identKey]store.IdentityRecord),
		lastWarn:   make(map[string]time.Time),
	}
	p.prov.init()
	p.newRadarLive()
	p.holdMs = o.ProvenanceHold.Milliseconds()
	if opts.ProvenanceHold == 0 && len(o.Feeds) == 1 {
		// One feed's copies of a transmission add no feed: nothing to
		// remember.
		p.holdMs = 0
	}
	p.reorder = make([]*ingest.Reorder, len(o.Feeds))
	p.ahead = make([]*aheadGuard, len(o.Feeds))
	p.feedMax = make([]int64, len(o.Feeds))
	for i, f := range o.Feeds {
		if f.Reorder > 0 {
			p.reorder[i] = ingest.NewReorder(f.Reorder, o.MaxHeld)
		}
		if f.Kind != FileReplay {
			p.ahead[i] = &aheadGuard{}
		}
		bit := i
		if o.FeedBits != nil {
			bit = o.FeedBits[i]
		}
		p.bits = append(p.bits, uint64(1)<<bit)
		src, err := source.New(f.sourceConfig())
		if err != nil {
			p.closeSources()
			return nil, fmt.Errorf("live: feed %q: %w", f.Name, err)
		}
		fs := &feedState{idx: i, bit: bit, cfg: f, src: src, done: make(chan struct{}), log: logger.With("feed", f.Name)}
		fs.state.Store("idle")
		fs.cov.init(&f)
		p.feeds = append(p.feeds, fs)
	}
	p.m = newMetrics(p, reg)
	return p, nil
}

// closeSources releases what the feeds' sources opened (listeners'
// sockets).
func (p *Pipeline) closeSources() {
	for _, f := range p.feeds {
		f.src.Close()
	}
}

// Close releases the listeners of a pipeline that was never Run.
func (p *Pipeline) Close() {
	if !p.started.Load() {
		p.closeSources()
	}
}

// Addr returns the bound address of a listener feed, or nil.
func (p *Pipeline) Addr(feed string) net.Addr {
	for _, f := range p.feeds {
		if f.cfg.Name == feed {
			return f.src.Addr()
		}
	}
	return nil
}

// Hub is the live stream's broadcast hub.
func (p *Pipeline) Hub() *Hub { return p.hub }

// PictureOptions returns the options the pipeline builds risk pictures
// with, for those who build them from a part of the events.
func (p *Pipeline) PictureOptions() picture.Options { return p.pictureOptions() }

// Store is the store the pipeline writes to.
func (p *Pipeline) Store() *store.Store { return p.st }

// Done returns a channel closed when the named feed has stopped (a
// replay at the end of its file, any feed on shutdown), or nil for an
// unknown name.
func (p *Pipeline) Done(feed string) <-chan struct{} {
	for _, f := range p.feeds {
		if f.cfg.Name == feed {
			return f.done
		}
	}
	return nil
}

// goroutine starts fn on a goroutine tracked by the pipeline's WaitGroup.
func (p *Pipeline) goroutine(fn func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		fn()
	}()
}

// Run runs the pipeline until ctx is done (or, without
// Options.KeepRunning, until every feed has stopped), then drains it in pipeline
// order: the feeds stop reading and hand over what they decoded; the
// tracker and detectors process it and close what is open (as at the end
// of a file); the store writes everything and syncs; the live stream's
// subscriptions close. Run returns after all of that, with the errors of
// feeds that failed for good (a replay whose file cannot be opened).
func (p *Pipeline) Run(ctx context.Context) error {
	if !p.started.CompareAndSwap(false, true) {
		return errors.New("live: Run called twice")
	}
	p.goroutine(p.storeLoop)
	p.goroutine(p.detectLoop)
	for _, f := range p.feeds {
		p.srcWG.Add(1)
		p.goroutine(func() {
			defer p.srcWG.Done()
			defer close(f.done)
			err := p.runFeed(ctx, f)
			if err != nil && ctx.Err() == nil {
				f.err.Store(err.Error())
				f.state.Store("failed")
				f.log.Error("feed stopped", "err", err)
				return
			}
			f.state.Store("stopped")
		})
	}
	p.goroutine(func() {
		p.srcWG.Wait()
		if p.opts.KeepRunning {
			<-ctx.Done()
		}
		close(p.reports)
	})
	p.wg.Wait()
	p.hub.Close()
	var errs []error
	for _, f := range p.feeds {
		if e, _ := f.err.Load().(string); e != "" {
			errs = append(errs, fmt.Errorf("live: feed %q: %s", f.cfg.Name, e))
		}
	}
	return errors.Join(errs...)
}

// request runs fn on the detect goroutine and waits for it. It reports
// false when the detect goroutine has returned.
func (p *Pipeline) request(ctx context.Context, fn func()) (bool, error) {
	done := make(chan struct{})
	select {
	case p.ctl <- func() { fn(); close(done) }:
	case <-p.detectDone:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case <-done:
		return true, nil
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

// Flush hands everything tracked so far to the store (positions, the
// feeds their copies added, identities, events), and returns when the
// store has it: what the feeds
// delivered before Flush is then visible to queries. Lines still in a
// feed's socket or decoder are not included.
func (p *Pipeline) Flush(ctx context.Context) error {
	if !p.started.Load() {
		return nil
	}
	var written chan struct{}
	ok, err := p.request(ctx, func() {
		written = make(chan struct{})
		p.flush(written)
	})
	if err != nil || !ok {
		return err
	}
	select {
	case <-written:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats is a picture of the pipeline's counters.
type Stats struct {
	Reports    int64 // reports decoded by the feeds
	Duplicates int64 // copies of a transmission already heard
	Tracked    int64 // positions tracked
	OutOfOrder int64 // positions older than their segment's last fix (stored, not tracked)
	// Redelivered positions repeated a vessel's earlier position under a
	// later time (stored, not tracked: track/redelivery.go).
	Redelivered int64
	Events      int64 // events found (an episode re-emitted as it grows counts once)
	Stored      int64 // positions written to the store
	Invalid     int64 // positions the store cannot take (MMSI over nine digits, time out of range), reports stamped over 10 min ahead of the clock, or of their feed and never confirmed by it
	StoreErrs   int64 // failed store writes
	// Queue depths now and their capacities.
	ReportQueue, ReportQueueCap int
	StoreQueue, StoreQueueCap   int
	Held                        int // positions written whose copies may still add a feed (ProvenanceHold)
	Reordering                  int // reports waiting in reorder windows
	// Ahead is the reports held for being stamped far ahead of their
	// feed's own recent time, until the feed confirms them (see Invalid).
	Ahead       int
	Subscribers int
	Feeds       []FeedStats
}

// FeedStats describes one feed.
type FeedStats struct {
	Name string `json:"name"`
	// Bit is the feed's bit in the provenance of what it heard.
	Bit     int    `json:"bit"`
	Partner string `json:"partner,omitempty"`
	Label   string `json:"label,omitempty"`
	Kind    Kind   `json:"kind"`
	Addr    string `json:"addr,omitempty"`
	// State is idle, connecting, connected, disconnected, listening,
	// replaying, stopped or failed.
	State   string `json:"state"`
	Lines   int64  `json:"lines"`
	Reports int64  `json:"reports"`
	Conns   int64  `json:"connections"`
	Err     string `json:"error,omitempty"`
	// Coverage is a radar feed's place and range, once known.
	Coverage *Coverage `json:"coverage,omitempty"`
}

// Stats returns the pipeline's counters now.
func (p *Pipeline) Stats() Stats {
	s := Stats{
		Reports: p.nReports.Load(), Duplicates: p.nDups.Load(), Tracked: p.nTracked.Load(),
		OutOfOrder: p.nOutOfOrder.Load(), Redelivered: p.nRedelivered.Load(), Events: p.nEvents.Load(), Stored: p.nStored.Load(),
		Invalid: p.nInvalid.Load(), StoreErrs: p.nStoreErr.Load(),
		ReportQueue: len(p.reports), ReportQueueCap: cap(p.reports),
		StoreQueue: len(p.storeq), StoreQueueCap: cap(p.storeq),
		Held: int(p.held.Load()), Reordering: int(p.reordering.Load()), Ahead: int(p.aheadHeld.Load()), Subscribers: p.hub.Subscribers(),
	}
	for _, f := range p.feeds {
		s.Feeds = append(s.Feeds, f.stats())
	}
	return s
}

// warn logs at most one warning of a kind every 10 s (malformed input
// and store errors are counted, not logged one by one).
func (p *Pipeline) warn(kind, msg string, args ...any) {
	p.warnMu.Lock()
	defer p.warnMu.Unlock()
	now := time.Now()
	if t, ok := p.lastWarn[kind]; ok && now.Sub(t) < 10*time.Second {
		return
	}
	p.lastWarn[kind] = now
	p.log.Warn(msg, args...)
}
