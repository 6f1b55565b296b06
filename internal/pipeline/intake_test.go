package pipeline

import (
	"slices"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
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
