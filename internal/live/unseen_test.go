package live

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// A simulated scenario with coast and patrol-ship radars and a ship whose
// AIS positions are spoofed into a coast radar's coverage, replayed as
// live feeds (the AIS log and each radar's output) and analysed in batch:
// the spoofing/unseen_by_radar events are the same, and there is one. A
// partner sees it only when cleared for both the AIS feed that heard the
// vessel and the radar's.
func TestUnseenReplayMatchesAnalyze(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated scenario takes a few seconds")
	}
	dir := t.TempDir()
	res, err := sim.WriteDir(sim.Options{Seed: 1, Region: "korea", Vessels: 200, Hours: 30, Radar: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	feed := filepath.Join(dir, sim.FeedFile)
	pl := places()
	opts := analyzeOptions(pl)
	feeds := []Feed{{Name: "sim", Kind: FileReplay, File: feed}}
	names := []string{"sim"}
	scene := map[string]string{} // batch feed name -> live feed name
	for _, r := range res.Radar.Sites {
		in := pipeline.RadarInput{File: filepath.Join(dir, r.File)}
		f := Feed{Name: r.Name, Kind: Radar, File: in.File}
		if r.Fixed {
			in.Site, in.HasSite = [2]float64{r.Lat, r.Lon}, true
			f.Site = &[2]float64{r.Lat, r.Lon}
		}
		opts.Radars = append(opts.Radars, in)
		feeds = append(feeds, f)
		names = append(names, r.Name)
		scene[in.File] = r.Name
	}
	an, err := pipeline.Analyze([]string{feed}, opts)
	if err != nil {
		t.Fatal(err)
	}
	key := func(e event.Event, scene string) string {
		return fmt.Sprintf("%d %s %s %.5f,%.5f %s %.2f %v", e.MMSI, e.Start, e.End, e.Lat, e.Lon, scene, e.Confidence, e.Details)
	}
	var want []string
	for _, e := range an.Events {
		if e.Subtype == event.UnseenByRadar {
			want = append(want, key(e, scene[e.Scene]))
		}
	}
	st := openStore(t)
	p, err := New(Options{Feeds: feeds, Places: pl}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runUntilDone(t, p, names...)
	var have []string
	for _, e := range storedEvents(t, st) {
		if e.Subtype == event.UnseenByRadar {
			have = append(have, key(e, e.Scene))
		}
	}
	slices.Sort(want)
	slices.Sort(have)
	if len(want) == 0 || !slices.Equal(want, have) {
		t.Errorf("analyze:\n%v\nlive:\n%v", want, have)
	}
	radars := uint64(0)
	for i := range res.Radar.Sites {
		radars |= p.bits[i+1]
	}
	for _, c := range []struct {
		name      string
		clearance uint64
		sees      bool
	}{{"the AIS feed alone", p.bits[0], false}, {"the radars alone", radars, false}, {"both", p.bits[0] | radars, true}} {
		n := 0
		if err := st.Events(store.EventFilter{Clearance: c.clearance, Types: []event.Type{event.Spoofing}}, func(e event.Event, _ store.Provenance) bool {
			if e.Subtype == event.UnseenByRadar {
				n++
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
		if (n > 0) != c.sees {
			t.Errorf("a partner cleared for %s sees %d unseen_by_radar events", c.name, n)
		}
	}

	// The thresholds file's unseen_by_radar options reach the detector in
	// batch and live: a min_sweeps above every event's missed sweeps
	// leaves none in either.
	most := 0.0
	for _, e := range an.Events {
		if e.Subtype == event.UnseenByRadar {
			most = max(most, e.Details["sweeps_missed"])
		}
	}
	d, err := detect.LoadConfig(strings.NewReader(fmt.Sprintf("unseen_by_radar:\n  min_sweeps: %d\n", int(most)+1)))
	if err != nil {
		t.Fatal(err)
	}
	opts.Detect = d
	if an, err = pipeline.Analyze([]string{feed}, opts); err != nil {
		t.Fatal(err)
	}
	st = openStore(t)
	if p, err = New(Options{Feeds: feeds, Places: pl, Detect: d}, st, nil, nil); err != nil {
		t.Fatal(err)
	}
	runUntilDone(t, p, names...)
	for name, evs := range map[string][]event.Event{"analyze": an.Events, "live": storedEvents(t, st)} {
		for _, e := range evs {
			if e.Subtype == event.UnseenByRadar {
				t.Errorf("%s: min_sweeps %d: an unseen_by_radar event of %v missed sweeps", name, int(most)+1, e.Details["sweeps_missed"])
			}
		}
	}
}
