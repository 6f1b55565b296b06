package event

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// An event whose vessel was never placed (an IMO failing its check digit
// in a static report heard before any position) has no lat and lon in its
// JSON, not 0,0; a JSON without them reads back as no position.
func TestNoPositionLeftOut(t *testing.T) {
	t0 := time.Date(2015, 10, 6, 0, 1, 0, 0, time.UTC)
	e := Event{ID: "x", Type: Spoofing, Subtype: InvalidIdentity, MMSI: 3080, Start: t0, End: t0, Confidence: 0.9,
		Summary: `3080 broadcasts IMO 29, "lat":0`, Details: map[string]float64{"lat": 0, "lon": 0}}
	if e.HasPosition() {
		t.Fatal("0,0 is a position")
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.Contains(s, `"end":"2015-10-06T00:01:00Z","lat"`) || !strings.Contains(s, `"end":"2015-10-06T00:01:00Z","confidence":0.9`) ||
		!strings.Contains(s, `"details":{"lat":0,"lon":0}`) {
		t.Errorf("JSON %s", s)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil || back.HasPosition() || back.Summary != e.Summary {
		t.Errorf("read back %+v (%v)", back, err)
	}
	// Through a pointer, and with a position: both coordinates written,
	// one of them 0 (on the equator).
	e.Lat, e.Lon = 0, 104.5
	b, _ = json.Marshal(&e)
	if !strings.Contains(string(b), `"lat":0,"lon":104.5,`) {
		t.Errorf("JSON %s", b)
	}
}
