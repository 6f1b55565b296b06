package sim

import (
	"bytes"
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/nmea"
)

// Radars are staged after the feed, from a random source of their own:
// the feed and the other truth are the same with them or without, but
// for the position reports of the ships whose positions are spoofed
// under a coast radar (radarspoof.go); every radar writes sentences
// picket reads.
func TestRadarLeavesTheScenarioAsItWas(t *testing.T) {
	opts := Options{Seed: 1, Vessels: 200, Hours: 30}
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
	spoofed := map[uint32]bool{}
	for _, v := range b.Info.Fleet {
		if slices.Contains(radarSpoofNames[:], v.Role) {
			spoofed[v.MMSI] = true
		}
	}
	pl, wl := bytes.Split(plain.Bytes(), []byte("\n")), bytes.Split(with.Bytes(), []byte("\n"))
	if len(pl) != len(wl) {
		t.Fatalf("the feed has %d lines with radars staged, %d without", len(wl), len(pl))
	}
	changed := map[uint32]int{}
	var dec ais.Decoder
	for i := range pl {
		if bytes.Equal(pl[i], wl[i]) {
			continue
		}
		f := bytes.Split(wl[i][bytes.Index(wl[i], []byte("!AIVDM")):], []byte(","))
		m, err := dec.Decode(f[5], 0)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		mmsi := m.Hdr().MMSI
		if !spoofed[mmsi] || m.Hdr().Type > 3 {
			t.Fatalf("line %d of %d (type %d) changed with radars staged: %s", i+1, mmsi, m.Hdr().Type, wl[i])
		}
		changed[mmsi]++
	}
	if len(spoofed) == 0 || len(changed) != len(spoofed) {
		t.Errorf("spoofed under a coast radar: %v; their reports changed: %v", spoofed, changed)
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
