package store

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestTracks: Tracks gives each vessel's track as Track does, vessel by
// vessel in the order asked, from segments and memory, over a whole and
// a cut range, and stops when told to. (A seal runs in the background: a
// seal that comes due while one runs waits, so the hours appended here may
// share a segment.)
func TestTracks(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	ps := newFleet(50, 1, t0).next(nil, 60_000)
	appendAll(t, s, ps, 1000)
	waitSeal(t, s)
	if st := s.Stats(); st.Segments == 0 || st.HeadPositions == 0 {
		t.Fatalf("want segments and open windows, got %+v", s.Stats())
	}
	var mmsis []uint32
	for m := range byVessel(ps) {
		mmsis = append(mmsis, m)
	}
	slices.Sort(mmsis)
	slices.Reverse(mmsis)              // any order, kept
	mmsis = append(mmsis, 999_999_999) // never heard
	for _, r := range [][2]int64{{0, math.MaxInt64}, {t0 + 90*60_000, t0 + 200*60_000 + 1234}} {
		var want []Position
		for _, m := range mmsis {
			want = append(want, track(t, s, m, r[0], r[1])...)
		}
		var got []Position
		if err := s.Tracks(mmsis, r[0], r[1], func(p Position) bool { got = append(got, p); return true }); err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("range %v: Tracks gave %d positions, Track %d (or they differ)", r, len(got), len(want))
		}
	}
	n := 0
	if err := s.Tracks(mmsis, 0, math.MaxInt64, func(Position) bool { n++; return n < 10 }); err != nil || n != 10 {
		t.Errorf("stopped after %d positions (%v), want 10", n, err)
	}
}
