package node

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/cluster"
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/places"
	"github.com/picket-ais/picket/internal/server"
	"github.com/picket-ais/picket/internal/sightings"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/store"
	"github.com/picket-ais/picket/internal/zone"
)

// Options configures Run.
type Options struct {
	// Config is the node's configuration (LoadConfig, Demo). Required.
	Config *Config
	// AnyPort listens on any free port of 127.0.0.1 when Config.Listen is
	// taken (the demo). Default false: a taken address is an error.
	AnyPort bool
	// UI is the web map's handler, served at "/". Default: a page that
	// links the API.
	UI http.Handler
	// Logger receives the node's logs, a child per component. Default:
	// discard.
	Logger *slog.Logger
	// Version is picket's version, for the manifest of evidence
	// packages. Default: the build's.
	Version string
}

// placesOf loads the places a config names.
func placesOf(cfg *Config, logger *slog.Logger) (detect.Places, error) {
	return places.Load(places.Options{Ports: cfg.Ports, Zones: cfg.Zones, Watchlists: cfg.Watchlists,
		Warn: func(path string, err error) { logger.Warn("watchlist row skipped", "file", path, "err", err) }})
}

// Ready is what Run tells its caller once the node answers.
type Ready struct {
	// URL is the server's address, e.g. http://127.0.0.1:8080/.
	URL string
	// Pipeline is the node's live pipeline (its feeds' state, Done).
	Pipeline *live.Pipeline
	// Cluster is the node's part of a cluster, nil for a node alone.
	Cluster *cluster.Node
}

// Run runs a node until ctx is done; ready, when not nil, is called once
// the server answers and the pipeline runs. See the package documentation
// for the order of start and stop.
func Run(parent context.Context, opts Options, ready func(Ready)) error {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(parent)
	defer stop()
	cfg := opts.Config

	if cfg.Data == "" {
		return configError(errors.New("no data directory (data: DIR, or --data DIR)"))
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:8080"
	}
	if err := checkListen(cfg.Listen); err != nil {
		// Before anything is opened or written: a typo in the port
		// must not leave a store and an access.json behind.
		return configError(err)
	}
	var retention, stale time.Duration
	var err error
	if cfg.Retention != "" {
		if retention, err = ParseDays(cfg.Retention); err != nil {
			return configError(fmt.Errorf("retention %v", err))
		}
	}
	if cfg.StaleAfter != "" {
		if stale, err = ParseDays(cfg.StaleAfter); err != nil {
			return configError(fmt.Errorf("stale_after %v", err))
		}
	}
	feeds, err := cfg.LiveFeeds()
	if err != nil {
		return configError(err)
	}
	places, err := placesOf(cfg, logger)
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
	if cfg.Federation != nil {
		// A linked partner's feeds run on its own cluster: they are
		// listed for their bits and labels only.
		lopts.Feeds = nil
		for _, f := range feeds {
			if !cfg.linkedPartner(f.Partner) {
				lopts.Feeds = append(lopts.Feeds, f)
			}
		}
	}
	if err := lopts.Validate(); err != nil {
		return configError(err)
	}
	var copts cluster.Options
	if cfg.Cluster != nil {
		if copts, err = cfg.clusterOptions(); err != nil {
			return configError(err)
		}
	}
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return err
	}
	reg0, err := access.Load(cfg.Data)
	if err != nil {
		return err
	}
	if err := checkFeedLabels(reg0, feeds); err != nil {
		return configError(err)
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
	feedBits := map[string]int{} // every feed the registry knows, by name
	recs := make([]access.FeedRecord, len(feeds))
	for i, f := range feeds {
		recs[i] = access.FeedRecord{Name: f.Name, Owner: f.Partner, Label: f.Label}
	}
	err = access.Update(cfg.Data, func(r *access.Registry) error {
		got, err := r.AssignFeeds(recs)
		if err != nil {
			return configError(err)
		}
		for i := range got {
			lopts.FeedBits = append(lopts.FeedBits, got[i].Bit)
		}
		bits := make([]store.FeedBit, len(r.Feeds))
		for i, f := range r.Feeds {
			bits[i] = store.FeedBit{Name: f.Name, Bit: f.Bit}
			feedBits[f.Name] = f.Bit
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
	var cfeeds []cluster.Feed
	feedOwners := map[string]string{}
	for _, f := range feeds {
		feedOwners[f.Name] = f.Partner
	}
	if cfg.Cluster != nil {
		// In a cluster the node's feeds publish to the cluster's lines
		// stream; the pipeline runs no feed of its own, and the store is
		// the read model the cluster keeps.
		for i, f := range feeds {
			if cfg.linkedPartner(f.Partner) {
				continue // its partner's cluster runs it; what it releases here comes over the link
			}
			if f.Kind == live.Radar || f.Kind == live.Detections {
				p0 := i + 1
				return configError(fmt.Errorf("feed %d (%s): %s feeds do not run in a cluster yet (docs/cluster.md)", p0, f.Name, f.Kind))
			}
			if on := cfg.Feeds[i].Node; on != "" && on != copts.Name {
				continue // another node runs it; its records carry its bit here too
			}
			if f.Reorder > 0 {
				logger.Warn("a feed's reorder window is not applied in a cluster yet", "feed", f.Name)
			}
			cfeeds = append(cfeeds, cluster.Feed{Source: f.SourceConfig(), Nmea: nmea.Options{Location: f.Location}})
		}
		lopts.Feeds, lopts.FeedBits = nil, nil
	}
	// A detections feed's deliveries go to the server's desk, which
	// knows each partner's clearance; the pipeline runs only once the
	// server is made.
	var srv *server.Server
	lopts.Deliver = func(feed string, d source.Delivery) error { return srv.Deliver(feed, d) }
	p, err := live.New(lopts, st, logger.With("component", "live"), reg)
	if err != nil {
		return err
	}
	sdesk, err := sightings.Open(sightings.Options{Dir: cfg.Data, Store: st, Encounter: live.DarkEncounterOptions(dopts, places),
		Logger: logger.With("component", "sightings")})
	if err != nil {
		p.Close()
		return err
	}
	defer sdesk.Close()
	var cn *cluster.Node
	if cfg.Cluster != nil {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		cn, err = cluster.Start(sctx, cluster.NodeOptions{Cluster: copts, Feeds: cfeeds,
			Core:  ingest.Options{Detect: dopts, Places: places},
			Store: st, FeedBits: feedBits, FeedOwners: feedOwners, AppliedFile: filepath.Join(cfg.Data, "cluster-applied"),
			Releases: func(partner string) map[string]bool { return guard.Registry().ClearedFeeds(partner) },
			Logger:   logger.With("component", "cluster"), Registerer: reg,
			Applied: func(ps []store.Position, evs []cluster.Event) {
				// The node's live stream carries what the cluster found.
				if hub := p.Hub(); hub.Subscribers() > 0 {
					lps := make([]live.Position, len(ps))
					for i := range ps {
						lps[i] = live.Position{Position: ps[i]}
					}
					hub.PublishPositions(lps)
					for i := range evs {
						hub.PublishAlert(&evs[i].Event, evs[i].Prov)
					}
				}
			}})
		cancel()
		if err != nil {
			p.Close()
			return err
		}
		defer cn.Close()
		logger.Info("cluster node", "name", copts.Name, "listen", cn.ClusterAddr(), "partitions", copts.Partitions, "replicas", copts.Replicas)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil && opts.AnyPort {
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
		TLS: tlsConf, Version: opts.Version, Sightings: sdesk}
	sopts.UI = opts.UI
	if cn != nil && cfg.Federation != nil {
		sopts.Links = cn.Links
	}
	var zones *zone.Set
	if cfg.Zones != "" {
		if zones, err = zone.LoadFile(cfg.Zones); err != nil {
			ln.Close()
			p.Close()
			return err
		}
	}
	desk, err := alert.Open(alert.Options{Dir: cfg.Data, Zones: zones, Webhooks: cfg.Alerts.Webhooks,
		Logger: logger.With("component", "alert"), Registerer: reg})
	if err != nil {
		ln.Close()
		p.Close()
		return configError(err)
	}
	sopts.Alerts = desk
	for _, c := range cfg.CoT {
		o, err := c.options()
		if err != nil {
			ln.Close()
			p.Close()
			return configError(err)
		}
		sopts.CoT = append(sopts.CoT, o)
	}
	srv = server.New(p, sopts, logger.With("component", "server"), reg)

	url := scheme + "://" + ln.Addr().String() + "/"
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		url = fmt.Sprintf("%s://127.0.0.1:%d/", scheme, tcp.Port)
	}
	logger.Info("serving", "url", url, "data", cfg.Data, "feeds", len(feeds))

	httpCtx, stopHTTP := context.WithCancel(context.Background())
	defer stopHTTP()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(httpCtx, ln) }()
	ran := make(chan error, 1)
	go func() { ran <- p.Run(ctx) }()
	if cfg.Stage != nil {
		go cfg.Stage(ctx, p)
	}
	if ready != nil {
		ready(Ready{URL: url, Pipeline: p, Cluster: cn})
	}

	// Shutdown in pipeline order: feeds, decoding, detection and the
	// store's flush (Run drains them), then HTTP, then the store.
	var runErr error
	select {
	case <-ctx.Done():
		if cn != nil {
			cn.Close() // feeds, partitions given back, read model
		}
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

// checkListen refuses an HTTP address that cannot be listened on for
// its form: not host:port, or a port that is not a number from 0 to
// 65535.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen %q: want host:port", clipValue(addr))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("listen %q: port %q: want a number from 0 to 65535", clipValue(addr), clipValue(port))
	}
	return nil
}

// clipValue bounds what an error repeats of a bad value.
func clipValue(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
