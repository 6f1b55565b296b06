package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// TCPClientOptions configures RunTCPClient. The zero value means the
// defaults.
type TCPClientOptions struct {
	// MinBackoff is the wait before the first reconnection after a failed
	// or lost connection. Default 500 ms.
	MinBackoff time.Duration
	// MaxBackoff bounds the wait, which doubles after every failure (with
	// up to 20 % random jitter, so that many clients of one server do not
	// reconnect in step). Default 30 s.
	MaxBackoff time.Duration
	// DialTimeout bounds one connection attempt. Default 10 s.
	DialTimeout time.Duration
	// Logger receives connection notices. Default: discard.
	Logger *slog.Logger
	// Sleep waits d or until ctx is done; tests replace it to observe the
	// backoff without waiting. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnState is called with "connecting", "connected" and
	// "disconnected" as the connection changes; may be nil.
	OnState func(state string)
}

func (o TCPClientOptions) withDefaults() TCPClientOptions {
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.OnState == nil {
		o.OnState = func(string) {}
	}
	return o
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// RunTCPClient connects to addr and calls serve with each connection,
// reconnecting with exponential backoff whenever the connection fails or
// serve returns, until ctx is done. serve must return when the connection
// is closed: RunTCPClient closes it when ctx is done. A connection that
// stayed up for longer than MaxBackoff resets the backoff. RunTCPClient
// returns ctx's error.
func RunTCPClient(ctx context.Context, addr string, opts TCPClientOptions, serve func(ctx context.Context, c net.Conn) error) error {
	o := opts.withDefaults()
	backoff := o.MinBackoff
	d := net.Dialer{Timeout: o.DialTimeout}
	for {
		o.OnState("connecting")
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			o.OnState("connected")
			o.Logger.Info("connected", "addr", addr)
			began := time.Now()
			err = serveConn(ctx, c, serve)
			o.OnState("disconnected")
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if time.Since(began) > o.MaxBackoff {
				backoff = o.MinBackoff
			}
			o.Logger.Warn("connection lost", "addr", addr, "err", err)
		} else {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			o.OnState("disconnected")
			o.Logger.Warn("connect failed", "addr", addr, "err", err, "retry_in", backoff)
		}
		wait := backoff + time.Duration(rand.Int64N(int64(backoff)/5+1))
		if err := o.Sleep(ctx, wait); err != nil {
			return err
		}
		backoff = min(2*backoff, o.MaxBackoff)
	}
}

// serveConn runs serve on c and closes c when serve returns or ctx is
// done, whichever is first.
func serveConn(ctx context.Context, c net.Conn, serve func(ctx context.Context, c net.Conn) error) error {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()
	return serve(ctx, c)
}

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
