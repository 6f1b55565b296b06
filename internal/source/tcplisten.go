package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// ErrTooManyConns is what a listener logs when it turns a connection away.
var ErrTooManyConns = errors.New("source: too many connections")

// TCPListenerOptions configures ServeTCP. The zero value means the
// defaults.
type TCPListenerOptions struct {
	// MaxConns bounds the connections served at once; more are closed on
	// arrival. Default 256.
	MaxConns int
	// Logger receives connection notices. Default: discard.
	Logger *slog.Logger
	// Sleep waits d or until ctx is done, after an accept that failed for
	// a while (out of file descriptors); tests replace it. Default: a
	// timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Waits after an accept that failed for a while: from acceptMinBackoff,
// doubling to acceptMaxBackoff (net/http's own).
const (
	acceptMinBackoff = 5 * time.Millisecond
	acceptMaxBackoff = time.Second
)

// temporary reports whether an accept error passes: out of file
// descriptors (EMFILE, ENFILE), of buffers, a connection aborted before
// it was accepted. The process must go on listening once descriptors
// are free again, not stop the feed for good.
func temporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// ServeTCP accepts connections on ln (receivers pushing NMEA) and calls
// serve with each, in a goroutine of its own, until ctx is done. It then
// closes ln and every connection, waits for every serve to return, and
// returns nil. An accept error that passes (out of file descriptors) is
// logged and retried with backoff; it returns any other.
func ServeTCP(ctx context.Context, ln net.Listener, opts TCPListenerOptions, serve func(ctx context.Context, c net.Conn) error) error {
	if opts.MaxConns <= 0 {
		opts.MaxConns = 256
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var backoff time.Duration
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	sem := make(chan struct{}, opts.MaxConns)
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if temporary(err) {
				backoff = min(max(2*backoff, acceptMinBackoff), acceptMaxBackoff)
				log.Warn("accept failed; retrying", "addr", ln.Addr().String(), "err", err, "retry_in", backoff)
				if sleep(ctx, backoff) != nil {
					return nil
				}
				continue
			}
			return fmt.Errorf("source: accept on %s: %w", ln.Addr(), err)
		}
		backoff = 0
		select {
		case sem <- struct{}{}:
		default:
			log.Warn("connection refused", "remote", c.RemoteAddr().String(), "err", ErrTooManyConns)
			c.Close()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			log.Info("receiver connected", "remote", c.RemoteAddr().String())
			err := serveConn(ctx, c, serve)
			log.Info("receiver disconnected", "remote", c.RemoteAddr().String(), "err", err)
		}()
	}
}

// TCPListener is the kind of a feed whose receivers connect to picket and
// push lines.
const TCPListener Kind = "tcp-listen"

func init() { Register(TCPListener, needAddress, newTCPListener) }

type tcpListener struct {
	cfg Config
	ln  net.Listener
}

func newTCPListener(cfg Config) (Source, error) {
	ln, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		return nil, err
	}
	return &tcpListener{cfg: cfg, ln: ln}, nil
}

func (t *tcpListener) Addr() net.Addr { return t.ln.Addr() }
func (t *tcpListener) Close() error   { return t.ln.Close() }

func (t *tcpListener) Run(ctx context.Context, env Env) error {
	env.State("listening")
	env.Log.Info("listening", "kind", "tcp", "addr", t.ln.Addr().String())
	return ServeTCP(ctx, t.ln, TCPListenerOptions{Logger: env.Log, Sleep: env.Sleep}, func(ctx context.Context, c net.Conn) error {
		env.Conns(1)
		defer env.Conns(-1)
		return readConn(ctx, c, &env, 0)
	})
}
