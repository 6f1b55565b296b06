package access

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Label is a releasability marking: "REL TO JPN, GBR" releases a feed's
// data to JPN and GBR; a group's name (NATO) releases it to the group's
// members too.
type Label struct {
	Raw string   // as written
	To  []string // the names released to, upper case, in order, each once
}

// ParseLabel reads "REL TO A, B, ...": "REL TO" in any case with any
// spacing, then partner names separated by commas. Names are taken in
// upper case and must be partner names (see AddPartner).
func ParseLabel(s string) (Label, error) {
	bad := func(why string) (Label, error) {
		return Label{}, fmt.Errorf("%w: label %q: %s; want e.g. \"REL TO JPN, GBR\"", ErrInvalid, s, why)
	}
	rest := strings.TrimSpace(s)
	if rest == "" {
		return bad("empty")
	}
	// Upper case keeps ASCII byte offsets, and names are upper case.
	up := strings.ToUpper(rest)
	after, ok := strings.CutPrefix(up, "REL")
	if ok && after != "" && isSpace(after[0]) {
		after, ok = strings.CutPrefix(strings.TrimLeft(after, " \t"), "TO")
	} else {
		ok = false
	}
	if !ok || after != "" && !isSpace(after[0]) {
		return bad(`does not start with "REL TO"`)
	}
	rest = strings.TrimSpace(after)
	if rest == "" {
		return bad(`no partner after "REL TO"`)
	}
	l := Label{Raw: s}
	for i, part := range strings.Split(rest, ",") {
		name := strings.TrimSpace(part)
		if name == "" {
			return bad(fmt.Sprintf("name %d is empty (a stray comma?)", i+1))
		}
		if !validPartnerName(name) {
			return bad(fmt.Sprintf("%q is not a partner name (2 to 16 of A-Z, 0-9, _ and -; names are separated by commas)", name))
		}
		if !slices.Contains(l.To, name) {
			l.To = append(l.To, name)
		}
	}
	return l, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// String returns the label as written.
func (l Label) String() string { return l.Raw }

// FeedLabel is what access control knows of a feed: its bit, its owner
// and its label.
type FeedLabel struct {
	// Index is the feed's bit in store.Position.Feeds (0..62).
	Index int
	// Name is the feed's name (what /api/me lists), when known.
	Name  string
	Owner string
	Label Label
}

// Clearance returns the feeds a partner may see, as the bit set of their
// indexes: bit i is set when the partner owns feed i, or is named in its
// label, or is a member (at any depth) of a group named there. An empty
// partner is cleared for nothing; a feed whose Index is outside 0..63
// clears nothing.
func (r *Registry) Clearance(partner string, feeds []FeedLabel) uint64 {
	if partner == "" {
		return 0
	}
	// The names that stand for partner: itself and every group that
	// contains it at any depth.
	standsFor := make(map[string]bool)
	var bits uint64
	for _, f := range feeds {
		if f.Index < 0 || f.Index > 63 {
			continue
		}
		cleared := f.Owner == partner
		for _, x := range f.Label.To {
			if cleared {
				break
			}
			in, ok := standsFor[x]
			if !ok {
				in = slices.Contains(r.Expand(x), partner)
				standsFor[x] = in
			}
			cleared = in
		}
		if cleared {
			bits |= 1 << f.Index
		}
	}
	return bits
}

// CheckLabels checks the feeds against the registry before serving them:
// indexes in 0..63 and distinct, every owner and every name in every
// label a known partner. A name nobody knows would otherwise release to
// nobody, silently, or to whoever is added under it later. All problems
// are returned, each naming the feed's index and the name.
func (r *Registry) CheckLabels(feeds []FeedLabel) error {
	var errs []error
	seen := make(map[int]bool)
	for _, f := range feeds {
		if f.Index < 0 || f.Index > 63 {
			errs = append(errs, fmt.Errorf("%w: feed index %d: out of 0..63", ErrInvalid, f.Index))
			continue
		}
		if seen[f.Index] {
			errs = append(errs, fmt.Errorf("%w: feed index %d: used twice", ErrInvalid, f.Index))
		}
		seen[f.Index] = true
		if f.Owner == "" {
			errs = append(errs, fmt.Errorf("%w: feed index %d: no owning partner", ErrInvalid, f.Index))
		} else if r.partnerIndex(f.Owner) < 0 {
			errs = append(errs, fmt.Errorf("%w: feed index %d: owner %q is not a partner", ErrNotFound, f.Index, f.Owner))
		}
		if len(f.Label.To) == 0 {
			errs = append(errs, fmt.Errorf("%w: feed index %d: no label (want e.g. \"REL TO JPN, GBR\")", ErrInvalid, f.Index))
		}
		for _, x := range f.Label.To {
			if r.partnerIndex(x) < 0 {
				errs = append(errs, fmt.Errorf("%w: feed index %d: label %q: %q is not a partner", ErrNotFound, f.Index, f.Label.Raw, x))
			}
		}
	}
	return errors.Join(errs...)
}

// ClearedFeeds returns the names of the feeds the registry remembers that
// a partner is cleared for (Clearance, by name).
func (r *Registry) ClearedFeeds(partner string) map[string]bool {
	labels := r.FeedLabels()
	bits := r.Clearance(partner, labels)
	out := make(map[string]bool)
	for _, f := range labels {
		if bits&(1<<f.Index) != 0 {
			out[f.Name] = true
		}
	}
	return out
}
