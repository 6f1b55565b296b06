package live

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/store"
)

// nameLine is a type 24 part A (a Class B vessel's name) of mmsi at data
// time ms, with its tag block.
func nameLine(t *testing.T, mmsi uint32, ms int64, name string) []byte {
	t.Helper()
	payload, fill, err := ais.AppendPayload(nil, &ais.StaticDataReport{Header: ais.Header{Type: 24, MMSI: mmsi}, PartNo: 0, ShipName: []byte(name)})
	if err != nil {
		t.Fatal(err)
	}
	tag := "c:" + itoa(ms/1000)
	s := "AIVDM,1,1,,A," + string(payload) + "," + string(rune('0'+fill))
	return []byte(`\` + tag + "*" + checksum(tag) + `\` + "!" + s + "*" + checksum(s) + "\n")
}

// TestPositionEventsTakeThePositionFeeds: a feed that heard only a
// vessel's static reports (its name) must not make the events built from
// its positions (an encounter here, with positions to the metre) visible
// to the partners cleared for that feed: those events take the feeds that
// heard the positions, as identity events take those that heard the
// static reports.
func TestPositionEventsTakeThePositionFeeds(t *testing.T) {
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{
		{Name: "names", Kind: TCPListener, Address: "127.0.0.1:0"},     // bit 1
		{Name: "positions", Kind: TCPListener, Address: "127.0.0.1:0"}, // bit 2
	}, Places: detect.Places{}}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	const namesBit, posBit = 1, 2
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-errc; err != nil {
				t.Error(err)
			}
		}
	}
	defer stop()
	dial := func(feed string) net.Conn {
		c, err := net.Dial("tcp", p.Addr(feed).String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	namesOnly := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.Encounter}, Clearance: namesBit})
	positions := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.Encounter}, Clearance: posBit})

	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	const a, b = 412000001, 413000002
	const hour = 3600_000
	// The names feed hears both vessels' names while they are together.
	var buf bytes.Buffer
	for ts := t0; ts < t0+3*hour; ts += 20 * 60_000 {
		buf.Write(nameLine(t, a, ts, "NORDIC STAR"))
		buf.Write(nameLine(t, b, ts+1000, "OCEAN GRACE"))
	}
	if _, err := dial("names").Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	// Wait until they are tracked: the store has the names.
	for i := 0; ; i++ {
		if err := p.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		ra, _ := st.Identities(a)
		rb, _ := st.Identities(b)
		if len(ra) > 0 && len(rb) > 0 {
			break
		}
		if i == 1000 {
			t.Fatal("names not taken in")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The positions feed hears them together for three hours.
	buf.Reset()
	lat, lon := 20.0, 125.0
	for ts := t0; ts < t0+3*hour; ts += 2 * 60_000 {
		drift := 0.3 * 1852 * float64(ts-t0) / 3.6e6
		alat, alon := geo.Destination(lat, lon, 0, drift)
		blat, blon := geo.Destination(alat, alon, 90, 60)
		buf.Write(posLine(t, a, ts, alat, alon, 0.3))
		buf.Write(posLine(t, b, ts+30_000, blat, blon, 0.3))
	}
	if _, err := dial("positions").Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	nextAlert(t, positions, "encounter", func(*event.Event) bool { return true })
	stop()
	for m := range namesOnly.C {
		if m.Alert != nil {
			t.Fatalf("a partner cleared only for the feed that heard the names got the encounter, with its positions: %s", m.Alert.Summary)
		}
	}
	n := 0
	st.Events(store.EventFilter{Clearance: store.AllFeeds, Types: []event.Type{event.Encounter}}, func(e event.Event, prov store.Provenance) bool {
		n++
		if prov.Feeds != posBit || prov.OtherFeeds != posBit {
			t.Errorf("encounter %s stored with provenance %+v, want the positions feed's (bit %d) for both vessels", e.ID, prov, posBit)
		}
		return true
	})
	if n == 0 {
		t.Fatal("no encounter stored")
	}
}

// TestProvenanceNeverWidens: once the feed log has forgotten when a
// vessel was heard (8 days of data time), an event over that time must
// not take every feed that ever heard the vessel. An episode keeps the
// provenance it was computed with as it grows; an event with nothing
// known of it is visible to no partner; and an event whose other vessel's
// feeds are forgotten is not read as having no other vessel.
func TestProvenanceNeverWidens(t *testing.T) {
	p, err := New(Options{Feeds: []Feed{
		{Name: "jpn", Kind: TCPListener, Address: "127.0.0.1:0"}, // bit 1
		{Name: "usa", Kind: TCPListener, Address: "127.0.0.1:0"}, // bit 2
	}}, openStore(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const v, w = 412000001, 413000002
	old := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	recent := old.Add(30 * 24 * time.Hour)
	// jpn heard v a month ago; usa hears v and w now.
	p.heard.add(v, old.UnixMilli(), 1)
	p.heard.add(v, recent.UnixMilli(), 2)
	p.heard.add(w, recent.UnixMilli(), 2)
	emit := func(e event.Event) store.Provenance {
		t.Helper()
		p.newEvent(detect.Emission{Event: e})
		return p.pendEv[len(p.pendEv)-1].Prov
	}
	loiter := event.Event{ID: "loiter", Type: event.Loitering, MMSI: v, Start: old, End: old.Add(2 * time.Hour)}
	if got := emit(loiter); got != (store.Provenance{Feeds: 1}) {
		t.Fatalf("first emission: %+v, want jpn's", got)
	}
	p.feedMax[0], p.feedMax[1] = recent.UnixMilli(), recent.UnixMilli() // both feeds are live now
	p.heard.trim(p.forgettable)                                         // as the minute's trim does
	loiter.End = old.Add(3 * time.Hour)
	if got := emit(loiter); got != (store.Provenance{Feeds: 1}) {
		t.Fatalf("re-sent once the log forgot its span: %+v, want jpn's as before", got)
	}
	gap := event.Event{ID: "gap", Type: event.Gap, MMSI: v, Start: old, End: old.Add(time.Hour)}
	if got := emit(gap); got.VisibleTo(2) || got.VisibleTo(1) {
		t.Fatalf("an event all of whose span is forgotten: %+v, want it visible to nobody", got)
	}
	// x was heard by jpn a month ago only; w meets it now.
	const x = 414000003
	p.heard.add(x, old.UnixMilli(), 1)
	p.heard.trim(p.forgettable)
	enc := event.Event{ID: "enc", Type: event.Encounter, MMSI: w, OtherMMSI: x, Start: recent, End: recent.Add(time.Hour)}
	if got := emit(enc); got.VisibleTo(2) || got.VisibleTo(1|2) {
		t.Fatalf("an encounter whose other vessel's feeds are forgotten: %+v, want it visible to nobody", got)
	}
}

// TestFeedLogKeepsEachFeedsOwnTime: a feed replaying an old log beside a
// live one keeps 8 days of its own data time in the feed log. Trimmed by
// the newest time of any feed, everything the old log's feed heard was
// forgotten at once, and the events of its vessels found at the end of
// its data (an invalid IMO number waiting for a position) reached no
// partner.
func TestFeedLogKeepsEachFeedsOwnTime(t *testing.T) {
	p, err := New(Options{Feeds: []Feed{
		{Name: "archive", Kind: TCPListener, Address: "127.0.0.1:0"}, // bit 1: data of 2019
		{Name: "live", Kind: TCPListener, Address: "127.0.0.1:0"},    // bit 2: data of 2021
	}}, openStore(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const v, w = 257021970, 413000002
	then := time.Date(2019, 8, 7, 23, 0, 0, 0, time.UTC)
	now := time.Date(2021, 11, 1, 2, 0, 0, 0, time.UTC)
	p.said.add(v, then.UnixMilli(), 1)
	p.heard.add(v, then.Add(-9*24*time.Hour).UnixMilli(), 1) // older than 8 days of the archive's own time
	p.heard.add(w, now.Add(-9*24*time.Hour).UnixMilli(), 2)
	p.heard.add(w, now.UnixMilli(), 2)
	p.feedMax[0], p.feedMax[1] = then.UnixMilli(), now.UnixMilli()
	p.maxTime = now.UnixMilli()
	p.heard.trim(p.forgettable)
	p.said.trim(p.forgettable)
	p.newEvent(detect.Emission{Event: event.Event{ID: "imo", Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: v, Start: then, End: then}})
	if got := p.pendEv[len(p.pendEv)-1].Prov; got != (store.Provenance{Feeds: 1}) {
		t.Errorf("the archive's vessel's event: provenance %+v, want the archive's feed", got)
	}
	if f := p.heard.feeds(v, 0, then.UnixMilli()); f != 0 {
		t.Errorf("the archive's runs older than its own 8 days are kept: %b", f)
	}
	if f := p.heard.feeds(w, 0, now.Add(-8*24*time.Hour-time.Hour).UnixMilli()); f != 0 {
		t.Errorf("the live feed's runs older than 8 days are kept: %b", f)
	}
	if f := p.heard.feeds(w, now.UnixMilli(), now.UnixMilli()); f != 2 {
		t.Errorf("the live feed's recent run: %b", f)
	}
}

// TestSilenceEventTakesItsEvidenceFeeds: a dark rendezvous spans the time
// both vessels were unheard, so no feed heard either inside its span; its
// provenance is the feeds that heard the fixes it rests on (its evidence:
// each vessel's last fix before and first after). It had none, and
// reached no partner.
func TestSilenceEventTakesItsEvidenceFeeds(t *testing.T) {
	p, err := New(Options{Feeds: []Feed{
		{Name: "kor", Kind: TCPListener, Address: "127.0.0.1:0"}, // bit 1
		{Name: "jpn", Kind: TCPListener, Address: "127.0.0.1:0"}, // bit 2
	}}, openStore(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const v, w = 412000001, 445000002
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	before, after := t0, t0.Add(20*time.Hour)
	p.heard.add(v, before.UnixMilli(), 1)
	p.heard.add(v, after.UnixMilli(), 1)
	p.heard.add(w, before.Add(time.Hour).UnixMilli(), 2)
	p.heard.add(w, after.Add(-time.Hour).UnixMilli(), 2)
	ev := event.Event{ID: "dr", Type: event.DarkRendezvous, MMSI: v, OtherMMSI: w,
		Start: before.Add(2 * time.Hour), End: after.Add(-2 * time.Hour),
		Evidence: []event.Fix{
			{Time: before, MMSI: v, Role: event.LastBefore}, {Time: after, MMSI: v, Role: event.FirstAfter},
			{Time: before.Add(time.Hour), MMSI: w, Role: event.LastBefore}, {Time: after.Add(-time.Hour), MMSI: w, Role: event.FirstAfter},
		}}
	p.newEvent(detect.Emission{Event: ev})
	if got := p.pendEv[len(p.pendEv)-1].Prov; got != (store.Provenance{Feeds: 1, OtherFeeds: 2}) {
		t.Errorf("provenance %+v, want kor's for one vessel and jpn's for the other", got)
	}
}
