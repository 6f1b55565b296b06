package ingest

import (
	"testing"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
)

// TestOwnersStartWithPairs: an encounter owner's goroutine starts with
// its first batch, so a run whose vessels never come close starts none,
// and one whose vessels lie together does.
func TestOwnersStartWithPairs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spacing float64 // metres between neighbouring vessels
		started bool
	}{
		{"apart", 50_000, false},
		{"together", 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCore(Options{Workers: 2})
			for step := range 120 {
				for i := range 4 {
					lat, lon := geo.Destination(10, 150, 90, float64(i)*tc.spacing)
					c.Report(&fuse.Report{Time: int64(step)*10_000 + int64(i), MMSI: uint32(200_000_001 + i), Kind: fuse.Position, Class: fuse.ClassA,
						Lat: lat, Lon: lon, SOG: 0.2, COG: 90, Heading: -1, Heard: 1, Key: uint64(step)<<32 | uint64(i) + 1})
				}
			}
			w := c.run
			c.Close()
			started := 0
			for _, ch := range w.ownerIn {
				if ch != nil {
					started++
				}
			}
			if got := started > 0; got != tc.started {
				t.Errorf("%d of %d owners started, want any: %v", started, len(w.ownerIn), tc.started)
			}
		})
	}
}
