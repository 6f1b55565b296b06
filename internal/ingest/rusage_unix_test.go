//go:build unix

package ingest

import (
	"syscall"
	"time"
)

// usage returns the CPU time the process has used (user and system, every
// goroutine) and its peak resident set size in bytes, the whole process.
func usage() (cpu time.Duration, peakRSS int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Maxrss * 1024 // Linux reports KiB
}
