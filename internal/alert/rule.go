package alert

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/zone"
)

// ErrInvalid is wrapped by every error about a rule or an action a user
// asked for: the message says what is wrong.
var ErrInvalid = errors.New("invalid")

// ErrNotFound is returned for a rule or an alert the partner has not (or
// may not see).
var ErrNotFound = errors.New("not found")

// Bounds on what one partner may keep.
const (
	MaxRules        = 100    // rules per partner
	MaxVertices     = 1000   // points of a drawn area
	MaxAlerts       = 10_000 // alerts kept per partner in the inbox
	maxNameLen      = 80
	maxDarkMinutes  = 7 * 24 * 60
	defaultRefireMs = 10 * 60 * 1000
)

// Rule is an alert rule: an area, what triggers it, and which vessels
// count. JSON as the API takes and gives it.
type Rule struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Partner   string    `json:"partner"`
	CreatedBy string    `json:"created_by"`
	Created   time.Time `json:"created"`
	Area      Area      `json:"area"`
	Triggers  Triggers  `json:"triggers"`
	Filters   Filters   `json:"filters"`
	// Webhooks names the partner's configured webhooks (Options.Webhooks)
	// its alerts are posted to.
	Webhooks []string `json:"webhooks,omitempty"`
	// Disabled keeps the rule without evaluating it: it raises nothing
	// until enabled again.
	Disabled bool `json:"disabled,omitempty"`
	// UpdatedBy and Updated: who changed it last, and when (none until
	// it is changed; the audit log keeps every change).
	UpdatedBy string     `json:"updated_by,omitempty"`
	Updated   *time.Time `json:"updated,omitempty"`
}

// Area is a polygon (a ring of [lon, lat] points, drawn on the map) or
// the name of a zone: one of the node's zones file, or one of the
// partner's own zones (Desk.AddZone); one of the two.
type Area struct {
	Polygon [][2]float64 `json:"polygon,omitempty"`
	Zone    string       `json:"zone,omitempty"`
}

// Triggers are what raises an alert; at least one.
type Triggers struct {
	// Entry and Exit: a vessel crossing into or out of the area (between
	// two of its positions the partner sees).
	Entry bool `json:"entry,omitempty"`
	Exit  bool `json:"exit,omitempty"`
	// Events: an event of these types whose position is inside the area
	// ("any" for every type).
	Events []string `json:"events,omitempty"`
	// DarkMinutes: a vessel last heard inside the area and not heard for
	// this long (data time, by the partner's feeds). 0: off.
	DarkMinutes int `json:"dark_minutes,omitempty"`
}

// Filters narrow the vessels that count; empty fields keep every vessel.
type Filters struct {
	// ShipTypes are categories: tanker (AIS types 80-89), cargo (70-79),
	// passenger (60-69), fishing (30), service (31-35, 50-59), hsc
	// (40-49), pleasure (36, 37), other. A vessel whose type the partner
	// has not heard matches none.
	ShipTypes []string `json:"ship_types,omitempty"`
	// Flags are ISO 3166 alpha-2 codes of the flag the MMSI's MID gives.
	Flags []string `json:"flags,omitempty"`
	// Watchlist keeps vessels with a watchlist event the partner sees
	// (the node's lists); Lists, vessels on one of these of the
	// partner's own watchlists (by id, Desk.AddWatchlist), by their MMSI
	// or the name its feeds said. With both, a vessel on either counts.
	Watchlist bool     `json:"watchlist,omitempty"`
	Lists     []string `json:"lists,omitempty"`
	// MinSpeed and MaxSpeed (knots) bound the vessel's speed over
	// ground at the time (its last position for an event); a vessel of
	// unknown speed matches no bound.
	MinSpeed *float64 `json:"min_speed,omitempty"`
	MaxSpeed *float64 `json:"max_speed,omitempty"`
}

// Categories are the ship type categories a filter can name.
var Categories = []string{"tanker", "cargo", "passenger", "fishing", "service", "hsc", "pleasure", "other"}

// Category returns the category of an AIS ship type code (0: unknown).
func Category(code uint8) string {
	c := int(code)
	switch {
	case c >= 80 && c <= 89:
		return "tanker"
	case c >= 70 && c <= 79:
		return "cargo"
	case c >= 60 && c <= 69:
		return "passenger"
	case c >= 40 && c <= 49:
		return "hsc"
	case c == 30:
		return "fishing"
	case c == 36 || c == 37:
		return "pleasure"
	case (c >= 31 && c <= 35) || (c >= 50 && c <= 59):
		return "service"
	}
	return "other"
}

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
}

// compiled is a rule ready to test positions against.
type compiled struct {
	Rule
	shape   orb.MultiPolygon
	bound   orb.Bound
	types   []event.Type // nil: Events off; empty with anyEvent
	anyEv   bool
	darkMs  int64
	flags   []string
	classes []string
	// onList reports whether a vessel is on one of Filters.Lists (nil
	// when the rule names none).
	onList func(mmsi, imo uint32, name string) bool
}

// compile checks r and prepares it. zones are the node's zones (nil when
// none); hooks the names of the partner's webhooks.
func compile(r Rule, zones *zone.Set, hooks []string) (*compiled, error) {
	c := &compiled{Rule: r}
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" || len(r.Name) > maxNameLen || strings.ContainsFunc(r.Name, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return nil, invalid("name: want 1 to %d printable characters", maxNameLen)
	}
	c.Name = r.Name
	switch {
	case len(r.Area.Polygon) > 0 && r.Area.Zone != "":
		return nil, invalid("area: a polygon or a zone, not both")
	case r.Area.Zone != "":
		if zones != nil {
			for _, z := range zones.Zones {
				if z.Name == r.Area.Zone {
					c.shape, c.bound = z.Shape, z.Bound
				}
			}
		}
		if c.shape == nil {
			return nil, invalid("area: no zone named %q (GET /api/zones lists them)", r.Area.Zone)
		}
	case len(r.Area.Polygon) > 0:
		pts, shape, err := polygonOf("area.polygon", r.Area.Polygon)
		if err != nil {
			return nil, err
		}
		c.Area.Polygon = pts
		c.shape = shape
		c.bound = c.shape.Bound()
	default:
		return nil, invalid("area: draw a polygon or name a zone")
	}
	t := r.Triggers
	for _, s := range t.Events {
		if s == "any" {
			c.anyEv = true
			continue
		}
		if !slices.Contains(event.Types, event.Type(s)) {
			return nil, invalid("triggers.events: unknown event type %q (want any or one of %v)", s, event.Types)
		}
		c.types = append(c.types, event.Type(s))
	}
	if t.DarkMinutes < 0 || t.DarkMinutes > maxDarkMinutes {
		return nil, invalid("triggers.dark_minutes: want 0 (off) to %d", maxDarkMinutes)
	}
	c.darkMs = int64(t.DarkMinutes) * 60_000
	if !t.Entry && !t.Exit && len(t.Events) == 0 && t.DarkMinutes == 0 {
		return nil, invalid("triggers: choose entry, exit, events or dark_minutes")
	}
	f := r.Filters
	for _, s := range f.ShipTypes {
		if !slices.Contains(Categories, s) {
			return nil, invalid("filters.ship_types: unknown category %q (want one of %v)", s, Categories)
		}
	}
	c.classes = f.ShipTypes
	for _, s := range f.Flags {
		u := strings.ToUpper(s)
		if len(u) != 2 || u[0] < 'A' || u[0] > 'Z' || u[1] < 'A' || u[1] > 'Z' {
			return nil, invalid("filters.flags: %q is not an ISO 3166 alpha-2 code", s)
		}
		c.flags = append(c.flags, u)
	}
	c.Filters.Flags = c.flags
	for _, v := range []*float64{f.MinSpeed, f.MaxSpeed} {
		if v != nil && (math.IsNaN(*v) || *v < 0 || *v > 102.2) {
			return nil, invalid("filters: a speed is 0 to 102.2 knots")
		}
	}
	if f.MinSpeed != nil && f.MaxSpeed != nil && *f.MinSpeed > *f.MaxSpeed {
		return nil, invalid("filters: min_speed above max_speed")
	}
	for _, h := range r.Webhooks {
		if !slices.Contains(hooks, h) {
			return nil, invalid("webhooks: no webhook %q configured for partner %s", h, r.Partner)
		}
	}
	return c, nil
}

// polygonOf checks a drawn ring of [lon, lat] points (closed or not) and
// returns its points, unclosed, and its shape; field names it in errors.
func polygonOf(field string, pts [][2]float64) ([][2]float64, orb.MultiPolygon, error) {
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 || len(pts) > MaxVertices {
		return nil, nil, invalid("%s: want 3 to %d points [lon, lat], got %d", field, MaxVertices, len(pts))
	}
	ring := make(orb.Ring, 0, len(pts)+1)
	for i, p := range pts {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return nil, nil, invalid("%s: point %d [%g, %g] is not a [lon, lat] in degrees", field, i, p[0], p[1])
		}
		ring = append(ring, orb.Point{p[0], p[1]})
	}
	ring = append(ring, ring[0])
	if planar.Area(ring) == 0 {
		return nil, nil, invalid("%s: the points enclose no area", field)
	}
	return pts, orb.MultiPolygon{{ring}}, nil
}

// contains reports whether (lat, lon) is inside the rule's area.
func (c *compiled) contains(lat, lon float64) bool {
	p := orb.Point{lon, lat}
	return c.bound.Contains(p) && planar.MultiPolygonContains(c.shape, p)
}

// wantsEvent reports whether an event of type t triggers the rule.
func (c *compiled) wantsEvent(t event.Type) bool {
	return c.anyEv || slices.Contains(c.types, t)
}

// matches reports whether a vessel passes the rule's filters, with the
// speed it had (NaN: unknown).
func (c *compiled) matches(v *vessel, mmsi uint32, sog float64) bool {
	f := &c.Filters
	if len(c.classes) > 0 && (v == nil || v.shipType == 0 || !slices.Contains(c.classes, Category(v.shipType))) {
		return false
	}
	if len(c.flags) > 0 && !slices.Contains(c.flags, flagOf(mmsi)) {
		return false
	}
	if f.Watchlist || c.onList != nil {
		name, imo := "", uint32(0)
		if v != nil {
			name, imo = v.name, v.imo
		}
		if !(f.Watchlist && v != nil && v.listed) && !(c.onList != nil && c.onList(mmsi, imo, name)) {
			return false
		}
	}
	if f.MinSpeed != nil && (math.IsNaN(sog) || sog < *f.MinSpeed) {
		return false
	}
	if f.MaxSpeed != nil && (math.IsNaN(sog) || sog > *f.MaxSpeed) {
		return false
	}
	return true
}

// flagOf is the ISO alpha-2 code of the flag an MMSI's MID gives ("" for
// none).
func flagOf(mmsi uint32) string {
	if mmsi < 100_000_000 || mmsi > 999_999_999 {
		return ""
	}
	c, ok := identity.LookupMID(int(mmsi / 1_000_000))
	if !ok {
		return ""
	}
	return c.Alpha2
}
