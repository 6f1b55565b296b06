package live

import (
	"bytes"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/store"
)

// TestDarkRendezvousAlertOnReappearance: two ships far offshore go dark
// within minutes of each other for 14 h while the ships around them are
// still heard, and reappear together; the dark rendezvous is alerted as
// soon as the second reappears (not 6 h of data later, as before), with
// the fixes before and after each silence as evidence.
func TestDarkRendezvousAlertOnReappearance(t *testing.T) {
	st := openStore(t)
	p, conn, stop := startListening(t, st, detect.Places{})
	sub := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.DarkRendezvous}, Clearance: store.AllFeeds})
	const hour = 3600_000
	t0 := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	const a, b = 422000001, 511000002
	lat, lon := 15.0, 60.0
	var buf bytes.Buffer
	// Four ships heard every 10 min around the place all along.
	type fix struct {
		mmsi     uint32
		ms       int64
		lat, lon float64
		kn       float64
	}
	var fixes []fix
	for i := 0; i < 4; i++ {
		plat, plon := geo.Destination(lat, lon, float64(i)*90, 20_000)
		for ts := t0 + int64(i)*60_000; ts <= t0+21*hour; ts += 10 * 60_000 {
			fixes = append(fixes, fix{uint32(636000010 + i), ts, plat, plon, 0.1})
		}
	}
	// a and b heard every 2 min for 6 h, 5 nm apart, dark from 6:00 and
	// 6:10 to 20:00 and 20:05, back 2 nm apart.
	for ts := t0; ts <= t0+6*hour; ts += 2 * 60_000 {
		fixes = append(fixes, fix{a, ts, lat, lon, 5})
		blat, blon := geo.Destination(lat, lon, 90, 5*1852)
		fixes = append(fixes, fix{b, ts + 10*60_000, blat, blon, 5})
	}
	qlat, qlon := geo.Destination(lat, lon, 0, 3*1852)
	rlat, rlon := geo.Destination(qlat, qlon, 90, 2*1852)
	for ts := t0 + 20*hour; ts <= t0+20*hour+20*60_000; ts += 2 * 60_000 {
		fixes = append(fixes, fix{a, ts, qlat, qlon, 5})
		fixes = append(fixes, fix{b, ts + 5*60_000, rlat, rlon, 5})
	}
	// In time order, as a feed delivers them.
	for i := 1; i < len(fixes); i++ {
		for j := i; j > 0 && fixes[j].ms < fixes[j-1].ms; j-- {
			fixes[j], fixes[j-1] = fixes[j-1], fixes[j]
		}
	}
	for _, f := range fixes {
		buf.Write(posLine(t, f.mmsi, f.ms, f.lat, f.lon, f.kn))
	}
	if _, err := conn.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	alert := nextAlert(t, sub, "dark rendezvous when the second ship reappears", func(*event.Event) bool { return true })
	if alert.MMSI != a || alert.OtherMMSI != b || alert.Confidence < 0.8 {
		t.Errorf("alert %+v", alert)
	}
	// The data reaches 20:25 at most: the alert came before any hold.
	if alert.End.UnixMilli() > t0+20*hour+10*60_000 {
		t.Errorf("alert ends %s", alert.End)
	}
	if len(alert.Evidence) != 4 {
		t.Errorf("evidence %+v, want the fixes before and after both silences", alert.Evidence)
	}
	for _, f := range alert.Evidence {
		if (f.Role == event.LastBefore && f.Time.UnixMilli() > t0+6*hour+10*60_000) || (f.Role == event.FirstAfter && f.Time.UnixMilli() < t0+20*hour) {
			t.Errorf("evidence fix %+v", f)
		}
	}
	stop()
}
