package detect

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/event"
)

func TestSpoofingScenarios(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "spoofing", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata/spoofing")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			scRunFile(t, f, "spoofing")
		})
	}
}

// A spoofed jump is alerted live once the new track has gone on for Stay
// (30 min), not 6 h after: it is sent open, re-sent under the same id as
// fixes confirm it, and final when it has settled. If the old track then
// alternates with the new one, the MMSI is shared and the jump withdrawn.
func TestImpossibleSpeedAlertedEarly(t *testing.T) {
	var s scene
	s.sail(477237263, 0, 35.35, 129.39, 21, 17.6, minute, 120*minute)
	s.sail(477237263, 121*minute, 38.3, 130.5, 21, 17.6, minute, 180*minute)
	_, ts := feedTaking(s.sorted(), Options{}, Places{ShoreM: farFromShore})
	var jumps []took
	for _, x := range emissionsOf(ts, event.Spoofing) {
		if x.em.Event.Subtype == event.ImpossibleSpeed {
			jumps = append(jumps, x)
		}
	}
	if len(jumps) < 2 {
		t.Fatalf("%d impossible_speed emissions", len(jumps))
	}
	first, last := jumps[0], jumps[len(jumps)-1]
	if !first.em.Open || !first.em.First || first.at != 151*minute {
		t.Errorf("first emission at %d min (open %v): want open at 151 min, 30 min after the jump", first.at/minute, first.em.Open)
	}
	if last.em.Open || last.em.Event.ID != first.em.Event.ID || last.em.Event.Details["fixes_after"] <= first.em.Event.Details["fixes_after"] {
		t.Errorf("last emission %+v", last.em)
	}

	// The old track comes back and takes turns with the new one: two
	// transmitters, the jump withdrawn.
	var s2 scene
	s2.sail(440000002, 0, 35.0, 125.0, 90, 10, minute, 120*minute)
	s2.sail(440000002, 121*minute, 37.5, 127.0, 0, 0.1, minute, 60*minute)
	for k := int64(0); k < 20; k++ {
		s2.sail(440000002, (182+2*k)*minute, 35.0, 125.9, 90, 0.1, minute, 0)
		s2.sail(440000002, (183+2*k)*minute, 37.5, 127.0, 0, 0.1, minute, 0)
	}
	_, ts = feedTaking(s2.sorted(), Options{}, Places{ShoreM: farFromShore})
	var withdrawn, shared bool
	for _, x := range emissionsOf(ts, event.Spoofing) {
		withdrawn = withdrawn || x.em.Event.Subtype == event.ImpossibleSpeed && x.em.Withdrawn
		shared = shared || x.em.Event.Subtype == event.SharedMMSI
	}
	if !withdrawn || !shared {
		t.Errorf("withdrawn %v, shared %v", withdrawn, shared)
	}
}
