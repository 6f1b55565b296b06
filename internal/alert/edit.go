package alert

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/picket-ais/picket/internal/zone"
)

// newID returns a random id of 12 hex digits, for rules, zones, lists
// and entries.
func newID() string {
	var id [6]byte
	rand.Read(id[:])
	return hex.EncodeToString(id[:])
}

// compileRule checks r against what its partner may name (the node's
// zones and its own, its webhooks, its watchlists) and prepares it.
func (d *Desk) compileRule(r Rule) (*compiled, error) {
	d.mu.Lock()
	zones := d.zonesLocked(r.Partner)
	d.mu.Unlock()
	return d.compileWith(r, zones)
}

// compileWith is compileRule with the partner's zones given (a caller
// that holds d.mu).
func (d *Desk) compileWith(r Rule, zones *zone.Set) (*compiled, error) {
	c, err := compile(r, zones, d.hookNames(r.Partner))
	if err != nil {
		return nil, err
	}
	if c.onList, err = d.listFilter(r.Partner, r.Filters.Lists); err != nil {
		return nil, err
	}
	return c, nil
}

// active returns the rules of rs that are not disabled, the ones a
// watcher evaluates.
func active(rs []*compiled) []*compiled {
	out := make([]*compiled, 0, len(rs))
	for _, r := range rs {
		if !r.Disabled {
			out = append(out, r)
		}
	}
	return out
}

// UpdateRule replaces one of partner's rules with r (its name, area,
// triggers, filters, webhooks, and whether it is disabled), changed by
// user; its id, partner, author and creation time stay. It returns the
// rule kept and what changed, in words for the audit log ("name", "area",
// "triggers", "filters", "webhooks", "disabled", "enabled"); nothing
// changed is not an error. A rule whose area or filters changed starts
// again from the vessels' last positions: its next alert is a crossing
// of the new area. The file is written before it returns.
func (d *Desk) UpdateRule(partner, user, id string, r Rule) (Rule, []string, error) {
	d.mu.Lock()
	i := slices.IndexFunc(d.rules[partner], func(c *compiled) bool { return c.ID == id })
	if i < 0 {
		d.mu.Unlock()
		return Rule{}, nil, ErrNotFound
	}
	old := d.rules[partner][i].Rule
	d.mu.Unlock()
	r.ID, r.Partner, r.CreatedBy, r.Created = old.ID, partner, old.CreatedBy, old.Created
	now := d.opts.Now().UTC()
	r.UpdatedBy, r.Updated = user, &now
	c, err := d.compileRule(r)
	if err != nil {
		return Rule{}, nil, err
	}
	changed := ruleChanges(old, c.Rule)
	if len(changed) == 0 {
		return old, nil, nil
	}
	d.mu.Lock()
	rs := d.rules[partner]
	if i = slices.IndexFunc(rs, func(c *compiled) bool { return c.ID == id }); i < 0 {
		d.mu.Unlock()
		return Rule{}, nil, ErrNotFound // deleted meanwhile
	}
	rs = slices.Clone(rs)
	rs[i] = c
	d.rules[partner] = rs
	d.installLocked(partner)
	d.dirty = true
	d.mu.Unlock()
	return c.Rule, changed, d.flush()
}

// ruleChanges says what differs between two versions of a rule.
func ruleChanges(a, b Rule) []string {
	var out []string
	if a.Name != b.Name {
		out = append(out, fmt.Sprintf("name %q to %q", a.Name, b.Name))
	}
	switch {
	case a.Area.Zone != b.Area.Zone && b.Area.Zone != "":
		out = append(out, fmt.Sprintf("area to zone %q", b.Area.Zone))
	case !slices.Equal(a.Area.Polygon, b.Area.Polygon):
		out = append(out, fmt.Sprintf("area redrawn (%d points)", len(b.Area.Polygon)))
	}
	if !sameJSON(a.Triggers, b.Triggers) {
		out = append(out, "triggers")
	}
	if !sameJSON(a.Filters, b.Filters) {
		out = append(out, "filters")
	}
	if !slices.Equal(a.Webhooks, b.Webhooks) {
		out = append(out, "webhooks")
	}
	if a.Disabled != b.Disabled {
		out = append(out, map[bool]string{true: "disabled", false: "enabled"}[b.Disabled])
	}
	return out
}

// sameJSON compares two values as their JSON (empty lists are left out
// of it, so nil and empty compare alike).
func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
