package server

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// nmeaSentence wraps a body in ! and its checksum.
func nmeaSentence(body string) string {
	var sum byte
	for i := 0; i < len(body); i++ {
		sum ^= body[i]
	}
	return fmt.Sprintf("!%s*%02X\r\n", body, sum)
}

// staticVoyage returns the two sentences of a type 5 report (a name)
// with sequence id seq.
func staticVoyage(t *testing.T, mmsi uint32, name string, seq int) (string, string) {
	t.Helper()
	payload, fill, err := ais.AppendPayload(nil, &ais.StaticVoyage{Header: ais.Header{Type: 5, MMSI: mmsi}, AISVersion: 2,
		ShipName: []byte(name), ShipType: 80, Destination: []byte("NOWHERE")})
	if err != nil {
		t.Fatal(err)
	}
	return nmeaSentence(fmt.Sprintf("AIVDM,2,1,%d,A,%s,0", seq, payload[:60])),
		nmeaSentence(fmt.Sprintf("AIVDM,2,2,%d,A,%s,%d", seq, payload[60:], fill))
}

// TestHostileUDPSenders: after 300 senders (more than a UDP feed keeps
// parsers for) went by, two new senders interleaving the fragments of
// their two-part reports each get theirs through (they used to share one
// parser, where the fragments met and were lost).
func TestHostileUDPSenders(t *testing.T) {
	_, p := newTestServer(t, []live.Feed{{Name: "udp", Partner: "NOR", Label: "REL TO NOR", Kind: live.UDPListener, Address: "127.0.0.1:0"}})
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- p.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	}()
	addr := p.Addr("udp").String()
	dial := func() net.Conn {
		c, err := net.Dial("udp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	var sent int64
	send := func(c net.Conn, line string) {
		t.Helper()
		if _, err := c.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
		sent++
		// One datagram taken in before the next: UDP drops what a busy
		// reader cannot take.
		waitFor(t, "datagram read", func() bool { return p.Stats().Feeds[0].Lines == sent })
	}
	for i := range 300 {
		send(dial(), positionSentence(t, uint32(257000000+i), 60, 5))
	}
	const b, c = 257900001, 257900002
	b1, b2 := staticVoyage(t, b, "SENDER B", 3)
	c1, c2 := staticVoyage(t, c, "SENDER C", 3)
	cb, cc := dial(), dial()
	send(cb, b1)
	send(cc, c1)
	send(cb, b2)
	send(cc, c2)
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []uint32{b, c} {
		recs, err := p.Store().Identities(m)
		if err != nil {
			t.Fatal(err)
		}
		if !hasName(recs) {
			t.Errorf("vessel %d: no name heard; its two-part report was lost", m)
		}
	}
}

func hasName(recs []store.IdentityRecord) bool {
	for _, r := range recs {
		if r.Field == "name" && r.Value != "" {
			return true
		}
	}
	return false
}
