package access

import (
	"fmt"
	"slices"
)

// MaxFeedBits is how many feed bits there are: store.Position.Feeds has
// 64, and the top one is never a feed's (a clearance for no feed must not
// be 0, which the store reads as "every feed").
const MaxFeedBits = 63

// FeedRecord is a feed as the data directory remembers it: the bit that
// the records it heard carry, its owner and its label. A feed keeps its
// bit for as long as the data directory lives, whatever its place in the
// config; a feed taken out of the config keeps its bit and its last label,
// so that what it heard stays released as it was.
type FeedRecord struct {
	Name  string `json:"name"`
	Bit   int    `json:"bit"`
	Owner string `json:"owner"`
	Label string `json:"label"`
}

// AssignFeeds gives each of the config's feeds (Name, Owner and Label
// set; Bit ignored) its bit: the one it had, else the lowest free one. It
// records each feed's owner and label as the config now says, and
// returns the config's feeds with their bits, in their order.
func (r *Registry) AssignFeeds(feeds []FeedRecord) ([]FeedRecord, error) {
	used := make(map[int]bool, len(r.Feeds))
	for _, f := range r.Feeds {
		used[f.Bit] = true
	}
	out := make([]FeedRecord, len(feeds))
	for i, f := range feeds {
		if f.Name == "" {
			return nil, fmt.Errorf("%w: feed %d has no name", ErrInvalid, i+1)
		}
		if slices.ContainsFunc(feeds[:i], func(g FeedRecord) bool { return g.Name == f.Name }) {
			return nil, fmt.Errorf("%w: feed %s listed twice", ErrInvalid, f.Name)
		}
		k := slices.IndexFunc(r.Feeds, func(g FeedRecord) bool { return g.Name == f.Name })
		if k < 0 {
			bit := 0
			for bit < MaxFeedBits && used[bit] {
				bit++
			}
			if bit == MaxFeedBits {
				return nil, fmt.Errorf("%w: feed %s: all %d feed bits are taken by feeds this data directory has known", ErrInvalid, f.Name, MaxFeedBits)
			}
			used[bit] = true
			r.Feeds = append(r.Feeds, FeedRecord{Name: f.Name, Bit: bit})
			k = len(r.Feeds) - 1
		}
		r.Feeds[k].Owner, r.Feeds[k].Label = f.Owner, f.Label
		out[i] = r.Feeds[k]
	}
	return out, nil
}

// FeedLabels returns the labels of every feed the registry remembers,
// those that do not parse left out (serve refuses them before it
// records them).
func (r *Registry) FeedLabels() []FeedLabel {
	out := make([]FeedLabel, 0, len(r.Feeds))
	for _, f := range r.Feeds {
		l, err := ParseLabel(f.Label)
		if err != nil {
			continue
		}
		out = append(out, FeedLabel{Index: f.Bit, Name: f.Name, Owner: f.Owner, Label: l})
	}
	return out
}

// validateFeeds checks that names and bits are unique and bits in range.
func (r *Registry) validateFeeds() error {
	names := make(map[string]bool, len(r.Feeds))
	bits := make(map[int]bool, len(r.Feeds))
	for _, f := range r.Feeds {
		switch {
		case f.Name == "":
			return fmt.Errorf("%w: a feed without a name", ErrInvalid)
		case names[f.Name]:
			return fmt.Errorf("%w: feed %s listed twice", ErrInvalid, f.Name)
		case f.Bit < 0 || f.Bit >= MaxFeedBits:
			return fmt.Errorf("%w: feed %s: bit %d outside 0..%d", ErrInvalid, f.Name, f.Bit, MaxFeedBits-1)
		case bits[f.Bit]:
			return fmt.Errorf("%w: feed %s: bit %d used twice", ErrInvalid, f.Name, f.Bit)
		}
		names[f.Name], bits[f.Bit] = true, true
	}
	return nil
}
