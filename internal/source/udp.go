package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
)

// MaxDatagram is the largest UDP datagram read whole; a longer one is cut
// (its last line then fails its checksum and is counted as such).
const MaxDatagram = 64 << 10

// ServeUDP reads datagrams from c (receivers pushing NMEA, usually one or
// a few sentences per datagram) and calls handle with each and its
// sender, until ctx is done; it then closes c and returns nil. The
// datagram is valid only during the call. Datagrams the kernel dropped
// because handle was too slow are not seen: UDP has no back-pressure.
func ServeUDP(ctx context.Context, c *net.UDPConn, handle func(from netip.AddrPort, datagram []byte)) error {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()
	buf := make([]byte, MaxDatagram)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if n > 0 {
			handle(from, buf[:n])
		}
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("source: udp read on %s: %w", c.LocalAddr(), err)
		}
	}
}

// UDPListener is the kind of a feed whose receivers send datagrams of
// lines to picket.
const UDPListener Kind = "udp"

func init() { Register(UDPListener, needAddress, newUDPListener) }

// MaxUDPSenders bounds the senders of a UDP feed that keep a stream (a
// framer) of their own. A new sender beyond it takes the stream of the
// one heard least recently, which ends first (its waiting fragments are
// counted incomplete): a sender that stopped frees its place, and every
// active one keeps its own fragments apart.
const MaxUDPSenders = 256

type udpListener struct {
	cfg Config
	c   *net.UDPConn
}

func newUDPListener(cfg Config) (Source, error) {
	ua, err := net.ResolveUDPAddr("udp", cfg.Address)
	if err != nil {
		return nil, err
	}
	c, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, err
	}
	_ = c.SetReadBuffer(4 << 20) // bursts from many receivers: the kernel's default drops them
	return &udpListener{cfg: cfg, c: c}, nil
}

func (u *udpListener) Addr() net.Addr { return u.c.LocalAddr() }
func (u *udpListener) Close() error   { return u.c.Close() }

// udpSender is a sender's stream and when it was last heard (a count of
// datagrams, which orders senders without reading the clock).
type udpSender struct {
	lines Lines
	seen  uint64
}

func (u *udpListener) Run(ctx context.Context, env Env) error {
	env.State("listening")
	env.Log.Info("listening", "kind", "udp", "addr", u.c.LocalAddr().String())
	senders := map[netip.AddrPort]*udpSender{}
	defer func() {
		for _, s := range senders {
			s.lines.End()
		}
	}()
	var n uint64
	return ServeUDP(ctx, u.c, func(from netip.AddrPort, d []byte) {
		n++
		s := senders[from]
		if s == nil {
			if len(senders) >= MaxUDPSenders {
				u.evict(senders)
			}
			s = &udpSender{lines: env.Open()}
			senders[from] = s
		}
		s.seen = n
		// Every line is fed, blank ones too (they are counted as such);
		// the end of the datagram ends the last line.
		for len(d) > 0 {
			i := bytes.IndexByte(d, '\n')
			if i < 0 {
				i = len(d) - 1
			}
			if t, timed, ok := s.lines.Frame(d[:i+1], i+1 > MaxLine); ok {
				if !timed {
					t = env.Now().UnixMilli()
				}
				s.lines.Emit(t)
			}
			d = d[i+1:]
		}
		s.lines.Flush()
	})
}

// evict ends the stream of the sender heard least recently.
func (u *udpListener) evict(senders map[netip.AddrPort]*udpSender) {
	var oldest netip.AddrPort
	var seen uint64 = math.MaxUint64
	for a, s := range senders {
		if s.seen < seen {
			oldest, seen = a, s.seen
		}
	}
	senders[oldest].lines.End()
	delete(senders, oldest)
}
