package casefile

import (
	"slices"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/network"
)

// Link is one reason two vessels of a network case belong together, as
// the case lists it.
type Link struct {
	Kind string // the network link's kind: "encounter", "shared_imo", ...
	// A and B are the two vessels' MMSIs.
	A, B uint32
	// IMO is the number a shared_imo or flag_change link is about.
	IMO string
	// Events are the ids of the events behind the link that the case
	// holds (an event the reader may not see is not named); Numbers are
	// their numbers in the case's list of events (Sort sets them).
	Events  []string
	Numbers []int
}

// LinksOf lists network n's links as its case shows them, each naming
// those of its events that events holds.
func LinksOf(n network.Network, events []event.Event) []Link {
	mmsi := make(map[string]uint32, len(n.Members))
	for _, m := range n.Members {
		mmsi[m.ID] = m.MMSI
	}
	out := make([]Link, 0, len(n.Links))
	for _, l := range n.Links {
		k := Link{Kind: string(l.Kind), A: mmsi[l.A], B: mmsi[l.B], IMO: l.IMO}
		for _, id := range l.Events {
			if slices.ContainsFunc(events, func(e event.Event) bool { return e.ID == id }) {
				k.Events = append(k.Events, id)
			}
		}
		out = append(out, k)
	}
	return out
}

// numberLinks sets each link's Numbers from the case's events, in their
// order; an event the case does not hold leaves the link.
func (c *Case) numberLinks() {
	for i := range c.Links {
		l := &c.Links[i]
		var ids []string
		var nums []int
		for _, id := range l.Events {
			if j := slices.IndexFunc(c.Events, func(e event.Event) bool { return e.ID == id }); j >= 0 {
				ids, nums = append(ids, id), append(nums, j+1)
			}
		}
		l.Events, l.Numbers = ids, nums
	}
}
