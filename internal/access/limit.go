package access

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter limits the rate of events per key (a remote address, a user),
// each key with its own token bucket: perSecond on average, up to burst
// at once. Safe for concurrent use.
type Limiter struct {
	perSecond rate.Limit
	burst     int
	now       func() time.Time // the clock; tests replace it

	mu        sync.Mutex
	keys      map[string]*limited
	lastSweep time.Time
}

type limited struct {
	lim  *rate.Limiter
	seen time.Time
}

// limiterIdle is how long a key is kept after its last event: longer than
// any bucket takes to refill at a sensible rate, so forgetting a key
// forgives it nothing it would not have been forgiven anyway. Memory is
// bounded by the keys seen in this window.
const limiterIdle = 10 * time.Minute

// NewLimiter returns a limiter of perSecond events per second on average
// and burst at once, per key. perSecond <= 0 limits nothing; a burst
// below 1 is 1.
func NewLimiter(perSecond float64, burst int) *Limiter {
	if burst < 1 {
		burst = 1
	}
	l := &Limiter{perSecond: rate.Limit(perSecond), burst: burst, now: time.Now, keys: make(map[string]*limited)}
	if perSecond <= 0 {
		l.perSecond = rate.Inf
	}
	return l
}

// Allow takes one event for key. When refused it says how long until one
// would be allowed (for a Retry-After header); a refused event takes
// nothing from the bucket.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l.perSecond == rate.Inf {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= time.Minute {
		l.sweep(now)
	}
	k := l.keys[key]
	if k == nil {
		k = &limited{lim: rate.NewLimiter(l.perSecond, l.burst)}
		l.keys[key] = k
	}
	k.seen = now
	r := k.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep forgets the keys idle for longer than limiterIdle.
func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for key, k := range l.keys {
		if now.Sub(k.seen) > limiterIdle {
			delete(l.keys, key)
		}
	}
}

// Len returns how many keys the limiter holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
