package live

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
)

// An event's evidence names the feed each fix came from, as the node's
// config names it (an analyst reads "kor-shore", not the feed's index).
func TestEvidenceNamesTheFeed(t *testing.T) {
	p, err := New(Options{Feeds: []Feed{
		{Name: "kor-shore", Kind: TCPListener, Address: "127.0.0.1:0"},
	}, Places: detect.Places{}}, openStore(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	sub := p.Hub().Subscribe(Filter{Alerts: true, Types: []event.Type{event.Loitering}, Clearance: 1})
	c, err := net.Dial("tcp", p.Addr("kor-shore").String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t0 := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	const v = 412000001
	for ts := t0; ts < t0+4*3600_000; ts += 2 * 60_000 {
		if _, err := c.Write(posLine(t, v, ts, 20, 125+float64(ts-t0)/3.6e9, 0.5)); err != nil {
			t.Fatal(err)
		}
	}
	e := nextAlert(t, sub, "loitering", func(*event.Event) bool { return true })
	if len(e.Evidence) == 0 {
		t.Fatal("loitering without evidence")
	}
	for _, f := range e.Evidence {
		if f.Feed != "kor-shore" {
			t.Errorf("evidence fix at %s names feed %q, want kor-shore", f.Time, f.Feed)
		}
	}
}
