package live

import (
	"context"
	"fmt"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/picture"
	"github.com/picket-ais/picket/internal/store"
)

// Snapshot is the risk picture at one moment (package picture), built
// from the tracker (what this run has seen) and every event in the store
// (those of earlier runs too). It is immutable.
type Snapshot = picture.Picture

// riskEvents reads what the risk picture is built from: every event in
// the store, the latest version of each, earlier runs' included (the
// tracker's state does not survive a restart, the events do), less the
// withdrawn. The store is the one place that holds them all: the engine
// hands its events over as they come and keeps none, and nothing here
// keeps a second copy for the life of the process.
func (p *Pipeline) riskEvents() ([]event.Event, error) {
	var evs []event.Event
	err := p.st.Events(store.EventFilter{Clearance: store.AllFeeds}, func(e event.Event, _ store.Provenance) bool {
		if !e.Withdrawn() {
			evs = append(evs, e)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("live: reading the stored events: %w", err)
	}
	return evs, nil
}

// buildSnapshot builds and publishes a snapshot of the tracker and evs;
// it runs on the detect goroutine, or under snapMu once that has
// returned.
func (p *Pipeline) buildSnapshot(evs []event.Event) *Snapshot {
	s := picture.Build(p.core.Tracker(), evs, p.pictureOptions(), p.opts.Now())
	p.snap.Store(s)
	return s
}

// pictureOptions are the options the pipeline builds risk pictures with.
func (p *Pipeline) pictureOptions() picture.Options {
	return picture.Options{Profile: p.opts.Profile, Network: p.opts.Network}
}

// Snapshot returns a snapshot no older than maxAge, building one when
// the last is older. The events emitted so far are handed to the store,
// after the positions tracked before them, and read back from it on the
// caller's goroutine; building the profiles
// then runs on the tracker's goroutine and holds up ingest for its
// duration (milliseconds for thousands of vessels): give a maxAge of
// seconds for anything polled.
func (p *Pipeline) Snapshot(ctx context.Context, maxAge time.Duration) (*Snapshot, error) {
	if s := p.snap.Load(); s != nil && p.opts.Now().Sub(s.Built) <= maxAge {
		return s, nil
	}
	if !p.started.Load() {
		p.snapMu.Lock()
		defer p.snapMu.Unlock()
		evs, err := p.riskEvents()
		if err != nil {
			return nil, err
		}
		return p.buildSnapshot(evs), nil
	}
	var written chan struct{}
	ok, err := p.request(ctx, func() {
		written = make(chan struct{})
		p.sendStore(written) // the events, after their positions
	})
	if err != nil {
		return nil, err
	}
	if ok {
		select {
		case <-written:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		evs, err := p.riskEvents()
		if err != nil {
			return nil, err
		}
		var s *Snapshot
		ok, err = p.request(ctx, func() { s = p.buildSnapshot(evs) })
		if err != nil {
			return nil, err
		}
		if ok {
			return s, nil
		}
	}
	// The detect goroutine has returned: the tracker is ours to read.
	p.snapMu.Lock()
	defer p.snapMu.Unlock()
	if s := p.snap.Load(); s != nil && p.finalized {
		return s, nil
	}
	evs, err := p.riskEvents()
	if err != nil {
		return nil, err
	}
	return p.buildSnapshot(evs), nil
}

// Latest returns the last snapshot built, or nil; it never builds.
func (p *Pipeline) Latest() *Snapshot { return p.snap.Load() }
