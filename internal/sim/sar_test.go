package sim

import (
	"bytes"
	"testing"

	"github.com/picket-ais/picket/internal/event"
)

// Satellite passes draw from a source of their own: the feed and the
// other truth are the same bytes with them or without.
func TestSARLeavesTheScenarioAsItWas(t *testing.T) {
	opts := Options{Seed: 5, Vessels: 60, Hours: 26}
	var plain, withSAR bytes.Buffer
	a, err := Generate(opts, &plain)
	if err != nil {
		t.Fatal(err)
	}
	opts.SAR = true
	b, err := Generate(opts, &withSAR)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain.Bytes(), withSAR.Bytes()) {
		t.Error("the feed changed with SAR passes staged")
	}
	var rest []event.Event
	dark, silent, meetings := 0, 0, 0
	for _, e := range b.Truth {
		if e.Type == event.DarkEncounter && e.Sensor == "sar" {
			meetings++
			continue
		}
		if e.Type != event.DarkVessel {
			rest = append(rest, e)
			continue
		}
		dark++
		if len(e.Candidates) > 0 {
			silent++
		}
	}
	if len(rest) != len(a.Truth) {
		t.Errorf("truth without SAR's dark_vessel and dark_encounter: %d events, %d without SAR", len(rest), len(a.Truth))
	}
	for i := range rest {
		if i < len(a.Truth) && rest[i].ID != a.Truth[i].ID {
			t.Errorf("truth event %d differs: %s / %s", i, rest[i].Summary, a.Truth[i].Summary)
			break
		}
	}
	if a.SAR != nil || b.SAR == nil || len(b.SAR.Scenes) == 0 || dark == 0 || silent == 0 || meetings == 0 {
		t.Errorf("SAR: %v without, %d scenes with; %d dark_vessel truth events, %d of silent AIS ships; %d dark encounters", a.SAR, len(b.SAR.Scenes), dark, silent, meetings)
	}
	var det, sc bytes.Buffer
	if err := b.SAR.WriteDetections(&det); err != nil || b.SAR.WriteScenes(&sc) != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(det.Bytes(), []byte("\n")); n != len(b.SAR.Detections)+1 {
		t.Errorf("detections.csv has %d lines for %d detections", n, len(b.SAR.Detections))
	}
}
