package network

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/track"
)

// Kind is what a link stands for.
type Kind string

// The link kinds.
const (
	// KindEncounter: the two met at sea, both transmitting.
	KindEncounter Kind = "encounter"
	// KindDarkRendezvous: the two could have met while both were dark.
	KindDarkRendezvous Kind = "dark_rendezvous"
	// KindSharedIMO: both MMSIs broadcast the same IMO number.
	KindSharedIMO Kind = "shared_imo"
	// KindSharedMMSI: two transmitters used one MMSI at the same time.
	KindSharedMMSI Kind = "shared_mmsi"
	// KindFlagChange: the IMO number of one reappeared under the other, of
	// another flag.
	KindFlagChange Kind = "flag_change"
)

// Network is one group of vessels linked by what they did together or by
// an identity they share. Field order is the JSON order.
type Network struct {
	// ID is a hash of the member ids: the same members give the same id
	// from one run to the next.
	ID         string     `json:"id"`
	Risk       int        `json:"risk"`
	RiskDetail RiskDetail `json:"risk_detail"`
	Summary    string     `json:"summary"`
	Members    []Member   `json:"members"`
	Links      []Link     `json:"links"`
}

// RiskDetail is the terms of a network's risk, which is their sum capped
// at 100.
type RiskDetail struct {
	MaxMember int `json:"max_member"` // the riskiest member's score
	Size      int `json:"size"`       // bonus for vessels beyond two
	Links     int `json:"links"`      // bonus for the links' kinds and weights
}

// Member is one vessel, or one transmitter of a shared MMSI.
type Member struct {
	// ID is "<mmsi>", or "<mmsi>-<n>" for the n-th transmitter of an MMSI
	// several used at once. Links name members by it.
	ID      string `json:"id"`
	MMSI    uint32 `json:"mmsi"`
	Segment string `json:"segment,omitempty"`
	Name    string `json:"name"` // heard last
	IMO     string `json:"imo,omitempty"`
	Flag    string `json:"flag"`
	Risk    int    `json:"risk"` // the member's profile score
}

// Link is one reason two members belong together.
type Link struct {
	A    string `json:"a"` // member ids, A before B in member order
	B    string `json:"b"`
	Kind Kind   `json:"kind"`
	// IMO is the number a shared_imo or flag_change link is about.
	IMO string `json:"imo,omitempty"`
	// Events are the ids of the events behind the link, by start time;
	// empty for a shared IMO read from the identity histories alone.
	Events []string `json:"events"`
	// Weight is the sum of the events' confidences; 1 for a shared IMO.
	Weight float64 `json:"weight"`
}

// node is a member: an MMSI (seg 0) or one of its segments.
type node struct {
	mmsi uint32
	seg  int32
}

func (n node) id() string {
	b := strconv.AppendUint(make([]byte, 0, 16), uint64(n.mmsi), 10)
	if n.seg > 0 {
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(n.seg), 10)
	}
	return string(b)
}

func (n node) compare(o node) int {
	if c := cmp.Compare(n.mmsi, o.mmsi); c != 0 {
		return c
	}
	return cmp.Compare(n.seg, o.seg)
}

type linkKey struct {
	a, b node
	kind Kind
	imo  string
}

type linkAgg struct {
	evs []int32
}

// Build finds the networks in the events and the tracker's identity
// histories (tr may be nil), with each member's risk from profiles (which
// may be nil), sorted by descending risk, then size, then id. Build does
// not modify its inputs.
func Build(events []event.Event, tr *track.Tracker, profiles []profile.Profile, opts Options) []Network {
	o := opts.withDefaults()
	b := builder{opts: &o, events: events, tr: tr, links: make(map[linkKey]*linkAgg)}
	b.res = newResolver(tr, events)
	b.fromEvents()
	b.fromIdentities()
	return b.networks(profiles)
}

type builder struct {
	opts   *Options
	events []event.Event
	tr     *track.Tracker
	res    *resolver
	links  map[linkKey]*linkAgg
}

// add records that event i (or none, -1) links a and b.
func (b *builder) add(a, c node, kind Kind, imo string, i int32) {
	if a == c {
		return // two ends on one member: nothing to link
	}
	if c.compare(a) < 0 {
		a, c = c, a
	}
	k := linkKey{a, c, kind, imo}
	l := b.links[k]
	if l == nil {
		l = &linkAgg{}
		b.links[k] = l
	}
	if i >= 0 {
		l.evs = append(l.evs, i)
	}
}

func (b *builder) fromEvents() {
	for i := range b.events {
		e := &b.events[i]
		from, to := e.Start.UnixMilli(), e.End.UnixMilli()
		switch {
		case e.Type == event.Encounter || e.Type == event.DarkRendezvous:
			if e.OtherMMSI == 0 || e.OtherMMSI == e.MMSI {
				continue
			}
			a := b.res.node(e.MMSI, ownSegment(e), from, to)
			c := b.res.node(e.OtherMMSI, otherSegment(e), from, to)
			b.add(a, c, Kind(e.Type), "", int32(i))
		case e.Type == event.Spoofing && e.Subtype == event.SharedMMSI:
			segs := b.res.split[e.MMSI]
			if segs == nil || placeholder(e.MMSI) {
				continue
			}
			a := b.res.node(e.MMSI, ownSegment(e), from, to)
			n := otherSegment(e)
			if n == 0 {
				n = pick(segs, from, to, a.seg)
			}
			if n > 0 {
				b.add(a, node{e.MMSI, n}, KindSharedMMSI, "", int32(i))
			}
		case e.Type == event.Spoofing && e.Subtype == event.SharedIMO:
			imo := int(e.Details["imo"])
			if e.OtherMMSI == 0 || e.OtherMMSI == e.MMSI || !identity.HullIMO(imo) {
				continue
			}
			a := b.res.node(e.MMSI, 0, from, to)
			c := b.res.node(e.OtherMMSI, 0, from, to)
			b.add(a, c, KindSharedIMO, strconv.Itoa(imo), int32(i))
		case e.Type == event.IdentityChange && e.Field == event.FieldFlag:
			p := e.PreviousMMSI()
			if p == 0 || p == e.MMSI {
				continue
			}
			// The old identity fell silent before the new one spoke: each
			// side is resolved at the time of the change.
			a := b.res.node(p, 0, from, from)
			c := b.res.node(e.MMSI, ownSegment(e), from, to)
			b.add(a, c, KindFlagChange, b.imoAt(e.MMSI, from), int32(i))
		}
	}
}

// imoAt returns the IMO number a vessel broadcast around time t, for
// naming the hull of a flag change.
func (b *builder) imoAt(mmsi uint32, t int64) string {
	if b.tr == nil {
		return ""
	}
	v := b.tr.Vessel(mmsi)
	if v == nil {
		return ""
	}
	best, bestD := "", int64(math.MaxInt64)
	for _, x := range v.ID.IMOs.Values {
		d := max(x.First-t, t-x.Last, 0)
		if d < bestD {
			best, bestD = x.V, d
		}
	}
	return best
}

// sharer is one MMSI that broadcast an IMO number, and when.
type sharer struct {
	mmsi        uint32
	first, last int64
}

// fromIdentities links the MMSIs that broadcast one IMO number, from the
// tracker's identity histories.
func (b *builder) fromIdentities() {
	if b.tr == nil {
		return
	}
	byIMO := make(map[string][]sharer)
	b.tr.Vessels(func(v *track.Vessel) {
		for _, x := range v.ID.IMOs.Values {
			byIMO[x.V] = append(byIMO[x.V], sharer{v.MMSI, x.First, x.Last})
		}
	})
	// identity_change events about an IMO number explain its sharing.
	type mmsiIMO struct {
		mmsi uint32
		imo  string
	}
	var imoEvents map[mmsiIMO][]int32
	for i := range b.events {
		e := &b.events[i]
		if e.Type != event.IdentityChange || e.Field != event.FieldIMO {
			continue
		}
		if imoEvents == nil {
			imoEvents = make(map[mmsiIMO][]int32)
		}
		for _, v := range [2]string{e.From, e.To} {
			if v != "" {
				k := mmsiIMO{e.MMSI, v}
				imoEvents[k] = append(imoEvents[k], int32(i))
			}
		}
	}
	for imo, ss := range byIMO {
		if len(ss) < 2 || len(ss) > b.opts.MaxIMOSharers {
			continue
		}
		n, err := strconv.Atoi(imo)
		if err != nil || !identity.HullIMO(n) {
			continue // a placeholder, or a number failing its check digit (a typo or made up), says nothing of the hull
		}
		for x := range ss {
			for y := x + 1; y < len(ss); y++ {
				p, q := ss[x], ss[y]
				a := b.res.node(p.mmsi, 0, p.first, p.last)
				c := b.res.node(q.mmsi, 0, q.first, q.last)
				b.add(a, c, KindSharedIMO, imo, -1)
				for _, m := range [2]uint32{p.mmsi, q.mmsi} {
					for _, i := range imoEvents[mmsiIMO{m, imo}] {
						b.add(a, c, KindSharedIMO, imo, i)
					}
				}
			}
		}
	}
}

// ownSegment is the number of the event's own segment, 0 if not named.
func ownSegment(e *event.Event) int32 {
	s := e.Segment
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '-' {
			m, err1 := strconv.ParseUint(s[:i], 10, 32)
			n, err2 := strconv.ParseInt(s[i+1:], 10, 32)
			if err1 != nil || err2 != nil || uint32(m) != e.MMSI || n <= 0 {
				return 0
			}
			return int32(n)
		}
	}
	return 0
}

// otherSegment is Details["other_segment"]: for a pair event the other
// vessel's segment, for shared_mmsi the other transmitter's; 0 if absent.
func otherSegment(e *event.Event) int32 {
	n := e.Details["other_segment"]
	if n < 1 || n > math.MaxInt32 {
		return 0
	}
	return int32(n)
}

// placeholder reports MMSIs such as 0 or 123456789 that many unrelated
// transponders carry: their transmitters share a careless default, not a
// plan, and are not linked to each other.
func placeholder(mmsi uint32) bool {
	return errors.Is(identity.Classify(int(mmsi)).Err, identity.ErrPlaceholder)
}

// id hashes the member ids.
func networkID(members []node) string {
	h := sha256.New()
	var buf []byte
	for _, m := range members {
		buf = strconv.AppendUint(buf[:0], uint64(m.mmsi), 10)
		buf = append(buf, '-')
		buf = strconv.AppendInt(buf, int64(m.seg), 10)
		buf = append(buf, ',')
		h.Write(buf)
	}
	return "net-" + hex.EncodeToString(h.Sum(nil)[:6])
}

func sortEvents(events []event.Event, evs []int32) []int32 {
	slices.SortFunc(evs, func(a, b int32) int {
		if c := event.Compare(&events[a], &events[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	// One event may be listed twice: a pair event emitted from both sides
	// (same id), or an IMO change named by both of its values.
	return slices.CompactFunc(evs, func(a, b int32) bool {
		return a == b || (events[a].ID != "" && events[a].ID == events[b].ID)
	})
}
