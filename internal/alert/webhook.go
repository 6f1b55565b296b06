package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Webhook is a URL one partner's alerts may be posted to, configured by
// the operator (a user names it in a rule; it cannot make the server post
// elsewhere).
type Webhook struct {
	Name    string `yaml:"name"`
	Partner string `yaml:"partner"`
	URL     string `yaml:"url"`
	// Secret, when set, signs each body: X-Picket-Signature is
	// "sha256=" and the hex HMAC-SHA256 of the body with it.
	Secret string `yaml:"secret"`
	// Queue bounds the alerts waiting to be sent; more are dropped and
	// counted. Default 1,000.
	Queue int `yaml:"queue"`
	// Attempts is how many times one alert is tried (a 2xx answer is
	// delivered). Default 6.
	Attempts int `yaml:"attempts"`
	// Backoff is the wait after the first failure, doubled after each
	// next one, at most 5 min. Default 1 s.
	Backoff time.Duration `yaml:"backoff"`
	// Timeout bounds one POST. Default 10 s.
	Timeout time.Duration `yaml:"timeout"`
}

func (h *Webhook) check() error {
	if h.Name == "" || h.Partner == "" {
		return fmt.Errorf("alert: webhook %q: a name and a partner are needed", h.Name)
	}
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("alert: webhook %s: url %q is not an http(s) URL", h.Name, h.URL)
	}
	if h.Queue <= 0 {
		h.Queue = 1000
	}
	if h.Attempts <= 0 {
		h.Attempts = 6
	}
	if h.Backoff <= 0 {
		h.Backoff = time.Second
	}
	if h.Timeout <= 0 {
		h.Timeout = 10 * time.Second
	}
	return nil
}

// Delivery is the JSON body of a webhook's POST.
type Delivery struct {
	Webhook string `json:"webhook"`
	Partner string `json:"partner"`
	Alert   Alert  `json:"alert"`
	// Attempt counts from 1.
	Attempt int `json:"attempt"`
}

// sender posts one webhook's alerts in order, one at a time, each tried
// until it is delivered or Attempts are spent. An alert waits in the
// queue with its provenance: each attempt is made only while the
// partner's clearance, looked up again then, may still see it.
type sender struct {
	hook   Webhook
	log    *slog.Logger
	q      chan kept
	client *http.Client

	sent, failed, dropped, withheld atomic.Int64
}

func newSender(h Webhook, log *slog.Logger) *sender {
	return &sender{hook: h, log: log, q: make(chan kept, h.Queue), client: &http.Client{Timeout: h.Timeout}}
}

func (s *sender) metrics() []prometheus.Collector {
	labels := prometheus.Labels{"webhook": s.hook.Name}
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
			func() float64 { return float64(v.Load()) })
	}
	return []prometheus.Collector{
		counter("picket_webhook_sent_total", "Alerts delivered by webhook.", &s.sent),
		counter("picket_webhook_failed_total", "Alerts given up after every attempt failed.", &s.failed),
		counter("picket_webhook_dropped_total", "Alerts dropped because the webhook's queue was full.", &s.dropped),
		counter("picket_webhook_withheld_total", "Alerts not sent because the partner's clearance no longer covers them.", &s.withheld),
	}
}

// enqueue queues an alert, or drops it (counted, logged) when the queue
// is full: a webhook that does not answer never holds up the watch.
func (s *sender) enqueue(k kept) {
	select {
	case s.q <- k:
	default:
		s.dropped.Add(1)
		s.log.Warn("webhook queue full: alert dropped", "webhook", s.hook.Name, "alert", k.ID)
	}
}

// run sends until ctx is done; what waits in the queue then is not sent.
// clearance gives the partner's clearance now (see Desk.Run).
func (s *sender) run(ctx context.Context, clearance func(partner string) uint64) {
	for {
		select {
		case <-ctx.Done():
			return
		case k := <-s.q:
			s.deliver(ctx, k, clearance)
		}
	}
}

// deliver tries k until it is delivered, Attempts are spent, or the
// partner's clearance no longer covers it: a clearance narrowed while the
// alert waited (in the queue or between attempts) withholds it.
func (s *sender) deliver(ctx context.Context, k kept, clearance func(partner string) uint64) {
	a := k.Alert
	wait := s.hook.Backoff
	for attempt := 1; attempt <= s.hook.Attempts; attempt++ {
		if !k.visibleTo(clearance(s.hook.Partner)) {
			s.withheld.Add(1)
			s.log.Info("webhook: alert withheld, the partner's clearance no longer covers it", "webhook", s.hook.Name, "alert", a.ID)
			return
		}
		err := s.post(ctx, Delivery{Webhook: s.hook.Name, Partner: s.hook.Partner, Alert: a, Attempt: attempt})
		if err == nil {
			s.sent.Add(1)
			return
		}
		if attempt == s.hook.Attempts {
			s.failed.Add(1)
			s.log.Warn("webhook: alert given up", "webhook", s.hook.Name, "alert", a.ID, "attempts", attempt, "err", err)
			return
		}
		s.log.Info("webhook: will retry", "webhook", s.hook.Name, "alert", a.ID, "attempt", attempt, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Minute)
	}
}

func (s *sender) post(ctx context.Context, d Delivery) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.hook.URL, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "picket-webhook")
	if s.hook.Secret != "" {
		m := hmac.New(sha256.New, []byte(s.hook.Secret))
		m.Write(b)
		req.Header.Set("X-Picket-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("answered %s", resp.Status)
	}
	return nil
}
