package cluster

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Options configures one node of a cluster: the `cluster:` section of
// `picket serve`'s config. A node without it runs alone, with no bus.
type Options struct {
	// Name is the node's name, unique in the cluster (it owns partitions
	// under this name and names its JetStream server). Required.
	Name string
	// Listen is the address (host:port) the node listens on for its
	// peers' routes. Required.
	Listen string
	// Routes are the peers' listen addresses (host:port, or
	// nats-route://host:port). The node's own address may be among them
	// (every node can be given the same list). Default none: the node
	// is a cluster of one, with JetStream alone (no peer can join it).
	Routes []string
	// ClientListen, when set, is a NATS client address (host:port) for
	// tools such as the nats CLI. Default: a free port of 127.0.0.1 (the
	// node's own connection is in-process).
	ClientListen string
	// ClusterName names the cluster; nodes of different names do not
	// join. Default "picket".
	ClusterName string
	// Replicas is how many nodes keep each stream's messages. Default 3,
	// or the number of nodes the routes name when fewer.
	Replicas int
	// Partitions is the number of MMSI partitions of the raw lines.
	// Default 16. It cannot change once a cluster has data.
	Partitions int
	// StoreDir is JetStream's directory. Required (picket serve sets it
	// to DATA/jetstream).
	StoreDir string
	// Lease is how long a partition's owner holds it without renewing:
	// another node takes the partition over within about this long after
	// its owner dies. Default 3 s.
	Lease time.Duration
	// LinesMaxAge is how long the raw lines are kept: a node taking a
	// partition over rebuilds its state by replaying what is kept.
	// Default 24 h.
	LinesMaxAge time.Duration
	// Federation, when set, links this cluster to other partners'
	// clusters (federation.go). Default none.
	Federation *Federation
}

// Limits on the options.
const (
	MaxPartitions = 1024
	MaxReplicas   = 5 // JetStream's own limit
	minLease      = 500 * time.Millisecond
)

// nodes is the number of nodes the options name: this one and its
// distinct peers.
func (o *Options) nodes() int {
	seen := map[string]bool{}
	for _, r := range o.Routes {
		if h, err := routeAddr(r); err == nil && h != o.Listen {
			seen[h] = true
		}
	}
	return 1 + len(seen)
}

// WithDefaults returns o with its defaults filled in.
func (o Options) WithDefaults() Options {
	if o.ClusterName == "" {
		o.ClusterName = "picket"
	}
	if o.Replicas == 0 {
		o.Replicas = min(3, o.nodes())
	}
	if o.Partitions == 0 {
		o.Partitions = 16
	}
	if o.Lease == 0 {
		o.Lease = 3 * time.Second
	}
	if o.LinesMaxAge == 0 {
		o.LinesMaxAge = 24 * time.Hour
	}
	if o.Federation != nil {
		f := o.Federation.WithDefaults()
		o.Federation = &f
	}
	return o
}

// Validate checks the options (after WithDefaults); its errors name the
// setting and what is wrong with it.
func (o *Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("cluster: "+format, args...)) }
	switch {
	case o.Name == "":
		bad("name: required (this node's name, unique in the cluster)")
	case !validToken(o.Name):
		bad("name %q: letters, digits, '-' and '_' only, at most 64", o.Name)
	}
	if o.Listen == "" {
		bad("listen: required (host:port the peers route to)")
	} else if err := checkHostPort(o.Listen); err != nil {
		bad("listen %q: %v", o.Listen, err)
	}
	for i, r := range o.Routes {
		if _, err := routeAddr(r); err != nil {
			bad("routes[%d] %q: %v", i, r, err)
		}
	}
	if o.ClientListen != "" {
		if err := checkHostPort(o.ClientListen); err != nil {
			bad("client_listen %q: %v", o.ClientListen, err)
		}
	}
	if o.ClusterName != "" && !validToken(o.ClusterName) {
		bad("cluster_name %q: letters, digits, '-' and '_' only, at most 64", o.ClusterName)
	}
	if n := o.nodes(); o.Replicas < 1 || o.Replicas > MaxReplicas {
		bad("replicas %d: want 1 to %d", o.Replicas, MaxReplicas)
	} else if o.Replicas > n {
		bad("replicas %d: more than the %d node(s) this node and its routes name", o.Replicas, n)
	}
	if o.Partitions < 1 || o.Partitions > MaxPartitions {
		bad("partitions %d: want 1 to %d", o.Partitions, MaxPartitions)
	}
	if o.StoreDir == "" {
		bad("store_dir: required (JetStream's directory)")
	}
	if o.Lease < minLease {
		bad("lease %v: at least %v", o.Lease, minLease)
	}
	if o.LinesMaxAge < time.Minute {
		bad("lines_max_age %v: at least 1m", o.LinesMaxAge)
	}
	if o.Federation != nil {
		errs = append(errs, o.Federation.Validate())
	}
	return errors.Join(errs...)
}

func validToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkHostPort checks a host:port with a numeric port (0 picks one).
func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("want host:port")
	}
	_ = host
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return errors.New("port: want 0 to 65535")
	}
	return nil
}

// routeAddr returns a route's host:port, with or without its
// nats-route:// scheme.
func routeAddr(r string) (string, error) {
	if strings.Contains(r, "://") {
		u, err := url.Parse(r)
		if err != nil || u.Scheme != "nats-route" && u.Scheme != "nats" {
			return "", errors.New("want host:port or nats-route://host:port")
		}
		r = u.Host
	}
	if err := checkHostPort(r); err != nil {
		return "", err
	}
	if strings.HasSuffix(r, ":0") {
		return "", errors.New("a route needs the peer's port")
	}
	return r, nil
}
