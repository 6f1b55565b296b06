package live

import (
	"cmp"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// The feed log keeps 8 days of data time, as the gap detector keeps
// reception (detect.GapOptions.ReceptionKeepMs): events older than that
// take every feed that heard their vessel (Pipeline.inputFeeds). It is
// trimmed once a minute.
const (
	heardKeepMs      = 8 * 24 * 3600 * 1000
	heardTrimEveryMs = 60 * 1000
)

type storedEvent struct {
	ev   event.Event
	prov store.Provenance
	// after is how many positions had entered the provenance hold when
	// the event was emitted: it goes to the store once they have all
	// left it, never ahead of the positions it was made of.
	after int64
}

// takeEvents picks up the events the detectors emitted since last time.
func (p *Pipeline) takeEvents() {
	for _, em := range p.core.TakeEvents() {
		p.newEvent(em)
	}
}

// newEvent stores and publishes one emission of an event with its
// provenance: an episode (an encounter, a port call) is emitted as soon as
// it qualifies and again as it grows, under one ID; the store keeps its
// latest version (with the provenance of its whole span so far) and
// subscribers get each. Only the first emission of an event counts.
func (p *Pipeline) newEvent(em detect.Emission) {
	e := em.Event
	prov := store.Provenance{Feeds: p.inputFeeds(e.MMSI, &e)}
	if other := cmp.Or(e.OtherMMSI, e.PreviousMMSI()); other != 0 {
		prov.OtherFeeds = p.inputFeeds(other, &e)
	}
	p.pendEv = append(p.pendEv, storedEvent{ev: e, prov: prov, after: p.prov.entered()})
	if em.First {
		p.nEvents.Add(1)
		p.m.events.WithLabelValues(string(e.Type)).Inc()
	}
	p.hub.publishAlert(&e, prov)
}

// inputFeeds is the provenance of one input of an event: the feeds that
// heard the vessel while the event happened. An event about identity (a
// change, a watchlist hit, an invalid identity) is made of what the
// vessel said in its static reports, names included: its input is the
// feeds that heard those. When the feed log has forgotten that time (an
// identity first heard long ago), it is every feed that heard the vessel
// (said it) in this run.
func (p *Pipeline) inputFeeds(mmsi uint32, e *event.Event) uint64 {
	from, to := e.Start.UnixMilli(), e.End.UnixMilli()
	if e.FromIdentities() {
		if f := p.said.during(mmsi, from, to); f != 0 {
			return f
		}
	}
	return p.heard.during(mmsi, from, to)
}
