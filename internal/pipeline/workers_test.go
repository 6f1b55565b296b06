package pipeline

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/places"
	"github.com/picket-ais/picket/internal/sim"
)

// TestWorkersSameEvents: analysis on one goroutine and on several
// (ingest.Options.Workers) finds the same events, byte for byte (ids,
// types, vessels, times, places, evidence, confidence, summaries), the
// same counts and the same coverage, on simulated scenarios of the
// quality test and on the real logs and exports in testdata.
func TestWorkersSameEvents(t *testing.T) {
	type run struct {
		name  string
		files []string
		opts  func(t *testing.T) AnalyzeOptions
	}
	real := func(t *testing.T) AnalyzeOptions {
		p, err := places.Load(places.Options{Watchlists: []string{filepath.Join("..", "watchlist", "lists", "ofac_sdn_vessels_2021-07.csv")}})
		if err != nil {
			t.Fatal(err)
		}
		return AnalyzeOptions{Places: p}
	}
	abs := func(files ...string) []string {
		for i := range files {
			files[i] = filepath.Join(testdata, files[i])
		}
		return files
	}
	runs := []run{
		{"exactearth", abs("aivdm/amsa_exactearth_2012/exact-earth-augmented.nmea", "aivdm/amsa_exactearth_2012/exact-earth-augmented-2.nmea",
			"aivdm/amsa_exactearth_2012/exact-earth-augmented-3.nmea"), real},
		{"seine", abs("aivdm/vernon_seine_2016/ais_vernon_20160331.log.gz", "aivdm/vernon_seine_2016/ais_vernon_20160401.log.gz",
			"aivdm/vernon_seine_2016/ais_vernon_20160404.log.gz", "aivdm/vernon_seine_2016/ais_vernon_20160410.log.gz",
			"aivdm/vernon_seine_2016/ais_vernon_20160411.log.gz"), func(t *testing.T) AnalyzeOptions {
			o := real(t)
			o.Location, _ = time.LoadLocation("Europe/Paris")
			return o
		}},
		{"denmark+norway+aisdb", abs("aivdm/dma_denmark_2010-06-11_pghp.nmea", "aivdm/kystverket_norway_tagblock_2024-12-10.nm4",
			"aivdm/aisdb_tagblock_2021-11-01.nm4"), real},
		{"marinecadastre", abs("csv/marinecadastre_us_2022-01-03_sample99999.csv.gz"), real},
		{"guadeloupe", abs("csv/caribewave_guadeloupe_2017-03-21_positions.csv"), real},
	}
	// Ships astride cell edges and corners, a pair drifting across cells
	// and one found again in another cell (celledges_test.go).
	edges, drift, again := writeCellEdges(t, t.TempDir())
	runs = append(runs, run{"cell-edges", []string{edges}, func(*testing.T) AnalyzeOptions { return AnalyzeOptions{} }})
	if !testing.Short() {
		for _, sc := range []struct {
			region string
			seed   uint64
			hours  float64
			sets   int
		}{{"korea", 1, 30, 0}, {"korea", 9, 56, 1}} {
			dir := t.TempDir()
			if _, err := sim.WriteDir(sim.Options{Seed: sc.seed, Region: sc.region, Vessels: 200, Hours: sc.hours, Sets: sc.sets, SAR: true}, dir); err != nil {
				t.Fatal(err)
			}
			runs = append(runs, run{sc.region + "-" + string(rune('0'+sc.seed)), []string{filepath.Join(dir, sim.FeedFile)}, func(t *testing.T) AnalyzeOptions {
				o := AnalyzeOptions{Places: simPlaces(t, dir)}
				o.Detections, o.Scenes = []string{filepath.Join(dir, sim.DetectionsFile)}, []string{filepath.Join(dir, sim.ScenesFile)}
				return o
			}})
		}
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			var got [2]*AnalyzeResult
			for i, workers := range []int{1, 4} {
				o := r.opts(t)
				o.Workers = workers
				res, err := Analyze(r.files, o)
				if err != nil {
					t.Fatal(err)
				}
				got[i] = res
			}
			one, many := got[0], got[1]
			if len(one.Events) == 0 {
				t.Fatal("no events: the comparison would say nothing")
			}
			if r.name == "cell-edges" {
				checkCellEdges(t, one.Events, drift, again)
			}
			if a, b := eventsJSON(t, one.Events), eventsJSON(t, many.Events); !bytes.Equal(a, b) {
				t.Errorf("%d events on one goroutine, %d on several, and they differ:\n%s", len(one.Events), len(many.Events), firstDiff(one.Events, many.Events))
			}
			if one.Counts != many.Counts {
				t.Errorf("counts: %+v on one goroutine, %+v on several", one.Counts, many.Counts)
			}
			if !reflect.DeepEqual(one.Coverage, many.Coverage) {
				t.Error("coverage differs")
			}
			types := map[event.Type]int{}
			for _, e := range one.Events {
				types[e.Type]++
			}
			t.Logf("%d events, the same: %v", len(one.Events), types)
		})
	}
}

func eventsJSON(t *testing.T, evs []event.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := range evs {
		if err := enc.Encode(&evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// firstDiff shows the first event that differs.
func firstDiff(a, b []event.Event) string {
	for i := range min(len(a), len(b)) {
		x, _ := json.Marshal(a[i])
		y, _ := json.Marshal(b[i])
		if !bytes.Equal(x, y) {
			return "one:     " + string(x) + "\nseveral: " + string(y)
		}
	}
	return "one list is a prefix of the other"
}
