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
	for b.Loop() {
		res, err := Analyze(files, AnalyzeOptions{Places: detect.Places{ShoreM: shore.DistanceToShore}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Tally.Lines)/b.Elapsed().Seconds()*float64(b.N), "lines/s")
	}
}
