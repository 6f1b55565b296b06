package live

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/nmea"
)

// metrics are the pipeline's Prometheus metrics.
type metrics struct {
	lines      *prometheus.CounterVec // feed
	nmeaLines  *prometheus.CounterVec // feed, reason
	reports    *prometheus.CounterVec // feed
	reconnects *prometheus.CounterVec // feed
	events     *prometheus.CounterVec // type
	invalid    *prometheus.CounterVec // reason
	storeErrs  *prometheus.CounterVec // what
	stored     prometheus.Counter
	provLate   prometheus.Counter
}

// feedMetrics are one feed's children, looked up once.
type feedMetrics struct {
	lines, reports, reconnects prometheus.Counter
	mu                         sync.Mutex
	byReason                   map[nmea.Reason]prometheus.Counter
	nmeaLines                  *prometheus.CounterVec
	name                       string
}

func (f *feedMetrics) reason(r nmea.Reason) prometheus.Counter {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.byReason[r]
	if !ok {
		c = f.nmeaLines.WithLabelValues(f.name, r.String())
		f.byReason[r] = c
	}
	return c
}

func newMetrics(p *Pipeline, reg prometheus.Registerer) *metrics {
	m := &metrics{
		lines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_live_lines_total", Help: "Input lines read, by feed."}, []string{"feed"}),
		nmeaLines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_nmea_lines_total", Help: "Input lines by feed and by what became of them (decoded, or the reason they were not: bad_checksum, malformed, not_ais, incomplete, ...)."}, []string{"feed", "reason"}),
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_live_reports_total", Help: "Position and static reports decoded, by feed (before de-duplication)."}, []string{"feed"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_live_reconnects_total", Help: "Reconnection attempts of TCP client feeds."}, []string{"feed"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_detect_events_total", Help: "Events found by the detectors, by type (an episode re-emitted as it grows counts once)."}, []string{"type"}),
		invalid: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_live_invalid_positions_total", Help: "Reports not tracked or stored, by reason: mmsi (over nine digits), time (out of range), future (stamped over 10 min ahead of the clock), ahead (stamped over an hour ahead of its feed's own time, not confirmed by the feed within a minute while it went on in its old time)."}, []string{"reason"}),
		storeErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "picket_store_errors_total", Help: "Failed store writes, by kind."}, []string{"what"}),
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "picket_store_positions_total", Help: "Positions written to the store."}),
		provLate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "picket_live_provenance_late_total", Help: "Feeds a copy of a transmission could not add to its stored position, sealed already (the position keeps the feeds it had)."}),
	}
	for _, f := range p.feeds {
		f.fm = &feedMetrics{
			lines: m.lines.WithLabelValues(f.cfg.Name), reports: m.reports.WithLabelValues(f.cfg.Name),
			reconnects: m.reconnects.WithLabelValues(f.cfg.Name),
			byReason:   map[nmea.Reason]prometheus.Counter{}, nmeaLines: m.nmeaLines, name: f.cfg.Name,
		}
	}
	for _, t := range eventTypes() {
		m.events.WithLabelValues(t) // every type shows, at 0
	}
	if reg == nil {
		return m
	}
	gauge := func(name, help string, labels prometheus.Labels, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, f)
	}
	// counter is a cumulative count kept elsewhere (an atomic the
	// pipeline's Stats also reads): a Prometheus counter, named _total.
	counter := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f)
	}
	cs := []prometheus.Collector{m.lines, m.nmeaLines, m.reports, m.reconnects, m.events, m.invalid, m.storeErrs, m.stored, m.provLate,
		gauge("picket_live_queue_depth", "Items waiting in a queue of the live pipeline.", prometheus.Labels{"queue": "reports"},
			func() float64 { return float64(len(p.reports)) }),
		gauge("picket_live_queue_depth", "Items waiting in a queue of the live pipeline.", prometheus.Labels{"queue": "store"},
			func() float64 { return float64(len(p.storeq)) }),
		gauge("picket_live_queue_depth", "Items waiting in a queue of the live pipeline.", prometheus.Labels{"queue": "provenance"}, // written; copies may still add feeds
			func() float64 { return float64(p.held.Load()) }),
		gauge("picket_live_queue_depth", "Items waiting in a queue of the live pipeline.", prometheus.Labels{"queue": "reorder"},
			func() float64 { return float64(p.reordering.Load()) }),
		gauge("picket_live_queue_depth", "Items waiting in a queue of the live pipeline.", prometheus.Labels{"queue": "ahead"},
			func() float64 { return float64(p.aheadHeld.Load()) }),
		gauge("picket_live_queue_capacity", "Capacity of a queue of the live pipeline.", prometheus.Labels{"queue": "reports"},
			func() float64 { return float64(cap(p.reports)) }),
		gauge("picket_live_queue_capacity", "Capacity of a queue of the live pipeline.", prometheus.Labels{"queue": "store"},
			func() float64 { return float64(cap(p.storeq)) }),
		gauge("picket_live_subscribers", "Live stream subscribers.", nil, func() float64 { return float64(p.hub.Subscribers()) }),
		counter("picket_live_stream_dropped_total", "Live stream messages dropped for subscribers that lagged behind.",
			func() float64 { return float64(p.hub.DroppedTotal()) }),
		counter("picket_live_duplicates_total", "Copies of transmissions already heard (de-duplicated across feeds).",
			func() float64 { return float64(p.nDups.Load()) }),
		counter("picket_live_out_of_order_total", "Positions older than their segment's last fix (stored, not tracked).",
			func() float64 { return float64(p.nOutOfOrder.Load()) }),
		counter("picket_live_redelivered_total", "Positions repeating a vessel's earlier position under a later time (stored, not tracked).",
			func() float64 { return float64(p.nRedelivered.Load()) }),
	}
	for _, f := range p.feeds {
		f := f
		cs = append(cs, gauge("picket_live_feed_connections", "Open connections of a feed.", prometheus.Labels{"feed": f.cfg.Name},
			func() float64 { return float64(f.conns.Load()) }))
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			p.log.Warn("metric not registered", "err", err)
		}
	}
	return m
}

func eventTypes() []string {
	out := make([]string, 0, len(event.Types))
	for _, t := range event.Types {
		out = append(out, string(t))
	}
	return out
}
