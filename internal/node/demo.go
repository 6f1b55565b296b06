package node

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/server"
	"github.com/picket-ais/picket/internal/sim"
)

// Demo makes the demo's config: a simulated scenario and the bundled real
// logs replayed as live (data, when not "", keeps the store), with
// partners, groups, users and a login token per user. Remove dir when
// done: it holds the scenario (and the store, without data).
func Demo(data string, logger *slog.Logger) (cfg *Config, dir string, logins []Login, err error) {
	cfg, dir, err = demoConfig(data, logger)
	if err != nil {
		return nil, "", nil, err
	}
	if logins, err = demoAccess(cfg); err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, err
	}
	if err := demoRule(cfg.Data); err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, err
	}
	return cfg, dir, logins, nil
}

// demoRule gives the demo's JPN analyst an alert rule over the simulated
// scenario's waters (the Yellow Sea and around Korea), for meetings and
// loitering, so that its inbox fills with what JPN may see as the demo
// plays; it is added once per data directory.
func demoRule(data string) error {
	d, err := alert.Open(alert.Options{Dir: data})
	if err != nil {
		return err
	}
	if len(d.Rules("JPN")) > 0 {
		return nil
	}
	_, err = d.AddRule("JPN", "jpn-analyst", alert.Rule{
		Name:     "Yellow Sea meetings",
		Area:     alert.Area{Polygon: [][2]float64{{117.5, 30}, {131, 30}, {131, 41}, {117.5, 41}}},
		Triggers: alert.Triggers{Events: []string{string(event.Encounter), string(event.DarkRendezvous), string(event.Loitering)}},
	})
	return err
}

// demoConfig makes the demo: a simulated scenario generated now, its
// first hours played at once so that its staged events are there from the
// start and the rest played in its own time, moved to now, beginning a
// couple of minutes before a staged behaviour is alerted (a jump, a ship
// reappearing from a dark period, a meeting that qualifies), so that an
// alert comes in while the user watches (liveSkip); the scenario's
// satellite passes delivered as a detections feed as the replay passes
// them (demoPasses, run as the config's Stage); and the bundled real logs
// replayed as live, their times moved to now.
func demoConfig(data string, logger *slog.Logger) (*Config, string, error) {
	tmp, err := os.MkdirTemp("", "picket-demo-")
	if err != nil {
		return nil, "", err
	}
	if data == "" {
		data = filepath.Join(tmp, "store")
	}
	start := time.Now().UTC().Truncate(time.Second).Add(-23 * time.Hour)
	began := time.Now()
	res, err := sim.WriteDir(sim.Options{Seed: 1, Vessels: 150, Hours: 24, Start: start, SAR: true, VIIRS: true}, filepath.Join(tmp, "sim"))
	if err != nil {
		os.RemoveAll(tmp)
		return nil, "", err
	}
	logger.Info("demo scenario generated", "dir", filepath.Join(tmp, "sim"), "lines", res.Stats.Lines, "truth_events", len(res.Truth), "took", time.Since(began).Round(time.Millisecond))
	center, zoom := [2]float64{127.5, 35.5}, 5.0 // the simulated scenario's waters
	skip := liveSkip(res.Truth, start)
	delivered, staging := filepath.Join(tmp, "delivered"), filepath.Join(tmp, "staging")
	scenes := filepath.Join(tmp, "scenes.csv")
	for _, d := range []string{delivered, staging} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			os.RemoveAll(tmp)
			return nil, "", err
		}
	}
	passes := newDemoPasses(res, delivered, scenes, staging, "sim-korea", start.Add(skip).UnixMilli(), logger)
	if err := passes.writeScenes(math.MinInt64, 0); err != nil { // none yet
		os.RemoveAll(tmp)
		return nil, "", err
	}
	cfg := &Config{
		Data:       data,
		StaleAfter: "6h",
		Map:        server.MapConfig{Center: &center, Zoom: &zoom},
		Zones:      filepath.Join(tmp, "sim", sim.ZonesFile),
		Watchlists: []string{filepath.Join(tmp, "sim", sim.WatchlistFile)},
		Feeds: []FeedConfig{{Name: "sim-korea", Partner: "KOR", Label: "REL TO KOR, JPN, USA", Kind: "file",
			File: filepath.Join(tmp, "sim", sim.FeedFile), Speed: 1, Skip: skip.String(), Rebase: true},
			// The scenario's satellite passes (SAR images, VIIRS night
			// granules), each delivered a few minutes of the replay after
			// it (demopasses.go).
			{Name: "sim-korea-sat", Partner: "KOR", Label: "REL TO KOR, JPN, USA", Kind: "detections",
				Path: delivered, Format: "auto", Scenes: scenes}},
		Stage: passes.run,
	}
	// The real logs ship with the source tree, not the binary: run the
	// demo from the repository to have them.
	for _, r := range []FeedConfig{
		{Name: "norway", Partner: "NOR", Label: "REL TO NATO", File: "testdata/aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4"},
		{Name: "norway-2024", Partner: "NOR", Label: "REL TO NATO", File: "testdata/aivdm/kystverket_norway_tagblock_2024-12-10.nm4"},
		{Name: "world-sat", Partner: "CAN", Label: "REL TO FVEY", File: "testdata/aivdm/aisdb_tagblock_2021-11-01.nm4", Reorder: "1m"},
		{Name: "seine", Partner: "FRA", Label: "REL TO FRA, NATO", File: "testdata/aivdm/vernon_seine_2016/ais_vernon_20160331.log.gz", Skip: "10h", TZ: "Europe/Paris"},
	} {
		if _, err := os.Stat(r.File); err != nil {
			logger.Info("demo log not found: run from the repository to replay it", "file", r.File)
			continue
		}
		r.Kind, r.Speed, r.Rebase = "file", 1, true
		cfg.Feeds = append(cfg.Feeds, r)
	}
	return cfg, tmp, nil
}

// Login is a login link the demo prints: who logs in, with which secret
// (a token, shown once).
type Login struct {
	Who, Secret string
}

// demoAccess gives the demo's store partners, groups, users and tokens
// (kept if the store is reused with --data), so that the demo shows what
// each partner sees.
func demoAccess(cfg *Config) ([]Login, error) {
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return nil, err
	}
	users := []struct {
		name, partner string
		role          access.Role
		sees          string
	}{
		{"usa-watch", "USA", access.Admin, "every feed"},
		{"jpn-analyst", "JPN", access.Analyst, "the Korean feed"},
		{"gbr-viewer", "GBR", access.Viewer, "NATO and FVEY feeds"},
	}
	var out []Login
	err := access.Update(cfg.Data, func(r *access.Registry) error {
		for _, p := range []string{"USA", "GBR", "CAN", "AUS", "NZL", "FRA", "NOR", "JPN", "KOR"} {
			if _, ok := r.LookupPartner(p); !ok {
				if err := r.AddPartner(p, nil); err != nil {
					return err
				}
			}
		}
		for name, members := range map[string][]string{"NATO": {"USA", "GBR", "CAN", "FRA", "NOR"}, "FVEY": {"USA", "GBR", "CAN", "AUS", "NZL"}} {
			if _, ok := r.LookupPartner(name); !ok {
				if err := r.AddPartner(name, members); err != nil {
					return err
				}
			}
		}
		now := time.Now()
		for _, u := range users {
			if _, ok := r.LookupUser(u.name); !ok {
				if err := r.AddUser(u.name, u.partner, u.role, ""); err != nil {
					return err
				}
			}
			secret, _, err := r.CreateToken(u.name, "demo", 24*time.Hour, now)
			if err != nil {
				return err
			}
			out = append(out, Login{Who: fmt.Sprintf("%s (%s %s, %s):", u.partner, u.name, u.role, u.sees), Secret: secret})
		}
		return nil
	})
	return out, err
}

// Where the demo's scenario starts playing in its own time: at least
// liveMinHistory of it played at once before (the map has ships and
// events from the start), and liveLead before the first staged behaviour
// after that is alerted, so that its alert comes in a couple of minutes
// after the demo starts. Without one, the last hour plays live.
const (
	liveMinHistory = 12 * time.Hour
	liveLead       = 2 * time.Minute
)

func liveSkip(truth []event.Event, start time.Time) time.Duration {
	d := detect.DefaultOptions()
	best := time.Duration(0)
	for _, e := range truth {
		// When a server alerts it: an episode once it qualifies, a
		// silence when the vessel reappears, a jump once the track has
		// gone on from the new place.
		var at time.Time
		switch {
		case e.Type == event.Encounter:
			at = e.Start.Add(d.Encounter.MinDuration)
		case e.Type == event.Loitering:
			at = e.Start.Add(d.Loitering.MinDuration)
		case e.Type == event.Gap || e.Type == event.DarkRendezvous:
			at = e.End
		case e.Type == event.Spoofing && e.Subtype == event.ImpossibleSpeed:
			at = e.Start.Add(d.Spoofing.Stay)
		default:
			continue
		}
		skip := at.Sub(start) - liveLead
		if skip >= liveMinHistory && (best == 0 || skip < best) {
			best = skip
		}
	}
	if best == 0 {
		return 23 * time.Hour
	}
	return best.Truncate(time.Second)
}
