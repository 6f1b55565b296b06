package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/sim"
)

// dark_vessel end to end: a simulated scenario with satellite radar passes
// (detections of AIS ships with 200-500 m of geolocation error, of ships in
// a staged AIS silence and of ships that never transmit) goes through
// Analyze with --detections, and the dark_vessel events are scored
// against the truth.
func TestDarkVesselsOnSimulatedScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated scenario takes a few seconds")
	}
	dir := t.TempDir()
	res, err := sim.WriteDir(sim.Options{Seed: 1, Region: "korea", Vessels: 200, Hours: 30, SAR: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	an, err := Analyze([]string{filepath.Join(dir, sim.FeedFile)}, AnalyzeOptions{
		Places:     simPlaces(t, dir),
		Detections: []string{filepath.Join(dir, sim.DetectionsFile)},
		Scenes:     []string{filepath.Join(dir, sim.ScenesFile)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if an.Detections == nil || an.Detections.Bad != 0 || len(an.Detections.Detections) != len(res.SAR.Detections) {
		t.Fatalf("detections read: %+v of %d written", an.Detections, len(res.SAR.Detections))
	}
	// The share of AIS-explained detections matched to the right MMSI.
	right, ais := 0, 0
	for i, r := range an.Correlation {
		d := res.SAR.Detections[i]
		if d.Dark || d.False {
			continue
		}
		ais++
		if r.MMSI == d.MMSI {
			right++
		}
	}
	var truth, found []event.Event
	for _, e := range res.Truth {
		if e.Type == event.DarkVessel {
			truth = append(truth, e)
		}
	}
	for _, e := range an.Events {
		if e.Type == event.DarkVessel {
			found = append(found, e)
		}
	}
	rep := sim.Match(truth, found)
	row := rep.Row(event.DarkVessel, "")
	t.Logf("%d scenes, %d detections (%d of AIS ships, %.2f matched to the right MMSI)\n%s",
		len(res.SAR.Scenes), len(res.SAR.Detections), ais, float64(right)/float64(max(ais, 1)), rep.Table())
	if os.Getenv("PICKET_QUALITY_DETAIL") != "" {
		var b strings.Builder
		for _, i := range rep.Missed {
			fmt.Fprintf(&b, "  missed %s %v\n", truth[i].Summary, truth[i].Start)
		}
		for _, i := range rep.Extra {
			fmt.Fprintf(&b, "  extra  %s\n", found[i].Summary)
		}
		t.Log(b.String())
	}
	if len(truth) < 10 || row.Precision() < 0.9 || row.Recall() < 0.9 {
		t.Errorf("dark_vessel: precision %.2f recall %.2f of %d (want >= 0.9 both, of at least 10)", row.Precision(), row.Recall(), len(truth))
	}
	// Ships moored side by side closer than an image's geolocation error
	// (200-500 m) can be told apart by neither distance nor length: some
	// of them swap.
	if ais == 0 || float64(right) < 0.85*float64(ais) {
		t.Errorf("%d of %d detections of AIS ships matched to the right MMSI (want >= 0.85)", right, ais)
	}
	// Staged silences: the silent ship is among its detection's candidates.
	named, staged := 0, 0
	for _, e := range truth {
		if len(e.Candidates) == 0 {
			continue
		}
		staged++
		for _, f := range found {
			if f.Scene == e.Scene && geo.Distance(f.Lat, f.Lon, e.Lat, e.Lon) < 1 && containsMMSI(f.Candidates, e.Candidates[0]) {
				named++
				break
			}
		}
	}
	t.Logf("detections of silent AIS ships: %d, their ship among the candidates: %d", staged, named)
	if named < staged*8/10 {
		t.Errorf("the silent ship is a candidate for %d of its %d detections (want >= 80%%)", named, staged)
	}
}

func containsMMSI(l []uint32, m uint32) bool {
	for _, x := range l {
		if x == m {
			return true
		}
	}
	return false
}
