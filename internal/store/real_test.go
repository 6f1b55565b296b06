package store

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// seineDir holds five days of a real receiver's log on the Seine at
// Vernon (see testdata/aivdm/SOURCES.md).
const seineDir = "../../testdata/aivdm/vernon_seine_2016"

// realPositions decodes the positions of one real log the way analyze
// does (no de-duplication: one receiver).
func realPositions(tb testing.TB, path string) []Position {
	f, err := source.Open(path)
	if err != nil {
		tb.Skipf("real data not found: %v", err)
	}
	defer f.Close()
	p := nmea.NewParser(nmea.Options{})
	var dec ais.Decoder
	var ps []Position
	lr := source.NewLineReader(bufio.NewReaderSize(f, 256<<10))
	for lr.Next() {
		msg, _ := p.Feed(lr.Line())
		if msg == nil || !msg.HasTime {
			continue
		}
		m, err := decodeMessage(&dec, msg)
		if err != nil {
			continue
		}
		if r, ok := fuse.FromAIS(m, msg.TimeMs, 0); ok && r.Kind == fuse.Position {
			ps = append(ps, Position{MMSI: r.MMSI, Time: r.Time, Lat: r.Lat, Lon: r.Lon, SOG: r.SOG, COG: r.COG,
				Heading: r.Heading, Status: r.Status, Feeds: 1})
		}
	}
	return ps
}

func decodeMessage(dec *ais.Decoder, msg *nmea.Message) (ais.Message, error) {
	if msg.InnerFill {
		return dec.DecodeFragments(msg.Payload, msg.FragEnds, msg.FragFills)
	}
	return dec.Decode(msg.Payload, msg.Fill)
}

// BenchmarkRealSeine stores five real days and reports the bytes per
// position on disk and the ingest rate.
func BenchmarkRealSeine(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(seineDir, "*.log.gz"))
	if len(files) == 0 {
		b.Skip("real data not found")
	}
	var ps []Position
	for _, f := range files {
		ps = append(ps, realPositions(b, f)...)
	}
	b.ReportAllocs()
	for b.Loop() {
		dir := b.TempDir()
		s := open(b, dir, Options{})
		appendAll(b, s, ps, 1000)
		st := s.Stats()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.SegmentBytes)/float64(st.SealedPositions), "disk-B/position")
		b.ReportMetric(float64(len(ps)), "positions")
		os.RemoveAll(dir)
	}
}
