//go:build !unix

package ingest

import "time"

// usage is not measured here.
func usage() (cpu time.Duration, peakRSS int64) { return 0, 0 }
