package access

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := NewLimiter(2, 3) // 2 a second, 3 at once
	clock := &fakeClock{t: t0}
	l.now = clock.Now
	for i := range 3 {
		if ok, _ := l.Allow("192.0.2.1"); !ok {
			t.Fatalf("event %d of a burst of 3 refused", i+1)
		}
	}
	ok, retry := l.Allow("192.0.2.1")
	if ok || retry <= 0 || retry > 500*time.Millisecond {
		t.Errorf("4th event: ok %v, retry after %v; want refused, retry in (0, 500ms]", ok, retry)
	}
	// Refused events take nothing: asking again says the same.
	if ok, again := l.Allow("192.0.2.1"); ok || again != retry {
		t.Errorf("asked again: %v, %v; want refused, %v", ok, again, retry)
	}
	if ok, _ := l.Allow("198.51.100.9"); !ok {
		t.Error("another key is limited by the first")
	}
	clock.Add(retry)
	if ok, _ := l.Allow("192.0.2.1"); !ok {
		t.Error("refused after waiting retryAfter")
	}
	if ok, _ := l.Allow("192.0.2.1"); ok {
		t.Error("a second event allowed right after the refill of one")
	}

	// Idle keys are forgotten.
	if l.Len() != 2 {
		t.Errorf("%d keys, want 2", l.Len())
	}
	clock.Add(11 * time.Minute)
	l.Allow("203.0.113.5")
	if l.Len() != 1 {
		t.Errorf("%d keys after 11 idle minutes, want 1", l.Len())
	}

	off := NewLimiter(0, 0)
	for range 1000 {
		if ok, _ := off.Allow("x"); !ok {
			t.Fatal("a limiter of rate 0 refused")
		}
	}
}
