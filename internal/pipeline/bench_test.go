package pipeline

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// loadLines reads a testdata log into memory as lines.
func loadLines(b *testing.B, name string) ([][]byte, int64) {
	b.Helper()
	f, err := source.Open(filepath.Join(testdata, name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	return lines, int64(len(data))
}

// BenchmarkCore measures the decoder core: framing and decoding to structs,
// no output, over the AISHub worldwide sample (85k sentences, all types).
// Sentences per second is lines/op * ops/s; see docs/benchmarks.md.
func BenchmarkCore(b *testing.B) {
	lines, size := loadLines(b, "aivdm/aishub_global_3min_2015.nmea.gz")
	b.SetBytes(size)
	b.ReportAllocs()
	var dec ais.Decoder
	p := nmea.NewParser(nmea.Options{})
	var msgs int
	for b.Loop() {
		for _, l := range lines {
			msg, _ := p.Feed(l)
			if msg == nil {
				continue
			}
			if ingest.DecodeMessage(&dec, msg, p.Tally()) != nil {
				msgs++
			}
		}
		p.Flush()
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkCorePosition measures one single-sentence position report
// through framing and decoding: it must not allocate.
func BenchmarkCorePosition(b *testing.B) {
	line := []byte("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n")
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	var dec ais.Decoder
	p := nmea.NewParser(nmea.Options{})
	for b.Loop() {
		msg, _ := p.Feed(line)
		if ingest.DecodeMessage(&dec, msg, p.Tally()) == nil {
			b.Fatal("not decoded")
		}
	}
}

// BenchmarkDecodeJSON measures the whole decode job in memory: framing,
// decoding and writing gpsd-style NDJSON.
func BenchmarkDecodeJSON(b *testing.B) {
	lines, size := loadLines(b, "aivdm/aishub_global_3min_2015.nmea.gz")
	data := bytes.Join(lines, nil)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(io.Discard, DecodeOptions{})
		if err := d.Input(&source.File{Name: "bench", Reader: bytes.NewReader(data)}); err != nil {
			b.Fatal(err)
		}
		d.Flush()
	}
	b.ReportMetric(float64(len(lines))*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
