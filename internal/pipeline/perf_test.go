package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/geo"
)

// BenchmarkAnalyzePerfDir analyses every PERFDIR/*/feed.nmea (simulated
// feeds: `picket simulate --out PERFDIR/s1 ...`) with the coastline and
// no ports, on 1, 2 and 4 workers, and reports lines/s (wall). Skipped
// without PERFDIR.
func BenchmarkAnalyzePerfDir(b *testing.B) {
	dir := os.Getenv("PERFDIR")
	if dir == "" {
		b.Skip()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*/feed.nmea"))
	shore := geo.DefaultShore()
	for _, workers := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var lines int64
			for b.Loop() {
				res, err := Analyze(files, AnalyzeOptions{Workers: workers, Places: detect.Places{ShoreM: shore.DistanceToShore}})
				if err != nil {
					b.Fatal(err)
				}
				lines += res.Tally.Lines
			}
			// b.N is not known inside a b.Loop loop: the rate is reported after it.
			b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
