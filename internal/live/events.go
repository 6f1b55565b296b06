package live

import (
	"cmp"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// The feed log keeps 8 days of data time, as the gap detector keeps
// reception (detect.GapOptions.ReceptionKeep.Milliseconds()), and so does the
// provenance each event was given (Pipeline.given): an event older than
// that keeps what it had, or has no feed. Both are trimmed once a minute.
const (
	heardKeepMs      = 8 * 24 * 3600 * 1000
	heardTrimEveryMs = 60 * 1000
)

// givenProv is the provenance an event was last emitted with, and its
// end (Unix ms), after which it is forgotten with the feed log.
type givenProv struct {
	prov store.Provenance
	end  int64
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
//
// The provenance of an episode only grows: each emission adds what the
// feed log says of its span to what the episode had. What the log has
// forgotten is never guessed at (every feed that ever heard the vessel
// would release an event to partners whose feeds played no part in it):
// an event none of whose inputs is known is visible to no partner.
func (p *Pipeline) newEvent(em detect.Emission) {
	e := em.Event
	prov := store.Provenance{Feeds: p.inputFeeds(e.MMSI, &e)}
	other := cmp.Or(e.OtherMMSI, e.PreviousMMSI())
	if other != 0 {
		prov.OtherFeeds = p.inputFeeds(other, &e)
	}
	if g, ok := p.given[e.ID]; ok {
		prov.Feeds |= g.prov.Feeds
		prov.OtherFeeds |= g.prov.OtherFeeds
	}
	if prov.Feeds == 0 || (other != 0 && prov.OtherFeeds == 0) {
		// An input with no known feed: an OtherFeeds of 0 would read as
		// "no other vessel", so the whole event is no partner's.
		prov = store.Provenance{}
		p.warn("provenance-unknown", "an event's vessels were heard before what the feed log keeps (8 days of data time): it is visible to no partner",
			"id", e.ID, "type", e.Type, "mmsi", e.MMSI, "start", e.Start)
	}
	p.given[e.ID] = givenProv{prov: prov, end: e.End.UnixMilli()}
	p.pendEv = append(p.pendEv, store.EventWithProvenance{Event: e, Prov: prov})
	if em.First {
		p.nEvents.Add(1)
		p.m.events.WithLabelValues(string(e.Type)).Inc()
	}
	p.hub.publishAlert(&e, prov)
}

// inputFeeds is the provenance of one input of an event: the feeds that
// heard the vessel's positions while the event happened. An event about
// identity (a change, a watchlist hit, an invalid identity) is made of
// what the vessel said in its static reports, names included: its input
// is the feeds that heard those (an MMSI heard only in position reports:
// the feeds of those). An identity is often said before the event that
// uses it: when no feed said one during the event, the input is the feeds
// that did in the days the log keeps before it ended. It is 0 when the
// feed log has forgotten that time.
func (p *Pipeline) inputFeeds(mmsi uint32, e *event.Event) uint64 {
	from, to := e.Start.UnixMilli(), e.End.UnixMilli()
	if e.FromIdentities() {
		if f := p.said.feeds(mmsi, from, to); f != 0 {
			return f
		}
		if f := p.said.feeds(mmsi, to-heardKeepMs, to); f != 0 {
			return f
		}
	}
	f := p.heard.feeds(mmsi, from, to)
	// An event over a silence (a dark rendezvous spans the time both
	// vessels were unheard) has no position inside its span: its inputs
	// are the fixes it rests on, its evidence (the last fix before and
	// the first after each silence). Without this it reached no partner.
	for _, x := range e.Evidence {
		if x.MMSI == mmsi || (x.MMSI == 0 && mmsi == e.MMSI) {
			t := x.Time.UnixMilli()
			f |= p.heard.feeds(mmsi, t, t)
		}
	}
	return f
}

// trimGiven forgets the provenance of events the feed log has forgotten
// the time of.
func (p *Pipeline) trimGiven() {
	for id, g := range p.given {
		if p.forgettable(g.prov.Feeds|g.prov.OtherFeeds, g.end) {
			delete(p.given, id)
		}
	}
}

// forgettable reports whether what the feeds in feeds heard up to end
// (Unix ms) is older than the feed log keeps: heardKeepMs before the
// newest data time of each of those feeds, not of every feed, so that a
// feed replaying an old log beside live ones keeps its own 8 days (the
// events of its vessels found at the end of its data had no provenance).
func (p *Pipeline) forgettable(feeds uint64, end int64) bool {
	if feeds == 0 {
		return end < p.maxTime-heardKeepMs
	}
	for i, bit := range p.bits {
		if feeds&bit != 0 && end >= p.feedMax[i]-heardKeepMs {
			return false
		}
	}
	return true
}
