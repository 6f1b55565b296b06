package server

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// checkTimelines: each vessel's timeline as a partner sees it: the days
// and the first and last fix its feeds heard, the identity values they
// said, the events it may see (withdrawn ones left out), and a vessel it
// sees nothing of answered as one never heard.
func checkTimelines(t *testing.T, f *fixture, w want, token string, secrets []secret) {
	t.Helper()
	unknown := f.get(t, "/api/vessels/"+mmsiPath(mUnknown)+"/timeline", token)
	errorOf(t, "the timeline of a vessel never heard", unknown, 404)
	for _, m := range fixtureMMSIs {
		path := "/api/vessels/" + mmsiPath(m) + "/timeline"
		var days []timelineDay
		var first, last time.Time
		for _, p := range fixPositions {
			if p.mmsi != m || !w.seesFeeds(p.feeds) {
				continue
			}
			at := w.t0.Add(p.at).UTC()
			if first.IsZero() || at.Before(first) {
				first = at
			}
			if at.After(last) {
				last = at
			}
			d := at.Format(time.DateOnly)
			if i := slices.IndexFunc(days, func(x timelineDay) bool { return x.Day == d }); i >= 0 {
				days[i].Fixes++
			} else {
				days = append(days, timelineDay{Day: d, Fixes: 1})
			}
		}
		slices.SortFunc(days, func(a, b timelineDay) int { return compareStr(a.Day, b.Day) })
		var evs []string
		for _, e := range fixEvents {
			if (e.mmsi == m || e.other == m) && w.seesEvent(e) && e.conf > 0 {
				evs = append(evs, e.id)
			}
		}
		ident := w.identity(m)
		r := f.get(t, path, token)
		if len(days) == 0 && len(evs) == 0 && len(ident) == 0 {
			if want := bytes.ReplaceAll(unknown.body, []byte(mmsiPath(mUnknown)), []byte(mmsiPath(m))); r.code != 404 || !bytes.Equal(r.body, want) {
				t.Errorf("%s: %d %s; a vessel never heard: %s", path, r.code, r.body, unknown.body)
			}
			continue
		}
		var tl timeline
		r = f.getOK(t, path, token, &tl)
		scan(t, path, r.body, secrets, mmsiPath(m))
		if !slices.Equal(tl.Days, days) {
			t.Errorf("%s: days %v, want %v", path, tl.Days, days)
		}
		if len(days) > 0 && (tl.First == nil || !tl.First.Equal(first) || !tl.Last.Equal(last)) {
			t.Errorf("%s: first %v last %v, want %v %v", path, tl.First, tl.Last, first, last)
		}
		var got []string
		for _, e := range tl.Events {
			got = append(got, e.ID)
		}
		slices.Sort(got)
		slices.Sort(evs)
		if !slices.Equal(got, evs) {
			t.Errorf("%s: events %v, want %v", path, got, evs)
		}
		for field, vs := range ident {
			if !slices.EqualFunc(tl.Identity[field], vs, func(a, b identityValue) bool {
				return a.Value == b.Value && a.First.Equal(b.First) && a.Last.Equal(b.Last)
			}) {
				t.Errorf("%s: %s %v, want %v", path, field, tl.Identity[field], vs)
			}
		}
		if len(tl.Identity) != len(ident) {
			t.Errorf("%s: identity fields %v, want %v", path, tl.Identity, ident)
		}
	}
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestVoyages: a voyage runs from first heard, or leaving a port call, to
// arriving at the next, or to last heard when not in port; another
// vessel's port call in its events (none here) or a call before the
// first fix cuts nothing.
func TestVoyages(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	call := func(port string, from, to int) event.Event {
		return event.Event{Type: event.PortVisit, MMSI: 1, Port: port, Start: h(from), End: h(to)}
	}
	evs := []event.Event{call("BUSAN", 10, 20), {Type: event.Encounter, MMSI: 1, Start: h(30), End: h(31)}, call("NAKHODKA", 50, 60),
		{Type: event.PortVisit, MMSI: 2, Port: "ULSAN", Start: h(70), End: h(80)}}
	first, last := h(0), h(100)
	got := voyages(1, evs, &first, &last)
	want := []voyage{{From: h(0), To: h(10), ToPort: "BUSAN"}, {From: h(20), To: h(50), FromPort: "BUSAN", ToPort: "NAKHODKA"}, {From: h(60), To: h(100), FromPort: "NAKHODKA"}}
	if !slices.Equal(got, want) {
		t.Errorf("voyages %+v\nwant %+v", got, want)
	}
	last = h(55) // last heard in port: no open voyage after it
	if got := voyages(1, evs, &first, &last); len(got) != 2 {
		t.Errorf("last heard in port: %+v", got)
	}
	if got := voyages(1, evs, nil, nil); len(got) != 0 {
		t.Errorf("never heard: %+v", got)
	}
}
