package live

import (
	"context"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/profile"
)

// Snapshot is the risk picture at one moment: every vessel's profile and
// the networks, built from the tracker (what this run has seen) and every
// event in the store (those of earlier runs too). It is immutable.
type Snapshot struct {
	// Built is when it was built (wall clock).
	Built time.Time
	// Events is the number of events it was built from, earlier runs'
	// included.
	Events   int
	Profiles []profile.Profile
	Networks []network.Network
	byMMSI   map[uint32]int
}

// Profile returns the profile of an MMSI (its own line, not a segment's).
func (s *Snapshot) Profile(mmsi uint32) (*profile.Profile, bool) {
	if s == nil {
		return nil, false
	}
	i, ok := s.byMMSI[mmsi]
	if !ok {
		return nil, false
	}
	return &s.Profiles[i], true
}

// Risk returns the risk score of an MMSI, if it has a profile.
func (s *Snapshot) Risk(mmsi uint32) (int, bool) {
	p, ok := s.Profile(mmsi)
	if !ok {
		return 0, false
	}
	return p.Risk.Score, true
}

// buildSnapshot builds and publishes a snapshot; it runs on the detect
// goroutine, or under snapMu once that has returned.
func (p *Pipeline) buildSnapshot() *Snapshot {
	cur := p.eng.Events()
	cur = cur[:len(cur):len(cur)] // Build must not see later appends
	evs := cur
	if len(p.prior) > 0 {
		// The events stored before this run count too (the tracker's
		// state does not survive a restart, the events do); an event seen
		// again in this run is taken once, as found now.
		ids := make(map[string]struct{}, len(cur))
		for i := range cur {
			ids[cur[i].ID] = struct{}{}
		}
		evs = make([]event.Event, 0, len(p.prior)+len(cur))
		for _, e := range p.prior {
			if _, again := ids[e.ID]; !again {
				evs = append(evs, e)
			}
		}
		evs = append(evs, cur...)
	}
	ps := profile.Build(p.tr, evs, p.opts.Profile)
	s := &Snapshot{Built: p.opts.Now(), Events: len(evs), Profiles: ps, byMMSI: make(map[uint32]int, len(ps))}
	for i := range ps {
		if ps[i].Segment == "" {
			s.byMMSI[ps[i].MMSI] = i
		}
	}
	s.Networks = network.Build(evs, p.tr, ps, p.opts.Network)
	p.snap.Store(s)
	return s
}

// Snapshot returns a snapshot no older than maxAge, building one when
// the last is older. Building runs on the tracker's goroutine and holds
// up ingest for its duration (milliseconds for thousands of vessels):
// give a maxAge of seconds for anything polled.
func (p *Pipeline) Snapshot(ctx context.Context, maxAge time.Duration) (*Snapshot, error) {
	if s := p.snap.Load(); s != nil && p.opts.Now().Sub(s.Built) <= maxAge {
		return s, nil
	}
	if !p.started.Load() {
		p.snapMu.Lock()
		defer p.snapMu.Unlock()
		return p.buildSnapshot(), nil
	}
	var s *Snapshot
	ok, err := p.request(ctx, func() { s = p.buildSnapshot() })
	if err != nil {
		return nil, err
	}
	if !ok {
		// The detect goroutine has returned: the tracker is ours to read.
		p.snapMu.Lock()
		defer p.snapMu.Unlock()
		if s := p.snap.Load(); s != nil && p.finalized {
			return s, nil
		}
		return p.buildSnapshot(), nil
	}
	return s, nil
}

// Latest returns the last snapshot built, or nil; it never builds.
func (p *Pipeline) Latest() *Snapshot { return p.snap.Load() }
