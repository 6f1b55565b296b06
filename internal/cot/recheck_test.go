package cot

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// shifting is a partner whose clearance an operator changes while its
// stream is open.
type shifting struct{ clearance atomic.Uint64 }

func (s *shifting) Clearance(string) uint64          { return s.clearance.Load() }
func (s *shifting) Marking(string, ...uint64) string { return "REL TO JPN" }

// An open CoT stream follows its partner's clearance: once the partner is
// cleared for feed 2 instead of feed 1, a vessel only feed 1 hears is no
// longer sent, and one feed 2 hears is.
func TestStreamFollowsClearance(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	hub := live.NewHub(1024)
	rel := &shifting{}
	rel.clearance.Store(1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Run(ctx, hub, rel, Options{Name: "t", Partner: "JPN", Address: ln.Addr().String(), MinInterval: time.Millisecond, Recheck: 10 * time.Millisecond}, nil)
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	uids := make(chan string, 1024) // the uid of each event sent, in order
	go func() {
		rd := bufio.NewReader(conn)
		for {
			b, err := rd.ReadString('>')
			if err != nil {
				close(uids)
				return
			}
			if i := strings.Index(b, `<event `); i >= 0 {
				if j := strings.Index(b, `uid="`); j >= 0 {
					uids <- b[j+5 : j+5+strings.Index(b[j+5:], `"`)]
				}
			}
		}
	}()
	// until publishes until the stream sends want's uid (the stream may
	// not have subscribed yet, or not looked at the clearance again).
	until := func(publish func(), want string) {
		t.Helper()
		for tries := 0; ; tries++ {
			publish()
			select {
			case uid, ok := <-uids:
				if !ok {
					t.Fatal("the stream closed")
				}
				if uid == want {
					return
				}
			case <-time.After(50 * time.Millisecond):
			}
			if tries == 2000 {
				t.Fatalf("the stream never sent %s", want)
			}
		}
	}
	ms := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	pos := func(mmsi uint32, feeds uint64) {
		ms += 1000
		hub.PublishPositions([]live.Position{{Position: store.Position{MMSI: mmsi, Time: ms, Lat: 35, Lon: 129, Heading: -1, Feeds: feeds}}})
	}
	const one, two = 412000001, 412000002
	// Subscribed with feed 1: the feed-1 vessel is sent.
	until(func() { pos(one, 1) }, fmt.Sprintf("picket-%d", one))
	rel.clearance.Store(2)
	// Feed 2's vessel comes through once the stream has looked again.
	until(func() { pos(two, 2) }, fmt.Sprintf("picket-%d", two))
	for len(uids) > 0 {
		<-uids
	}
	// Now the feed-1 vessel is not sent: the next event is feed 2's.
	pos(one, 1)
	pos(two, 2)
	if uid := <-uids; uid != fmt.Sprintf("picket-%d", two) {
		t.Fatalf("after the clearance narrowed to feed 2 the stream sent %s", uid)
	}
}
