package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// chunkReader returns its data in pieces cut at the given points, as a
// network or pipe reader would.
type chunkReader struct {
	data []byte
	cuts []byte
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := len(c.data)
	if len(c.cuts) > 0 {
		n = int(c.cuts[0])%len(c.data) + 1
		c.cuts = c.cuts[1:]
	}
	n = min(n, len(p))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// decodeAll runs the decode job over r and returns its NDJSON and tally.
func decodeAll(t *testing.T, r io.Reader) ([]byte, *nmea.Tally) {
	var out bytes.Buffer
	d := NewDecoder(&out, DecodeOptions{})
	d.Input(&source.File{Name: "fuzz", Reader: r})
	d.Flush()
	return out.Bytes(), d.Tally()
}

// FuzzDecode feeds arbitrary input, cut into arbitrary reads, through
// framing, decoding and JSON output. Whatever the input: no panic, every
// line accounted for, every output line valid JSON, and the same result
// however the input was cut.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{
		"conformance/gpsd/sample.aivdm",
		"conformance/libais/tagblock.nmea",
		"conformance/dma-aislib/small_cb_example_malformed.nmea",
		"conformance/edge-cases/uscg_nais_format_20181101.log",
		"conformance/edge-cases/exactearth_tagblock_2012.nmea",
		"conformance/pyais/mixed.txt",
		"aivdm/dma_denmark_2010-06-11_pghp.nmea",
		"aivdm/amsa_exactearth_2012/exact-earth-augmented-2.nmea",
	} {
		fh, err := os.Open(filepath.Join(testdata, name))
		if err != nil {
			f.Fatal(err)
		}
		// Seed with runs of a few lines each, so the corpus stays small.
		sc := bufio.NewScanner(fh)
		var chunk []byte
		for n := 0; sc.Scan(); n++ {
			chunk = append(chunk, sc.Bytes()...)
			chunk = append(chunk, '\n')
			if n%6 == 5 {
				f.Add(chunk, []byte{7, 33, 2})
				chunk = nil
			}
		}
		fh.Close()
	}
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		whole, tw := decodeAll(t, bytes.NewReader(data))
		split, ts := decodeAll(t, &chunkReader{data: data, cuts: cuts})
		if !bytes.Equal(whole, split) {
			t.Fatalf("output depends on how the input was cut:\n%s\nvs\n%s", whole, split)
		}
		if tw.Lines != ts.Lines || tw.Accounted() != tw.Lines {
			t.Fatalf("lines %d (split %d), accounted %d", tw.Lines, ts.Lines, tw.Accounted())
		}
		for _, l := range bytes.Split(bytes.TrimSuffix(whole, []byte("\n")), []byte("\n")) {
			if len(l) > 0 && !json.Valid(l) {
				t.Fatalf("invalid JSON: %s", l)
			}
		}
	})
}
