package live

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// TestUDPManySenders: receivers come and go on a UDP feed; each sends a
// two-sentence static report as two datagrams, interleaved with another
// receiver's (both use sequence id 5 on channel A, as real receivers do).
// Once 256 senders had been heard, every later one shared one framer,
// where the interleaved fragments replaced each other and half the
// messages were lost. A sender heard least recently now gives its place,
// so all 400 reports decode.
func TestUDPManySenders(t *testing.T) {
	const senders = 400
	frag1 := "!AIVDM,2,1,5,A,53`eSP025ij108M:221<D60`4<f222222222220Q000005?G0>5CQ1D`,0*39\n"
	frag2 := "!AIVDM,2,2,5,A,53mp88888888880,2*3A\n"
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "rx", Kind: UDPListener, Address: "127.0.0.1:0"}}}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	addr := p.Addr("rx").String()
	dial := func() net.Conn {
		c, err := net.Dial("udp", addr)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for i := 0; i < senders; i += 2 {
		a, b := dial(), dial()
		a.Write([]byte(frag1))
		b.Write([]byte(frag1))
		a.Write([]byte(frag2))
		b.Write([]byte(frag2))
		a.Close()
		b.Close()
		if i%50 == 0 {
			time.Sleep(5 * time.Millisecond) // let the feed read: UDP drops what the kernel cannot hold
		}
	}
	for i := 0; i < 5000 && p.Stats().Feeds[0].Lines < 2*senders; i++ {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.Feeds[0].Lines != 2*senders {
		t.Fatalf("%d lines received of %d sent: the kernel dropped datagrams, the test tests nothing", s.Feeds[0].Lines, 2*senders)
	}
	if s.Reports != senders {
		t.Errorf("%d static reports decoded of %d sent", s.Reports, senders)
	}
}

// TestTCPClientFeedSaysWhy: a TCP client feed whose server refuses it
// shows why in its stats while it keeps trying, and the pipeline stops
// without an error: a feed that goes on has not failed.
func TestTCPClientFeedSaysWhy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	st := openStore(t)
	p, err := New(Options{Feeds: []Feed{{Name: "up", Kind: TCPClient, Address: addr}},
		Sleep: func(ctx context.Context, d time.Duration) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Millisecond):
				return nil
			}
		}}, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	var fs FeedStats
	for i := 0; i < 5000; i++ {
		if fs = p.Stats().Feeds[0]; fs.Err != "" {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run: %v", err)
	}
	if !strings.Contains(fs.Err, "refused") || fs.State == "connected" {
		t.Errorf("feed stats %+v: want the refusal", fs)
	}
}
