package pipeline

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/places"
)

// Real-data tests of what intake makes of inputs that are not NOAA's:
// positions without speed, times written otherwise, rows not understood.

// worldPlaces is the shore and the built-in port list, as `picket
// analyze` uses by default.
func worldPlaces(t *testing.T) detect.Places {
	t.Helper()
	p, err := places.Load(places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The Caribewave day in Guadeloupe is epoch,mmsi,lat,lon: no speed. Its
// stops of 20 minutes and more within 3 km of Pointe-à-Pitre, found by
// hand from the distance moved over 10 minutes (< 0.5 kn), are eleven
// vessels'; picket finds a visit for each. 228008600, a ferry, also stops
// at Grand-Bourg (Marie-Galante) and 329014320 at Les Saintes: neither is
// in the port list, so neither is a visit.
func TestAnalyzeCSVWithoutSOGPortVisits(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{Places: worldPlaces(t)}, "csv/caribewave_guadeloupe_2017-03-21_positions.csv")
	visits := eventsOf(res, event.PortVisit, "")
	stops := []struct {
		mmsi       uint32
		from, till string // UTC on 2017-03-21, by hand
	}{
		{228008600, "11:02", "12:18"},
		{249060000, "17:53", "20:59"},
		{253339000, "10:42", "21:14"},
		{259917000, "09:42", "20:58"},
		{305567000, "18:21", "20:09"},
		{329001200, "07:45", "21:01"},
		{329002300, "08:06", "11:57"},
		{329002900, "09:45", "16:26"},
		{329003100, "11:25", "21:01"},
		{477791600, "05:54", "16:48"},
		{538070904, "05:57", "12:06"},
	}
	at := func(hm string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", "2017-03-21 "+hm)
		return t
	}
	for _, s := range stops {
		found := slices.ContainsFunc(visits[s.mmsi], func(e event.Event) bool {
			return e.Port == "Pointe A Pitre" && !e.Start.After(at(s.from).Add(5*time.Minute)) && !e.End.Before(at(s.till).Add(-5*time.Minute))
		})
		if !found {
			t.Errorf("%d: no visit to Pointe A Pitre covering %s-%s: %v", s.mmsi, s.from, s.till, visits[s.mmsi])
		}
	}
	for mmsi, evs := range visits {
		for _, e := range evs {
			if e.Port != "Pointe A Pitre" || e.Duration() <= 0 {
				t.Errorf("%d: unexpected visit %s", mmsi, e.Summary)
			}
		}
	}
}

// dayFirst writes the Caribewave day with its epoch column rewritten as
// day-first local-looking times ("21/03/2017 05:51:46", UTC), as
// spreadsheets export them; the first iso rows keep an ISO time.
func dayFirst(t *testing.T, iso int) string {
	t.Helper()
	in, err := os.ReadFile(filepath.Join(testdata, "csv/caribewave_guadeloupe_2017-03-21_positions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(in)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"time", "mmsi", "lat", "lon"})
	for i, r := range rows[1:] {
		sec, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		layout := "02/01/2006 15:04:05"
		if i < iso {
			layout = "2006-01-02T15:04:05Z"
		}
		w.Write([]string{time.Unix(sec, 0).UTC().Format(layout), r[1], r[2], r[3]})
	}
	w.Flush()
	path := filepath.Join(t.TempDir(), "guadeloupe_dayfirst.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A CSV of day-first times is read with --csv-time-format; without it,
// the error says how many rows failed, why, and shows the first.
func TestAnalyzeCSVTimeFormat(t *testing.T) {
	path := dayFirst(t, 0)
	_, err := Analyze([]string{path}, AnalyzeOptions{})
	want := "9,070 rows: time '21/03/2017 05:51:46' is not a time picket reads by itself"
	if !errors.Is(err, ErrNoRows) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "first at line 2") {
		t.Fatalf("error %v\nwant %q", err, want)
	}

	tf, err := fuse.ParseTimeFormat("%d/%m/%Y %H:%M:%S")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Analyze([]string{path}, AnalyzeOptions{CSV: fuse.CSVOptions{TimeFormat: tf}, Places: worldPlaces(t)})
	if err != nil {
		t.Fatal(err)
	}
	epoch := analyzeFiles(t, AnalyzeOptions{Places: worldPlaces(t)}, "csv/caribewave_guadeloupe_2017-03-21_positions.csv")
	if res.First != epoch.First || res.Last != epoch.Last || len(res.Events) != len(epoch.Events) || res.CSVBad != 1 {
		t.Errorf("day-first: %d events from %d to %d, %d bad; epoch: %d events from %d to %d",
			len(res.Events), res.First, res.Last, res.CSVBad, len(epoch.Events), epoch.First, epoch.Last)
	}
	// The one bad row is the position AIS marks not available.
	if b := res.Inputs[0].BadRows; len(b) != 1 || b[0].First.Field != "position" || b[0].First.Value != "91.0 181.0" {
		t.Errorf("bad rows %+v", b)
	}
}

// When most rows of an input are not used, the summary says why, with
// the first row of each reason, and which flag would read them.
func TestAnalyzeCSVMostRowsUnused(t *testing.T) {
	res, err := Analyze([]string{dayFirst(t, 70)}, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteSummary(&b, res)
	WriteWarnings(&b, res)
	for _, want := range []string{
		"9,000 rows: time '21/03/2017 06:07:37' is not a time picket reads by itself",
		"(first at line 72)",
		"9000 of 9070 rows (99%) were not understood: 9,000 rows: time",
		"; give the times' layout with --csv-time-format",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
