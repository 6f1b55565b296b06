package ingest

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/fuse"
)

func times(rs []fuse.Report) []int64 {
	out := make([]int64, len(rs))
	for i := range rs {
		out[i] = rs[i].Time
	}
	return out
}

func TestReorderPutsBackInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Mostly in order, some reports up to 50 s late: more than the first
	// ring holds, so it grows while it wraps around.
	var in []fuse.Report
	for i := 0; i < 20000; i++ {
		tm := int64(i) * 100
		if rng.IntN(10) == 0 {
			tm -= rng.Int64N(50_000)
		}
		in = append(in, fuse.Report{Time: tm, MMSI: uint32(i)})
	}
	r := NewReorder(60*time.Second, 1_000_000)
	var out []fuse.Report
	for i := range in {
		r.Push(&in[i], 0)
		out = r.Release(out, 0, false)
	}
	out = r.Release(out, 0, true)
	if len(out) != len(in) || r.Len() != 0 {
		t.Fatalf("%d out of %d, %d held", len(out), len(in), r.Len())
	}
	if !slices.IsSorted(times(out)) {
		t.Error("not in time order")
	}
	// Equal times keep their arrival order (the sort is stable).
	seen := map[uint32]bool{}
	for _, rep := range out {
		seen[rep.MMSI] = true
	}
	if len(seen) != len(in) {
		t.Errorf("%d distinct reports out of %d", len(seen), len(in))
	}
}

func TestReorderBounds(t *testing.T) {
	// Reports later than the window stay where they are: nothing is lost.
	r := NewReorder(time.Second, 10)
	var out []fuse.Report
	for _, tm := range []int64{10_000, 20_000, 5_000} {
		r.Push(&fuse.Report{Time: tm}, 0)
		out = r.Release(out, 0, false)
	}
	out = r.Release(out, 0, true)
	if got := times(out); !slices.Equal(got, []int64{10_000, 5_000, 20_000}) {
		t.Errorf("late beyond the window: %v", got)
	}
	// The held count is bounded.
	r = NewReorder(1<<40, 100)
	out = out[:0]
	for i := 0; i < 1000; i++ {
		r.Push(&fuse.Report{Time: int64(i)}, 0)
		out = r.Release(out, 0, false)
	}
	if r.Len() != 100 || len(out) != 900 {
		t.Errorf("held %d, released %d", r.Len(), len(out))
	}
}

// TestReorderWallClock: a live feed that falls quiet lets its reports go
// once they have waited the window on the wall clock.
func TestReorderWallClock(t *testing.T) {
	r := NewReorder(10*time.Millisecond, 100)
	var out []fuse.Report
	for _, tm := range []int64{100, 105, 102, 101, 115} {
		r.Push(&fuse.Report{Time: tm}, 0)
		out = r.Release(out, 0, false)
	}
	// 115 arrived: 100, 101 and 102 are more than 10 behind, and leave in
	// order; 105 is not.
	if got := times(out); !slices.Equal(got, []int64{100, 101, 102}) || r.Len() != 2 {
		t.Fatalf("released %v, %d held", got, r.Len())
	}
	out = r.Release(out, 11, false)
	if got := times(out); !slices.Equal(got, []int64{100, 101, 102, 105, 115}) {
		t.Fatalf("released %v", got)
	}
}
