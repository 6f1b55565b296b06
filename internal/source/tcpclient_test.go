package source

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// TestTCPClientReconnects: a server that hangs up after one line; the
// client reconnects with doubling waits (observed through Sleep, never
// waited for) and reads a line from every connection.
func TestTCPClientReconnects(t *testing.T) {
	ln := listen(t)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23\r\n"))
			c.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	var lines int
	var states []string
	opts := TCPClientOptions{
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			if len(waits) == 5 {
				cancel()
				return ctx.Err()
			}
			return nil
		},
		OnState: func(s string) { states = append(states, s) },
	}
	err := RunTCPClient(ctx, ln.Addr().String(), opts, func(ctx context.Context, c net.Conn) error {
		sc := bufio.NewScanner(c)
		for sc.Scan() {
			lines++
		}
		return sc.Err()
	})
	if err != context.Canceled {
		t.Fatalf("RunTCPClient returned %v", err)
	}
	if lines != 5 {
		t.Errorf("%d lines read over 5 connections", lines)
	}
	base := []time.Duration{100, 200, 400, 400, 400}
	for i, w := range waits {
		lo := base[i] * time.Millisecond
		if w < lo || w > lo+lo/5 {
			t.Errorf("wait %d: %v, want %v plus at most 20%% jitter", i, w, lo)
		}
	}
	if len(states) < 3 || states[0] != "connecting" || states[1] != "connected" || states[2] != "disconnected" {
		t.Errorf("states %v", states)
	}
}

// TestTCPClientRetriesRefused: nothing listens; the client keeps trying.
func TestTCPClientRetriesRefused(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tries := 0
	err := RunTCPClient(ctx, addr, TCPClientOptions{Sleep: func(ctx context.Context, d time.Duration) error {
		tries++
		if tries == 3 {
			cancel()
			return ctx.Err()
		}
		return nil
	}}, func(context.Context, net.Conn) error { t.Error("served a connection"); return nil })
	if err != context.Canceled || tries != 3 {
		t.Fatalf("err %v after %d tries", err, tries)
	}
}

// TestServeTCP: two receivers push lines at once; cancelling closes them
// and ServeTCP returns after both handlers did.
func TestServeTCP(t *testing.T) {
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	got := map[string]int{}
	connected := make(chan struct{}, 2)
	finished := make(chan struct{}, 2)
	done := make(chan error, 1)
	go func() {
		done <- ServeTCP(ctx, ln, TCPListenerOptions{}, func(ctx context.Context, c net.Conn) error {
			connected <- struct{}{}
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				mu.Lock()
				got[sc.Text()]++
				mu.Unlock()
			}
			finished <- struct{}{}
			return nil
		})
	}()
	var conns []net.Conn
	for _, line := range []string{"one", "two"} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		<-connected
		c.Write([]byte(line + "\n"))
	}
	// Closing the senders' side ends the handlers' reads; then stop.
	for _, c := range conns {
		c.Close()
	}
	<-finished
	<-finished
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got["one"] != 1 || got["two"] != 1 {
		t.Errorf("got %v", got)
	}
}

func TestServeUDP(t *testing.T) {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeUDP(ctx, c, func(from netip.AddrPort, d []byte) {
			got <- string(d)
		})
	}()
	s, err := net.Dial("udp", c.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Write([]byte("line one\nline two\n"))
	if g := <-got; g != "line one\nline two\n" {
		t.Errorf("got %q", g)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// emfileListener fails its first n accepts as a process out of file
// descriptors does.
type emfileListener struct {
	net.Listener
	n int
}

func (l *emfileListener) Accept() (net.Conn, error) {
	if l.n > 0 {
		l.n--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(), Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// TestServeTCPOutOfDescriptors: "too many open files" on accept is
// waited out with growing waits, and the feed takes connections again
// once descriptors are free (it used to stop for good).
func TestServeTCPOutOfDescriptors(t *testing.T) {
	ln := &emfileListener{Listener: listen(t), n: 4}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	got := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeTCP(ctx, ln, TCPListenerOptions{Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		}}, func(ctx context.Context, c net.Conn) error {
			sc := bufio.NewScanner(c)
			if sc.Scan() {
				got <- sc.Text()
			}
			return nil
		})
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("after the storm\n"))
	select {
	case line := <-got:
		if line != "after the storm" {
			t.Errorf("got %q", line)
		}
	case err := <-done:
		t.Fatalf("ServeTCP stopped: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}
	if !slices.Equal(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}
