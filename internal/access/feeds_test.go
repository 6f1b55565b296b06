package access

import (
	"errors"
	"testing"
)

// TestAssignFeeds: a feed keeps its bit whatever its place in the config,
// a feed taken out keeps its bit and label, a new one takes the lowest
// free bit, and the records survive a save and a load.
func TestAssignFeeds(t *testing.T) {
	dir := t.TempDir()
	assign := func(fs ...FeedRecord) []FeedRecord {
		t.Helper()
		var out []FeedRecord
		err := Update(dir, func(r *Registry) error {
			var err error
			out, err = r.AssignFeeds(fs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	bitsOf := func(fs []FeedRecord) (b []int) {
		for _, f := range fs {
			b = append(b, f.Bit)
		}
		return b
	}
	a := FeedRecord{Name: "a", Owner: "JPN", Label: "REL TO JPN"}
	b := FeedRecord{Name: "b", Owner: "GBR", Label: "REL TO GBR"}
	c := FeedRecord{Name: "c", Owner: "KOR", Label: "REL TO KOR"}
	d := FeedRecord{Name: "d", Owner: "USA", Label: "REL TO USA"}
	if got := bitsOf(assign(a, b, c)); len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Fatalf("first assignment: %v", got)
	}
	// c moves to the front, b leaves the config, a's label changes.
	a2 := a
	a2.Label = "REL TO JPN, GBR"
	if got := bitsOf(assign(c, a2, d)); got[0] != 2 || got[1] != 0 || got[2] != 3 {
		t.Fatalf("reordered: bits %v, want [2 0 3]", got)
	}
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]FeedRecord{"a": {Name: "a", Bit: 0, Owner: "JPN", Label: "REL TO JPN, GBR"}, "b": {Name: "b", Bit: 1, Owner: "GBR", Label: "REL TO GBR"},
		"c": {Name: "c", Bit: 2, Owner: "KOR", Label: "REL TO KOR"}, "d": {Name: "d", Bit: 3, Owner: "USA", Label: "REL TO USA"}}
	if len(r.Feeds) != len(want) {
		t.Fatalf("records %+v", r.Feeds)
	}
	for _, f := range r.Feeds {
		if f != want[f.Name] {
			t.Errorf("record %+v, want %+v", f, want[f.Name])
		}
	}
	if ls := r.FeedLabels(); len(ls) != 4 || ls[1].Index != 1 || ls[1].Name != "b" || ls[1].Label.To[0] != "GBR" {
		t.Errorf("labels %+v", ls)
	}
	if _, err := r.AssignFeeds([]FeedRecord{a, a}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a feed twice: %v", err)
	}
	r.Feeds = append(r.Feeds, FeedRecord{Name: "e", Bit: 3})
	if err := r.Save(dir); !errors.Is(err, ErrInvalid) {
		t.Errorf("a bit used twice saved: %v", err)
	}
	// Every bit taken.
	var r2 Registry
	var many []FeedRecord
	for i := range MaxFeedBits + 1 {
		many = append(many, FeedRecord{Name: string(rune('A'+i/26)) + string(rune('a'+i%26))})
	}
	if _, err := r2.AssignFeeds(many); !errors.Is(err, ErrInvalid) {
		t.Errorf("%d feeds: %v", len(many), err)
	}
}
