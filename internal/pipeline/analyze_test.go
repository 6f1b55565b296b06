package pipeline

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/sim"
)

// Real-data regression tests: findings checked by hand on the real logs in
// testdata, kept so that they stay found (and the non-findings stay quiet).

func analyzeFiles(t *testing.T, opts AnalyzeOptions, files ...string) *AnalyzeResult {
	t.Helper()
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(testdata, f))
	}
	if opts.Places.ShoreM == nil {
		opts.Places = detect.Places{ShoreM: geo.DefaultShore().DistanceToShore}
	}
	res, err := Analyze(paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func eventsOf(res *AnalyzeResult, typ event.Type, subtype string) map[uint32][]event.Event {
	m := map[uint32][]event.Event{}
	for _, e := range res.Events {
		if e.Type == typ && e.Subtype == subtype {
			m[e.MMSI] = append(m[e.MMSI], e)
		}
	}
	return m
}

// The AISHub worldwide sample (3 minutes, no timestamps) has MMSIs used by
// far-apart transmitters; its SOURCES.md lists them (0, 123456789,
// 222222222, 123, 1193046, Dutch inland 2447xxxxx).
func TestAnalyzeAISHubSharedMMSIs(t *testing.T) {
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute}, "aivdm/aishub_global_3min_2015.nmea.gz")
	shared := eventsOf(res, event.Spoofing, event.SharedMMSI)
	for _, mmsi := range []uint32{0, 123456789, 222222222, 123, 1193046, 244711426} {
		if len(shared[mmsi]) != 1 {
			t.Errorf("MMSI %d: %d shared_mmsi events, want 1", mmsi, len(shared[mmsi]))
		}
	}
	if len(shared) > 20 {
		t.Errorf("%d MMSIs flagged as shared; the sample has about a dozen", len(shared))
	}
	invalid := eventsOf(res, event.Spoofing, event.InvalidIdentity)
	for _, mmsi := range []uint32{0, 111111111, 123456789, 999999999, 123} {
		if len(invalid[mmsi]) == 0 {
			t.Errorf("MMSI %d: not flagged as an invalid identity", mmsi)
		}
	}
	// A ship that is simply sailing must not be flagged.
	if n := len(shared[244740981]) + len(invalid[244740981]); n != 0 {
		t.Errorf("244740981 flagged %d times", n)
	}
	if res.Tally.Accounted() != res.Tally.Lines {
		t.Errorf("lines accounted %d of %d", res.Tally.Accounted(), res.Tally.Lines)
	}
}

func TestAnalyzeNeedsTime(t *testing.T) {
	_, err := Analyze([]string{filepath.Join(testdata, "aivdm/aishub_global_3min_2015.nmea.gz")}, AnalyzeOptions{})
	if !errors.Is(err, ErrNoTime) {
		t.Fatalf("error %v, want ErrNoTime", err)
	}
}

// The MarineCadastre day: MMSI 211002010 (a Class B, IMO 0) reports from
// Santa Barbara and from the Gulf of Mexico at the same time.
func TestAnalyzeMarineCadastre(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{}, "csv/marinecadastre_us_2022-01-03_sample99999.csv.gz")
	if res.CSVRows != 99999 || res.CSVBad != 0 {
		t.Errorf("rows %d, bad %d", res.CSVRows, res.CSVBad)
	}
	if res.Tracker.Len() != 10631 {
		t.Errorf("%d vessels, the file has 10631 MMSIs", res.Tracker.Len())
	}
	if len(eventsOf(res, event.Spoofing, event.SharedMMSI)[211002010]) != 1 {
		t.Errorf("211002010 not found shared")
	}
	for _, e := range res.Events {
		if e.Type == event.Encounter {
			t.Errorf("encounter in a sample with ~10 fixes per vessel: %s", e.Summary)
		}
	}
}

// Five days on the Seine: inland barges, local time stamps.
func TestAnalyzeSeine(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	res := analyzeFiles(t, AnalyzeOptions{Location: paris},
		"aivdm/vernon_seine_2016/ais_vernon_20160331.log.gz", "aivdm/vernon_seine_2016/ais_vernon_20160401.log.gz")
	if first := time.UnixMilli(res.First).UTC(); first != time.Date(2016, 3, 30, 22, 0, 1, 0, time.UTC) {
		t.Errorf("first report %v, want 2016-03-30T22:00:01Z (00:00:01 Paris)", first)
	}
	// 227000000 is a placeholder-looking MMSI (SOURCES.md): MID 227 and six zeros.
	if len(eventsOf(res, event.Spoofing, event.InvalidIdentity)[227000000]) != 1 {
		t.Errorf("227000000 not flagged")
	}
	gaps := eventsOf(res, event.Gap, "")
	if len(gaps) == 0 {
		t.Fatal("no gaps on the Seine")
	}
	for _, evs := range gaps {
		for _, e := range evs {
			if e.Intentional == nil || *e.Intentional {
				t.Errorf("a gap on a river, inland, judged intentional: %s", e.Summary)
			}
			if e.Duration() < 6*time.Hour {
				t.Errorf("gap shorter than 6 h: %s", e.Summary)
			}
		}
	}
}

// TestAnalyzeWritesEachEventOnce: a server's engine emits an episode (a
// port call, an encounter, a watchlist hit) while it goes on and again as
// it grows, under one ID; analyze writes each event once, in its final
// form, in start-then-id order, the same bytes on every run. (That its
// events are those of an engine emitting open episodes is checked in
// detect and by live.TestReplayMatchesAnalyze.)
func TestAnalyzeWritesEachEventOnce(t *testing.T) {
	dir := t.TempDir()
	if _, err := sim.WriteDir(sim.Options{Seed: 7, Region: "korea", Vessels: 80, Hours: 30}, dir); err != nil {
		t.Fatal(err)
	}
	run := func() ([]byte, []event.Event) {
		res, err := Analyze([]string{filepath.Join(dir, sim.FeedFile)}, AnalyzeOptions{Places: simPlaces(t, dir)})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteEvents(&buf, res.Events); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes(), res.Events
	}
	first, evs := run()
	if again, _ := run(); !bytes.Equal(first, again) {
		t.Error("events.jsonl differs between two runs")
	}
	ids := map[string]bool{}
	types := map[event.Type]bool{}
	for i, e := range evs {
		if ids[e.ID] {
			t.Errorf("event %s (%s) written twice", e.ID, e.Type)
		}
		ids[e.ID] = true
		types[e.Type] = true
		if i > 0 {
			p := &evs[i-1]
			if e.Start.Before(p.Start) || (e.Start.Equal(p.Start) && e.ID < p.ID) {
				t.Errorf("event %d (%s %s) out of order after %s %s", i, e.Start, e.ID, p.Start, p.ID)
			}
		}
		if e.Withdrawn() {
			t.Errorf("withdrawn event written: %s", e.Summary)
		}
	}
	for _, typ := range []event.Type{event.PortVisit, event.Loitering, event.ZoneVisit, event.Watchlist, event.Encounter} {
		if !types[typ] {
			t.Errorf("no %s event: the scenario does not test what it should", typ)
		}
	}
}
