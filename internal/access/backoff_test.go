package access

import (
	"testing"
	"time"
)

// TestBackoff: free failures, then doubling lockouts up to the maximum,
// per key; a success forgets.
func TestBackoff(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	b := NewBackoff(3, time.Second, 10*time.Second)
	b.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := b.Allow("ann"); !ok {
			t.Fatalf("failure %d: locked out", i)
		}
		b.Fail("ann")
	}
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		b.Fail("ann")
		ok, wait := b.Allow("ann")
		if ok || wait != want {
			t.Fatalf("after a failure: %v %v, want locked out for %v", ok, wait, want)
		}
		if ok, _ := b.Allow("bob"); !ok {
			t.Fatal("another key is locked out")
		}
		now = now.Add(wait)
		if ok, _ := b.Allow("ann"); !ok {
			t.Fatalf("still locked out after %v", wait)
		}
	}
	b.Succeed("ann")
	b.Fail("ann")
	if ok, _ := b.Allow("ann"); !ok {
		t.Error("a success did not forget the failures")
	}
}
