package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/server"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// webUI, when set, returns the handler of the embedded web map, served at
// "/". Hook for package web: a file of this package sets it in an init
// function (webUI = web.Handler); until then the server shows a
// placeholder page that links the API.
var webUI func() http.Handler

// serveConfig is the YAML file of `picket serve --config`.
type serveConfig struct {
	// Listen is the HTTP address. Default 127.0.0.1:8080.
	Listen string `yaml:"listen"`
	// Data is the store's directory. Required in a config file.
	Data string `yaml:"data"`
	// Retention drops data older than this (a duration such as 2160h, or
	// days: 90d). Default: keep everything.
	Retention string `yaml:"retention"`
	// StaleAfter is how old a vessel's last position may be and the
	// vessel still be on the map. Default 1h.
	StaleAfter string `yaml:"stale_after"`
	// Detect is a file of detector thresholds (picket analyze --print-config).
	Detect     string       `yaml:"detect"`
	Watchlists []string     `yaml:"watchlists"`
	Zones      string       `yaml:"zones"`
	Ports      string       `yaml:"ports"`
	Feeds      []feedConfig `yaml:"feeds"`
	// Map configures the web map: an optional online tile URL, where it
	// opens.
	Map server.MapConfig `yaml:"map"`
	// TLS serves HTTPS with this certificate and key (PEM files).
	TLS struct {
		Cert string `yaml:"cert"`
		Key  string `yaml:"key"`
	} `yaml:"tls"`
	// Limits bound what one client may ask.
	Limits struct {
		// RatePerSecond and Burst: requests per token. Defaults 50 and 200.
		RatePerSecond float64 `yaml:"rate_per_second"`
		Burst         int     `yaml:"burst"`
		// LoginsPerMinute: login attempts per client address. Default 10.
		LoginsPerMinute float64 `yaml:"logins_per_minute"`
		// MaxBodyBytes: request bodies. Default 1 MiB.
		MaxBodyBytes int64 `yaml:"max_body_bytes"`
		// MaxStreams, MaxStreamsPerUser, MaxStreamsPerToken: live streams
		// open at once. Defaults 256, 16 and 8.
		MaxStreams         int `yaml:"max_streams"`
		MaxStreamsPerUser  int `yaml:"max_streams_per_user"`
		MaxStreamsPerToken int `yaml:"max_streams_per_token"`
		// MaxConns, MaxConnsPerAddress: connections open at once, in
		// total and per client address. Defaults: half the open-file
		// limit (at most 4,096) and 64.
		MaxConns           int `yaml:"max_conns"`
		MaxConnsPerAddress int `yaml:"max_conns_per_address"`
	} `yaml:"limits"`
}

type feedConfig struct {
	Name    string  `yaml:"name"`
	Partner string  `yaml:"partner"`
	Label   string  `yaml:"label"`
	Kind    string  `yaml:"kind"` // tcp, tcp-listen, udp, file
	Address string  `yaml:"address"`
	File    string  `yaml:"file"`
	Speed   float64 `yaml:"speed"`
	Skip    string  `yaml:"skip"`
	Rebase  bool    `yaml:"rebase"`
	TZ      string  `yaml:"tz"`
	Reorder string  `yaml:"reorder"`
}

const exampleConfig = `# picket serve --config picket.yaml
listen: 127.0.0.1:8080
data: /var/lib/picket          # the store's directory
retention: 90d                 # drop data older than this (data time); omit to keep all
stale_after: 1h                # vessels not heard for this long leave the map
# Partners, users and tokens live in the data directory: picket partner add,
# picket user add, picket token create (see docs/security.md). Every request
# but /healthz and the map's files needs a token or a login.
# tls:                         # serve HTTPS
#   cert: /etc/picket/cert.pem
#   key: /etc/picket/key.pem
# limits:
#   rate_per_second: 50        # requests per token
#   burst: 200
#   logins_per_minute: 10      # login attempts per client address
#   max_body_bytes: 1048576
#   max_streams: 256           # live streams open at once: on the server,
#   max_streams_per_user: 16   # per user,
#   max_streams_per_token: 8   # per token
#   max_conns: 4096            # connections open at once, in total
#   max_conns_per_address: 64  # and per client address (IPv6: per /64)
# detect: thresholds.yaml      # picket analyze --print-config
# watchlists: [sdn.csv]
# zones: zones.geojson
# ports: ports.csv
# map:                         # the web map works offline; an online basemap is optional
#   tiles: https://tiles.example.org/{z}/{x}/{y}.png
#   tiles_attribution: "© the tile provider"
#   center: [127.5, 35.5]      # lon, lat where the map opens
#   zoom: 5
feeds:
  - name: jpn-coast            # shown in metrics and logs; provenance of every record
    partner: JPN               # owning partner
    label: REL TO JPN, USA     # releasability label, kept for access control
    kind: tcp                  # connect to a feed server, reconnect with backoff
    address: ais.example.org:5631
  - name: receivers
    partner: USA
    label: REL TO FVEY
    kind: tcp-listen           # receivers connect here and push NMEA
    address: 0.0.0.0:5632
  - name: udp-receivers
    partner: USA
    label: REL TO FVEY
    kind: udp                  # receivers send datagrams here
    address: 0.0.0.0:5633
  - name: archive
    partner: NOR
    label: REL TO NATO
    kind: file                 # replay a log as if live
    file: archive.nmea.gz
    speed: 0                   # 0: as fast as possible; 1: in its own time; 60: a minute per second
    # skip: 10h                # play the first 10 h of data at once, then pace
    # rebase: true             # shift the log's times to now (speed must be at most 1)
    # tz: Europe/Paris         # for logs stamped in local time
    # reorder: 30m             # any feed: hold reports this long to put them back in time order (satellite)
`

type serveFlags struct {
	config string
	listen string
	data   string
	print  bool
	debug  bool
}

func serveCommand() *cobra.Command {
	var fl serveFlags
	c := &cobra.Command{
		Use:   "serve [--config picket.yaml]",
		Short: "Run the live maritime picture: feeds in, an API, a live stream and a map out",
		Long: `Serve ingests AIS from the feeds of a config file (TCP clients, TCP and UDP
listeners, file replays), tracks every vessel, runs every detector on the
data's own time, keeps positions, identities and events in an embedded store,
and serves the API (docs/api.md), a live stream of positions and alerts, the
web map, /metrics and /healthz.

Without --config it runs a demo: bundled real logs (Norway, a worldwide
satellite sample, a day on the Seine) replayed as live feeds, and a
simulated scenario with staged ship-to-ship transfers, dark periods and
spoofing, on a store in a temporary directory, so that ships and alerts
show at once.

Stop it with Ctrl-C: feeds stop, what was received is processed and stored,
then the server stops.`,
		Example: `  picket serve                         # the demo
  picket serve --config picket.yaml
  picket serve --print-config > picket.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fl.print {
				_, err := io.WriteString(os.Stdout, exampleConfig)
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, &fl, nil)
		},
	}
	f := c.Flags()
	f.StringVar(&fl.config, "config", "", "YAML config file (see --print-config); without it, the demo")
	f.StringVar(&fl.listen, "listen", "", "HTTP address, overriding the config's (default 127.0.0.1:8080)")
	f.StringVar(&fl.data, "data", "", "store directory, overriding the config's (the demo's default is a new temporary directory)")
	f.BoolVar(&fl.print, "print-config", false, "print an example config file and exit")
	f.BoolVar(&fl.debug, "debug", false, "debug logging")
	return c
}

// parseDays reads a Go duration or a number of days ("90d").
func parseDays(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q: want a duration such as 90d or 12h", s)
		}
		return time.Duration(n * 24 * float64(time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration such as 90d or 12h", s)
	}
	return d, nil
}

// loadServeConfig reads and checks a config file; relative paths in it
// are relative to the file.
func loadServeConfig(path string) (*serveConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c serveConfig
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, usageError{fmt.Errorf("%s: %v", path, err)}
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Data, c.Detect, c.Zones, c.Ports = rel(c.Data), rel(c.Detect), rel(c.Zones), rel(c.Ports)
	c.TLS.Cert, c.TLS.Key = rel(c.TLS.Cert), rel(c.TLS.Key)
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return nil, usageError{fmt.Errorf("%s: tls needs both cert and key", path)}
	}
	for i := range c.Watchlists {
		c.Watchlists[i] = rel(c.Watchlists[i])
	}
	for i := range c.Feeds {
		c.Feeds[i].File = rel(c.Feeds[i].File)
	}
	return &c, nil
}

// feeds turns the config's feeds into the pipeline's.
func (c *serveConfig) feeds() ([]live.Feed, error) {
	var out []live.Feed
	for i, f := range c.Feeds {
		lf := live.Feed{Name: f.Name, Partner: f.Partner, Label: f.Label, Kind: live.Kind(f.Kind), Address: f.Address,
			File: f.File, Speed: f.Speed, Rebase: f.Rebase}
		if f.Skip != "" {
			d, err := parseDays(f.Skip)
			if err != nil {
				return nil, fmt.Errorf("feed %d (%s): skip %v", i+1, f.Name, err)
			}
			lf.Skip = d
		}
		if f.Reorder != "" {
			d, err := parseDays(f.Reorder)
			if err != nil {
				return nil, fmt.Errorf("feed %d (%s): reorder %v", i+1, f.Name, err)
			}
			lf.Reorder = d
		}
		if f.TZ != "" {
			loc, err := time.LoadLocation(f.TZ)
			if err != nil {
				return nil, fmt.Errorf("feed %d (%s): tz %q: unknown time zone", i+1, f.Name, f.TZ)
			}
			lf.Location = loc
		}
		out = append(out, lf)
	}
	return out, nil
}

// runServe serves until ctx is done; ready, when not nil, is called with
// the server's URL once it answers.
func runServe(parent context.Context, fl *serveFlags, ready func(url string)) error {
	level := slog.LevelInfo
	if fl.debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := context.WithCancel(parent)
	defer stop()

	var cfg *serveConfig
	var logins []demoLogin
	demo := fl.config == ""
	if demo {
		var tmp string
		var err error
		if cfg, tmp, err = demoConfig(fl.data, logger); err != nil {
			return err
		}
		if logins, err = demoAccess(cfg); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		// The demo's scenario (and its store, unless --data) go with it.
		defer os.RemoveAll(tmp)
	} else {
		var err error
		if cfg, err = loadServeConfig(fl.config); err != nil {
			return err
		}
		if fl.data != "" {
			cfg.Data = fl.data
		}
		if cfg.Data == "" {
			return usageError{fmt.Errorf("%s: no data directory (data: DIR, or --data DIR)", fl.config)}
		}
	}
	if fl.listen != "" {
		cfg.Listen = fl.listen
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:8080"
	}
	var retention, stale time.Duration
	var err error
	if cfg.Retention != "" {
		if retention, err = parseDays(cfg.Retention); err != nil {
			return usageError{fmt.Errorf("retention %v", err)}
		}
	}
	if cfg.StaleAfter != "" {
		if stale, err = parseDays(cfg.StaleAfter); err != nil {
			return usageError{fmt.Errorf("stale_after %v", err)}
		}
	}
	feeds, err := cfg.feeds()
	if err != nil {
		return usageError{err}
	}
	af := &analyzeFlags{zones: cfg.Zones, watchlists: cfg.Watchlists, ports: cfg.Ports}
	places, err := loadPlaces(af)
	if err != nil {
		return err
	}
	var dopts detect.Options
	if cfg.Detect != "" {
		f, err := os.Open(cfg.Detect)
		if err != nil {
			return err
		}
		dopts, err = detect.LoadConfig(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", cfg.Detect, err)
		}
	}

	lopts := live.Options{Feeds: feeds, Places: places, Detect: dopts, KeepRunning: true}
	if err := lopts.Validate(); err != nil {
		return usageError{err}
	}
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return err
	}
	reg0, err := access.Load(cfg.Data)
	if err != nil {
		return err
	}
	if err := checkFeedLabels(reg0, feeds); err != nil {
		return usageError{err}
	}
	st, err := store.Open(cfg.Data, store.Options{Retention: retention, Logger: logger.With("component", "store")})
	if err != nil {
		return err
	}
	defer st.Close()
	// Each feed keeps the bit its records carry in this data directory,
	// whatever its place in the config. The store keeps the bits too, so
	// that access.json lost or restored from an older copy cannot
	// re-label the stored records: then nothing is written and serve
	// stops.
	recs := make([]access.FeedRecord, len(feeds))
	for i, f := range feeds {
		recs[i] = access.FeedRecord{Name: f.Name, Owner: f.Partner, Label: f.Label}
	}
	err = access.Update(cfg.Data, func(r *access.Registry) error {
		got, err := r.AssignFeeds(recs)
		if err != nil {
			return usageError{err}
		}
		for i := range got {
			lopts.FeedBits = append(lopts.FeedBits, got[i].Bit)
		}
		bits := make([]store.FeedBit, len(r.Feeds))
		for i, f := range r.Feeds {
			bits[i] = store.FeedBit{Name: f.Name, Bit: f.Bit}
		}
		if err := st.BindFeeds(bits); err != nil {
			if errors.Is(err, store.ErrFeedBits) {
				return fmt.Errorf("%w\nThe feeds' bits in %s (after giving the config's feeds theirs) differ from those the stored records carry. "+
					"If %s was lost or restored from an older copy, restore the copy that matches, or give each feed in its \"feeds\" list the bit %s has for it; "+
					"to label the data afresh, use a new data directory. Nothing was changed.",
					err, access.File, access.File, store.FeedsFile)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	guard, err := access.OpenGuard(cfg.Data, logger.With("component", "access"))
	if err != nil {
		return err
	}
	if len(guard.Registry().Users) == 0 {
		logger.Warn("no users yet: nobody can log in; see picket user add and picket token create (docs/security.md)", "data", cfg.Data)
	}
	audit, err := access.OpenAudit(filepath.Join(cfg.Data, "audit.jsonl"))
	if err != nil {
		return err
	}
	defer audit.Close()
	audit.SetLogger(logger.With("component", "audit"))
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	p, err := live.New(lopts, st, logger.With("component", "live"), reg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil && demo && fl.listen == "" {
		ln, err = net.Listen("tcp", "127.0.0.1:0") // the demo takes any free port
	}
	if err != nil {
		p.Close()
		return err
	}
	scheme := "http"
	var tlsConf *tls.Config
	if cfg.TLS.Cert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLS.Cert, cfg.TLS.Key)
		if err != nil {
			ln.Close()
			p.Close()
			return fmt.Errorf("tls: %w", err)
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	sopts := server.Options{StaleAfter: stale, Gatherer: reg, Map: cfg.Map, Access: guard, Audit: audit,
		RatePerSecond: cfg.Limits.RatePerSecond, RateBurst: cfg.Limits.Burst, LoginsPerMinute: cfg.Limits.LoginsPerMinute,
		MaxBodyBytes: cfg.Limits.MaxBodyBytes, MaxStreams: cfg.Limits.MaxStreams, MaxStreamsPerUser: cfg.Limits.MaxStreamsPerUser,
		MaxStreamsPerToken: cfg.Limits.MaxStreamsPerToken, MaxConns: cfg.Limits.MaxConns, MaxConnsPerAddr: cfg.Limits.MaxConnsPerAddress,
		TLS: tlsConf}
	if webUI != nil {
		sopts.UI = webUI()
	}
	srv := server.New(p, sopts, logger.With("component", "server"), reg)

	url := scheme + "://" + ln.Addr().String() + "/"
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		url = fmt.Sprintf("%s://127.0.0.1:%d/", scheme, tcp.Port)
	}
	fmt.Fprintf(os.Stderr, "picket: serving %s (data in %s, %d feeds)\n", url, cfg.Data, len(feeds))
	if demo {
		fmt.Fprintf(os.Stderr, "picket: demo: each partner sees only what its feeds' labels release to it. Open one of:\n")
		for _, l := range logins {
			fmt.Fprintf(os.Stderr, "  %-34s %s#login=%s\n", l.who, url, l.secret)
		}
		fmt.Fprintf(os.Stderr, "picket: the API takes the same tokens: curl -H 'Authorization: Bearer <token>' %sapi/vessels; Ctrl-C to stop\n", url)
	}

	httpCtx, stopHTTP := context.WithCancel(context.Background())
	defer stopHTTP()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(httpCtx, ln) }()
	ran := make(chan error, 1)
	go func() { ran <- p.Run(ctx) }()
	if ready != nil {
		ready(url)
	}

	// Shutdown in pipeline order: feeds, decoding, detection and the
	// store's flush (Run drains them), then HTTP, then the store.
	var runErr error
	select {
	case <-ctx.Done():
		runErr = <-ran
	case err := <-served:
		stop()
		<-ran
		return fmt.Errorf("http server: %w", err)
	}
	logger.Info("pipeline drained", "events", p.Stats().Events, "positions", p.Stats().Stored)
	stopHTTP()
	if err := <-served; err != nil {
		logger.Warn("http shutdown", "err", err)
	}
	if err := st.Close(); err != nil {
		return err
	}
	if runErr != nil {
		logger.Warn("feeds failed", "err", runErr)
	}
	return nil
}

// demoConfig makes the demo: a simulated scenario generated now (24 h
// ending an hour from now, its first 23 h played at once so that its
// staged events are there from the start) and the bundled real logs
// replayed as live, their times moved to now.
func demoConfig(data string, logger *slog.Logger) (*serveConfig, string, error) {
	tmp, err := os.MkdirTemp("", "picket-demo-")
	if err != nil {
		return nil, "", err
	}
	if data == "" {
		data = filepath.Join(tmp, "store")
	}
	start := time.Now().UTC().Truncate(time.Second).Add(-23 * time.Hour)
	began := time.Now()
	res, err := sim.WriteDir(sim.Options{Seed: 1, Vessels: 150, Hours: 24, Start: start}, filepath.Join(tmp, "sim"))
	if err != nil {
		os.RemoveAll(tmp)
		return nil, "", err
	}
	logger.Info("demo scenario generated", "dir", filepath.Join(tmp, "sim"), "lines", res.Stats.Lines, "truth_events", len(res.Truth), "took", time.Since(began).Round(time.Millisecond))
	center, zoom := [2]float64{127.5, 35.5}, 5.0 // the simulated scenario's waters
	cfg := &serveConfig{
		Data:       data,
		StaleAfter: "6h",
		Map:        server.MapConfig{Center: &center, Zoom: &zoom},
		Zones:      filepath.Join(tmp, "sim", sim.ZonesFile),
		Watchlists: []string{filepath.Join(tmp, "sim", sim.WatchlistFile)},
		Feeds: []feedConfig{{Name: "sim-korea", Partner: "KOR", Label: "REL TO KOR, JPN, USA", Kind: "file",
			File: filepath.Join(tmp, "sim", sim.FeedFile), Speed: 1, Skip: "23h"}},
	}
	// The real logs ship with the source tree, not the binary: run the
	// demo from the repository to have them.
	for _, r := range []feedConfig{
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

// checkFeedLabels checks that every feed's label parses and names known
// partners, saying which feed is wrong.
func checkFeedLabels(r *access.Registry, feeds []live.Feed) error {
	fl := make([]access.FeedLabel, 0, len(feeds))
	for i, f := range feeds {
		if f.Partner == "" {
			return fmt.Errorf("feed %d (%s): no partner (the partner that owns it, e.g. partner: JPN)", i+1, f.Name)
		}
		l, err := access.ParseLabel(f.Label)
		if err != nil {
			return fmt.Errorf("feed %d (%s): %w", i+1, f.Name, err)
		}
		fl = append(fl, access.FeedLabel{Index: i, Owner: f.Partner, Label: l})
	}
	if err := r.CheckLabels(fl); err != nil {
		return fmt.Errorf("%w (add partners with picket partner add)", err)
	}
	return nil
}

// demoLogin is a login link the demo prints.
type demoLogin struct {
	who, secret string
}

// demoAccess gives the demo's store partners, groups, users and tokens
// (kept if the store is reused with --data), so that the demo shows what
// each partner sees.
func demoAccess(cfg *serveConfig) ([]demoLogin, error) {
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
	var out []demoLogin
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
			out = append(out, demoLogin{who: fmt.Sprintf("%s (%s %s, %s):", u.partner, u.name, u.role, u.sees), secret: secret})
		}
		return nil
	})
	return out, err
}
