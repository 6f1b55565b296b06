package live

import (
	"sync"

	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/radar"
)

// Coverage is where a radar feed sees: its site (or its ship's latest
// fix) and its range, as configured or, without one, the farthest plot
// it has given from where it was at the time.
type Coverage struct {
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
	RangeM float64 `json:"range_m"`
	// Observed says the range is the farthest plot seen, not the
	// configured one.
	Observed bool `json:"observed"`
	// Time is the newest plot's or own fix's time, Unix ms; 0 for a
	// fixed site that has given no plot yet.
	Time int64 `json:"time,omitempty"`
}

// coverage is a radar feed's Coverage as its streams learn it, read by
// Stats from any goroutine.
type coverage struct {
	mu  sync.Mutex
	c   Coverage
	has bool
}

// init starts a radar feed's coverage from its config: a fixed site is
// known before any plot.
func (cv *coverage) init(f *Feed) {
	cv.c.RangeM = f.RangeM
	if f.Site != nil {
		cv.c.Lat, cv.c.Lon, cv.has = f.Site[0], f.Site[1], true
	}
	cv.c.Observed = f.RangeM <= 0
}

// plot notes a plot at time t placed by r.
func (cv *coverage) plot(r *radar.Reader, t int64, lat, lon float64) {
	olat, olon, ok := r.Origin()
	if !ok {
		return
	}
	d := geo.Distance(olat, olon, lat, lon)
	cv.mu.Lock()
	defer cv.mu.Unlock()
	cv.c.Lat, cv.c.Lon, cv.has = olat, olon, true
	cv.c.Time = max(cv.c.Time, t)
	if cv.c.Observed && d > cv.c.RangeM {
		cv.c.RangeM = d
	}
}

// get returns the coverage, ok false while its place is unknown.
func (cv *coverage) get() (Coverage, bool) {
	cv.mu.Lock()
	defer cv.mu.Unlock()
	return cv.c, cv.has
}
