package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/geo"
)

func BenchmarkAnalyzePerfDir(b *testing.B) {
	dir := os.Getenv("PERFDIR")
	if dir == "" {
		b.Skip()
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*/feed.nmea"))
	shore := geo.DefaultShore()
	var lines int64
	for b.Loop() {
		res, err := Analyze(files, AnalyzeOptions{Places: detect.Places{ShoreM: shore.DistanceToShore}})
		if err != nil {
			b.Fatal(err)
		}
		lines += res.Tally.Lines
	}
	// b.N is not known inside a b.Loop loop: the rate is reported after it.
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}
