package live

import (
	"bytes"
	"context"
	"math"
	"net"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/store"
)

const hexDigits = "0123456789ABCDEF"

// posLine is a type 1 position report of mmsi at data time ms, as an NMEA
// 4.0 line with its tag block.
func posLine(t *testing.T, mmsi uint32, ms int64, lat, lon, kn float64) []byte {
	t.Helper()
	m := &ais.PositionReport{Header: ais.Header{Type: 1, MMSI: mmsi}, Speed: uint16(kn * 10),
		Lon: int32(lon * 600_000), Lat: int32(lat * 600_000), Heading: 511, Second: uint8(ms / 1000 % 60)}
	payload, fill, err := ais.AppendPayload(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tag := "c:" + itoa(ms/1000)
	b.WriteString(`\` + tag + "*" + checksum(tag) + `\`)
	s := "AIVDM,1,1,,A," + string(payload) + "," + string(rune('0'+fill))
	b.WriteString("!" + s + "*" + checksum(s) + "\n")
	return b.Bytes()
}

func itoa(v int64) string { return string(appendInt(nil, v)) }

func appendInt(b []byte, v int64) []byte {
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}

func checksum(s string) string {
	var x byte
	for i := 0; i < len(s); i++ {
		x ^= s[i]
	}
	return string([]byte{hexDigits[x>>4], hexDigits[x&15]})
}

// storedOf returns the stored events of one type.
func storedOf(t *testing.T, st *store.Store, typ event.Type) []event.Event {
	var out []event.Event
	for _, e := range storedEvents(t, st) {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// startListening runs a pipeline with one TCP listener feed and returns a
// connection to it and a function that stops the pipeline and waits for
// its drain.
func startListening(t *testing.T, st *store.Store, places detect.Places) (*Pipeline, net.Conn, func()) {
	t.Helper()
	p, err := New(Options{Feeds: []Feed{{Name: "rx", Kind: TCPListener, Address: "127.0.0.1:0"}}, Places: places}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	c, err := net.Dial("tcp", p.Addr("rx").String())
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		c.Close()
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(stop)
	return p, c, stop
}

// nextAlert returns the next alert of sub that satisfies ok, failing the
// test after 10 s without one.
func nextAlert(t *testing.T, sub *Subscription, what string, ok func(e *event.Event) bool) *event.Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, open := <-sub.C:
			if !open {
				t.Fatalf("stream closed before %s", what)
			}
			if m.Alert != nil && ok(m.Alert) {
				return m.Alert
			}
		case <-timeout:
			t.Fatalf("no alert: %s", what)
		}
	}
}

// TestEncounterAlertWhileItGoesOn: two ships that have been together for
// three hours, and still are, are alerted while the pipeline runs; the
// alert is re-sent under the same ID as the encounter grows, and the
// store holds one event, its last form, after shutdown.
func TestEncounterAlertWhileItGoesOn(t *testing.T) {
	st := openStore(t)
	p, conn, stop := startListening(t, st, detect.Places{})
	sub := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.Encounter}, Clearance: store.AllFeeds})
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	const a, b = 412000001, 413000002
	lat, lon := 20.0, 125.0
	send := func(from, to int64) {
		var buf bytes.Buffer
		for ts := from; ts < to; ts += 2 * 60_000 {
			drift := 0.3 * 1852 * float64(ts-t0) / 3.6e6 // both drift north at 0.3 kn, 60 m apart
			alat, alon := geo.Destination(lat, lon, 0, drift)
			blat, blon := geo.Destination(alat, alon, 90, 60)
			buf.Write(posLine(t, a, ts, alat, alon, 0.3))
			buf.Write(posLine(t, b, ts+30_000, blat, blon, 0.3))
		}
		if _, err := conn.Write(buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	const hour = 3600_000
	send(t0, t0+3*hour)
	first := nextAlert(t, sub, "encounter after 3 h together", func(*event.Event) bool { return true })
	if first.MMSI != a || first.OtherMMSI != b || first.Start.UnixMilli() > t0+hour/6 ||
		first.End.Sub(first.Start) < 2*time.Hour || first.End.UnixMilli() > t0+3*hour {
		t.Fatalf("first alert %s .. %s: %s", first.Start, first.End, first.Summary)
	}
	// It is in the store for queries while the encounter goes on.
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := storedOf(t, st, event.Encounter); len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("stored while open: %+v", got)
	}
	send(t0+3*hour, t0+5*hour)
	grown := nextAlert(t, sub, "the encounter grown to 4 h", func(e *event.Event) bool {
		return e.End.UnixMilli() >= t0+4*hour
	})
	if grown.ID != first.ID || !grown.Start.Equal(first.Start) {
		t.Errorf("grown alert has id %s start %s, first %s %s", grown.ID, grown.Start, first.ID, first.Start)
	}
	stop()
	last := grown
	for m := range sub.C {
		if m.Alert.ID != first.ID {
			t.Errorf("another encounter: %s", m.Alert.Summary)
		}
		last = m.Alert
	}
	if last.End.UnixMilli() < t0+5*hour-5*60_000 {
		t.Errorf("last alert ends %s, want the last fix at about %s", last.End, time.UnixMilli(t0+5*hour).UTC())
	}
	got := storedOf(t, st, event.Encounter)
	if len(got) != 1 || got[0].ID != first.ID || !got[0].End.Equal(last.End) || got[0].Confidence != last.Confidence {
		t.Errorf("stored %+v, want the last alert %+v", got, last)
	}
	if n, all := p.Stats().Events, len(storedEvents(t, st)); n != int64(all) {
		t.Errorf("%d events counted, %d stored: each counts once", n, all)
	}
}

// TestWatchlistAlertWhileRunning: a listed vessel is alerted when it is
// first heard, not when the server stops.
func TestWatchlistAlertWhileRunning(t *testing.T) {
	const listed = 636000001
	places := detect.Places{Watch: func(q detect.WatchQuery) []event.Entry {
		if q.MMSI != listed {
			return nil
		}
		return []event.Entry{{List: "TEST", ID: "42", Name: "DARK TANKER", MMSI: listed, By: "mmsi"}}
	}}
	st := openStore(t)
	p, conn, stop := startListening(t, st, places)
	sub := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.Watchlist}, Clearance: store.AllFeeds})
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	var buf bytes.Buffer
	for i := int64(0); i < 10; i++ {
		buf.Write(posLine(t, 412000009, t0+i*60_000, 38.5, 124.0+float64(i)*0.003, 10))
		buf.Write(posLine(t, listed, t0+i*60_000+5000, 38.6, 124.0+float64(i)*0.003, 10))
	}
	if _, err := conn.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	hit := nextAlert(t, sub, "watchlist hit", func(*event.Event) bool { return true })
	if hit.MMSI != listed || hit.Entry == nil || hit.Entry.By != "mmsi" || hit.Start.UnixMilli() != t0+5000 || math.Abs(hit.Lat-38.6) > 1e-6 {
		t.Fatalf("hit %+v", hit)
	}
	stop()
	for m := range sub.C {
		if m.Alert.ID != hit.ID {
			t.Errorf("another hit: %s", m.Alert.Summary)
		}
	}
	if got := storedOf(t, st, event.Watchlist); len(got) != 1 || got[0].ID != hit.ID || got[0].End.UnixMilli() != t0+9*60_000+5000 {
		t.Errorf("stored %+v", got)
	}
}

// TestRiskLeavesOutWithdrawn: the risk picture is built from the stored
// events, less those withdrawn (confidence 0).
func TestRiskLeavesOutWithdrawn(t *testing.T) {
	st := openStore(t)
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range []event.Event{
		{Type: event.Encounter, MMSI: 412000001, OtherMMSI: 413000002, Start: t0, End: t0.Add(3 * time.Hour), Confidence: 0.8, Summary: "kept"},
		{Type: event.Encounter, MMSI: 412000003, OtherMMSI: 413000004, Start: t0, End: t0.Add(3 * time.Hour), Confidence: 0, Summary: "withdrawn: median speed 3.1 kn"},
	} {
		e.SetID()
		if err := st.PutEvent(e, store.Provenance{Feeds: 1}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := New(Options{}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	snap, err := p.Snapshot(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Events != 1 {
		t.Errorf("picture built from %d events, want 1", snap.Events)
	}
	if _, ok := snap.Profile(412000003); ok {
		t.Error("a vessel of the withdrawn encounter has a profile")
	}
}
