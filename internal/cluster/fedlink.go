package cluster

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/prometheus/client_golang/prometheus"
)

// fedLink is a linked partner as a node runs it: the reader that applies
// what the partner released to this one to the node's store, and how far
// the node's releases to the partner have come.
type fedLink struct {
	*linkConn
	rd       reader
	exported atomic.Uint64 // the last output examined for the partner
	released atomic.Int64  // messages released to the partner since the start
}

// startLinks starts, for each linked partner, the reader of what it
// released (into the node's store, each record with the node's bit for
// its feed; a feed the node's config does not give to that partner adds
// nothing, so a record of it is visible to nobody here) and the release
// of the cluster's outputs to it.
func (n *Node) startLinks(ctx context.Context) {
	for _, l := range n.bus.links {
		bits := map[string]int{}
		for name, bit := range n.opts.FeedBits {
			if n.opts.FeedOwners[name] == l.Partner {
				bits[name] = bit
			}
		}
		fl := &fedLink{linkConn: l}
		fl.rd = reader{n: n, js: l.js, stream: inStream, bits: bits,
			file: filepath.Join(filepath.Dir(n.opts.AppliedFile), "federation-"+l.Partner+"-applied")}
		n.fed = append(n.fed, fl)
		n.goroutine(func() { n.readLoop(ctx, &fl.rd) })
		n.goroutine(func() { n.exportLoop(ctx, fl) })
	}
}

// LinkStatus is the state of a link to a partner, as one node sees it.
type LinkStatus struct {
	Partner string `json:"partner"`
	// Up: the link is open on this node: the connection it dials, or,
	// when the partner dials, a connection the partner's name and secret
	// opened. Connections counts every leaf connection in the partner's
	// account on this node (each of the partner's nodes may dial).
	Up          bool `json:"up"`
	Connections int  `json:"connections"`
	// Dials is the partner's address this node dials; empty when the
	// partner dials this node.
	Dials string `json:"dials,omitempty"`
	// Released is the last sequence of the release stream: what this
	// partner has released to the linked one (the linked partner's
	// Received says how much of it has arrived there).
	Released uint64 `json:"released"`
	// OutputsBehind is the cluster's outputs not yet examined for
	// release to the partner.
	OutputsBehind uint64 `json:"outputs_behind"`
	// Received is the last sequence of the stream sourced from the
	// partner; ReceiveLag, the messages the partner has released that
	// are not here yet, as the source last heard (it cannot hear while
	// the link is down); Applied, the received messages in the store.
	Received   uint64 `json:"received"`
	ReceiveLag uint64 `json:"receive_lag"`
	Applied    uint64 `json:"applied"`
	// Error is the last error of the source, or why the state is not
	// known.
	Error string `json:"error,omitempty"`
}

// Links returns the state of each link of the federation, in the
// config's order (none without a federation).
func (n *Node) Links(ctx context.Context) []LinkStatus {
	var out []LinkStatus
	for _, fl := range n.fed {
		out = append(out, n.linkStatus(ctx, fl))
	}
	return out
}

func (n *Node) linkStatus(ctx context.Context, fl *fedLink) LinkStatus {
	ls := LinkStatus{Partner: fl.Partner, Dials: fl.URL, Applied: fl.rd.applied.Load()}
	if lz, err := n.bus.ns.Leafz(&server.LeafzOptions{Account: fl.Partner}); err == nil {
		ls.Connections = len(lz.Leafs)
		for _, l := range lz.Leafs {
			// IsSpoke: this server dialed the connection.
			ls.Up = ls.Up || l.IsSpoke == (fl.URL != "")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	errf := func(what string, err error) {
		if ls.Error == "" {
			ls.Error = fmt.Sprintf("%s: %v", what, err)
		}
	}
	if rel, err := fl.js.Stream(ctx, relStream); err != nil {
		errf("release stream", err)
	} else {
		ls.Released = rel.CachedInfo().State.LastSeq
	}
	if out, err := n.bus.js.Stream(ctx, outStream); err != nil {
		errf("output stream", err)
	} else if last, done := out.CachedInfo().State.LastSeq, fl.exported.Load(); last > done {
		ls.OutputsBehind = last - done
	}
	if in, err := fl.js.Stream(ctx, inStream); err != nil {
		errf("received stream", err)
	} else {
		info := in.CachedInfo()
		ls.Received = info.State.LastSeq
		for _, s := range info.Sources {
			ls.ReceiveLag = s.Lag
			if s.Error != nil {
				errf("source", s.Error)
			}
		}
	}
	return ls
}

// registerLinks exports the links' state as Prometheus metrics, labelled
// by partner.
func (n *Node) registerLinks(reg prometheus.Registerer) {
	if reg == nil || len(n.fed) == 0 {
		return
	}
	descs := map[string]*prometheus.Desc{}
	for _, d := range []struct{ name, help string }{
		{"picket_federation_link_up", "1 when a leaf connection to the partner is open on this node."},
		{"picket_federation_released_last_seq", "Last sequence of what this partner released to the linked one."},
		{"picket_federation_outputs_behind", "Outputs of the cluster not yet examined for release to the partner."},
		{"picket_federation_received_last_seq", "Last sequence of what the partner released to this one, received here."},
		{"picket_federation_receive_lag", "Messages the partner released not received here yet, as last heard."},
		{"picket_federation_applied", "Messages received from the partner applied to this node's store."},
	} {
		descs[d.name] = prometheus.NewDesc(d.name, d.help, []string{"partner"}, nil)
	}
	reg.MustRegister(multiCollector{descs: descs, collect: func(ch chan<- prometheus.Metric) {
		for _, ls := range n.Links(context.Background()) {
			up := 0.0
			if ls.Up {
				up = 1
			}
			for name, v := range map[string]float64{
				"picket_federation_link_up": up, "picket_federation_released_last_seq": float64(ls.Released),
				"picket_federation_outputs_behind":    float64(ls.OutputsBehind),
				"picket_federation_received_last_seq": float64(ls.Received), "picket_federation_receive_lag": float64(ls.ReceiveLag),
				"picket_federation_applied": float64(ls.Applied),
			} {
				ch <- prometheus.MustNewConstMetric(descs[name], prometheus.GaugeValue, v, ls.Partner)
			}
		}
	}})
}

// multiCollector is a collector of several described families.
type multiCollector struct {
	descs   map[string]*prometheus.Desc
	collect func(ch chan<- prometheus.Metric)
}

func (c multiCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}
func (c multiCollector) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }
