package alert

import (
	"math"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// TestRuleEvents: an event of a chosen type inside the area raises one
// alert, however often the episode is emitted again as it grows; an
// event outside, of another type, or withdrawn raises none; the
// watchlist filter keeps vessels with a watchlist event the partner saw.
func TestRuleEvents(t *testing.T) {
	d, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	sub := d.Subscribe("JPN", bitJ)
	defer sub.Close()
	w := newWatcher(d, "JPN", bitJ)
	add := func(r Rule) {
		t.Helper()
		if _, err := d.AddRule("JPN", "u", r); err != nil {
			t.Fatal(err)
		}
		rs := d.rules["JPN"]
		w.rules.Store(&rs)
	}
	add(Rule{Name: "STS", Area: box, Triggers: Triggers{Events: []string{"encounter", "loitering"}}})
	add(Rule{Name: "Listed", Area: box, Triggers: Triggers{Events: []string{"any"}}, Filters: Filters{Watchlist: true}})
	prov := store.Provenance{Feeds: bitJ, OtherFeeds: bitJ}
	ev := func(id string, typ event.Type, lat float64, conf float64) live.Message {
		return live.Message{Alert: &event.Event{ID: id, Type: typ, MMSI: 431000040, OtherMMSI: 431000041, Start: t0, End: t0.Add(time.Hour),
			Lat: lat, Lon: 124.05, Confidence: conf, Summary: "two ships alongside"}, Prov: prov}
	}
	w.handle(ev("e1", event.Encounter, 35.05, 0.8))
	w.handle(ev("e1", event.Encounter, 35.05, 0.9)) // the episode grows
	w.handle(ev("e2", event.Encounter, 34.5, 0.8))  // outside
	w.handle(ev("e3", event.Gap, 35.05, 0.8))       // another type
	w.handle(ev("e4", event.Loitering, 35.05, 0))   // withdrawn
	w.handle(live.Message{Alert: &event.Event{ID: "w1", Type: event.Watchlist, MMSI: 431000040, Start: t0, End: t0, Confidence: 1}, Prov: prov})
	w.handle(ev("e5", event.Loitering, 35.06, 0.7))
	var got []string
	for len(sub.C) > 0 {
		a := <-sub.C
		got = append(got, a.RuleName+":"+a.EventID)
		if a.Kind != KindEvent || a.EventType == "" || a.Summary == "" {
			t.Errorf("event alert %+v", a)
		}
	}
	want := []string{"STS:e1", "STS:e5", "Listed:e5"}
	if len(got) != len(want) {
		t.Fatalf("alerts %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("alerts %v, want %v", got, want)
		}
	}
	if v := w.vessels[431000040]; v == nil || !v.listed || v.placed() || !math.IsNaN(v.sog) {
		t.Errorf("the listed vessel: %+v", v)
	}
}
