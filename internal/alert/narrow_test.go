package alert

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestRuleFollowsNarrowing: JPN, cleared at first for both feeds, has a
// rule that fires on a vessel only gbr-sat hears; once JPN is narrowed to
// jpn-coast while its watcher runs, the same vessel crossing again raises
// nothing for JPN (though GBR's rule still sees it), and a jpn-coast
// vessel crossing after it still does (so JPN's watcher read on).
func TestRuleFollowsNarrowing(t *testing.T) {
	var jpn atomic.Uint64
	jpn.Store(bitJ | bitG)
	r := newRigCleared(t, "", Options{}, func(p string) uint64 {
		if p == "JPN" {
			return jpn.Load()
		}
		return clearanceOf(p)
	})
	for _, p := range []string{"JPN", "GBR"} {
		r.rule(p, Rule{Name: "Box " + p, Area: box, Triggers: Triggers{Entry: true, Exit: true}})
	}
	const onlyG, onlyJ = 232000002, 431000003
	raised := func(mmsi uint32) int {
		r.d.mu.Lock()
		defer r.d.mu.Unlock()
		n := 0
		for _, a := range r.d.alerts["JPN"] {
			if a.MMSI == mmsi {
				n++
			}
		}
		return n
	}
	r.send("gbr-sat", cross(t, onlyG, time.Minute, 10)...)
	for i := 0; raised(onlyG) < 2; i++ {
		if i == 10000 {
			t.Fatalf("JPN, cleared for gbr-sat, got %d alerts of its vessel crossing, want 2", raised(onlyG))
		}
		time.Sleep(time.Millisecond)
	}
	jpn.Store(bitJ)
	for i := 0; ; i++ {
		r.d.mu.Lock()
		w := r.d.watchers["JPN"]
		done := w != nil && w.clearance == bitJ
		r.d.mu.Unlock()
		if done {
			break
		}
		if i == 10000 {
			t.Fatal("JPN's watcher never took the narrowed clearance")
		}
		time.Sleep(time.Millisecond)
	}
	r.send("gbr-sat", cross(t, onlyG, 2*time.Hour, 10)...)
	r.next("GBR", "GBR's vessel leaves again, for GBR", func(a Alert) bool {
		return a.MMSI == onlyG && a.Kind == KindExit && a.Time.After(t0.Add(2*time.Hour))
	})
	r.send("jpn-coast", cross(t, onlyJ, 3*time.Hour, 10)...)
	r.next("JPN", "JPN's vessel leaves, for JPN", of(onlyJ, KindExit))
	if n := raised(onlyG); n != 2 {
		t.Errorf("JPN got %d alerts of gbr-sat's vessel, want the 2 raised before the narrowing", n)
	}
}
