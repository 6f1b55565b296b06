package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The streams and the bucket a cluster keeps, and their subjects.
const (
	linesStream  = "PICKET_LINES"  // raw lines, picket.lines.<partition>
	outStream    = "PICKET_OUT"    // what partition owners made, picket.out.<partition>
	ownersBucket = "picket_owners" // partition leases and nodes' heartbeats
	linesSubject = "picket.lines."
	outSubject   = "picket.out."
)

// Headers of the messages on the streams.
const (
	hdrFeed = "Picket-Feed" // the feed a line came from, by name
	hdrEnd  = "Picket-End"  // an end-of-data marker: close what is open
	hdrLast = "Picket-Last" // the last line sequence an output covers
)

// dupWindow is how long the streams remember message ids: a publish
// retried, or an output made again by a partition's next owner, within
// it is stored once.
const dupWindow = 10 * time.Minute

// Bus is a node's embedded NATS server with JetStream, clustered with its
// peers over routes, and the node's in-process connection to it.
type Bus struct {
	opts Options
	ns   *server.Server
	nc   *nats.Conn
	js   jetstream.JetStream
	log  *slog.Logger
	// links are the federation's linked partners, by their place in
	// Options.Federation.Links (none without a federation).
	links []*linkConn
}

// StartBus starts the node's server and waits until it has joined the
// cluster and the streams and the bucket exist (created by the first
// node to get there, with Options.Replicas). ctx bounds the wait.
func StartBus(ctx context.Context, opts Options, logger *slog.Logger) (*Bus, error) {
	host, port, err := hostPort(opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("cluster: listen %q: %w", opts.Listen, err)
	}
	so := &server.Options{
		ServerName: opts.Name,
		// The server clusters only once its client listener is up: without
		// a client address it listens on a free loopback port.
		Host:      "127.0.0.1",
		Port:      -1,
		JetStream: true,
		StoreDir:  opts.StoreDir,
		NoSigs:    true,
		NoLog:     true,
		Cluster:   server.ClusterOpts{Name: opts.ClusterName, Host: host, Port: port},
	}
	if opts.nodes() == 1 {
		// No peer: JetStream runs alone (it will not run clustered
		// without routes), and the node is a cluster of one.
		so.Cluster = server.ClusterOpts{}
	}
	if opts.ClientListen != "" {
		if so.Host, so.Port, err = hostPort(opts.ClientListen); err != nil {
			return nil, fmt.Errorf("cluster: client_listen %q: %w", opts.ClientListen, err)
		}
	}
	var own login
	var links []*linkConn
	if f := opts.Federation; f != nil {
		var err error
		if own, links, err = federate(so, f); err != nil {
			return nil, err
		}
	}
	for _, r := range opts.Routes {
		if so.Cluster.Name == "" {
			break
		}
		addr, err := routeAddr(r)
		if err != nil {
			return nil, fmt.Errorf("cluster: route %q: %w", r, err)
		}
		so.Routes = append(so.Routes, &url.URL{Scheme: "nats-route", Host: addr})
	}
	ns, err := server.NewServer(so)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	ns.Start()
	b := &Bus{opts: opts, ns: ns, log: logger, links: links}
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("cluster: node %s did not start (is %s free?)", opts.Name, opts.Listen)
	}
	b.nc, b.js, err = b.connect(opts.Name, own.user, own.pass)
	if err != nil {
		ns.Shutdown()
		return nil, err
	}
	for _, l := range links {
		if l.nc, l.js, err = b.connect(opts.Name+"-"+l.Partner, l.user, l.pass); err != nil {
			b.Close()
			return nil, err
		}
	}
	if err := b.ensure(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// pubAckTimeout bounds the wait for an asynchronous publish's
// acknowledgement: without it (nats.go's default) a publish whose stream
// leader died before answering waits forever, and so does the feed that
// made it; with it, the publish fails and is published again under the
// same message id.
const pubAckTimeout = 5 * time.Second

// connect opens an in-process connection to the node's server, as user
// when one is given.
func (b *Bus) connect(name, user, pass string) (*nats.Conn, jetstream.JetStream, error) {
	opts := []nats.Option{nats.InProcessServer(b.ns), nats.Name(name), nats.MaxReconnects(-1)}
	if user != "" {
		opts = append(opts, nats.UserInfo(user, pass))
	}
	nc, err := nats.Connect("", opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: connecting to the embedded server: %w", err)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(pubAckTimeout))
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// hostPort splits host:port; port 0 picks a free one.
func hostPort(s string) (string, int, error) {
	h, p, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, err
	}
	if n == 0 {
		n = -1 // the server's "any port"
	}
	return h, n, nil
}

// ensure creates the streams and the bucket, or checks those that exist,
// retrying while the cluster forms (no JetStream leader yet).
func (b *Bus) ensure(ctx context.Context) error {
	o := b.opts
	lines := jetstream.StreamConfig{Name: linesStream, Subjects: []string{linesSubject + ">"}, Replicas: o.Replicas,
		Storage: jetstream.FileStorage, MaxAge: o.LinesMaxAge, Duplicates: dupWindow}
	out := jetstream.StreamConfig{Name: outStream, Subjects: []string{outSubject + ">"}, Replicas: o.Replicas,
		Storage: jetstream.FileStorage, Duplicates: dupWindow}
	owners := jetstream.KeyValueConfig{Bucket: ownersBucket, TTL: o.Lease, History: 1, Replicas: o.Replicas, Storage: jetstream.FileStorage}
	var last error
	for {
		last = tryEnsure(ctx, b.js, lines, out, owners)
		if last == nil {
			last = b.leadersElected(ctx, b.js, linesStream, outStream, "KV_"+ownersBucket)
		}
		for _, l := range b.links {
			if last != nil {
				break
			}
			rel, in := l.streams(o)
			if last = tryEnsure(ctx, l.js, rel, in); last == nil {
				last = b.leadersElected(ctx, l.js, relStream, inStream)
			}
			if last != nil {
				last = fmt.Errorf("partner %s's account: %w", l.Partner, last)
			}
		}
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: node %s: the cluster's streams are not ready (peers up? routes right?): %w", o.Name, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func tryEnsure(ctx context.Context, js jetstream.JetStream, cfgs ...any) error {
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for _, c := range cfgs {
		switch c := c.(type) {
		case jetstream.StreamConfig:
			s, err := js.Stream(actx, c.Name)
			if errors.Is(err, jetstream.ErrStreamNotFound) {
				_, err = js.CreateStream(actx, c)
				if err != nil {
					return fmt.Errorf("creating stream %s: %w", c.Name, err)
				}
				continue
			}
			if err != nil {
				return err
			}
			if got := len(s.CachedInfo().Config.Subjects); got != len(c.Subjects) {
				return fmt.Errorf("stream %s exists with other subjects", c.Name)
			}
		case jetstream.KeyValueConfig:
			if _, err := js.KeyValue(actx, c.Bucket); errors.Is(err, jetstream.ErrBucketNotFound) {
				if _, err := js.CreateKeyValue(actx, c); err != nil {
					return fmt.Errorf("creating bucket %s: %w", c.Bucket, err)
				}
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

// leadersElected reports an error until every named stream has a leader:
// a feed that published before would see its first messages refused, and
// publish them again after later ones.
func (b *Bus) leadersElected(ctx context.Context, js jetstream.JetStream, names ...string) error {
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for _, name := range names {
		s, err := js.Stream(actx, name)
		if err != nil {
			return err
		}
		info := s.CachedInfo()
		if b.opts.Replicas > 1 && (info.Cluster == nil || info.Cluster.Leader == "") {
			return fmt.Errorf("stream %s has no leader yet", name)
		}
	}
	return nil
}

// JetStream is the node's JetStream context.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// ClusterAddr is the address the node listens on for routes.
func (b *Bus) ClusterAddr() net.Addr { return b.ns.ClusterAddr() }

// Close closes the connection and shuts the server down.
func (b *Bus) Close() {
	if b.nc != nil {
		b.nc.Close()
	}
	for _, l := range b.links {
		if l.nc != nil {
			l.nc.Close()
		}
	}
	b.ns.Shutdown()
	b.ns.WaitForShutdown()
}
