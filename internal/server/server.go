package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/casefile"
	"github.com/picket-ais/picket/internal/cluster"
	"github.com/picket-ais/picket/internal/cot"
	"github.com/picket-ais/picket/internal/export"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/sightings"
	"github.com/picket-ais/picket/internal/store"
)

// Options configures a Server. The zero value means the defaults.
type Options struct {
	// StaleAfter is how old a vessel's latest position may be, before the
	// newest position stored, and still be "now" in /api/vessels (the
	// query's max_age overrides it). Default 1 h.
	StaleAfter time.Duration
	// SnapshotMaxAge is how old the risk picture (profiles, networks) may
	// be before a request rebuilds it. Default 5 s.
	SnapshotMaxAge time.Duration
	// DefaultLimit and MaxLimit bound /api/events. Defaults 1,000 and
	// 10,000 events.
	DefaultLimit, MaxLimit int
	// MaxExport bounds the events of one export. Default 100,000.
	MaxExport int
	// MaxTrackPoints bounds the points of one track response; the rest is
	// cut and the response says so. Default 100,000.
	MaxTrackPoints int
	// MaxTrackSpan bounds the time range of one track request. Default 31
	// days.
	MaxTrackSpan time.Duration
	// MaxBodyBytes bounds request bodies (the API takes none today).
	// Default 1 MiB.
	MaxBodyBytes int64
	// Heartbeat is how often an idle live stream gets a comment line, so
	// that proxies keep it open. Default 15 s.
	Heartbeat time.Duration
	// StreamRecheck is how often an open live stream checks its token
	// again when nothing is sent (it is checked before every message
	// too): a revoked token's stream ends, a narrowed clearance's stream
	// narrows, within this. Default 1 s.
	StreamRecheck time.Duration
	// MaxStreams, MaxStreamsPerUser and MaxStreamsPerToken bound the
	// live streams open at once, on the server, per user and per token;
	// more get 429. Defaults 256, 16 and 8.
	MaxStreams, MaxStreamsPerUser, MaxStreamsPerToken int
	// UI serves "/" and the web map's assets. Default: a placeholder page
	// linking the API.
	UI http.Handler
	// Map is what /api/config tells the web map: an optional online tile
	// URL and where to start. Zero: the offline chart, the map's own view.
	Map MapConfig
	// Gatherer is what /metrics exposes. Default prometheus.DefaultGatherer.
	Gatherer prometheus.Gatherer
	// ReadTimeout bounds reading one request, headers and body: a client
	// that sends a body slowly is cut off. Default 30 s.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing one response (the live stream sets its
	// own deadline before each write). Default 2 min.
	WriteTimeout time.Duration
	// MaxConns and MaxConnsPerAddr bound the connections open at once,
	// in total and per client address (an IPv6 client by its /64); more
	// are closed on arrival. MaxConns keeps descriptors in reserve for
	// the store and the feeds. Defaults: half the process's open-file
	// limit, at most 4,096 (1,024 when the limit is unknown), and 64.
	MaxConns, MaxConnsPerAddr int
	// TLS, when set, serves HTTPS (behind the connection limits).
	TLS *tls.Config
	// ShutdownTimeout bounds the wait for requests in flight on shutdown.
	// Default 10 s.
	ShutdownTimeout time.Duration
	// Access, when set, authenticates every request but /healthz, the web
	// map's files and POST /api/login, and gives each the view of its
	// partner (docs/security.md). Nil: an open server, everything visible
	// to everyone (tests, a single-agency laboratory).
	Access *access.Guard
	// Audit, when set, records who read or exported what.
	Audit *access.Audit
	// RatePerSecond and RateBurst limit the requests of one token.
	// Defaults 50 a second, bursts of 200.
	RatePerSecond float64
	RateBurst     int
	// LoginsPerMinute limits login attempts per client address (an IPv6
	// client by its /64). Default 10 a minute, bursts of 10.
	LoginsPerMinute float64
	// LoginFreeFailures is how many wrong passwords an account takes,
	// from any address, before each further one locks it out for twice
	// as long as the last, from 1 s up to LoginBackoffMax. Defaults 5
	// and 15 min.
	LoginFreeFailures int
	LoginBackoffMax   time.Duration
	// Alerts keeps the partners' alert rules and inboxes (the node's,
	// in its data directory). Serve runs it over the pipeline's hub.
	// Default: one that keeps them in memory.
	Alerts *alert.Desk
	// CoT are the Cursor on Target streams to TAK (package cot), each
	// with a partner's clearance. Default none.
	CoT []cot.Options
	// Links, in a federation, returns the state of the links to the
	// other partners (package cluster): /api/feeds lists them after the
	// feeds. Default none.
	Links func(ctx context.Context) []cluster.LinkStatus
	// Version is picket's version, written in the manifest of an
	// evidence package. Default: the build's (casefile.Version).
	Version string
	// Sightings keeps the satellite detections delivered to the server
	// (the node's, in its data directory). Default: one that keeps them
	// in memory.
	Sightings *sightings.Desk
}

func (o Options) withDefaults() Options {
	if o.StaleAfter <= 0 {
		o.StaleAfter = time.Hour
	}
	if o.Version == "" {
		o.Version = casefile.Version("")
	}
	if o.SnapshotMaxAge <= 0 {
		o.SnapshotMaxAge = 5 * time.Second
	}
	if o.DefaultLimit <= 0 {
		o.DefaultLimit = 1000
	}
	if o.MaxLimit <= 0 {
		o.MaxLimit = 10_000
	}
	o.DefaultLimit = min(o.DefaultLimit, o.MaxLimit)
	if o.MaxExport <= 0 {
		o.MaxExport = 100_000
	}
	if o.MaxTrackPoints <= 0 {
		o.MaxTrackPoints = 100_000
	}
	if o.MaxTrackSpan <= 0 {
		o.MaxTrackSpan = 31 * 24 * time.Hour
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 15 * time.Second
	}
	if o.StreamRecheck <= 0 {
		o.StreamRecheck = time.Second
	}
	if o.MaxStreams <= 0 {
		o.MaxStreams = 256
	}
	if o.MaxStreamsPerUser <= 0 {
		o.MaxStreamsPerUser = 16
	}
	if o.MaxStreamsPerToken <= 0 {
		o.MaxStreamsPerToken = 8
	}
	if o.UI == nil {
		o.UI = placeholder()
	}
	if o.Gatherer == nil {
		o.Gatherer = prometheus.DefaultGatherer
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 30 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 2 * time.Minute
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 1024
		if n := fdLimit(); n > 0 {
			o.MaxConns = min(4096, max(16, n/2))
		}
	}
	if o.MaxConnsPerAddr <= 0 {
		o.MaxConnsPerAddr = 64
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 10 * time.Second
	}
	if o.RatePerSecond <= 0 {
		o.RatePerSecond = 50
	}
	if o.RateBurst <= 0 {
		o.RateBurst = 200
	}
	if o.LoginsPerMinute <= 0 {
		o.LoginsPerMinute = 10
	}
	if o.LoginFreeFailures <= 0 {
		o.LoginFreeFailures = 5
	}
	if o.LoginBackoffMax <= 0 {
		o.LoginBackoffMax = 15 * time.Minute
	}
	return o
}

// Server is picket's HTTP API over a live pipeline and its store.
type Server struct {
	opts     Options
	log      *slog.Logger
	live     *live.Pipeline
	st       *store.Store
	mux      *http.ServeMux
	stopping chan struct{}
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec

	routes       map[string]route // by mux pattern
	limiter      *access.Limiter  // requests per token
	loginLimiter *access.Limiter  // logins per client address
	accounts     *access.Backoff  // wrong passwords per account
	// audit entries of refusals without a valid token: per address, in all
	anonDenials, anonDenialsAll *access.Limiter
	auditSuppressed             prometheus.Counter
	streams                     streamCounts
	csp                         string // Content-Security-Policy
	conns                       *connLimiter

	clearMu    sync.Mutex
	clearGen   uint64
	feedLabels []access.FeedLabel // at clearGen
	allFeeds   uint64             // their bits
	clearances map[string]uint64  // by partner, at clearGen

	pics pictures

	alerts *alert.Desk
	desk   *sightings.Desk
}

// New returns a server answering from p and its store. Metrics are
// registered with reg when it is not nil.
func New(p *live.Pipeline, opts Options, logger *slog.Logger, reg prometheus.Registerer) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts: opts.withDefaults(), log: logger, live: p, st: p.Store(), mux: http.NewServeMux(),
		stopping: make(chan struct{}), routes: make(map[string]route), clearances: make(map[string]uint64),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		auditSuppressed: prometheus.NewCounter(prometheus.CounterOpts{Name: "picket_audit_suppressed_total",
			Help: "Refusals of requests without a valid token not written to the audit log (over its rate)."}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "picket_http_request_seconds", Help: "HTTP request duration by route (live streams excluded).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route"}),
	}
	s.alerts = s.opts.Alerts
	if s.alerts == nil {
		s.alerts, _ = alert.Open(alert.Options{Logger: logger}) // in memory: nothing to fail
	}
	s.desk = s.opts.Sightings
	if s.desk == nil {
		s.desk, _ = sightings.Open(sightings.Options{Store: p.Store(), Logger: logger}) // in memory: nothing to fail
	}
	s.csp = contentSecurityPolicy(s.opts.Map.Tiles)
	s.conns = newConnLimiter(s.opts.MaxConns, s.opts.MaxConnsPerAddr)
	if reg != nil {
		for _, c := range []prometheus.Collector{s.requests, s.latency, s.auditSuppressed,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "picket_http_connections", Help: "HTTP connections open."},
				func() float64 { return float64(s.conns.open()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "picket_http_connections_refused_total",
				Help: "HTTP connections closed on arrival: over the limit in total or for their client address."},
				func() float64 { return float64(s.conns.refused.Load()) }),
		} {
			if err := reg.Register(c); err != nil {
				logger.Warn("metric not registered", "err", err)
			}
		}
	}
	s.cotMetrics(reg)
	s.limiter = access.NewLimiter(s.opts.RatePerSecond, s.opts.RateBurst)
	s.loginLimiter = access.NewLimiter(s.opts.LoginsPerMinute/60, max(1, int(s.opts.LoginsPerMinute)))
	// One a second per address, bursts of 20; ten a second in all
	// (the key ""), bursts of 100.
	s.anonDenials = access.NewLimiter(1, 20)
	s.anonDenialsAll = access.NewLimiter(10, 100)
	s.accounts = access.NewBackoff(s.opts.LoginFreeFailures, time.Second, s.opts.LoginBackoffMax)
	s.route()
	return s
}

// route registers every route with the role it needs (docs/security.md).
func (s *Server) route() {
	handle := func(pattern string, rt route, h http.Handler) {
		s.routes[pattern] = rt
		s.mux.Handle(pattern, h)
	}
	api := func(pattern string, role access.Role, action string, h func(http.ResponseWriter, *http.Request) error) {
		handle("GET "+pattern, route{role: role, action: action}, s.apiHandler(h))
	}
	api("/api/vessels", access.Viewer, "read", s.vessels)
	api("/api/vessels/{mmsi}", access.Viewer, "read", s.vessel)
	api("/api/vessels/{mmsi}/track", access.Viewer, "read", s.track)
	api("/api/vessels/{mmsi}/timeline", access.Viewer, "read", s.vesselTimeline)
	api("/api/events", access.Viewer, "read", s.events)
	api("/api/networks", access.Analyst, "read", s.networks)
	api("/api/case", access.Analyst, "export", s.caseFile)
	for _, f := range export.Formats {
		api("/api/export/"+f.File, access.Analyst, "export", s.exportHandler(f))
	}
	for _, f := range export.TrackFormats {
		api("/api/export/"+f.File, access.Analyst, "export", s.trackExportHandler(f))
	}
	// The watch floor: a partner's rules and alert inbox. Changes need
	// an analyst, and come from the map's own pages or no browser page.
	change := func(pattern string, role access.Role, action string, h func(http.ResponseWriter, *http.Request) error) {
		handle(pattern, route{role: role, action: action}, s.apiHandler(func(w http.ResponseWriter, r *http.Request) error {
			if !sameOrigin(r) {
				return &httpError{code: http.StatusForbidden, msg: "cross-site request refused"}
			}
			return h(w, r)
		}))
	}
	api("/api/layers/ports", access.Viewer, "read", s.layerPorts)
	api("/api/layers/boundaries", access.Viewer, "read", s.layerBoundaries)
	api("/api/layers/density", access.Viewer, "read", s.layerDensity)
	api("/api/layers/radars", access.Viewer, "read", s.layerRadars)
	api("/api/detections", access.Viewer, "read", s.detections)
	api("/api/scenes", access.Viewer, "read", s.scenes)
	change("POST /api/detections", access.Analyst, access.ActionUpload, s.uploadDetections)
	api("/api/rules", access.Viewer, "read", s.rules)
	change("POST /api/rules", access.Analyst, access.ActionRule, s.addRule)
	change("DELETE /api/rules/{id}", access.Analyst, access.ActionRule, s.deleteRule)
	s.routeLibrary(api, change)
	api("/api/alerts", access.Viewer, "read", s.alertList)
	change("POST /api/alerts/{id}/{action}", access.Analyst, access.ActionAlert, s.act)
	handle("GET /api/feeds", route{role: access.Admin, action: "admin", whole: true}, s.apiHandler(s.feeds))
	api("/api/config", access.Viewer, "", s.config)
	api("/api/me", access.Viewer, "", s.me)
	handle("GET /api/stream", route{role: access.Viewer, action: "stream"}, http.HandlerFunc(s.stream))
	handle("POST /api/login", route{}, http.HandlerFunc(s.login))
	handle("POST /api/logout", route{}, http.HandlerFunc(s.logout))
	handle("GET /healthz", route{}, http.HandlerFunc(s.healthz))
	handle("GET /metrics", route{role: access.Admin, action: "admin", whole: true}, promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{}))
	notAllowed := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method "+clip(r.Method)+" not allowed here")
	}
	handle("/api/", route{role: access.Viewer}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			notAllowed(w, r)
			return
		}
		writeError(w, http.StatusNotFound, "no such endpoint (see docs/api.md)")
	}))
	// Other methods on /healthz and /metrics would otherwise fall to the
	// web map's files.
	handle("/healthz", route{}, http.HandlerFunc(notAllowed))
	handle("/metrics", route{}, http.HandlerFunc(notAllowed))
	// The web map: its files are public (the login page is one of them);
	// the data it shows comes through the API.
	handle("/", route{}, s.opts.UI)
}

// Handler returns the server's handler: every route, with request body
// limits and metrics.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.secureHeaders(w, r)
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		}
		// A body left unread closes the connection rather than being
		// drained before the answer (body.go).
		w = watchBody(w, r)
		if u, ok := w.(*unreadCloser); ok {
			defer u.finish()
		}
		// Find the route to authorise; ServeHTTP then matches it again
		// (that sets the path values).
		_, pattern := s.mux.Handler(r)
		if r.ContentLength > s.opts.MaxBodyBytes {
			writeError(w, http.StatusRequestEntityTooLarge, "request body over "+strconv.FormatInt(s.opts.MaxBodyBytes, 10)+" bytes")
			return
		}
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		began := time.Now()
		var v *view
		if rt := s.routes[pattern]; rt.role != "" {
			var who access.Principal
			if v, who = s.authorize(rec, r, rt); v == nil {
				// A refused request is logged with who made it, when
				// known (a role too low, a rate limit).
				s.audit(r, &view{who: who}, "denied", rec.code, rec.n)
				s.count(pattern, rec.code, began)
				return
			}
			r = withView(r, v)
			r = r.WithContext(context.WithValue(r.Context(), noteKey{}, new(string)))
			defer func() { s.audit(r, v, rt.action, rec.code, rec.n) }()
		}
		s.mux.ServeHTTP(rec, r)
		s.count(pattern, rec.code, began)
	})
}

// count counts a request in the metrics.
func (s *Server) count(pattern string, code int, began time.Time) {
	if pattern == "" {
		pattern = "none"
	}
	s.requests.WithLabelValues(pattern, strconv.Itoa(code)).Inc()
	if pattern != "GET /api/stream" {
		s.latency.WithLabelValues(pattern).Observe(time.Since(began).Seconds())
	}
}

// Serve serves on ln until ctx is done, then stops taking requests,
// ends the live streams, and waits (at most ShutdownTimeout) for the
// requests in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	ln = s.conns.wrap(ln)
	if s.opts.TLS != nil {
		ln = tls.NewListener(ln, s.opts.TLS)
	}
	// The alert rules run while the server serves.
	actx, stopAlerts := context.WithCancel(ctx)
	alertsDone := make(chan struct{})
	go func() { s.alerts.Run(actx, s.live.Hub(), s.clearanceOf); close(alertsDone) }()
	// So do the CoT streams.
	waitCoT := s.runCoT(actx)
	defer func() { stopAlerts(); <-alertsDone; waitCoT() }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	close(s.stopping)
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// apiHandler turns a handler's error into a JSON error response: 400 for
// a bad parameter, 503 while the pipeline is busy, 500 otherwise.
func (s *Server) apiHandler(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var he *httpError
		switch {
		case errors.Is(err, errBadRequest):
			writeError(w, http.StatusBadRequest, message(err))
		case errors.As(err, &he):
			writeError(w, he.code, he.msg)
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			writeError(w, http.StatusServiceUnavailable, "request cancelled")
		default:
			s.log.Error("request failed", "path", r.URL.Path, "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
		}
	})
}

// httpError is an error with its status code.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func notFound(msg string) error { return &httpError{code: http.StatusNotFound, msg: msg} }

// errorBody is every error response.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(errorBody{Error: msg})
}

// writeJSON writes v with the content type given (application/json when
// empty).
func writeJSON(w http.ResponseWriter, ctype string, v any) error {
	if ctype == "" {
		ctype = "application/json"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	b = append(b, '\n')
	_, err = w.Write(b)
	if err != nil {
		return nil // the client went away: nothing to tell it
	}
	return nil
}

type statusRecorder struct {
	http.ResponseWriter
	code  int
	wrote bool
	n     int64 // body bytes written
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.n += int64(n)
	return n, err
}

// Flush lets the live stream flush through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// MapConfig is the web map's configuration (GET /api/config).
type MapConfig struct {
	// Tiles is an online raster tile URL ({z}/{x}/{y}), offered beside the
	// offline chart; empty for none (the map needs no network).
	Tiles            string `json:"tiles,omitempty" yaml:"tiles"`
	TilesAttribution string `json:"tiles_attribution,omitempty" yaml:"tiles_attribution"`
	// Center ([lon, lat]) and Zoom are where the map opens.
	Center *[2]float64 `json:"center,omitempty" yaml:"center"`
	Zoom   *float64    `json:"zoom,omitempty" yaml:"zoom"`
}

// config: GET /api/config — the web map's configuration.
func (s *Server) config(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, "", s.opts.Map)
}
