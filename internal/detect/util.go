package detect

import (
	"fmt"
	"math"
	"time"
)

const (
	metresPerNM = 1852.0
	hourMs      = 3600 * 1000
	minuteMs    = 60 * 1000
)

// tm converts Unix milliseconds to a UTC time.
func tm(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// hours formats a duration in milliseconds for a summary.
func hours(ms int64) string {
	h := float64(ms) / hourMs
	if h < 1 {
		return fmt.Sprintf("%.0f min", h*60)
	}
	return fmt.Sprintf("%.1f h", h)
}

// nan32 reports whether a float32 is NaN (speed or course not available).
func nan32(v float32) bool { return v != v }

// clamp01 limits v to [0, 1].
func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// ramp is 0 at lo, 1 at hi, linear between.
func ramp(v, lo, hi float64) float64 {
	if hi == lo {
		if v >= hi {
			return 1
		}
		return 0
	}
	return clamp01((v - lo) / (hi - lo))
}

// segKey names a segment: MMSI and its number.
type segKey struct {
	mmsi uint32
	n    int
}

func segName(mmsi uint32, n int) string { return fmt.Sprintf("%d-%d", mmsi, n) }
