package event

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestJSONContract(t *testing.T) {
	e := Event{
		Type: Gap, MMSI: 412000001,
		Start: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC),
		Lat: 38.1, Lon: 124.5, Confidence: 0.8, Summary: "dark for 13 h",
		EndLat: Ptr(38.4), EndLon: Ptr(124.9), Intentional: Ptr(true),
	}
	e.SetID()
	b, err := json.Marshal(&e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "type", "mmsi", "start", "end", "lat", "lon", "confidence", "summary", "end_lat", "end_lon", "intentional"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing %q in %s", k, b)
		}
	}
	for _, k := range []string{"other_mmsi", "subtype", "field", "port", "zone", "entry", "evidence"} {
		if _, ok := m[k]; ok {
			t.Errorf("unexpected %q in %s", k, b)
		}
	}
	if m["start"] != "2026-03-01T12:00:00Z" || !strings.HasPrefix(string(b), `{"id":"`) {
		t.Errorf("times or order: %s", b)
	}
}

func TestIDStableAndPairUnordered(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a := Event{Type: Encounter, MMSI: 1, OtherMMSI: 2, Start: start}
	b := Event{Type: Encounter, MMSI: 2, OtherMMSI: 1, Start: start}
	c := Event{Type: Encounter, MMSI: 1, OtherMMSI: 3, Start: start}
	a.SetID()
	b.SetID()
	c.SetID()
	if a.ID != b.ID || a.ID == c.ID || len(a.ID) != 16 {
		t.Errorf("ids %s %s %s", a.ID, b.ID, c.ID)
	}
}

func TestEvidenceJSON(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := Event{Type: Gap, MMSI: 412000001, Start: at, End: at.Add(13 * time.Hour), Evidence: []Fix{
		{Time: at, Lat: 38.1, Lon: 124.5, SOG: Ptr(0.0), COG: Ptr(271.5), Feed: "sat", Role: LastBefore},
		{Time: at.Add(13 * time.Hour), Lat: 38.4, Lon: 124.9, Feed: "sat", Role: FirstAfter},
	}}
	b, err := json.Marshal(&e)
	if err != nil {
		t.Fatal(err)
	}
	want := `"evidence":[{"time":"2026-03-01T12:00:00Z","lat":38.1,"lon":124.5,"sog":0,"cog":271.5,"feed":"sat","role":"last_before"},{"time":"2026-03-02T01:00:00Z","lat":38.4,"lon":124.9,"feed":"sat","role":"first_after"}]`
	if !strings.Contains(string(b), want) {
		t.Errorf("evidence:\n got %s\nwant %s", b, want)
	}
}

// TestFromIdentities: the events made of static reports, whose
// provenance is the feeds that heard those reports. An IMO number two
// MMSIs share is one (it was taken for a position event, whose
// provenance is any feed that heard either vessel then).
func TestFromIdentities(t *testing.T) {
	for _, c := range []struct {
		e    Event
		want bool
	}{
		{Event{Type: IdentityChange}, true},
		{Event{Type: Watchlist}, true},
		{Event{Type: Spoofing, Subtype: InvalidIdentity}, true},
		{Event{Type: Spoofing, Subtype: SharedIMO}, true},
		{Event{Type: Spoofing, Subtype: SharedMMSI}, false},
		{Event{Type: Spoofing, Subtype: ImpossibleSpeed}, false},
		{Event{Type: Encounter}, false},
		{Event{Type: Gap}, false},
		{Event{Type: PortVisit}, false},
	} {
		if got := c.e.FromIdentities(); got != c.want {
			t.Errorf("%s/%s: %v, want %v", c.e.Type, c.e.Subtype, got, c.want)
		}
	}
}
