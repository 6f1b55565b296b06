package store

import (
	"errors"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

func ev(id string, typ event.Type, mmsi, other uint32, startMin, endMin int) event.Event {
	return event.Event{ID: id, Type: typ, MMSI: mmsi, OtherMMSI: other,
		Start: time.UnixMilli(t0 + int64(startMin)*60_000).UTC(), End: time.UnixMilli(t0 + int64(endMin)*60_000).UTC(),
		Lat: 1.2, Lon: 103.8, Confidence: 0.5, Summary: id}
}

func eventIDs(t *testing.T, s *Store, f EventFilter) []string {
	t.Helper()
	var ids []string
	if err := s.Events(f, func(e event.Event, _ Provenance) bool { ids = append(ids, e.ID); return true }); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestEvents(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	put := func(e event.Event, prov Provenance) {
		t.Helper()
		if err := s.PutEvent(e, prov); err != nil {
			t.Fatal(err)
		}
	}
	put(ev("a", event.Gap, 1, 0, 0, 400), Provenance{Feeds: 1})
	// b's vessels were heard by feeds 2 and 3 (bit 4): a partner must be
	// cleared for both to see it.
	put(ev("b", event.Encounter, 2, 3, 60, 180), Provenance{Feeds: 2, OtherFeeds: 4})
	put(ev("c", event.Loitering, 3, 0, 300, 420), Provenance{Feeds: 1 | 2})
	// Positions move data time on, so that a seal writes a, b and c to a
	// segment; d and the new version of a stay in memory.
	appendAll(t, s, newFleet(10, 5, t0).next(nil, 3000), 500)
	waitSeal(t, s)
	if s.Stats().Segments == 0 {
		t.Fatal("no seal")
	}
	put(ev("d", event.PortVisit, 4, 0, 500, 560), Provenance{Feeds: 4})
	a2 := ev("a", event.Gap, 1, 0, 0, 480)
	a2.Summary = "longer gap"
	put(a2, Provenance{Feeds: 1})

	check := func() {
		t.Helper()
		for _, tt := range []struct {
			f    EventFilter
			want []string
		}{
			{EventFilter{Clearance: AllFeeds}, []string{"a", "b", "c", "d"}},
			{EventFilter{}, nil}, // no clearance: nothing
			{EventFilter{MMSI: 3, Clearance: AllFeeds}, []string{"b", "c"}},
			{EventFilter{From: time.UnixMilli(t0 + 200*60_000), To: time.UnixMilli(t0 + 310*60_000), Clearance: AllFeeds}, []string{"a", "c"}},
			{EventFilter{From: time.UnixMilli(t0 + 450*60_000), Clearance: AllFeeds}, []string{"a", "d"}}, // a's newer end
			{EventFilter{Types: []event.Type{event.Encounter, event.PortVisit}, Clearance: AllFeeds}, []string{"b", "d"}},
			{EventFilter{Clearance: 2}, []string{"c"}},
			{EventFilter{Clearance: 1}, []string{"a", "c"}},
			{EventFilter{Clearance: 2 | 4}, []string{"b", "c", "d"}},
			{EventFilter{Clearance: 8}, nil},
			{EventFilter{Limit: 2, Clearance: AllFeeds}, []string{"a", "b"}},
		} {
			if got := eventIDs(t, s, tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("filter %+v: got %v, want %v", tt.f, got, tt.want)
			}
		}
		var got event.Event
		s.Events(EventFilter{MMSI: 1, Clearance: AllFeeds}, func(e event.Event, _ Provenance) bool { got = e; return false })
		if got.Summary != "longer gap" || !got.End.Equal(a2.End) {
			t.Errorf("re-put event: got %+v", got)
		}
	}
	check()
	s.Close()
	s = open(t, dir, Options{})
	defer s.Close()
	check()
	if err := s.PutEvent(event.Event{Type: event.Gap, Start: time.Now()}, Provenance{Feeds: 1}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("event without id: %v", err)
	}
}

func TestIdentities(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	for _, r := range []IdentityRecord{
		{Field: "name", Value: "OCEAN STAR", First: t0 + 5000, Last: t0 + 9000, Feeds: 1},
		{Field: "name", Value: "OCEAN STAR", First: t0 + 1000, Last: t0 + 2000, Feeds: 2},
		{Field: "name", Value: "SEA DREAM", First: t0 + 20000, Last: t0 + 30000, Feeds: 1},
		{Field: "imo", Value: "9074729", First: t0, Last: t0, Feeds: 1},
		{Field: "name", Value: "OCEAN STAR", First: t0 + 4000, Last: t0 + 9500, Feeds: 1},
	} {
		if err := s.PutIdentity(636012345, r); err != nil {
			t.Fatal(err)
		}
	}
	// A value is kept per set of feeds that heard it, so that a partner
	// cleared for one feed sees only when that feed heard it.
	want := []IdentityRecord{
		{Field: "imo", Value: "9074729", First: t0, Last: t0, Feeds: 1},
		{Field: "name", Value: "OCEAN STAR", First: t0 + 1000, Last: t0 + 2000, Feeds: 2},
		{Field: "name", Value: "OCEAN STAR", First: t0 + 4000, Last: t0 + 9500, Feeds: 1},
		{Field: "name", Value: "SEA DREAM", First: t0 + 20000, Last: t0 + 30000, Feeds: 1},
	}
	check := func() {
		t.Helper()
		got, err := s.Identities(636012345)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("got %+v, %v; want %+v", got, err, want)
		}
	}
	check()
	s.Close()
	s = open(t, dir, Options{})
	check()
	// Through a checkpoint as well as through the log.
	appendAll(t, s, newFleet(10, 6, t0).next(nil, 3000), 500)
	s.Close()
	s = open(t, dir, Options{})
	defer s.Close()
	check()
}

func TestLatest(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer s.Close()
	ps := []Position{
		{MMSI: 1, Time: t0, Lat: 1.1, Lon: 103.9, SOG: nan32, COG: nan32},
		{MMSI: 1, Time: t0 + 60_000, Lat: 1.2, Lon: 103.8, SOG: nan32, COG: nan32},
		{MMSI: 1, Time: t0 + 30_000, Lat: 5, Lon: 5, SOG: nan32, COG: nan32}, // late: not the latest
		{MMSI: 2, Time: t0 + 10_000, Lat: 1.3, Lon: 104.5, SOG: nan32, COG: nan32},
		{MMSI: 3, Time: t0 + 50_000, Lat: -16, Lon: 179.9, SOG: nan32, COG: nan32},
		{MMSI: 4, Time: t0 + 50_000, Lat: -16, Lon: -179.9, SOG: nan32, COG: nan32},
	}
	appendAll(t, s, ps, 10)
	latest := func(b BBox, since int64) []uint32 {
		var got []uint32
		if err := s.Latest(b, since, func(p Position) bool { got = append(got, p.MMSI); return true }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	singapore := BBox{MinLat: 0.5, MinLon: 103, MaxLat: 2, MaxLon: 105}
	if got := latest(singapore, 0); !slices.Equal(got, []uint32{1, 2}) {
		t.Errorf("Singapore: %v", got)
	}
	if got := latest(singapore, t0+20_000); !slices.Equal(got, []uint32{1}) {
		t.Errorf("Singapore, recent: %v", got)
	}
	fiji := BBox{MinLat: -20, MinLon: 179, MaxLat: -10, MaxLon: -179} // across the antimeridian
	if got := latest(fiji, 0); !slices.Equal(got, []uint32{3, 4}) {
		t.Errorf("across the antimeridian: %v", got)
	}
}

// One writer, several readers, under the race detector: readers always
// see whole batches of a vessel, in time order.
func TestConcurrentReaders(t *testing.T) {
	s := open(t, t.TempDir(), Options{BlockSpan: 10 * time.Minute, Grace: time.Minute})
	defer s.Close()
	f := newFleet(100, 8, t0)
	ps := f.next(nil, 30_000)
	var wg sync.WaitGroup
	done := make(chan struct{})
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				prev := int64(math.MinInt64)
				err := s.Track(ps[i%len(ps)].MMSI, 0, math.MaxInt64, func(p Position) bool {
					if p.Time < prev {
						t.Error("track out of order")
					}
					prev = p.Time
					return true
				})
				if err != nil {
					t.Error(err)
				}
				s.Latest(BBox{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}, 0, func(Position) bool { return true })
				s.Events(EventFilter{Clearance: AllFeeds}, func(event.Event, Provenance) bool { return true })
			}
		}()
	}
	for i := 0; i < len(ps); i += 500 {
		if err := s.Append(ps[i : i+500]); err != nil {
			t.Fatal(err)
		}
		if i%5000 == 0 {
			s.PutEvent(ev("e"+string(rune('a'+i/5000)), event.Gap, ps[i].MMSI, 0, i/100, i/100+60), Provenance{Feeds: 1})
		}
	}
	close(done)
	wg.Wait()
	checkTracks(t, s, byVessel(ps), 0, math.MaxInt64)
}
