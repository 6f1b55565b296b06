package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// Real-data regression tests for dark periods: a day missing from a log,
// the time between capture files, or an extract that holds a few hours of
// a day are coverage holes, never a vessel going dark. Facts checked by
// hand against the raw files:
//
//   - vernon_seine_2016: one receiver, one file per day (Paris local time)
//     for 03-31, 04-01, 04-04, 04-10 and 04-11: nothing was logged from
//     04-01 21:59 UTC to 04-03 22:00, nor from 04-04 21:59 to 04-09 22:00.
//     03-31 ends 21:48 UTC and 04-01 begins 22:05: those two are one
//     stretch. DUPLEIX (226006690) was last heard 03-31 03:20 UTC and next
//     04-10 19:56: 256.6 h, of which the log holds nothing for 216 h.
//   - amsa_exactearth_2012: three satellite captures, 01-31 05:32-06:53,
//     02-01 20:19-22:23 and 02-02 09:52-12:03 UTC (positions); every gap
//     longer than 6 h spans the time between two of them.
//   - marinecadastre_us_2022-01-03_sample99999: the first 99,999 rows of
//     the day's file, 99,647 of them in hour 00, 9 in hour 14 and 343 in
//     hour 23 (counted with awk on BaseDateTime): the extract, not the
//     ships, is silent from 00:25 to 23:49 but for one minute.

// gapsAcross returns the gaps that contain [from, to].
func gapsAcross(res *AnalyzeResult, from, to time.Time) []event.Event {
	var out []event.Event
	for _, e := range res.Events {
		if e.Type == event.Gap && !e.Start.After(from) && !e.End.Before(to) {
			out = append(out, e)
		}
	}
	return out
}

func checkCoverageHoles(t *testing.T, res *AnalyzeResult) {
	t.Helper()
	for _, e := range res.Events {
		switch e.Type {
		case event.DarkRendezvous:
			t.Errorf("dark rendezvous in data with coverage holes: %s", e.Summary)
		case event.Gap:
			if e.Intentional == nil || *e.Intentional {
				t.Errorf("gap judged intentional: %s", e.Summary)
			}
			if len(e.Evidence) != 2 || e.Evidence[0].Role != event.LastBefore || e.Evidence[1].Role != event.FirstAfter ||
				!e.Evidence[0].Time.Equal(e.Start) || !e.Evidence[1].Time.Equal(e.End) || e.Evidence[0].Feed == "" {
				t.Errorf("gap evidence %+v for %s", e.Evidence, e.Summary)
			}
		}
	}
}

func TestDarkPeriodsSeineMissingDays(t *testing.T) {
	if testing.Short() {
		t.Skip("five days of logs")
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	days := []string{"20160331", "20160401", "20160404", "20160410", "20160411"}
	var files []string
	for _, d := range days {
		files = append(files, "aivdm/vernon_seine_2016/ais_vernon_"+d+".log.gz")
	}
	res := analyzeFiles(t, AnalyzeOptions{Location: paris}, files...)
	utc := func(s string) time.Time { t, _ := time.Parse("2006-01-02 15:04", s); return t }

	// The coverage summary: five inputs, two stretches with nothing.
	if len(res.Coverage.Feeds) != 5 {
		t.Errorf("%d inputs in the coverage, want 5", len(res.Coverage.Feeds))
	}
	out := res.Coverage.All.Outages
	if len(out) != 2 || out[0].From.Format("01-02 15:04") != "04-01 21:59" || out[0].To.Format("01-02 15:04") != "04-03 22:00" ||
		out[1].From.Format("01-02 15:04") != "04-04 21:59" || out[1].To.Format("01-02 15:04") != "04-09 22:00" {
		t.Errorf("outages of all inputs %+v, want 04-01 21:59..04-03 22:00 and 04-04 21:59..04-09 22:00", out)
	}
	for _, fc := range res.Coverage.Feeds {
		if len(fc.Outages) != 0 {
			t.Errorf("input %d: outages %+v inside a day's log", fc.Feed, fc.Outages)
		}
	}

	checkCoverageHoles(t, res)
	// Every gap across a missing day says so; the gaps within the
	// logged stretches do not.
	var across, within int
	for _, e := range res.Events {
		if e.Type != event.Gap {
			continue
		}
		spans := false // overlaps a missing stretch by an hour or more
		for _, o := range out {
			if min(e.End.Unix(), o.To.Unix())-max(e.Start.Unix(), o.From.Unix()) >= 3600 {
				spans = true
			}
		}
		outage := e.Details["feed_outage"] == 1
		switch {
		case spans && !outage:
			t.Errorf("a gap across a missing day not called a coverage hole: %s", e.Summary)
		case !spans && outage:
			t.Errorf("a gap inside logged days called a feed outage: %s", e.Summary)
		case spans:
			across++
			if !strings.Contains(e.Summary, "coverage hole") || strings.Contains(e.Summary, "dark for") {
				t.Errorf("summary %q", e.Summary)
			}
		default:
			within++
		}
	}
	if across == 0 || within == 0 {
		t.Errorf("%d gaps across missing days, %d within logged days: want some of both", across, within)
	}
	// DUPLEIX: 256.6 h unheard, 216 h of which nothing was logged at all.
	var dup *event.Event
	for _, e := range gapsAcross(res, utc("2016-03-31 03:21"), utc("2016-04-10 19:55")) {
		if e.MMSI == 226006690 {
			dup = &e
		}
	}
	switch {
	case dup == nil:
		t.Error("DUPLEIX's 256.6 h gap not found")
	case dup.Details["feed_outage"] != 1 || dup.Details["feed_silent_hours"] < 216 || dup.Details["feed_silent_hours"] > 216.3 || dup.Confidence > 0.2:
		t.Errorf("DUPLEIX: %s %v", dup.Summary, dup.Details)
	}
}

func TestDarkPeriodsSatelliteCaptures(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{},
		"aivdm/amsa_exactearth_2012/exact-earth-augmented.nmea",
		"aivdm/amsa_exactearth_2012/exact-earth-augmented-2.nmea",
		"aivdm/amsa_exactearth_2012/exact-earth-augmented-3.nmea")
	out := res.Coverage.All.Outages
	if len(out) != 2 || out[0].To.Sub(out[0].From).Round(6*time.Minute) != 37*time.Hour+24*time.Minute ||
		out[1].To.Sub(out[1].From).Round(6*time.Minute) != 11*time.Hour+30*time.Minute {
		t.Errorf("outages of all inputs %+v, want 37.4 h and 11.5 h between the three captures", out)
	}
	checkCoverageHoles(t, res)
	n := 0
	for _, e := range res.Events {
		if e.Type == event.Gap {
			n++
			if e.Details["feed_outage"] != 1 {
				t.Errorf("a gap between two captures not called a coverage hole: %s", e.Summary)
			}
		}
	}
	if n == 0 {
		t.Error("no gaps between the captures")
	}
}

func TestDarkPeriodsMarineCadastreExtract(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{}, "csv/marinecadastre_us_2022-01-03_sample99999.csv.gz")
	out := res.Coverage.All.Outages
	if len(out) != 2 || out[0].From.Format("15:04") != "00:25" || out[1].To.Format("15:04") != "23:49" {
		t.Errorf("outages %+v, want 00:25..14:21 and 14:21..23:49", out)
	}
	checkCoverageHoles(t, res)
	for _, e := range res.Events {
		if e.Type == event.Gap && e.Details["feed_outage"] != 1 {
			t.Errorf("a gap across the extract's empty hours not called a coverage hole: %s", e.Summary)
		}
	}
}

// AISHub's three minutes: one feed, no outage, nothing dark.
func TestDarkPeriodsAISHubMinutes(t *testing.T) {
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute},
		"aivdm/aishub_global_3min_2015.nmea.gz")
	if len(res.Coverage.Feeds) != 1 || len(res.Coverage.All.Outages) != 0 || res.Coverage.All.Positions < 50000 {
		t.Errorf("coverage %+v", res.Coverage.All)
	}
	for _, e := range res.Events {
		if e.Type == event.Gap || e.Type == event.DarkRendezvous {
			t.Errorf("%s in three minutes: %s", e.Type, e.Summary)
		}
	}
}
