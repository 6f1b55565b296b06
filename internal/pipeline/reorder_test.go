package pipeline

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/fuse"
)

func TestReorder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Mostly in order, some reports up to 50 s late.
	var in []fuse.Report
	for i := 0; i < 20000; i++ {
		tm := int64(i) * 100
		if rng.IntN(10) == 0 {
			tm -= rng.Int64N(50_000)
		}
		in = append(in, fuse.Report{Time: tm, MMSI: uint32(i)})
	}
	r := newReorder(60_000, 1_000_000)
	var out []fuse.Report
	for _, rep := range in {
		out = r.push(rep, out)
	}
	out = r.flush(out)
	if len(out) != len(in) {
		t.Fatalf("%d out of %d", len(out), len(in))
	}
	if !slices.IsSortedFunc(out, func(a, b fuse.Report) int { return int(a.Time - b.Time) }) {
		t.Error("not in time order")
	}
	// Reports later than the window stay where they are: nothing is lost.
	r = newReorder(1000, 10)
	out = r.push(fuse.Report{Time: 10_000}, nil)
	out = r.push(fuse.Report{Time: 20_000}, out)
	out = r.push(fuse.Report{Time: 5_000}, out)
	out = r.flush(out)
	if len(out) != 3 || out[0].Time != 10_000 || out[1].Time != 5_000 {
		t.Errorf("late beyond the window: %v", out)
	}
	// The held count is bounded.
	r = newReorder(1<<40, 100)
	out = nil
	for i := 0; i < 1000; i++ {
		out = r.push(fuse.Report{Time: int64(i)}, out)
	}
	if len(r.buf)-r.head > 100 || len(out) != 900 {
		t.Errorf("held %d, released %d", len(r.buf)-r.head, len(out))
	}
}

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
