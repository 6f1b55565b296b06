package store

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// copyDir copies the files of a store's directory as they are on disk
// now: what a kill -9 of the writing process would leave.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	des, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if de.Name() == "LOCK" {
			continue
		}
		src, err := os.Open(filepath.Join(from, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(to, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
	return to
}

// TestAddFeeds: feeds added to a stored position widen its provenance in
// its track and in the latest position of each feed, survive a crash (the
// log) and a restart (checkpoint, segment); a position not in memory any
// more, or never stored, is not found and nothing changes.
func TestAddFeeds(t *testing.T) {
	dir := t.TempDir()
	opts := Options{BlockSpan: 5 * time.Minute, Grace: 30 * time.Second}
	s := open(t, dir, opts)
	const m = 440123456
	pos := func(min int, feeds uint64) Position {
		return Position{MMSI: m, Time: t0 + int64(min)*60_000, Lat: 35 + float64(min)/100, Lon: 129, Heading: -1, SOG: 10, COG: 90, Feeds: feeds}
	}
	appendAll(t, s, []Position{pos(0, 1), pos(1, 1), pos(2, 1)}, 3)
	// Feed 2 heard minute 1 too (and, for one element, a position that
	// was never stored: the same time elsewhere).
	elsewhere := pos(1, 2)
	elsewhere.Lon = 130
	n, err := s.AddFeeds([]Position{pos(1, 2), elsewhere})
	if err != nil || n != 1 {
		t.Fatalf("AddFeeds: %d found, %v; want 1", n, err)
	}
	check := func(when string) {
		t.Helper()
		got := track(t, s, m, 0, math.MaxInt64)
		want := []uint64{1, 3, 1}
		if len(got) != len(want) {
			t.Fatalf("%s: %d positions", when, len(got))
		}
		for i, p := range got {
			if p.Feeds != want[i] {
				t.Errorf("%s: minute %d: feeds %b, want %b", when, i, p.Feeds, want[i])
			}
		}
		// Feed 2's latest is minute 1; feed 1's stays minute 2.
		if p, ok := s.LatestOf(m, 2); !ok || p.Time != pos(1, 0).Time {
			t.Errorf("%s: feed 2's latest %+v %v, want minute 1", when, p, ok)
		}
		if p, ok := s.LatestOf(m, 1); !ok || p.Time != pos(2, 0).Time {
			t.Errorf("%s: feed 1's latest %+v %v, want minute 2", when, p, ok)
		}
	}
	check("live")

	// A crash: the log has the addition after the positions.
	live := s
	s = open(t, copyDir(t, dir), opts)
	check("after a crash")
	s.Close()
	live.Close()
	s = open(t, dir, opts)
	check("after a restart")

	// Later data seals minute 1's window: an addition finds nothing.
	appendAll(t, s, []Position{{MMSI: 1000, Time: t0 + 60*60_000, Lat: 1, Lon: 1, Heading: -1, Feeds: 8}}, 1)
	waitSeal(t, s)
	if s.Stats().Segments == 0 {
		t.Fatal("no seal")
	}
	if n, err := s.AddFeeds([]Position{pos(0, 4)}); err != nil || n != 0 {
		t.Fatalf("AddFeeds to a sealed position: %d found, %v", n, err)
	}
	check("after a seal")
	s.Close()
	s = open(t, dir, opts)
	defer s.Close()
	check("after a restart from segments")
}

// TestAddFeedsDamage: recovery finds its way back to a feeds record after
// a megabyte of garbage (the feeds are added), and a damaged feeds record
// costs only the feeds it added (the positions keep those they had:
// visible to fewer partners, never more) and nothing after it.
func TestAddFeedsDamage(t *testing.T) {
	const m = 200_000_001
	write := func(dir string) string {
		s := open(t, dir, Options{})
		appendAll(t, s, []Position{{MMSI: m, Time: t0, Lat: 1, Lon: 2, Heading: -1, Feeds: 1}}, 1)
		if n, err := s.AddFeeds([]Position{{MMSI: m, Time: t0, Lat: 1, Lon: 2, Feeds: 2}}); err != nil || n != 1 {
			t.Fatalf("AddFeeds: %d, %v", n, err)
		}
		appendAll(t, s, []Position{{MMSI: m, Time: t0 + 1000, Lat: 1, Lon: 2, Heading: -1, Feeds: 1}}, 1)
		path := s.w.f.Name()
		s.w.f.Close()
		close(s.stop)
		s.wg.Wait()
		unlockDir(s.lock)
		return path
	}
	check := func(what, dir string, want ...uint64) {
		t.Helper()
		s := open(t, dir, Options{})
		defer s.Close()
		var got []uint64
		for _, p := range track(t, s, m, 0, math.MaxInt64) {
			got = append(got, p.Feeds)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: feeds %v, want %v", what, got, want)
		}
		if s.Health() == nil {
			t.Errorf("%s: damage not reported", what)
		}
	}

	dir := filepath.Join(t.TempDir(), "garbage")
	path := write(dir)
	recs := walRecords(t, path)
	b, _ := os.ReadFile(path)
	garbage := bytes.Repeat([]byte{recFeeds, 1, 0, 0}, 1<<18) // types and lengths that look right
	b = append(b[:recs[1][0]:recs[1][0]], append(garbage, b[recs[1][0]:]...)...)
	os.WriteFile(path, b, 0o644)
	check("garbage before the feeds record", dir, 3, 1)

	dir = filepath.Join(t.TempDir(), "damaged")
	path = write(dir)
	recs = walRecords(t, path)
	b, _ = os.ReadFile(path)
	b[recs[1][0]+walHeader+5] ^= 1
	os.WriteFile(path, b, 0o644)
	check("the feeds record damaged", dir, 1, 1)
}
