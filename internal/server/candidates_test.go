package server

import (
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// A dark vessel seen by a partner's radar names as candidates only the
// vessels that partner sees a position of: the others leave the list,
// the evidence and the summary; and the events the scope reads come so.
func TestDarkVesselCandidatesRedacted(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const radarBit, aBit, bBit = 1 << 0, 1 << 1, 1 << 2
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := st.Append([]store.Position{
		{MMSI: 440000001, Time: t0.Add(-3 * time.Hour).UnixMilli(), Lat: 35, Lon: 125, Feeds: aBit},
		{MMSI: 440000002, Time: t0.Add(-2 * time.Hour).UnixMilli(), Lat: 35.1, Lon: 125, Feeds: bBit},
	}); err != nil {
		t.Fatal(err)
	}
	e := darkVesselEvent(t0, "coast/3/1")
	e.Summary = detection.DarkSummary("dark vessel at 35.2000,125.1000: radar track coast/3/1 held 1.0 h, explained by no AIS vessel", &e, nil)
	e.SetID()
	if err := st.PutEvent(e, store.Provenance{Feeds: radarBit}); err != nil {
		t.Fatal(err)
	}
	read := func(clearance uint64) []event.Event {
		sc := scope{st: st, v: &view{clearance: clearance, full: clearance == radarBit|aBit|bBit}}
		var out []event.Event
		if err := sc.Events(store.EventFilter{}, func(e event.Event) bool { out = append(out, e); return true }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := read(radarBit | aBit)
	if len(got) != 1 {
		t.Fatalf("radar and A's feed: %d events", len(got))
	}
	g := got[0]
	if len(g.Candidates) != 1 || g.Candidates[0] != 440000001 || len(g.Evidence) != 2 || g.Details["candidates"] != 1 ||
		strings.Contains(g.Summary, "440000002") || !strings.Contains(g.Summary, "440000001") {
		t.Errorf("cleared for the radar and A: %+v", g)
	}
	if g := read(radarBit)[0]; len(g.Candidates) != 0 || len(g.Evidence) != 1 || strings.Contains(g.Summary, "4400000") {
		t.Errorf("cleared for the radar alone: %+v", g)
	}
	if g := read(radarBit | aBit | bBit)[0]; len(g.Candidates) != 2 {
		t.Errorf("cleared for all: %+v", g)
	}
	if len(read(aBit|bBit)) != 0 {
		t.Error("an event of the radar's seen without the radar's feed")
	}
}

// darkVesselEvent is a dark vessel seen by radar track scene at t0, whose
// candidates are 440000002 (last heard 2 h before) and 440000001 (3 h
// before); it has no summary.
func darkVesselEvent(t0 time.Time, scene string) event.Event {
	return event.Event{Type: event.DarkVessel, Start: t0, End: t0, Lat: 35.2, Lon: 125.1, Confidence: 0.9, Sensor: "radar", Scene: scene,
		Candidates: []uint32{440000002, 440000001},
		Details:    map[string]float64{"candidates": 2},
		Evidence: []event.Fix{{Time: t0, Lat: 35.2, Lon: 125.1, Feed: "coast", Role: event.First},
			{Time: t0.Add(-2 * time.Hour), Lat: 35.1, Lon: 125, MMSI: 440000002, Role: event.LastBefore},
			{Time: t0.Add(-3 * time.Hour), Lat: 35, Lon: 125, MMSI: 440000001, Role: event.LastBefore}},
	}
}

// A partner's summary of a dark vessel is built from the candidates it may
// see, not cut from the text: a track named with "; could be " in it keeps
// its whole name, and a summary that names the candidates in another
// order or place (one not made as the detectors make it) names no hidden
// candidate.
func TestDarkVesselSummaryFromCandidates(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	// Cleared to see a position of 440000001 alone.
	sc := scope{v: &view{clearance: 1}, st: storeWith(t, store.Position{MMSI: 440000001, Time: t0.Add(-3 * time.Hour).UnixMilli(), Lat: 35, Lon: 125, Feeds: 1},
		store.Position{MMSI: 440000002, Time: t0.Add(-2 * time.Hour).UnixMilli(), Lat: 35.1, Lon: 125, Feeds: 2})}
	odd := darkVesselEvent(t0, "pier; could be anything/3/1")
	head := "dark vessel at 35.2000,125.1000: radar track pier; could be anything/3/1 held 1.0 h, explained by no AIS vessel"
	odd.Summary = detection.DarkSummary(head, &odd, nil)
	reordered := darkVesselEvent(t0, "coast/3/1")
	reordered.Summary = "could be 440000002 (silent 2.0 h), 440000001 (silent 3.0 h): dark vessel at 35.2000,125.1000 held by radar track coast/3/1"
	for _, e := range []*event.Event{&odd, &reordered} {
		sc.redactCandidates(e)
		if strings.Contains(e.Summary, "440000002") || !strings.Contains(e.Summary, "; could be 440000001 (silent 3.0 h") {
			t.Errorf("summary for a partner who sees 440000001 alone: %q", e.Summary)
		}
	}
	if !strings.HasPrefix(odd.Summary, head+"; could be 440000001") {
		t.Errorf("the track's name cut: %q", odd.Summary)
	}
}

func storeWith(t *testing.T, ps ...store.Position) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Append(ps); err != nil {
		t.Fatal(err)
	}
	return st
}
