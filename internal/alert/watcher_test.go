package alert

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
	"github.com/picket-ais/picket/internal/zone"
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

// TestRuleZone: a rule on a zone of the node's zones file alerts a vessel
// crossing into the zone, and a zone that leaves the file leaves the
// rule's desk unable to start, saying which rule.
func TestRuleZone(t *testing.T) {
	zones, err := zone.Load(strings.NewReader(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Box zone"},
		"geometry":{"type":"Polygon","coordinates":[[[124.0,35.0],[124.1,35.0],[124.1,35.1],[124.0,35.1],[124.0,35.0]]]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	d, err := Open(Options{Dir: dir, Zones: zones})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Zones("JPN"); len(got) != 1 || got[0] != "Box zone" {
		t.Fatalf("zones %v", got)
	}
	sub := d.Subscribe("JPN", bitJ)
	defer sub.Close()
	w := newWatcher(d, "JPN", bitJ)
	if _, err := d.AddRule("JPN", "u", Rule{Name: "Zone", Area: Area{Zone: "Box zone"}, Triggers: Triggers{Entry: true}}); err != nil {
		t.Fatal(err)
	}
	rs := d.rules["JPN"]
	w.rules.Store(&rs)
	at := func(min int, lat float64) live.Message {
		return live.Message{Position: &live.Position{Position: store.Position{MMSI: 431000050, Time: t0.Add(time.Duration(min) * time.Minute).UnixMilli(),
			Lat: lat, Lon: 124.05, SOG: 8, Feeds: bitJ}}}
	}
	w.handle(at(0, 34.95))
	w.handle(at(40, 35.05))
	if len(sub.C) != 1 {
		t.Fatalf("%d alerts for a crossing into the zone", len(sub.C))
	}
	if a := <-sub.C; a.Kind != KindEntry || a.MMSI != 431000050 {
		t.Errorf("alert %+v", a)
	}
	if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "Zone") {
		t.Errorf("the zone gone from the file: %v", err)
	}
}

// A rule alert on a dark vessel does not repeat the candidates its
// summary names: the partner may not see them. The summary is built from
// the candidates, so a track whose name holds "; could be " keeps its
// name, and a summary naming them elsewhere names none.
func TestAlertSummaryLeavesCandidatesOut(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := &event.Event{Type: event.DarkVessel, Start: t0, End: t0, Lat: 35.2, Lon: 125.1, Confidence: 0.9, Sensor: "radar", Scene: "c; could be /3/1",
		Candidates: []uint32{440000002},
		Evidence:   []event.Fix{{Time: t0.Add(-2 * time.Hour), Lat: 35.1, Lon: 125, MMSI: 440000002, Role: event.LastBefore}}}
	head := "dark vessel at 35.2000,125.1000: radar track c; could be /3/1 held 1.0 h, explained by no AIS vessel"
	e.Summary = detection.DarkSummary(head, e, nil)
	if s := alertSummary(e); s != head+"; candidates in the event" {
		t.Errorf("%q", s)
	}
	e.Summary = "could be 440000002 (silent 2.0 h): dark vessel at 35.2000,125.1000, radar track c/3/1"
	if s := alertSummary(e); strings.Contains(s, "440000002") || !strings.Contains(s, "dark vessel at 35.2000,125.1000") {
		t.Errorf("a summary naming its candidate first: %q", s)
	}
	plain := &event.Event{Type: event.Encounter, Summary: "440000001 and 440000002 within 100 m"}
	if alertSummary(plain) != plain.Summary {
		t.Error("an encounter's summary changed")
	}
}
