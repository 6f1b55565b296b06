package cluster

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/nmea"
)

// register exports the node's state as Prometheus metrics: the
// partitions it owns, how far its read model is behind the output
// stream, and what its feeds published.
func (n *Node) register(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "picket_cluster_partitions_owned",
			Help: "Partitions of the raw lines this node owns (runs the core of)."},
			func() float64 { return float64(len(n.Owned())) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "picket_cluster_outputs_applied",
			Help: "Sequence of the last output of the cluster's owners applied to this node's store."},
			func() float64 { return float64(n.rd.applied.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "picket_cluster_read_model_lag",
			Help: "Outputs in the output stream this node's store has not applied yet (-1: the stream does not answer)."},
			func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				s, err := n.bus.js.Stream(ctx, outStream)
				if err != nil {
					return -1
				}
				return float64(s.CachedInfo().State.LastSeq) - float64(n.rd.applied.Load())
			}),
	)
	lines := prometheus.NewDesc("picket_cluster_feed_lines_total",
		"Lines of this node's feeds by outcome: acked (stored by the lines stream), failed (refused after retries), unrouted (no vessel in them, not sent).",
		[]string{"feed", "outcome"}, nil)
	reasons := prometheus.NewDesc("picket_cluster_feed_line_reasons_total",
		"Lines of this node's feeds by what framing made of them (decoded, bad_checksum, ...), each line under one reason.",
		[]string{"feed", "reason"}, nil)
	reg.MustRegister(collectorFunc{desc: reasons, collect: func(ch chan<- prometheus.Metric) {
		for i, f := range n.feeds {
			c := f.counts()
			for _, r := range nmea.Reasons() {
				ch <- prometheus.MustNewConstMetric(reasons, prometheus.CounterValue, float64(c.Tally.ByReason[r]), n.opts.Feeds[i].Source.Name, r.String())
			}
		}
	}})
	reg.MustRegister(collectorFunc{desc: lines, collect: func(ch chan<- prometheus.Metric) {
		for i, f := range n.feeds {
			c := f.counts()
			name := n.opts.Feeds[i].Source.Name
			for _, o := range []struct {
				what string
				v    int64
			}{{"acked", c.Acked}, {"failed", c.Failed}, {"unrouted", c.Unrouted}} {
				ch <- prometheus.MustNewConstMetric(lines, prometheus.CounterValue, float64(o.v), name, o.what)
			}
		}
	}})
}

// collectorFunc is a collector of one described family.
type collectorFunc struct {
	desc    *prometheus.Desc
	collect func(ch chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }
