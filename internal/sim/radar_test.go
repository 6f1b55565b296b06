package sim

import (
	"bytes"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/nmea"
)

// Radars are staged after the feed, from a random source of their own:
// the feed and the other truth are the same bytes with them or without;
// every radar writes sentences picket reads.
func TestRadarLeavesTheScenarioAsItWas(t *testing.T) {
	opts := Options{Seed: 3, Vessels: 120, Hours: 26}
	var plain, with bytes.Buffer
	a, err := Generate(opts, &plain)
	if err != nil {
		t.Fatal(err)
	}
	opts.Radar = true
	b, err := Generate(opts, &with)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain.Bytes(), with.Bytes()) {
		t.Error("the feed changed with radars staged")
	}
	var rest []event.Event
	kinds := map[event.Type]int{}
	for _, e := range b.Truth {
		if e.Sensor == "radar" {
			kinds[e.Type]++
			continue
		}
		rest = append(rest, e)
	}
	if len(rest) != len(a.Truth) || a.Radar != nil || b.Radar == nil || len(b.Radar.Sites) < 2 || kinds[event.DarkVessel] == 0 {
		t.Errorf("truth %d without radar events, %d without radars; %d radars; radar truth %v", len(rest), len(a.Truth), len(b.Radar.Sites), kinds)
	}
	for _, site := range b.Radar.Sites {
		var out bytes.Buffer
		if _, err := site.WriteTo(&out); err != nil || out.Len() == 0 {
			t.Fatalf("%s: %v, %d bytes", site.Name, err, out.Len())
		}
		for _, l := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
			if _, reason, err := nmea.NewInstrumentReader(nil).Line(l); reason != nmea.Decoded {
				t.Fatalf("%s writes %q: %v %v", site.Name, l, reason, err)
			}
		}
	}
}
