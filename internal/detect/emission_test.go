package detect

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/track"
)

// took is an emission and the data time of the report after which it was
// taken.
type took struct {
	at int64
	em Emission
}

// feedTaking tracks time-ordered reports through an engine, taking its
// events after every report as a server does, then closes it at the end
// of the data: what ingest.Core does, here where that package (which
// imports this one) cannot be used. Every harness of this package's tests
// runs through it.
func feedTaking(reports []fuse.Report, opts Options, places Places) (*Engine, []took) {
	tr := track.New(track.Options{})
	eng := NewEngine(opts, places)
	var out []took
	for i := range reports {
		r := &reports[i]
		if r.Kind == fuse.Position {
			if u, ok := tr.Position(r); ok {
				eng.Position(&u)
			} else {
				eng.Untracked(u.Vessel)
			}
		} else {
			v, ch := tr.Static(r)
			eng.Static(&StaticObs{Vessel: v, Report: r, Changes: ch})
		}
		for _, em := range eng.TakeEvents() {
			out = append(out, took{r.Time, em})
		}
	}
	eng.Close()
	for _, em := range eng.TakeEvents() {
		out = append(out, took{math.MaxInt64, em})
	}
	return eng, out
}

// emissions are the emissions of ts, in order.
func emissions(ts []took) []Emission {
	out := make([]Emission, len(ts))
	for i, t := range ts {
		out[i] = t.em
	}
	return out
}

func (s *scene) sorted() []fuse.Report {
	slices.SortStableFunc(s.reports, func(a, b fuse.Report) int { return cmp.Compare(a.Time, b.Time) })
	return s.reports
}

// emissionsOf returns the emissions of one event type.
func emissionsOf(ts []took, typ event.Type) []took {
	var out []took
	for _, t := range ts {
		if t.em.Event.Type == typ {
			out = append(out, t)
		}
	}
	return out
}

// finalOf is what a batch run keeps of the emissions.
func finalOf(ts []took) []event.Event {
	ems := make([]Emission, len(ts))
	for i, t := range ts {
		ems[i] = t.em
	}
	return Final(ems)
}

// checkEpisode checks the emissions of one episode: one ID throughout, the
// first emission flagged First and Open, End never ahead of the data, the
// open ones at most every reemitMs unless the confidence moved, and the
// last one final (or withdrawn).
func checkEpisode(t *testing.T, ts []took) {
	t.Helper()
	if len(ts) < 2 {
		t.Fatalf("%d emissions, want the open ones and the final one", len(ts))
	}
	id := ts[0].em.Event.ID
	for i, x := range ts {
		e := &x.em.Event
		if e.ID != id || !e.Start.Equal(ts[0].em.Event.Start) {
			t.Fatalf("emission %d: id %s start %s, want %s %s", i, e.ID, e.Start, id, ts[0].em.Event.Start)
		}
		if x.em.First != (i == 0) {
			t.Errorf("emission %d: First %v", i, x.em.First)
		}
		last := i == len(ts)-1
		if x.em.Open == last {
			t.Errorf("emission %d of %d: Open %v", i, len(ts), x.em.Open)
		}
		if e.End.UnixMilli() > x.at {
			t.Errorf("emission %d: ends %s, after the data seen (%s)", i, e.End, tm(x.at))
		}
		if i > 0 && !last {
			p := &ts[i-1].em.Event
			if e.End.Sub(p.End).Milliseconds() < reemitMs && math.Abs(e.Confidence-p.Confidence) < reemitConf {
				t.Errorf("emission %d: re-emitted %s after the last with confidence %.3f -> %.3f", i, e.End.Sub(p.End), p.Confidence, e.Confidence)
			}
		}
	}
}

// TestEncounterEmittedWhileOpen: an encounter is emitted as soon as it
// has lasted MinDuration, again as it grows, and a last time when the
// pair has been apart MergeGap; batch keeps that last form, the same
// event as detectors emitting only at the end give.
func TestEncounterEmittedWhileOpen(t *testing.T) {
	var s scene
	const a, b = 412000001, 413000002
	lat, lon := 20.0, 120.0
	blat, blon := geo.Destination(lat, lon, 90, 60)
	s.sail(a, 0, lat, lon, 0, 0.3, 2*minute, 12*60*minute)
	blat, blon = s.sail(b, 30_000, blat, blon, 0, 0.3, 2*minute, 6*60*minute)
	s.sail(b, 6*60*minute+2*minute+30_000, blat, blon, 90, 10, 2*minute, 6*60*minute) // sails away
	places := Places{ShoreM: farFromShore}
	_, ts := feedTaking(s.sorted(), Options{}, places)
	enc := emissionsOf(ts, event.Encounter)
	checkEpisode(t, enc)
	if at := enc[0].at; at < 2*60*minute || at > 2*60*minute+encCheckMs+5*minute {
		t.Errorf("first emitted at %s of data, want soon after the 2 h minimum", hours(at))
	}
	last := enc[len(enc)-1]
	if last.at == math.MaxInt64 || last.em.Withdrawn {
		t.Errorf("the encounter was not final before the end of the data: %+v", last)
	}
	if n := len(enc); n > 8 {
		t.Errorf("%d emissions of a 6 h encounter", n)
	}
	if want := only(s.run(places), event.Encounter); !slices.EqualFunc(want, only(finalOf(ts), event.Encounter), sameEvent) {
		t.Errorf("batch keeps %+v\nwant %+v", only(finalOf(ts), event.Encounter), want)
	}
}

// TestEncounterWithdrawn: a pair slow together for 2.5 h is emitted; when
// it then sails on together at 3.5 kn its median speed over the whole
// encounter is too high, and the event is withdrawn: batch has none.
func TestEncounterWithdrawn(t *testing.T) {
	var s scene
	const a, b = 412000001, 413000002
	lat, lon := 20.0, 120.0
	blat, blon := geo.Destination(lat, lon, 90, 60)
	lat, lon = s.sail(a, 0, lat, lon, 0, 0.5, 2*minute, 150*minute)
	blat, blon = s.sail(b, 30_000, blat, blon, 0, 0.5, 2*minute, 150*minute)
	s.sail(a, 152*minute, lat, lon, 0, 3.5, 2*minute, 5*60*minute)
	s.sail(b, 152*minute+30_000, blat, blon, 0, 3.5, 2*minute, 5*60*minute)
	places := Places{ShoreM: farFromShore}
	_, ts := feedTaking(s.sorted(), Options{}, places)
	enc := emissionsOf(ts, event.Encounter)
	if len(enc) < 2 || !enc[0].em.Open {
		t.Fatalf("emissions %+v, want open ones then a withdrawal", enc)
	}
	w := enc[len(enc)-1]
	if !w.em.Withdrawn || w.em.Open || w.em.Event.ID != enc[0].em.Event.ID || !w.em.Event.Withdrawn() {
		t.Errorf("last emission %+v, want the event withdrawn", w.em)
	}
	if got := only(finalOf(ts), event.Encounter); len(got) != 0 {
		t.Errorf("batch keeps %+v", got)
	}
	if got := only(s.run(places), event.Encounter); len(got) != 0 {
		t.Errorf("batch run keeps %+v", got)
	}
}

// TestWatchlistEmittedOnMatch: a vessel is emitted when its name first
// matches, again under the same ID when its IMO matches (stronger), and
// once more at the end of the data.
func TestWatchlistEmittedOnMatch(t *testing.T) {
	const mmsi, imo = 440123000, 9074729
	watch := func(q WatchQuery) []event.Entry {
		e := event.Entry{List: "TEST", ID: "7", Name: "DARK STAR", IMO: imo}
		switch {
		case q.IMO == imo:
			e.By = "imo"
		case q.Name == "DARK STAR":
			e.By = "name"
		default:
			return nil
		}
		return []event.Entry{e}
	}
	var s scene
	s.sail(mmsi, 0, 35, 129, 90, 10, 5*minute, 30*60*minute)
	s.static(mmsi, 10*minute, "DARK STAR", "DS01", 0)
	s.static(mmsi, 3*60*minute, "DARK STAR", "DS01", imo)
	places := Places{ShoreM: farFromShore, Watch: watch}
	_, ts := feedTaking(s.sorted(), Options{}, places)
	wl := emissionsOf(ts, event.Watchlist)
	checkEpisode(t, wl)
	first := wl[0]
	if first.at != 10*minute || first.em.Event.Entry.By != "name" || first.em.Event.Confidence != 0.3 {
		t.Errorf("first emission at %s by %s conf %.2f, want at the name match", hours(first.at), first.em.Event.Entry.By, first.em.Event.Confidence)
	}
	var stronger bool
	for _, x := range wl[1:] {
		if x.at == 3*60*minute && x.em.Event.Entry.By == "imo" && x.em.Event.Confidence == 0.95 {
			stronger = true
		}
	}
	if !stronger {
		t.Errorf("no emission at the IMO match: %+v", wl)
	}
	if n := len(wl); n > 5 {
		t.Errorf("%d emissions, want the match, the IMO, a daily refresh and the end", n)
	}
	if want := only(s.run(places), event.Watchlist); !slices.EqualFunc(want, only(finalOf(ts), event.Watchlist), sameEvent) {
		t.Errorf("batch keeps %+v\nwant %+v", only(finalOf(ts), event.Watchlist), want)
	}
}

// TestEpisodesEmittedWhileOpen: loitering, a port visit, a zone visit and
// a shared MMSI are each emitted before they end, and batch keeps one
// event per ID, each the same as detectors emitting only at the end give.
func TestEpisodesEmittedWhileOpen(t *testing.T) {
	port := [2]float64{35.10, 129.04}
	near := func(lat, lon, maxM float64) (string, float64, bool) {
		d := geo.Distance(lat, lon, port[0], port[1])
		return "BUSAN", d, d <= maxM
	}
	zones := func(lat, lon float64, dst []string) []string {
		if lat > 38 && lat < 39.5 && lon > 123 && lon < 125 {
			dst = append(dst, "Korea Bay")
		}
		return dst
	}
	var s scene
	s.sail(412000010, 0, 30, 123.0, 45, 0.8, 5*minute, 5*60*minute) // loitering
	lat, lon := s.sail(440000020, 0, port[0]-0.18, port[1], 0, 8, minute, 80*minute)
	s.sail(440000020, 81*minute, lat, lon, 0, 0, 3*minute, 6*60*minute) // calls at Busan
	s.sail(440000020, 81*minute+6*60*minute+minute, lat, lon, 180, 8, minute, 120*minute)
	s.sail(412000030, 0, 37.5, 124, 0, 10, 5*minute, 12*60*minute)              // crosses Korea Bay
	s.sail(412000061, 0, 33, 123, 90, 10, 2*minute, 8*60*minute)                // cloned:
	s.sail(412000061, 60*minute+minute, 35.7, 124, 0, 5, 2*minute, 6*60*minute) // a second transmitter
	places := Places{ShoreM: shoreEast, NearestPort: near, Zones: zones}
	_, ts := feedTaking(s.sorted(), Options{}, places)
	for _, typ := range []event.Type{event.Loitering, event.PortVisit, event.ZoneVisit, event.Spoofing} {
		t.Run(string(typ), func(t *testing.T) {
			em := emissionsOf(ts, typ)
			checkEpisode(t, em)
			if em[0].at >= em[len(em)-1].em.Event.End.UnixMilli() {
				t.Errorf("first emitted at %s, when the episode had ended", hours(em[0].at))
			}
		})
	}
	got := finalOf(ts)
	ids := map[string]bool{}
	for _, e := range got {
		if ids[e.ID] {
			t.Errorf("event %s kept twice", e.ID)
		}
		ids[e.ID] = true
	}
	if want := s.run(places); !slices.EqualFunc(want, got, sameEvent) {
		t.Errorf("batch keeps %d events, detectors emitting at the end %d", len(got), len(want))
	}
}

// sameEvent compares two events field by field.
func sameEvent(a, b event.Event) bool {
	if a.ID != b.ID || a.Type != b.Type || a.MMSI != b.MMSI || a.OtherMMSI != b.OtherMMSI ||
		!a.Start.Equal(b.Start) || !a.End.Equal(b.End) || a.Lat != b.Lat || a.Lon != b.Lon ||
		a.Confidence != b.Confidence || a.Summary != b.Summary || len(a.Details) != len(b.Details) {
		return false
	}
	for k, v := range a.Details {
		if w, ok := b.Details[k]; !ok || w != v {
			return false
		}
	}
	return (a.Entry == nil) == (b.Entry == nil) && (a.Entry == nil || reflect.DeepEqual(*a.Entry, *b.Entry))
}

// TestEngineKeepsNoEvents: over a month of 200 vessels loitering, calling
// in zones and going dark, an engine whose events are taken as they come
// holds none of them, and no more open-episode IDs than there are open
// episodes.
func TestEngineKeepsNoEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("a month of data")
	}
	const vessels, days = 200, 30
	zones := func(lat, lon float64, dst []string) []string {
		if lon > 130 {
			dst = append(dst, "East")
		}
		return dst
	}
	eng := NewEngine(Options{}, Places{ShoreM: farFromShore, Zones: zones})
	tr := track.New(track.Options{})
	type ship struct{ lat, lon float64 }
	ships := make([]ship, vessels)
	for i := range ships {
		ships[i] = ship{-30 + float64(i)*0.25, 120 + float64(i%20)}
	}
	var taken, maxOpen, maxFound int
	kinds := map[event.Type]bool{}
	for t0 := int64(0); t0 < days*24*hourMs; t0 += 10 * minute {
		for i := range ships {
			sh := &ships[i]
			hour := (t0/hourMs + int64(i)) % 24
			if (t0/(24*hourMs)+int64(i))%5 == 0 && hour < 8 {
				continue // dark 8 h one day in five
			}
			kn := 12.0
			if hour >= 12 && hour < 17 {
				kn = 0.5 // loiters 5 h a day
			}
			course := float64((t0 / (24 * hourMs) % 2) * 180) // east one day, west the next
			r := fuse.Report{Time: t0 + int64(i)*1000, MMSI: uint32(412000000 + i), Kind: fuse.Position, Class: fuse.ClassA,
				Lat: sh.lat, Lon: sh.lon, SOG: float32(kn), COG: float32(course), Heading: -1, Heard: 1}
			if u, ok := tr.Position(&r); ok {
				eng.Position(&u)
			}
			sh.lat, sh.lon = geo.Destination(sh.lat, sh.lon, 90+course, kn*1852/6)
			for _, em := range eng.TakeEvents() {
				taken++
				kinds[em.Event.Type] = true
			}
		}
		maxOpen = max(maxOpen, len(eng.open)+len(eng.pairs.open))
		maxFound = max(maxFound, len(eng.pairs.gaps.Found))
		for _, side := range []*outbox{&eng.outbox, &eng.pairs.outbox} {
			if len(side.pending) != 0 || len(side.at) != 0 {
				t.Fatalf("%d events pending after a take", len(side.pending))
			}
		}
	}
	for _, typ := range []event.Type{event.Gap, event.Loitering, event.ZoneVisit} {
		if !kinds[typ] {
			t.Errorf("no %s: the feed does not test what it should", typ)
		}
	}
	if taken < 10*vessels {
		t.Errorf("only %d emissions over the month", taken)
	}
	// Per vessel, at most a loitering run and a zone stay are open at once.
	if maxOpen > 2*vessels || maxFound > 0 {
		t.Errorf("engine held up to %d open IDs and %d gaps, after %d emissions", maxOpen, maxFound, taken)
	}
	t.Logf("%d emissions taken; at most %d open IDs held", taken, maxOpen)
}
