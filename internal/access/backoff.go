package access

import (
	"sync"
	"time"
)

// Backoff slows down failures per key (an account a password is guessed
// for): the first Free failures cost nothing, each one after locks the
// key out for twice as long as the one before, from Base up to Max, and
// a success forgets the key. Unlike a rate per client address, it holds
// when the guesses come from many addresses. A key idle for longer than
// Max after its lockout ended is forgotten. Safe for concurrent use.
type Backoff struct {
	free      int
	base, max time.Duration
	now       func() time.Time // the clock; tests replace it

	mu        sync.Mutex
	keys      map[string]*backoffState
	lastSweep time.Time
}

type backoffState struct {
	failures int
	until    time.Time // locked out before this
}

// NewBackoff returns a Backoff that forgives free failures, then locks a
// key out for base, 2*base, 4*base... up to max.
func NewBackoff(free int, base, max time.Duration) *Backoff {
	return &Backoff{free: free, base: base, max: max, now: time.Now, keys: make(map[string]*backoffState)}
}

// Allow reports whether key may try now; when not, how long until it may.
func (b *Backoff) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.keys[key]; s != nil && now.Before(s.until) {
		return false, s.until.Sub(now)
	}
	return true, 0
}

// Fail counts a failure of key.
func (b *Backoff) Fail(key string) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.lastSweep) >= time.Minute {
		b.sweep(now)
	}
	s := b.keys[key]
	if s == nil {
		s = &backoffState{}
		b.keys[key] = s
	}
	s.failures++
	if n := s.failures - b.free; n > 0 {
		d := b.max
		if n <= 30 && b.base<<(n-1) < b.max {
			d = b.base << (n - 1)
		}
		s.until = now.Add(d)
	}
}

// Succeed forgets key's failures.
func (b *Backoff) Succeed(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.keys, key)
}

func (b *Backoff) sweep(now time.Time) {
	b.lastSweep = now
	for k, s := range b.keys {
		if now.Sub(s.until) > b.max && now.Sub(s.until) > limiterIdle {
			delete(b.keys, k)
		}
	}
}
