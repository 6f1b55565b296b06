//go:build linux

package store

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkTrackDayCold reads one vessel's day with the store's files
// dropped from the page cache first (posix_fadvise DONTNEED on the store's
// own files only), so every read goes to the disk.
func BenchmarkTrackDayCold(b *testing.B) {
	dir := dayStore(b)
	s := open(b, dir, Options{})
	defer s.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "seg-*.pks"))
	var mmsis []uint32
	for m := range dayPos {
		mmsis = append(mmsis, m)
	}
	i, n := 0, 0
	for b.Loop() {
		b.StopTimer()
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				b.Fatal(err)
			}
			syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, 0, 4 /* POSIX_FADV_DONTNEED */, 0, 0)
			f.Close()
		}
		b.StartTimer()
		m := mmsis[i%len(mmsis)]
		i++
		if err := s.Track(m, t0, t0+24*3_600_000, func(Position) bool { n++; return true }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(i), "positions/op")
}
