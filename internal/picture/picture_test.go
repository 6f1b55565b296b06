package picture

import (
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// TestBuild: a picture of events alone (a partner's partial view) has a
// profile per vessel of the events, scored, and the network the
// encounter makes; a vessel not in the events has none.
func TestBuild(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	evs := []event.Event{
		{ID: "e1", Type: event.Encounter, MMSI: 412000001, OtherMMSI: 636000002, Start: t0, End: t0.Add(8 * time.Hour), Lat: 20, Lon: 112, Confidence: 1},
		{ID: "e2", Type: event.Gap, MMSI: 412000001, Start: t0.Add(10 * time.Hour), End: t0.Add(40 * time.Hour), Lat: 20, Lon: 112, EndLat: event.Ptr(21.0), EndLon: event.Ptr(113.0), Intentional: event.Ptr(true), Confidence: 0.8},
	}
	built := time.Now()
	p := Build(nil, evs, Options{}, built)
	if p.Events != 2 || !p.Built.Equal(built) {
		t.Errorf("events %d, built %v", p.Events, p.Built)
	}
	r1, ok1 := p.Risk(412000001)
	_, ok2 := p.Risk(636000002)
	if !ok1 || !ok2 || r1 == 0 {
		t.Errorf("risk of 412000001: %d (%v); 636000002 profiled: %v", r1, ok1, ok2)
	}
	if _, ok := p.Profile(1); ok {
		t.Error("a profile for a vessel in no event")
	}
	if len(p.Networks) != 1 {
		t.Errorf("%d networks, want the encounter's", len(p.Networks))
	}
	var none *Picture
	if _, ok := none.Risk(412000001); ok {
		t.Error("a nil picture has a risk")
	}
}
