package live

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// Position is a tracked position as the live stream shows it: the fix,
// with the name, IMO number and ship type the vessel said last (empty
// and 0 when it has not said), each with the feeds that said it.
//
// A transmission is published when first heard (Prior 0, Feeds the feed
// that heard it) and again when another feed hears it (Feeds that feed,
// Prior the feeds that had heard it): a subscriber gets it once, from
// the first of its feeds that heard it.
type Position struct {
	store.Position
	Prior         uint64
	Name          string
	NameFeeds     uint64
	IMO           uint32
	IMOFeeds      uint64
	ShipType      uint8
	ShipTypeFeeds uint64
}

// Message is one item of the live stream: a position or an alert (an
// event of the contract, as the detectors emit it). HideName, HideIMO
// and HideShipType say that the subscriber is not cleared for the feeds
// that said the position's name, IMO number or ship type. Prov is an
// alert's provenance, by which it was released to the subscriber (a
// consumer that keeps the alert checks it again when the clearance
// narrows).
type Message struct {
	Position     *Position
	HideName     bool
	HideIMO      bool
	HideShipType bool
	Alert        *event.Event
	Prov         store.Provenance
}

// Filter selects what a subscriber receives. The zero value selects
// nothing; see AllFilter.
type Filter struct {
	// BBox, when set, keeps positions and alerts inside it.
	BBox *store.BBox
	// Positions selects positions.
	Positions bool
	// Alerts selects events; Types, when not empty, only those types.
	Alerts bool
	Types  []event.Type
	// MinInterval thins positions: at most one per vessel per interval of
	// data time (a map does not need every report of a fast ship). Zero:
	// every position.
	MinInterval time.Duration
	// Clearance keeps what a partner cleared for these feeds may see:
	// positions heard by one of them, events visible to it
	// (store.Provenance.VisibleTo); store.AllFeeds for everything. The
	// zero clearance sees nothing: a filter that forgets it fails closed.
	Clearance uint64
}

// AllFilter selects every position and every alert.
var AllFilter = Filter{Positions: true, Alerts: true, Clearance: store.AllFeeds}

func (f *Filter) matchPos(p *Position) bool {
	if f.Clearance == store.AllFeeds {
		if p.Prior != 0 {
			return false // sent when first heard
		}
	} else if p.Feeds&f.Clearance == 0 || p.Prior&f.Clearance != 0 {
		return false
	}
	return f.Positions && (f.BBox == nil || f.BBox.Contains(p.Lat, p.Lon))
}

func (f *Filter) matchAlert(e *event.Event, prov store.Provenance) bool {
	if !f.Alerts || (f.BBox != nil && (!e.HasPosition() || !f.BBox.Contains(e.Lat, e.Lon))) {
		return false
	}
	if f.Clearance != store.AllFeeds && !prov.VisibleTo(f.Clearance) {
		return false
	}
	if len(f.Types) == 0 {
		return true
	}
	for _, t := range f.Types {
		if t == e.Type {
			return true
		}
	}
	return false
}

// Subscription is one live subscriber. Read C until it is closed (the hub
// stopped, or Close was called).
type Subscription struct {
	C       <-chan Message
	c       chan Message
	filter  Filter
	dropped atomic.Int64
	// last is the data time of the last position sent per vessel, for
	// MinInterval; only the publisher touches it.
	last map[uint32]int64
	hub  *Hub
}

// Dropped returns how many messages were dropped because the subscriber
// lagged behind by more than its buffer, and resets the count.
func (s *Subscription) Dropped() int64 { return s.dropped.Swap(0) }

// Close ends the subscription; C is closed.
func (s *Subscription) Close() { s.hub.remove(s) }

// Hub broadcasts positions and alerts to live subscribers. One goroutine
// publishes (the pipeline's detect goroutine). Publishing never waits
// for a subscriber: one that lags behind by more than its
// buffer loses messages, which it can learn from Dropped. All methods are
// safe for concurrent use.
type Hub struct {
	mu      sync.RWMutex
	subs    map[*Subscription]struct{}
	closed  bool
	buf     int
	dropped atomic.Int64
}

// NewHub returns a hub whose subscribers may lag by buffer messages.
func NewHub(buffer int) *Hub {
	if buffer <= 0 {
		buffer = defaultSubscriberBuffer
	}
	return &Hub{subs: map[*Subscription]struct{}{}, buf: buffer}
}

// Subscribe adds a subscriber with filter f. On a closed hub the
// subscription's channel is closed at once.
func (h *Hub) Subscribe(f Filter) *Subscription {
	return h.SubscribeBuffer(f, h.buf)
}

// SubscribeBuffer is Subscribe with a buffer of its own: a consumer
// that must not lose messages to a burst (the alert rules) waits for
// more than a map does.
func (h *Hub) SubscribeBuffer(f Filter, buffer int) *Subscription {
	if buffer <= 0 {
		buffer = h.buf
	}
	c := make(chan Message, buffer)
	s := &Subscription{C: c, c: c, filter: f, hub: h}
	if f.MinInterval > 0 {
		s.last = make(map[uint32]int64)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(c)
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.c)
	}
}

// Subscribers is the number of subscribers.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs)
}

// DroppedTotal is the number of messages dropped over all subscribers.
func (h *Hub) DroppedTotal() int64 { return h.dropped.Load() }

// PublishPositions sends positions tracked elsewhere (a cluster's
// partition owners) to the subscribers whose filter selects them, as the
// pipeline does with its own.
func (h *Hub) PublishPositions(ps []Position) { h.publishPositions(ps) }

// PublishAlert sends an event found elsewhere (a cluster's partition
// owners) to the subscribers whose filter and clearance select it.
func (h *Hub) PublishAlert(e *event.Event, prov store.Provenance) { h.publishAlert(e, prov) }

// publishPositions sends the positions each subscriber's filter selects.
func (h *Hub) publishPositions(ps []Position) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs {
		if !s.filter.Positions {
			continue
		}
		every := s.filter.MinInterval.Milliseconds()
		for i := range ps {
			p := &ps[i]
			if !s.filter.matchPos(p) {
				continue
			}
			if every > 0 {
				if t, ok := s.last[p.MMSI]; ok && p.Time-t < every && p.Time >= t {
					continue
				}
				s.last[p.MMSI] = p.Time
			}
			m := Message{Position: p}
			if c := s.filter.Clearance; c != store.AllFeeds {
				m.HideName = p.NameFeeds&c == 0
				m.HideIMO = p.IMOFeeds&c == 0
				m.HideShipType = p.ShipTypeFeeds&c == 0
			}
			h.send(s, m)
		}
	}
}

// publishAlert sends an event to the subscribers whose filter selects it.
func (h *Hub) publishAlert(e *event.Event, prov store.Provenance) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs {
		if s.filter.matchAlert(e, prov) {
			h.send(s, Message{Alert: e, Prov: prov})
		}
	}
}

func (h *Hub) send(s *Subscription, m Message) {
	select {
	case s.c <- m:
	default:
		s.dropped.Add(1)
		h.dropped.Add(1)
	}
}

// Close closes every subscription; later subscriptions are closed at
// once.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.c)
	}
}
