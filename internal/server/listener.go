package server

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// connLimiter holds the connections open at once, over the listeners it
// wraps, to a bound in total and per client address (an IPv6 client by its /64,
// which one host usually holds whole), so that one client, or many slow
// ones, cannot take every file descriptor the process has: the store
// and the feeds need some too. A connection over a bound is closed as
// soon as it is accepted. Safe for concurrent use.
type connLimiter struct {
	max, maxPer int
	refused     atomic.Int64

	mu     sync.Mutex
	total  int
	byAddr map[netip.Prefix]int
}

func newConnLimiter(max, maxPer int) *connLimiter {
	return &connLimiter{max: max, maxPer: maxPer, byAddr: make(map[netip.Prefix]int)}
}

// open returns how many connections are open.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// wrap returns ln with its connections counted against l.
func (l *connLimiter) wrap(ln net.Listener) net.Listener { return &limitedListener{ln, l} }

type limitedListener struct {
	net.Listener
	l *connLimiter
}

// clientKey is what a connection counts against: its address, or the
// /64 of an IPv6 address.
func clientKey(a net.Addr) netip.Prefix {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Prefix{} // not IP: all such count as one client
	}
	ip := ap.Addr().Unmap()
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}

// Accept returns the next connection within the bounds; it closes those
// over them.
func (ll *limitedListener) Accept() (net.Conn, error) {
	l := ll.l
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := clientKey(c.RemoteAddr())
		l.mu.Lock()
		ok := l.total < l.max && l.byAddr[key] < l.maxPer
		if ok {
			l.total++
			l.byAddr[key]++
		}
		l.mu.Unlock()
		if !ok {
			l.refused.Add(1)
			c.Close()
			continue
		}
		return &limitedConn{Conn: c, l: l, key: key}, nil
	}
}

func (l *connLimiter) release(key netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.byAddr[key]--; l.byAddr[key] <= 0 {
		delete(l.byAddr, key)
	}
}

// limitedConn gives its place back when closed (once).
type limitedConn struct {
	net.Conn
	l    *connLimiter
	key  netip.Prefix
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.key) })
	return err
}

// CloseWrite half-closes a TCP connection: net/http does it before it
// closes a connection after an error answer, so that the client reads
// the answer rather than a reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
