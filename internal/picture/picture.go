package picture

import (
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/track"
)

// Options configures Build. The zero value means the defaults.
type Options struct {
	Profile profile.Options
	Network network.Options
}

// Picture is the risk picture at one moment.
type Picture struct {
	// Built is when it was built (wall clock).
	Built time.Time
	// Events is the number of events it was built from.
	Events   int
	Profiles []profile.Profile
	Networks []network.Network
	byMMSI   map[uint32]int
}

// Build builds the picture of the events evs and, when tr is not nil,
// of the tracker's vessels (their identity history: the reasons that
// need it, such as a missing IMO number, are missing without it). The
// caller passes the events it may see, less the withdrawn.
func Build(tr *track.Tracker, evs []event.Event, opts Options, built time.Time) *Picture {
	ps := profile.Build(tr, evs, opts.Profile)
	p := &Picture{Built: built, Events: len(evs), Profiles: ps, byMMSI: make(map[uint32]int, len(ps))}
	for i := range ps {
		if ps[i].Segment == "" {
			p.byMMSI[ps[i].MMSI] = i
		}
	}
	p.Networks = network.Build(evs, tr, ps, opts.Network)
	return p
}

// Profile returns the profile of an MMSI (its own line, not a segment's).
func (p *Picture) Profile(mmsi uint32) (*profile.Profile, bool) {
	if p == nil {
		return nil, false
	}
	i, ok := p.byMMSI[mmsi]
	if !ok {
		return nil, false
	}
	return &p.Profiles[i], true
}

// Risk returns the risk score of an MMSI, if it has a profile.
func (p *Picture) Risk(mmsi uint32) (int, bool) {
	pr, ok := p.Profile(mmsi)
	if !ok {
		return 0, false
	}
	return pr.Risk.Score, true
}
