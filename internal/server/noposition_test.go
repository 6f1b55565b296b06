package server

import (
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// A bounding box does not take in an event with no known position (the
// exports leave it out: TestExportsWithoutPosition in package export).
func TestBBoxWithoutPosition(t *testing.T) {
	t0 := time.Date(2015, 10, 6, 0, 1, 0, 0, time.UTC)
	evs := []event.Event{
		{ID: "nopos", Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: 3080, Start: t0, End: t0, Confidence: 0.9, Summary: "IMO 29"},
		{ID: "pos", Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: 3081, Start: t0, End: t0, Lat: 10, Lon: 20, Confidence: 0.9, Summary: "IMO 30"},
	}
	q := eventQuery{bbox: &store.BBox{MinLat: -1, MinLon: -1, MaxLat: 1, MaxLon: 1}}
	if q.match(&evs[0]) {
		t.Error("an event with no position is inside a box around 0,0")
	}
}
