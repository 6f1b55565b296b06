package store

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/event"
)

// TestPutBatches: PutIdentities and PutEvents store what PutIdentity and
// PutEvent would, one record each in the log (read back by a recovery
// from the log alone, as a kill -9 leaves it), refuse a batch with an
// invalid member whole, and a write torn in the middle of a batch keeps
// the whole records before the tear.
func TestPutBatches(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	defer s.Close()
	ids := []Identity{
		{MMSI: 636012345, Record: IdentityRecord{Field: "name", Value: "OCEAN STAR", First: t0, Last: t0 + 1000, Feeds: 1}},
		{MMSI: 636012345, Record: IdentityRecord{Field: "imo", Value: "9074729", First: t0, Last: t0, Feeds: 1}},
		{MMSI: 211000001, Record: IdentityRecord{Field: "name", Value: "SEA DREAM", First: t0 + 500, Last: t0 + 500, Feeds: 2}},
	}
	if err := s.PutIdentities(ids); err != nil {
		t.Fatal(err)
	}
	a2 := ev("a", event.Gap, 1, 0, 0, 90)
	a2.Summary = "longer gap"
	evs := []EventWithProvenance{
		{Event: ev("a", event.Gap, 1, 0, 0, 60), Prov: Provenance{Feeds: 1}},
		{Event: ev("b", event.Encounter, 2, 3, 10, 70), Prov: Provenance{Feeds: 2, OtherFeeds: 4}},
		{Event: a2, Prov: Provenance{Feeds: 1}}, // replaces the first a
	}
	if err := s.PutEvents(evs); err != nil {
		t.Fatal(err)
	}
	// One invalid member: nothing of the batch is stored.
	bad := []Identity{ids[0], {MMSI: 1, Record: IdentityRecord{Field: "", Value: "x", First: 1, Last: 1}}}
	bad[0].Record.Value = "NOT STORED"
	if err := s.PutIdentities(bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an invalid identity in the batch: %v", err)
	}
	if err := s.PutEvents([]EventWithProvenance{{Event: ev("c", event.Gap, 5, 0, 0, 1), Prov: Provenance{Feeds: 1}}, {Event: event.Event{Type: event.Gap}}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an invalid event in the batch: %v", err)
	}

	check := func(s *Store, wantIdents int, wantEvents []string) {
		t.Helper()
		n := 0
		for _, mmsi := range []uint32{636012345, 211000001} {
			got, err := s.Identities(mmsi)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range got {
				if r.Value == "NOT STORED" {
					t.Errorf("a record of a refused batch was stored: %+v", r)
				}
			}
			n += len(got)
		}
		if n != wantIdents {
			t.Errorf("%d identity records, want %d", n, wantIdents)
		}
		if got := eventIDs(t, s, EventFilter{Clearance: AllFeeds}); !slices.Equal(got, wantEvents) {
			t.Errorf("events %v, want %v", got, wantEvents)
		}
		var sum string
		s.Events(EventFilter{MMSI: 1, Clearance: AllFeeds}, func(e event.Event, _ Provenance) bool { sum = e.Summary; return false })
		if len(wantEvents) > 0 && sum != "longer gap" {
			t.Errorf("event a: %q, want the later of the batch", sum)
		}
	}
	check(s, 3, []string{"a", "b"})

	// What a kill -9 leaves: the log alone.
	killed := copyDir(t, dir)
	r := open(t, killed, Options{})
	check(r, 3, []string{"a", "b"})
	r.Close()

	// A write torn inside the events' batch: the identities' write is
	// whole, and of the events only the records before the tear.
	torn := copyDir(t, dir)
	wals, _ := filepath.Glob(filepath.Join(torn, "wal-*.log"))
	if len(wals) != 1 {
		t.Fatalf("log files %v", wals)
	}
	data, err := os.ReadFile(wals[0])
	if err != nil {
		t.Fatal(err)
	}
	// The events' write is the last; cut it after its first record.
	first := len(data) - eventsWriteLen(t, evs) + walHeader + 1 + 16 + len(mustJSON(t, evs[0]))
	if err := os.WriteFile(wals[0], data[:first+5], 0o644); err != nil {
		t.Fatal(err)
	}
	r = open(t, torn, Options{})
	defer r.Close()
	if got := eventIDs(t, r, EventFilter{Clearance: AllFeeds}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after a torn batch: events %v, want [a]", got)
	}
}

// eventsWriteLen is the bytes PutEvents writes for evs.
func eventsWriteLen(t *testing.T, evs []EventWithProvenance) int {
	n := 0
	for _, e := range evs {
		n += walHeader + 1 + 16 + len(mustJSON(t, e))
	}
	return n
}

func mustJSON(t *testing.T, e EventWithProvenance) []byte {
	t.Helper()
	se, err := newStoredEvent(&e.Event, e.Prov)
	if err != nil {
		t.Fatal(err)
	}
	return se.json
}
