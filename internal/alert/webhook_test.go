package alert

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// hookServer is a webhook receiver that answers 500 to the first fail
// posts, then takes each delivery (checking its signature when the
// secret is "s3cret").
func hookServer(t *testing.T, got chan<- Delivery, fail int32) string {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("webhook got %s %s", r.Method, r.Header.Get("Content-Type"))
		}
		if sig := r.Header.Get("X-Picket-Signature"); sig != "" {
			m := hmac.New(sha256.New, []byte("s3cret"))
			m.Write(b)
			if sig != "sha256="+hex.EncodeToString(m.Sum(nil)) {
				t.Errorf("bad signature %s", sig)
			}
		}
		if n.Add(1) <= fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		var d Delivery
		if err := json.Unmarshal(b, &d); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		got <- d
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestWebhookRetries: a receiver that fails twice gets the alert on the
// third attempt, signed; one that always fails is given up after the
// attempts configured.
func TestWebhookRetries(t *testing.T) {
	got := make(chan Delivery, 4)
	h := Webhook{Name: "ops", Partner: "JPN", URL: hookServer(t, got, 2), Secret: "s3cret", Backoff: time.Millisecond, Attempts: 3}
	if err := h.check(); err != nil {
		t.Fatal(err)
	}
	s := newSender(h, slog.New(slog.DiscardHandler))
	s.deliver(t.Context(), kept{Alert: Alert{ID: 7, MMSI: 431000001, Kind: KindEntry}, Prov: store.Provenance{Feeds: bitJ}}, clearanceOf)
	select {
	case d := <-got:
		if d.Attempt != 3 || d.Alert.ID != 7 || d.Webhook != "ops" || d.Partner != "JPN" {
			t.Errorf("delivery %+v", d)
		}
	default:
		t.Fatal("not delivered after two failures and three attempts")
	}
	if float64(s.sent.Load()) != 1 {
		t.Error("not counted sent")
	}
	h.URL = hookServer(t, got, 1000)
	s = newSender(h, slog.New(slog.DiscardHandler))
	s.deliver(t.Context(), kept{Alert: Alert{ID: 8}, Prov: store.Provenance{Feeds: bitJ}}, clearanceOf)
	if float64(s.failed.Load()) != 1 || len(got) != 0 {
		t.Errorf("a receiver that always fails: failed %v", float64(s.failed.Load()))
	}
}

// TestWebhookQueueBounded: alerts beyond the queue are dropped and
// counted, never waited for.
func TestWebhookQueueBounded(t *testing.T) {
	h := Webhook{Name: "ops", Partner: "JPN", URL: "http://127.0.0.1:1/", Queue: 2}
	if err := h.check(); err != nil {
		t.Fatal(err)
	}
	s := newSender(h, slog.New(slog.DiscardHandler))
	for i := range 5 {
		s.enqueue(kept{Alert: Alert{ID: int64(i)}})
	}
	if len(s.q) != 2 || float64(s.dropped.Load()) != 3 {
		t.Errorf("queue %d, dropped %v", len(s.q), float64(s.dropped.Load()))
	}
	for _, bad := range []Webhook{{Name: "a", Partner: "JPN", URL: "file:///etc/passwd"}, {Name: "a", URL: "http://x/"}} {
		if err := bad.check(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestWebhookFollowsNarrowing: alerts already queued for a webhook when
// its partner's clearance narrows are looked at again when their turn
// comes: one the partner may no longer see is withheld (counted), one it
// still may is sent.
func TestWebhookFollowsNarrowing(t *testing.T) {
	got := make(chan Delivery, 4)
	gate := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d Delivery
		if err := json.NewDecoder(r.Body).Decode(&d); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		got <- d
		<-gate // the first alert is held in flight while the others queue
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(gate) })
	var clearance atomic.Uint64
	clearance.Store(bitJ | bitG)
	d, err := Open(Options{Webhooks: []Webhook{{Name: "jpn-ops", Partner: "JPN", URL: srv.URL}}, Recheck: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan struct{})
	go func() {
		d.Run(ctx, live.NewHub(16), func(string) uint64 { return clearance.Load() })
		close(ran)
	}()
	t.Cleanup(func() { cancel(); <-ran })
	r, err := compile(Rule{Name: "Box", Area: box, Triggers: Triggers{Entry: true}, Webhooks: []string{"jpn-ops"}}, nil, []string{"jpn-ops"})
	if err != nil {
		t.Fatal(err)
	}
	for i, feeds := range []uint64{bitG, bitG, bitJ} {
		d.raise("JPN", r, kept{Alert: Alert{Kind: KindEntry, MMSI: uint32(431000001 + i)}, Prov: store.Provenance{Feeds: feeds}})
	}
	next := func() Delivery {
		select {
		case a := <-got:
			return a
		case <-time.After(10 * time.Second):
			t.Fatal("webhook got nothing")
		}
		return Delivery{}
	}
	if a := next(); a.Alert.MMSI != 431000001 {
		t.Fatalf("first delivery %+v", a)
	}
	clearance.Store(bitJ) // narrowed: gbr-sat's vessels no longer releasable to JPN
	gate <- struct{}{}
	if a := next(); a.Alert.MMSI != 431000003 {
		t.Errorf("after the narrowing the webhook got %+v, want only the jpn-coast vessel's alert", a)
	}
	if n := d.hooks["jpn-ops"].withheld.Load(); n != 1 {
		t.Errorf("withheld %d, want 1", n)
	}
}
