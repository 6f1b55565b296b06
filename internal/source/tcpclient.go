package source

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
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
	// OnError is called with why a connection failed or was lost (a
	// refusal, a silent server), and with nil once a connection carried
	// data again; may be nil.
	OnError func(err error)
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
	if o.OnError == nil {
		o.OnError = func(error) {}
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
			o.OnError(nil)
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
			if err == nil {
				err = errors.New("source: the server closed the connection")
			}
			o.OnError(err)
			o.Logger.Warn("connection lost", "addr", addr, "err", err)
		} else {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			o.OnState("disconnected")
			o.OnError(err)
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

// TCPClient is the kind of a feed that connects to a server of AIS
// lines (an AIS provider, a receiver's TCP port) and reconnects with
// backoff.
const TCPClient Kind = "tcp"

func init() { Register(TCPClient, needAddress, newTCPClient) }

type tcpClient struct{ cfg Config }

func newTCPClient(cfg Config) (Source, error) { return &tcpClient{cfg}, nil }

func (t *tcpClient) Addr() net.Addr { return nil }
func (t *tcpClient) Close() error   { return nil }

// defaultSilence is Config.Silence's default.
const defaultSilence = 2 * time.Minute

func (t *tcpClient) Run(ctx context.Context, env Env) error {
	silence := t.cfg.Silence
	if silence <= 0 {
		silence = defaultSilence
	}
	err := RunTCPClient(ctx, t.cfg.Address, TCPClientOptions{
		Logger:  env.Log,
		Sleep:   env.Sleep,
		OnState: env.State,
		OnError: func(err error) {
			if err == nil {
				env.Error("")
				return
			}
			env.Error(err.Error())
		},
	}, func(ctx context.Context, c net.Conn) error {
		env.Conns(1)
		defer env.Conns(-1)
		return readConn(ctx, c, &env, silence)
	})
	if ctx.Err() != nil {
		return nil
	}
	return err
}
