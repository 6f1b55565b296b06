package source

import (
	"context"
	"errors"
	"fmt"
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
