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

	"github.com/picket-ais/picket/internal/detection"
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

// TestDemoPassFiles: the demo splits a scenario's SAR images and VIIRS
// granules into one delivery each, in time order, and writes each in its
// layout with every time moved by the replay's shift, the scenes file
// holding the images taken so far; the detections reader reads them back.
func TestDemoPassFiles(t *testing.T) {
	dir := t.TempDir()
	res, err := sim.WriteDir(sim.Options{Seed: 3, Vessels: 40, Hours: 24, SAR: true, VIIRS: true}, filepath.Join(dir, "sim"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SAR.Scenes) == 0 || len(res.VIIRS.Detections) == 0 {
		t.Fatalf("the scenario has %d SAR images and %d VIIRS detections", len(res.SAR.Scenes), len(res.VIIRS.Detections))
	}
	granules := map[string]bool{}
	for _, d := range res.VIIRS.Detections {
		granules[d.File] = true
	}
	delivered, staging, scenes := filepath.Join(dir, "delivered"), filepath.Join(dir, "staging"), filepath.Join(dir, "scenes.csv")
	for _, d := range []string{delivered, staging} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	d := newDemoPasses(res, delivered, scenes, staging, "sim", 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if len(d.passes) != len(res.SAR.Scenes)+len(granules) {
		t.Fatalf("%d passes of %d images and %d granules", len(d.passes), len(res.SAR.Scenes), len(granules))
	}
	const shift = 36 * 3600 * 1000
	rows := 0
	for i, p := range d.passes {
		if i > 0 && p.at < d.passes[i-1].at {
			t.Errorf("pass %s before %s", p.name, d.passes[i-1].name)
		}
		if err := d.deliver(p, shift); err != nil {
			t.Fatal(err)
		}
		set := detection.NewSet()
		f, err := os.Open(filepath.Join(delivered, p.name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		err = set.Read(f, p.name)
		f.Close()
		if err != nil || len(set.Detections) == 0 {
			t.Fatalf("%s: %v, %d rows", p.name, err, set.Rows)
		}
		for _, b := range set.BadRows {
			if !strings.HasSuffix(b.Reason, "is not a boat") { // VIIRS's gas flares and recurring lights are staged
				t.Errorf("%s: %d rows not used: %s", p.name, b.Rows, b.Reason)
			}
		}
		rows += set.Rows
		for _, det := range set.Detections {
			if det.Time < p.at+shift-24*3600*1000 || det.Time > p.at+shift {
				t.Errorf("%s: a detection at %s, the pass moved to %s", p.name, time.UnixMilli(det.Time).UTC(), time.UnixMilli(p.at+shift).UTC())
			}
		}
		sf, err := os.Open(scenes)
		if err != nil {
			t.Fatal(err)
		}
		err = set.ReadScenes(sf, "scenes.csv")
		sf.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range res.SAR.Scenes {
			if _, ok := set.Scenes[sc.ID]; ok != (sc.Time <= p.at) {
				t.Errorf("after %s: scene %s (at %d) in the scenes file: %v", p.name, sc.ID, sc.Time, ok)
			}
		}
	}
	if want := len(res.SAR.Detections) + len(res.VIIRS.Detections); rows != want {
		t.Errorf("the deliveries hold %d rows, the scenario %d detections", rows, want)
	}
}
