package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/places"
	"github.com/picket-ais/picket/internal/sim"
)

// The quality bar: seeded scenarios from the simulator, with every
// behaviour staged and every confounder present, go through the same
// analysis as `picket analyze`, and each event type must reach precision
// and recall of at least 0.9 against the ground truth, over all scenarios.

// simPlaces is what `picket analyze --zones --watchlist` gives the
// detectors, for a simulated scenario directory: the same loader.
func simPlaces(t testing.TB, dir string) detect.Places {
	t.Helper()
	p, err := places.Load(places.Options{Zones: filepath.Join(dir, sim.ZonesFile), Watchlists: []string{filepath.Join(dir, sim.WatchlistFile)}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestQualityOnSimulatedScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("simulated scenarios take a few seconds")
	}
	var truth, found []event.Event
	for _, sc := range []struct {
		region string
		seed   uint64
	}{{"korea", 1}, {"korea", 2}, {"gulf", 3}, {"baltic", 4}} {
		dir := t.TempDir()
		res, err := sim.WriteDir(sim.Options{Seed: sc.seed, Region: sc.region, Vessels: 200, Hours: 30}, dir)
		if err != nil {
			t.Fatal(err)
		}
		an, err := Analyze([]string{filepath.Join(dir, sim.FeedFile)}, AnalyzeOptions{Places: simPlaces(t, dir)})
		if err != nil {
			t.Fatal(err)
		}
		if an.Tally.Accounted() != an.Tally.Lines {
			t.Errorf("%s/%d: lines accounted %d of %d", sc.region, sc.seed, an.Tally.Accounted(), an.Tally.Lines)
		}
		rep := sim.Match(res.Truth, an.Events)
		t.Logf("%s seed %d: %d lines, %d truth events, %d found\n%s", sc.region, sc.seed, an.Tally.Lines, len(res.Truth), len(an.Events), rep.Table())
		if os.Getenv("PICKET_QUALITY_DETAIL") != "" {
			var b strings.Builder
			for _, i := range rep.Missed {
				fmt.Fprintf(&b, "  missed %s\n", res.Truth[i].Summary)
			}
			for _, i := range rep.Extra {
				fmt.Fprintf(&b, "  extra  %s %s\n", an.Events[i].Type, an.Events[i].Summary)
			}
			t.Log(b.String())
		}
		truth = append(truth, res.Truth...)
		found = append(found, an.Events...)
	}
	rep := sim.Match(truth, found)
	t.Logf("all scenarios\n%s", rep.Table())
	for _, r := range rep.Rows {
		if r.Precision() < 0.9 || r.Recall() < 0.9 {
			t.Errorf("%s %s: precision %.2f recall %.2f (want >= 0.9 both)", r.Type, r.Subtype, r.Precision(), r.Recall())
		}
	}
	// The identity alerts investigators act on, staged with their hard
	// cases (two transmitters alternating names on one MMSI, placeholder
	// IMOs on ships of several flags, one IMO on two live ships): 0.95.
	for _, k := range []struct {
		typ event.Type
		sub string
	}{{event.IdentityChange, ""}, {event.Spoofing, event.SharedIMO}} {
		if r := rep.Row(k.typ, k.sub); r.TP == 0 || r.Precision() < 0.95 || r.Recall() < 0.95 {
			t.Errorf("%s %s: %d found, precision %.2f recall %.2f (want >= 0.95 both)", k.typ, k.sub, r.TP, r.Precision(), r.Recall())
		}
	}
}
