package server

import (
	"context"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/cot"
)

// cotReleasability gives the CoT streams their partner's clearance and
// the marking of what they send, as the API gives a user of that partner.
type cotReleasability struct{ s *Server }

func (r cotReleasability) Clearance(partner string) uint64 { return r.s.clearanceOf(partner) }

func (r cotReleasability) Marking(partner string, feeds ...uint64) string {
	v := openView
	if r.s.opts.Access != nil {
		v = r.s.viewFor(access.Principal{Partner: partner})
	}
	records := map[uint64]bool{}
	for _, f := range feeds {
		if f != 0 {
			records[f] = true
		}
	}
	return r.s.marking(v, records).Text
}

// cotMetrics registers each stream's counters: picket_cot_events_total,
// picket_cot_failures_total and picket_cot_connected, by stream.
func (s *Server) cotMetrics(reg prometheus.Registerer) {
	s.opts.CoT = slices.Clone(s.opts.CoT) // the caller's options are not written to
	for i := range s.opts.CoT {
		o := &s.opts.CoT[i]
		if o.Stats == nil {
			o.Stats = &cot.Stats{}
		}
		st, labels := o.Stats, prometheus.Labels{"stream": o.Name, "partner": o.Partner}
		for _, c := range []prometheus.Collector{
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "picket_cot_events_total", Help: "Cursor on Target events sent, by stream.", ConstLabels: labels},
				func() float64 { return float64(st.Sent.Load()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "picket_cot_failures_total", Help: "Cursor on Target connections that failed or broke, by stream.", ConstLabels: labels},
				func() float64 { return float64(st.Failures.Load()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "picket_cot_connected", Help: "1 while a Cursor on Target stream has its connection.", ConstLabels: labels},
				func() float64 { return float64(st.Connected.Load()) }),
		} {
			if reg == nil {
				break
			}
			if err := reg.Register(c); err != nil {
				s.log.Warn("metric not registered", "err", err)
			}
		}
	}
}

// runCoT runs the configured CoT streams until ctx ends.
func (s *Server) runCoT(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, o := range s.opts.CoT {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cot.Run(ctx, s.live.Hub(), cotReleasability{s}, o, s.log); err != nil {
				s.log.Error("cot stream not started", "cot", o.Name, "err", err)
			}
		}()
	}
	return wg.Wait
}
