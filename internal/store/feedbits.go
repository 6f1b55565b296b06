package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FeedsFile is the file in the store's directory that keeps which bit of
// Position.Feeds and Provenance each feed's records carry. The bits are
// what the stored history is labelled with: were a feed's bit to change
// (the access registry lost or restored from an older copy, the feeds
// numbered afresh), every record of that feed would be read as another
// feed's and released to the partners cleared for that one. So the map
// lives with the records it labels and BindFeeds refuses a different one.
const FeedsFile = "feeds.json"

// ErrFeedBits is returned by BindFeeds when the feeds' bits differ from
// those the stored records carry.
var ErrFeedBits = errors.New("store: feed bits differ from those the stored records carry")

// FeedBit is a feed's name and the bit (0..63) its records carry.
type FeedBit struct {
	Name string `json:"name"`
	Bit  int    `json:"bit"`
}

type feedsFile struct {
	Feeds []FeedBit `json:"feeds"`
}

// BindFeeds checks feeds (every feed the caller knows, with its bit)
// against the bits the stored records carry, kept in FeedsFile, and
// records the feeds new to the store. It returns an error wrapping
// ErrFeedBits that says each difference when a feed has another bit in
// the store, a bit is another feed's there, or a feed of the store is
// missing from feeds; the store is then left as it was. A store without
// FeedsFile (new, or written by an earlier picket) takes feeds as they
// are. The file is written to a temporary name, fsynced and renamed.
func (s *Store) BindFeeds(feeds []FeedBit) error {
	names := make(map[string]bool, len(feeds))
	bits := make(map[int]bool, len(feeds))
	for _, f := range feeds {
		switch {
		case f.Name == "":
			return fmt.Errorf("%w: a feed without a name", ErrInvalid)
		case names[f.Name]:
			return fmt.Errorf("%w: feed %q given twice", ErrInvalid, f.Name)
		case f.Bit < 0 || f.Bit > 63:
			return fmt.Errorf("%w: feed %q: bit %d outside 0..63", ErrInvalid, f.Name, f.Bit)
		case bits[f.Bit]:
			return fmt.Errorf("%w: feed %q: bit %d given twice", ErrInvalid, f.Name, f.Bit)
		}
		names[f.Name], bits[f.Bit] = true, true
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return ErrClosed
	}
	path := filepath.Join(s.dir, FeedsFile)
	kept, found, err := readFeeds(path)
	if err != nil {
		return err
	}
	byName := make(map[string]int, len(kept))
	byBit := make(map[int]string, len(kept))
	for _, f := range kept {
		byName[f.Name], byBit[f.Bit] = f.Bit, f.Name
	}
	var diffs []string
	var added []FeedBit
	for _, f := range feeds {
		b, ok := byName[f.Name]
		switch {
		case ok && b != f.Bit:
			diffs = append(diffs, fmt.Sprintf("feed %q has bit %d here but its stored records carry bit %d", f.Name, f.Bit, b))
		case !ok && byBit[f.Bit] != "":
			diffs = append(diffs, fmt.Sprintf("bit %d is given to feed %q here but the stored records carry it for feed %q", f.Bit, f.Name, byBit[f.Bit]))
		case !ok:
			added = append(added, f)
		}
	}
	for _, f := range kept {
		if !names[f.Name] {
			diffs = append(diffs, fmt.Sprintf("feed %q (bit %d in the stored records) is missing here", f.Name, f.Bit))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w (%s): %s", ErrFeedBits, path, strings.Join(diffs, "; "))
	}
	if len(added) == 0 && found {
		return nil
	}
	all := append(slices.Clone(kept), added...)
	slices.SortFunc(all, func(a, b FeedBit) int { return a.Bit - b.Bit })
	b, err := json.MarshalIndent(feedsFile{Feeds: all}, "", "  ")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	tmp := path + ".tmp"
	if err := writeFileSync(tmp, append(b, '\n')); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return err
	}
	if !found {
		s.opts.Logger.Info("store: the feeds' bits are kept with the store from now on", "file", path, "feeds", len(all))
	}
	return nil
}

// Feeds returns the feeds and bits kept in FeedsFile, by bit.
func (s *Store) Feeds() ([]FeedBit, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	fs, _, err := readFeeds(filepath.Join(s.dir, FeedsFile))
	return fs, err
}

// readFeeds reads FeedsFile; found is false when there is none.
func readFeeds(path string) (fs []FeedBit, found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: %w", err)
	}
	var ff feedsFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ff); err != nil {
		return nil, false, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	seen := make(map[string]bool)
	bits := make(map[int]bool)
	for _, f := range ff.Feeds {
		if f.Name == "" || seen[f.Name] || bits[f.Bit] || f.Bit < 0 || f.Bit > 63 {
			return nil, false, fmt.Errorf("%w: %s: feed %q bit %d: no name, a name or bit twice, or a bit outside 0..63", ErrCorrupt, path, f.Name, f.Bit)
		}
		seen[f.Name], bits[f.Bit] = true, true
	}
	return ff.Feeds, true, nil
}
