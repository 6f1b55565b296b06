package alert

import (
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// The kinds of alert: what triggered it.
const (
	KindEntry = "entry"
	KindExit  = "exit"
	KindEvent = "event"
	KindDark  = "dark"
)

// The states of an alert in the inbox.
const (
	StatusOpen         = "open"
	StatusAcknowledged = "acknowledged"
	StatusDismissed    = "dismissed"
)

// The actions on an alert.
const (
	ActAcknowledge = "acknowledge"
	ActAssign      = "assign"
	ActDismiss     = "dismiss"
)

// Alert is one alert a rule raised, as the inbox, the live stream and a
// webhook show it: only what the rule's partner may see (the name its
// feeds said, the position they heard, an event visible to it).
type Alert struct {
	ID       int64     `json:"id"`
	RuleID   string    `json:"rule_id"`
	RuleName string    `json:"rule_name"`
	Kind     string    `json:"kind"`
	MMSI     uint32    `json:"mmsi"`
	Name     string    `json:"name,omitempty"`
	Time     time.Time `json:"time"`   // data time of what raised it
	Raised   time.Time `json:"raised"` // clock time it was raised
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	SOG      *float64  `json:"sog,omitempty"`
	// EventID, EventType and Summary: the event of an event alert.
	EventID    string     `json:"event_id,omitempty"`
	EventType  event.Type `json:"event_type,omitempty"`
	Summary    string     `json:"summary"`
	Status     string     `json:"status"`
	AssignedTo string     `json:"assigned_to,omitempty"`
	Actions    []Action   `json:"actions"`
}

// Action is an analyst's action on an alert: who, when, what.
type Action struct {
	Action string    `json:"action"`
	User   string    `json:"user"`
	Time   time.Time `json:"time"`
	To     string    `json:"to,omitempty"` // assign: the user assigned
}

// kept is an alert as the desk keeps it: with its partner and the
// provenance it was raised on, which are not shown.
type kept struct {
	Alert
	Partner string           `json:"partner"`
	Prov    store.Provenance `json:"prov"`
}

// visibleTo reports whether a partner of clearance c may see the alert.
func (k *kept) visibleTo(c uint64) bool { return c == store.AllFeeds || k.Prov.VisibleTo(c) }

// Query selects alerts of an inbox.
type Query struct {
	// Status: one of the states, or "" for every alert.
	Status string
	// Limit: at most this many, the newest first (0: 1,000).
	Limit int
}
