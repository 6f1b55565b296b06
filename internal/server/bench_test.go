package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// benchServer is a server over 5,000 vessels (10 positions each) and
// 20,000 events, heard by three feeds: OPS is cleared for all of them,
// JPN for one. maxAge is the risk picture's SnapshotMaxAge.
func benchServer(b *testing.B, maxAge time.Duration) (*Server, map[string]string) {
	b.Helper()
	dir := b.TempDir()
	secrets := map[string]string{}
	err := access.Update(dir, func(r *access.Registry) error {
		for _, p := range []string{"OPS", "JPN", "GBR"} {
			if err := r.AddPartner(p, nil); err != nil {
				return err
			}
			u := "u-" + p
			if err := r.AddUser(u, p, access.Analyst, ""); err != nil {
				return err
			}
			s, _, err := r.CreateToken(u, "bench", 0, time.Now())
			if err != nil {
				return err
			}
			secrets[p] = s
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	guard, err := access.OpenGuard(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(dir+"/store", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	t0 := time.Now().Add(-6 * time.Hour).UnixMilli()
	const vessels = 5000
	var ps []store.Position
	for k := range 10 {
		for v := range vessels {
			feeds := uint64(1) << (v % 3)
			if v%10 == 0 {
				feeds |= 2
			}
			ps = append(ps, store.Position{MMSI: uint32(200_000_000 + v), Time: t0 + int64(k)*600_000 + int64(v),
				Lat: 30 + float64(v%100)/10, Lon: 120 + float64(v/100)/10, SOG: 10, COG: 90, Heading: 90, Feeds: feeds})
		}
	}
	if err := st.Append(ps); err != nil {
		b.Fatal(err)
	}
	for i := range 20_000 {
		m := uint32(200_000_000 + i%vessels)
		e := event.Event{Type: event.Gap, MMSI: m, Start: time.UnixMilli(t0 + int64(i)*1000), End: time.UnixMilli(t0 + int64(i)*1000 + 3_600_000),
			Lat: 35, Lon: 125, Confidence: 0.8, Summary: "gap"}
		prov := store.Provenance{Feeds: uint64(1) << (i % vessels % 3)}
		if i%4 == 0 {
			e.Type, e.OtherMMSI = event.Encounter, uint32(200_000_000+(i+1)%vessels)
			prov.OtherFeeds = uint64(1) << ((i + 1) % vessels % 3)
		}
		e.SetID()
		if err := st.PutEvent(e, prov); err != nil {
			b.Fatal(err)
		}
	}
	var feeds []live.Feed
	for i, p := range []string{"JPN", "GBR", "GBR"} {
		feeds = append(feeds, live.Feed{Name: fmt.Sprintf("f%d", i), Partner: p, Label: "REL TO OPS, " + p, Kind: live.TCPListener, Address: "127.0.0.1:0"})
	}
	p, err := live.New(live.Options{Feeds: feeds}, st, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	return New(p, Options{Access: guard, SnapshotMaxAge: maxAge, RatePerSecond: 1e9, RateBurst: 1 << 30}, nil, nil), secrets
}

// BenchmarkAPI measures requests answered from each partner's view: OPS
// sees every feed (the pipeline's risk picture), JPN one feed (a picture
// built from its visible events). "cold" rebuilds the risk picture on
// every request; "warm" answers from the one cached for 5 s.
//
//	go test -run XXX -bench API ./internal/server/
func BenchmarkAPI(b *testing.B) {
	for _, temp := range []struct {
		name   string
		maxAge time.Duration
	}{{"warm", 5 * time.Second}, {"cold", time.Nanosecond}} {
		s, secrets := benchServer(b, temp.maxAge)
		h := s.Handler()
		for _, partner := range []string{"OPS", "JPN"} {
			for _, path := range []string{"/api/vessels?max_age=1d", "/api/events?limit=10000", "/api/vessels/200000003", "/api/networks"} {
				b.Run(temp.name+"/"+partner+path, func(b *testing.B) {
					req := httptest.NewRequest("GET", path, nil)
					req.Header.Set("Authorization", "Bearer "+secrets[partner])
					for b.Loop() {
						w := httptest.NewRecorder()
						h.ServeHTTP(w, req)
						if w.Code != http.StatusOK {
							b.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
						}
					}
				})
			}
		}
	}
}

// BenchmarkLayerDensity measures /api/layers/density over benchServer's
// 50,000 positions of 5,000 vessels: OPS counts all of them, JPN the
// third its feed heard (and reads the tracks of those vessels only).
// positions/s is what was read and counted, by the view.
//
//	go test -run XXX -bench LayerDensity ./internal/server/
func BenchmarkLayerDensity(b *testing.B) {
	s, secrets := benchServer(b, 5*time.Second)
	h := s.Handler()
	for _, partner := range []string{"OPS", "JPN"} {
		b.Run(partner, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/api/layers/density?bbox=115,25,135,45", nil)
			req.Header.Set("Authorization", "Bearer "+secrets[partner])
			var n int
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body.String())
				}
				var d densityMap
				if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
					b.Fatal(err)
				}
				n = d.Positions
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "positions/s")
			b.ReportMetric(float64(n), "positions")
		})
	}
}
