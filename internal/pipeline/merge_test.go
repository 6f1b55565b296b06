package pipeline

import (
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/fuse"
)

func TestMergerOrdersInputs(t *testing.T) {
	var streams []*inputStream
	want := 0
	for k := 0; k < 5; k++ {
		s := &inputStream{ch: make(chan []fuse.Report, 100)}
		for b := 0; b < 7; b++ { // batches of varied sizes, some empty
			var batch []fuse.Report
			for i := 0; i < (k+b)%4*3; i++ {
				batch = append(batch, fuse.Report{Time: int64((b*20+i)*10 + k), MMSI: uint32(k)})
				want++
			}
			s.ch <- batch
		}
		close(s.ch)
		streams = append(streams, s)
	}
	m := newMerger(streams)
	var got []int64
	for {
		r, ok := m.next()
		if !ok {
			break
		}
		got = append(got, r.Time)
	}
	if len(got) != want || !slices.IsSorted(got) {
		t.Errorf("%d of %d reports, sorted %v", len(got), want, slices.IsSorted(got))
	}
}
