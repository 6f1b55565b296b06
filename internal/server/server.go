package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/picket-ais/picket/internal/live"
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
	// UI serves "/" and the web map's assets. Default: a placeholder page
	// linking the API.
	UI http.Handler
	// Map is what /api/config tells the web map: an optional online tile
	// URL and where to start. Zero: the offline chart, the map's own view.
	Map MapConfig
	// Gatherer is what /metrics exposes. Default prometheus.DefaultGatherer.
	Gatherer prometheus.Gatherer
	// ShutdownTimeout bounds the wait for requests in flight on shutdown.
	// Default 10 s.
	ShutdownTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.StaleAfter <= 0 {
		o.StaleAfter = time.Hour
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
	if o.UI == nil {
		o.UI = placeholder()
	}
	if o.Gatherer == nil {
		o.Gatherer = prometheus.DefaultGatherer
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 10 * time.Second
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
}

// New returns a server answering from p and its store. Metrics are
// registered with reg when it is not nil.
func New(p *live.Pipeline, opts Options, logger *slog.Logger, reg prometheus.Registerer) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts: opts.withDefaults(), log: logger, live: p, st: p.Store(), mux: http.NewServeMux(),
		stopping: make(chan struct{}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "picket_http_request_seconds", Help: "HTTP request duration by route (live streams excluded).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{s.requests, s.latency} {
			if err := reg.Register(c); err != nil {
				logger.Warn("metric not registered", "err", err)
			}
		}
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	api := func(pattern string, h func(http.ResponseWriter, *http.Request) error) {
		s.mux.Handle("GET "+pattern, s.apiHandler(h))
	}
	api("/api/vessels", s.vessels)
	api("/api/vessels/{mmsi}", s.vessel)
	api("/api/vessels/{mmsi}/track", s.track)
	api("/api/events", s.events)
	api("/api/networks", s.networks)
	api("/api/export/events.geojson", s.exportGeoJSON)
	api("/api/export/events.kml", s.exportKML)
	api("/api/export/events.csv", s.exportCSV)
	api("/api/export/events.parquet", s.exportParquet)
	api("/api/feeds", s.feeds)
	api("/api/config", s.config)
	s.mux.HandleFunc("GET /api/stream", s.stream)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.opts.Gatherer, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: the API is read-only")
			return
		}
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path+" (see docs/api.md)")
	})
	// The web map. Hook: cmd/picket passes web.Handler() as Options.UI
	// once package web is in the build; until then a placeholder page.
	s.mux.Handle("/", s.opts.UI)
}

// Handler returns the server's handler: every route, with request body
// limits and metrics.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		}
		if r.ContentLength > s.opts.MaxBodyBytes {
			writeError(w, http.StatusRequestEntityTooLarge, "request body over "+strconv.FormatInt(s.opts.MaxBodyBytes, 10)+" bytes")
			return
		}
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		began := time.Now()
		s.mux.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "none"
		}
		s.requests.WithLabelValues(route, strconv.Itoa(rec.code)).Inc()
		if route != "GET /api/stream" {
			s.latency.WithLabelValues(route).Observe(time.Since(began).Seconds())
		}
	})
}

// Serve serves on ln until ctx is done, then stops taking requests,
// ends the live streams, and waits (at most ShutdownTimeout) for the
// requests in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
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
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
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
