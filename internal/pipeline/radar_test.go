package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/sim"
)

// Radars end to end: a simulated scenario with coast and patrol-ship
// radars (TTM/TLL of every ship in range, ships that never transmit, a
// dark partner alongside a slow AIS ship, a ship whose AIS positions are
// spoofed into a coast radar's coverage) goes through Analyze with
// --radar; dark_vessel, dark_encounter and spoofing/unseen_by_radar are
// scored against the truth,
// and every radar track of a heard AIS ship must be matched to its MMSI.
func TestRadarsOnSimulatedScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated scenario takes a few seconds")
	}
	dir := t.TempDir()
	res, err := sim.WriteDir(sim.Options{Seed: 1, Region: "korea", Vessels: 200, Hours: 30, Radar: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	an, err := Analyze([]string{filepath.Join(dir, sim.FeedFile)}, AnalyzeOptions{Places: simPlaces(t, dir), Radars: simRadars(dir, res)})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteRadarSummary(&b, an)
	t.Log(b.String())
	rep, right, ais := scoreRadar(res, an)
	t.Logf("%d radars, %d tracks (%d of heard AIS ships, %.2f matched to the right MMSI)\n%s", len(res.Radar.Sites), len(res.Radar.Tracks), ais, float64(right)/float64(max(ais, 1)), rep.Table())
	for _, row := range []sim.Row{rep.Row(event.DarkVessel, ""), rep.Row(event.DarkEncounter, ""), rep.Row(event.Spoofing, event.UnseenByRadar)} {
		if row.TP+row.FN < 1 || row.Precision() < 0.9 || row.Recall() < 0.9 {
			t.Errorf("%s %s: precision %.2f recall %.2f of %d (want >= 0.9 both)", row.Type, row.Subtype, row.Precision(), row.Recall(), row.TP+row.FN)
		}
	}
	if ais == 0 || float64(right) < 0.9*float64(ais) {
		t.Errorf("%d of %d radar tracks of heard AIS ships matched to the right MMSI (want >= 0.9)", right, ais)
	}
}

// simRadars is what the --radar flags simulate prints give Analyze.
func simRadars(dir string, res *sim.Result) []RadarInput {
	if res.Radar == nil {
		return nil
	}
	var radars []RadarInput
	for _, r := range res.Radar.Sites {
		in := RadarInput{File: filepath.Join(dir, r.File)}
		if r.Fixed {
			in.Site, in.HasSite = [2]float64{r.Lat, r.Lon}, true
		}
		radars = append(radars, in)
	}
	return radars
}

// scoreRadar matches the dark_vessel and dark_encounter events of a run
// against the truth, and counts the radar tracks of AIS ships the truth
// says AIS explains, and those matched to the right MMSI (tracks paired
// with the truth by radar, first plot time and length).
func scoreRadar(res *sim.Result, an *AnalyzeResult) (rep sim.Report, right, ais int) {
	var truth, found []event.Event
	for _, e := range res.Truth {
		if e.Sensor == "radar" {
			truth = append(truth, e)
		}
	}
	for _, e := range an.Events {
		if e.Sensor == "radar" {
			found = append(found, e)
		}
	}
	rep = sim.Match(truth, found)
	type key struct {
		file   string
		target int
		from   int64
	}
	got := map[key]uint32{}
	for i, tr := range an.RadarTracks {
		got[key{filepath.Base(tr.Feed), tr.Target, tr.Start()}] = an.RadarMatches[i].MMSI
	}
	files := map[string]string{}
	for _, s := range res.Radar.Sites {
		files[s.Name] = s.File
	}
	for _, tr := range res.Radar.Tracks {
		if tr.MMSI == 0 || tr.Dark {
			continue
		}
		ais++
		if got[key{files[tr.Radar], tr.Target, tr.From}] == tr.MMSI {
			right++
		}
	}
	if os.Getenv("PICKET_QUALITY_DETAIL") != "" {
		for _, i := range rep.Missed {
			fmt.Printf("  missed %s %v %v\n", truth[i].Summary, truth[i].Start, truth[i].End)
		}
		for _, i := range rep.Extra {
			fmt.Printf("  extra  %s %v\n", found[i].Summary, found[i].Start)
		}
	}
	return rep, right, ais
}
