package node

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/sim"
)

// TestDemoSatellitePasses: the demo delivers its scenario's satellite
// passes as the replay passes them. A partner cleared for the Korean
// feeds sees the detections of several SAR passes; every detection left
// dark (and scored as a ship) is one the scenario staged as dark, so no
// ship the AIS heard at a pass looks dark; a partner not cleared sees
// none.
func TestDemoSatellitePasses(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo's scenario is generated and its history replayed")
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, dir, logins, err := Demo("", logger)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cfg.Listen = "127.0.0.1:0"
	token := func(who string) string {
		for _, l := range logins {
			if strings.Contains(l.Who, who) {
				return l.Secret
			}
		}
		t.Fatalf("no demo login for %s", who)
		return ""
	}
	jpn, gbr := token("jpn-analyst"), token("gbr-viewer")

	type feature struct {
		Geometry struct {
			Coordinates [2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Feed     string `json:"feed"`
			Sensor   string `json:"sensor"`
			Status   string `json:"status"`
			Scene    string `json:"scene"`
			LowScore bool   `json:"low_score"`
			MMSI     uint32 `json:"mmsi"`
		} `json:"properties"`
	}
	get := func(url, secret string) ([]feature, error) {
		req, _ := http.NewRequest("GET", url+"api/detections", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var fc struct{ Features []feature }
		return fc.Features, json.NewDecoder(resp.Body).Decode(&fc)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute) // a hang guard, not a measure
	defer cancel()
	var seen, hidden []feature
	var runErr error
	err = Run(ctx, Options{Config: cfg, Logger: logger}, func(r Ready) {
		defer cancel()
		for ctx.Err() == nil {
			fs, err := get(r.URL, jpn)
			if err != nil {
				runErr = err
				return
			}
			scenes := map[string]bool{}
			for _, f := range fs {
				if f.Properties.Sensor == "sar" {
					scenes[f.Properties.Scene] = true
				}
			}
			if len(scenes) >= 2 {
				seen = fs
				hidden, runErr = get(r.URL, gbr)
				return
			}
			time.Sleep(time.Second)
		}
	})
	if err != nil || runErr != nil {
		t.Fatal(err, runErr)
	}
	if len(seen) == 0 {
		t.Fatal("no satellite pass delivered before the guard ran out")
	}
	if len(hidden) != 0 {
		t.Errorf("a partner not cleared for the Korean feeds sees %d detections", len(hidden))
	}

	// The scenario's staged dark vessels (truth) by scene, and where it
	// staged an AIS ship alongside a dark one seen in SAR images (the
	// dark partner's detections lie within a few hundred metres).
	tf, err := os.Open(filepath.Join(dir, "sim", sim.TruthFile))
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	dark := map[string][][2]float64{}
	var alongside [][2]float64
	sc := bufio.NewScanner(tf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e event.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.Type == event.DarkVessel && e.Sensor == "sar" {
			dark[e.Scene] = append(dark[e.Scene], [2]float64{e.Lat, e.Lon})
		}
		if e.Type == event.DarkEncounter && e.Sensor == "sar" {
			alongside = append(alongside, [2]float64{e.Lat, e.Lon})
		}
	}
	matched, darkSeen := 0, 0
	for _, f := range seen {
		p := f.Properties
		if p.Sensor != "sar" {
			continue
		}
		if p.Feed != "sim-korea-sat" {
			t.Errorf("a detection of feed %q", p.Feed)
		}
		if p.Status == "matched" {
			matched++
			continue
		}
		if p.LowScore {
			continue // a false detection the scenario scores low
		}
		darkSeen++
		staged := false
		for _, d := range dark[p.Scene] {
			if geo.Distance(d[0], d[1], f.Geometry.Coordinates[1], f.Geometry.Coordinates[0]) < 10 {
				staged = true
			}
		}
		for _, d := range alongside {
			if geo.Distance(d[0], d[1], f.Geometry.Coordinates[1], f.Geometry.Coordinates[0]) < 2000 {
				staged = true
			}
		}
		if !staged {
			t.Errorf("scene %s: a detection at %v is dark and the scenario staged no dark vessel there (a ship the AIS heard looks dark)", p.Scene, f.Geometry.Coordinates)
		}
	}
	if matched == 0 || darkSeen == 0 {
		t.Errorf("%d SAR detections matched to AIS, %d dark: want both", matched, darkSeen)
	}
}
