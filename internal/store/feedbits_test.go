package store

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The feeds' bits are kept with the store: a new store takes them, a
// feed new to it is added, and any change of what the stored records
// carry (a feed with another bit, a bit given to another feed, a feed
// missing) is refused, saying what differs, with the file left as it was.
func TestBindFeeds(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	if err := s.BindFeeds([]FeedBit{{"kor-shore", 0}, {"gbr-sat", 1}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, dir, Options{})
	defer func() { s.Close() }()
	if err := s.BindFeeds([]FeedBit{{"gbr-sat", 1}, {"kor-shore", 0}, {"usa-tcp", 2}}); err != nil {
		t.Fatalf("the same bits in another order and a new feed: %v", err)
	}
	want := []FeedBit{{"kor-shore", 0}, {"gbr-sat", 1}, {"usa-tcp", 2}}
	if got, err := s.Feeds(); err != nil || !slices.Equal(got, want) {
		t.Fatalf("Feeds() = %v, %v; want %v", got, err, want)
	}
	before, _ := os.ReadFile(filepath.Join(dir, FeedsFile))
	for _, tt := range []struct {
		name  string
		feeds []FeedBit
		says  []string
	}{
		{"two feeds swapped", []FeedBit{{"kor-shore", 1}, {"gbr-sat", 0}, {"usa-tcp", 2}},
			[]string{`feed "kor-shore" has bit 1 here but its stored records carry bit 0`, `feed "gbr-sat" has bit 0`}},
		{"a bit given to a new feed", []FeedBit{{"kor-shore", 0}, {"jpn-coast", 1}, {"usa-tcp", 2}},
			[]string{`bit 1 is given to feed "jpn-coast" here but the stored records carry it for feed "gbr-sat"`, `feed "gbr-sat" (bit 1 in the stored records) is missing`}},
		{"the registry lost its feeds", nil,
			[]string{`feed "kor-shore" (bit 0 in the stored records) is missing`, `feed "usa-tcp"`}},
	} {
		err := s.BindFeeds(tt.feeds)
		if !errors.Is(err, ErrFeedBits) {
			t.Fatalf("%s: %v, want ErrFeedBits", tt.name, err)
		}
		for _, w := range tt.says {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v\nwant it to say %s", tt.name, err, w)
			}
		}
		if after, _ := os.ReadFile(filepath.Join(dir, FeedsFile)); string(after) != string(before) {
			t.Fatalf("%s: refused, but the file changed", tt.name)
		}
	}
	if err := s.BindFeeds([]FeedBit{{"a", 3}, {"a", 4}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a name twice: %v", err)
	}
	os.WriteFile(filepath.Join(dir, FeedsFile), []byte(`{"feeds":[{"name":"a","bit":1},{"name":"b","bit":1}]}`), 0o644)
	if err := s.BindFeeds(want); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a damaged %s: %v, want ErrCorrupt", FeedsFile, err)
	}
}
