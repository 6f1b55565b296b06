package live

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/store"
)

// A coast radar as a live feed next to an AIS feed: its tracks are
// matched against the AIS the pipeline tracked; the dark hull alongside
// a slow ship and a dark ship far off are dark_vessel events visible to
// partners cleared for the radar, the ship alongside the dark hull a
// dark_encounter visible only to a partner cleared for both the radar
// and the AIS feed that heard the ship.
func TestRadarFeed(t *testing.T) {
	st := openStore(t)
	radarSrv, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer radarSrv.Close()
	site := [2]float64{35.2, 125}
	p, err := New(Options{Feeds: []Feed{
		{Name: "ais", Kind: TCPListener, Address: "127.0.0.1:0"},
		{Name: "coast", Kind: Radar, Address: radarSrv.Addr().String(), Site: &site},
	}}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	t0 := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	const ship, silent = 440000111, 440000333
	shipAt := func(m int64) (float64, float64) {
		return geo.Destination(35, 125, 0, geo.KnotsToMetresPerSecond(0.3)*float64(m*60))
	}
	aisConn, err := net.Dial("tcp", p.Addr("ais").String())
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	// The silent ship, heard for an hour three hours before, 15 km from
	// where the far dark ship will be.
	for m := int64(-240); m <= -180; m += 2 {
		la, lo := geo.Destination(35.45, 125.3, 90, geo.KnotsToMetresPerSecond(8)*float64((m+180)*60))
		aisConn.Write(posLine(t, silent, t0+m*60_000, la, lo, 8))
		sent++
	}
	// The slow ship heard all along.
	for m := int64(-240); m < 0; m += 2 {
		la, lo := shipAt(m)
		aisConn.Write(posLine(t, ship, t0+m*60_000+30_000, la, lo, 0.3))
		sent++
	}
	done := func() int64 {
		s := p.Stats()
		return s.Tracked + s.Redelivered + s.OutOfOrder + s.Duplicates + s.Invalid
	}
	for deadline := time.Now().Add(10 * time.Second); done() < int64(sent) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if s := p.Stats(); s.Tracked < int64(sent)-2 {
		t.Fatalf("AIS positions: %+v of %d", s, sent)
	}
	rc, err := radarSrv.Accept()
	if err != nil {
		t.Fatal(err)
	}
	ttm := func(n int, ms int64, lat, lon float64) string {
		rng, brg := geo.Distance(site[0], site[1], lat, lon)/1852, geo.Bearing(site[0], site[1], lat, lon)
		tt := time.UnixMilli(ms).UTC()
		return nmea.Checksummed(fmt.Sprintf("RATTM,%02d,%.3f,%.1f,T,0.3,0.0,T,,,N,,T,,%02d%02d%02d.00,A", n, rng, brg, tt.Hour(), tt.Minute(), tt.Second())) + "\r\n"
	}
	radarReports := func() int64 { return p.Stats().Feeds[1].Reports }
	waitFor := func(what string, cond func() bool) {
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s: %+v", what, p.Stats())
			}
		}
	}
	// Both feeds as they come, minute by minute (the AIS fix of a minute
	// comes after its plots: the picture carries the fix before on).
	for m := int64(0); m <= 180; m++ {
		if m%2 == 0 {
			la, lo := shipAt(m)
			aisConn.Write(posLine(t, ship, t0+m*60_000+30_000, la, lo, 0.3))
			sent++
			waitFor("AIS", func() bool { return done() >= int64(sent) })
		}
		ms := t0 + m*60_000
		tt := time.UnixMilli(ms).UTC()
		rc.Write([]byte(nmea.Checksummed(fmt.Sprintf("RAZDA,%02d%02d%02d.00,%02d,%02d,%d,00,00", tt.Hour(), tt.Minute(), tt.Second(), tt.Day(), tt.Month(), tt.Year())) + "\r\n"))
		la, lo := shipAt(m)
		ola, olo := geo.Destination(la, lo, 90, 60)
		sla, slo := geo.Destination(la, lo, 270, 220)
		fla, flo := geo.Destination(35.5, 125.2, 90, float64(m)*150)
		rc.Write([]byte(ttm(1, ms, ola, olo) + ttm(2, ms, sla, slo) + ttm(3, ms, fla, flo)))
		waitFor("radar", func() bool { return radarReports() >= 3*(m+1) })
	}
	rc.Close()
	aisConn.Close()
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	bit := func(name string) uint64 {
		for _, f := range p.feeds {
			if f.cfg.Name == name {
				return p.bits[f.idx]
			}
		}
		t.Fatalf("no feed %s", name)
		return 0
	}
	seen := func(clearance uint64) map[string]event.Event {
		out := map[string]event.Event{}
		st.Events(store.EventFilter{Clearance: clearance, Types: []event.Type{event.DarkVessel, event.DarkEncounter}}, func(e event.Event, _ store.Provenance) bool {
			out[string(e.Type)+" "+e.Scene] = e
			return true
		})
		return out
	}
	all := seen(store.AllFeeds)
	if len(all) != 3 {
		t.Fatalf("events %v, want dark_vessel of tracks 2 and 3 and a dark_encounter", names(all))
	}
	far := all["dark_vessel coast/3/1"]
	if len(far.Candidates) != 1 || far.Candidates[0] != silent {
		t.Errorf("far dark vessel: candidates %v, want the silent ship", far.Candidates)
	}
	enc := all["dark_encounter coast/2/1"]
	if enc.MMSI != ship || enc.Duration() < 2*time.Hour || all["dark_vessel coast/2/1"].ID == "" {
		t.Errorf("dark encounter %+v", enc)
	}
	radarOnly, aisOnly, both := seen(bit("coast")), seen(bit("ais")), seen(bit("coast")|bit("ais"))
	if len(radarOnly) != 2 || radarOnly["dark_encounter coast/2/1"].ID != "" || len(aisOnly) != 0 || len(both) != 3 {
		t.Errorf("radar only sees %v, AIS only %v, both %v", names(radarOnly), names(aisOnly), names(both))
	}
}

func names[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
