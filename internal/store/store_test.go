package store

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// t0 is 2024-03-01T00:00:00Z: tests run on data time, not the clock.
const t0 = int64(1_709_251_200_000)

func open(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitSeal waits for the seal in the background, if any, to commit.
func waitSeal(t testing.TB, s *Store) {
	t.Helper()
	if err := s.WaitSeal(); err != nil {
		t.Fatal(err)
	}
}

func track(t testing.TB, s *Store, mmsi uint32, from, to int64) []Position {
	t.Helper()
	var out []Position
	if err := s.Track(mmsi, from, to, func(p Position) bool { out = append(out, p); return true }); err != nil {
		t.Fatal(err)
	}
	return out
}

// byVessel groups ps by MMSI, each vessel's positions in the order the
// store returns them: by time, ties in order of arrival.
func byVessel(ps []Position) map[uint32][]Position {
	m := make(map[uint32][]Position)
	for _, p := range ps {
		m[p.MMSI] = append(m[p.MMSI], p)
	}
	for _, v := range m {
		slices.SortStableFunc(v, byTime)
	}
	return m
}

func checkTracks(t *testing.T, s *Store, want map[uint32][]Position, from, to int64) {
	t.Helper()
	n := 0
	for mmsi, w := range want {
		var in []Position
		for _, p := range w {
			if p.Time >= from && p.Time < to {
				in = append(in, p)
			}
		}
		got := track(t, s, mmsi, from, to)
		if len(got) != len(in) {
			t.Fatalf("mmsi %d: %d positions, want %d", mmsi, len(got), len(in))
		}
		for i := range got {
			if !samePos(got[i], in[i], 0) {
				t.Fatalf("mmsi %d position %d: got %+v, want %+v", mmsi, i, got[i], in[i])
			}
		}
		n += len(got)
	}
	if n == 0 {
		t.Fatal("checked no positions")
	}
}

func appendAll(t testing.TB, s *Store, ps []Position, batch int) {
	t.Helper()
	for len(ps) > 0 {
		k := min(batch, len(ps))
		if err := s.Append(ps[:k]); err != nil {
			t.Fatal(err)
		}
		ps = ps[k:]
	}
}

// Positions come back exactly, from memory, from segments and from both,
// before and after Close, over whole tracks and over ranges that cut
// blocks.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	f := newFleet(300, 1, t0)
	ps := f.next(nil, 60_000) // about 5 hours
	appendAll(t, s, ps, 1000)
	want := byVessel(ps)
	last := ps[len(ps)-1].Time
	waitSeal(t, s)
	st := s.Stats()
	if st.Segments == 0 || st.HeadPositions == 0 {
		t.Fatalf("want both sealed and open windows, got %+v", st)
	}
	if st.SealedPositions+uint64(st.HeadPositions) != uint64(len(ps)) {
		t.Fatalf("stats count %d + %d positions, appended %d", st.SealedPositions, st.HeadPositions, len(ps))
	}
	checkTracks(t, s, want, 0, math.MaxInt64)
	checkTracks(t, s, want, t0+90*60_000, t0+150*60_000+1234)
	checkTracks(t, s, want, last-20*60_000, last+1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, Options{})
	defer s.Close()
	if got := s.Stats(); got.SealedPositions+uint64(got.HeadPositions) != uint64(len(ps)) || got.Vessels != len(want) {
		t.Fatalf("after reopening: %+v", got)
	}
	checkTracks(t, s, want, 0, math.MaxInt64)
	t.Logf("%+v: %.2f bytes per sealed position", st, float64(st.SegmentBytes)/float64(st.SealedPositions))
}

// Positions out of time order land in time order: within the grace they
// join their window's block, later they are stored in a later one.
func TestOutOfOrder(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{BlockSpan: 10 * time.Minute, Grace: 2 * time.Minute})
	f := newFleet(50, 2, t0)
	ps := f.next(nil, 20_000)
	// Shuffle within a sliding 90 s, and send every 50th position an hour
	// late (a satellite feed catching up), after its window was sealed.
	var late []Position
	var in []Position
	for i, p := range ps {
		if i%50 == 0 {
			late = append(late, p)
			continue
		}
		in = append(in, p)
	}
	for i := 0; i+8 < len(in); i += 8 {
		in[i], in[i+7] = in[i+7], in[i]
	}
	var sent []Position
	for len(in) > 0 {
		k := min(500, len(in))
		if err := s.Append(in[:k]); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, in[:k]...)
		in = in[k:]
		for len(late) > 0 && late[0].Time < sent[len(sent)-1].Time-3_600_000 {
			if err := s.Append(late[:1]); err != nil {
				t.Fatal(err)
			}
			sent = append(sent, late[0])
			late = late[1:]
		}
	}
	appendAll(t, s, late, 100)
	sent = append(sent, late...)
	want := byVessel(sent)
	checkTracks(t, s, want, 0, math.MaxInt64)
	s.Close()
	s = open(t, dir, Options{BlockSpan: 10 * time.Minute, Grace: 2 * time.Minute})
	defer s.Close()
	checkTracks(t, s, want, 0, math.MaxInt64)
	checkTracks(t, s, want, t0+3_600_000, t0+7_200_000)
}

func TestRetention(t *testing.T) {
	dir := t.TempDir()
	opts := Options{Retention: 2 * time.Hour}
	s := open(t, dir, opts)
	f := newFleet(100, 3, t0)
	ps := f.next(nil, 40_000) // about 3.5 hours
	appendAll(t, s, ps[:1], 1)
	s.PutIdentity(ps[0].MMSI, IdentityRecord{Field: "name", Value: "OLD NAME", First: t0, Last: t0})
	appendAll(t, s, ps[1:], 1000)
	last := ps[len(ps)-1].Time
	cut := last - 2*3_600_000
	want := byVessel(ps)
	check := func() {
		for mmsi, w := range want {
			got := track(t, s, mmsi, 0, math.MaxInt64)
			var exp []Position
			for _, p := range w {
				if p.Time >= cut {
					exp = append(exp, p)
				}
			}
			if len(got) != len(exp) {
				t.Fatalf("mmsi %d: %d positions, want %d (those after the cut-off)", mmsi, len(got), len(exp))
			}
		}
		ids, _ := s.Identities(ps[0].MMSI)
		if len(ids) != 0 {
			t.Fatalf("identity older than retention still there: %+v", ids)
		}
	}
	check()
	// Whole files go once all they hold has expired: at most about
	// retention / BlockSpan + 1 remain, plus the one sealing now.
	waitSeal(t, s)
	if n := s.Stats().Segments; n > 4 {
		t.Fatalf("%d segments left, want at most 4", n)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*"))
	if len(segs) != s.Stats().Segments {
		t.Fatalf("%d segment files on disk, store knows %d", len(segs), s.Stats().Segments)
	}
	s.Close()
	// Reopened with a shorter retention, the store drops more files at
	// once.
	opts.Retention = time.Hour
	cut = last - 3_600_000
	s = open(t, dir, opts)
	defer s.Close()
	check()
	segs, _ = filepath.Glob(filepath.Join(dir, "seg-*"))
	if len(segs) != s.Stats().Segments || len(segs) > 3 {
		t.Fatalf("%d segment files on disk, store knows %d", len(segs), s.Stats().Segments)
	}
}

func TestBadInput(t *testing.T) {
	now := time.UnixMilli(t0 + 3_600_000)
	s := open(t, t.TempDir(), Options{Now: func() time.Time { return now }})
	good := Position{MMSI: 123456789, Time: t0, Lat: 10, Lon: 20, SOG: nan32, COG: nan32, Heading: -1}
	for _, tt := range []struct {
		name string
		mod  func(p *Position)
	}{
		{"latitude above 90", func(p *Position) { p.Lat = 91 }},
		{"latitude NaN", func(p *Position) { p.Lat = math.NaN() }},
		{"longitude below -180", func(p *Position) { p.Lon = -180.5 }},
		{"longitude +Inf", func(p *Position) { p.Lon = math.Inf(1) }},
		{"time zero", func(p *Position) { p.Time = 0 }},
		{"time two hours ahead of the clock", func(p *Position) { p.Time = now.UnixMilli() + 2*3_600_000 }},
		{"ten-digit MMSI", func(p *Position) { p.MMSI = 1_000_000_000 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := good
			tt.mod(&bad)
			err := s.Append([]Position{good, good, bad})
			var pe *PositionError
			if !errors.As(err, &pe) || pe.Index != 2 || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want a PositionError at index 2 wrapping ErrInvalid", err)
			}
			t.Log(err)
		})
	}
	if got := track(t, s, good.MMSI, 0, math.MaxInt64); len(got) != 0 {
		t.Fatalf("a rejected batch stored %d positions", len(got))
	}
	for _, err := range []error{
		s.PutIdentity(1, IdentityRecord{Value: "x", First: 1, Last: 1}),
		s.PutIdentity(1, IdentityRecord{Field: "name", First: 5, Last: 1}),
		s.PutIdentity(1_000_000_000, IdentityRecord{Field: "name", First: 1, Last: 1}),
		s.Latest(BBox{MinLat: 10, MaxLat: 0, MinLon: 0, MaxLon: 1}, 0, func(Position) bool { return true }),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	}
	if err := s.Append([]Position{good}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Append([]Position{good}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	if err := s.Track(good.MMSI, 0, 1, func(Position) bool { return true }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Track after Close: %v", err)
	}
	if err := s.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	defer s.Close()
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
}

// A segment whose footer is damaged is set aside and reported, not
// served, and the rest of the store opens; a torn log tail is what a
// crash leaves and is dropped.
func TestCorruption(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	ps := newFleet(20, 4, t0).next(nil, 5000)
	appendAll(t, s, ps, 500)
	s.Close()

	// Torn tail: half a record after the last good one.
	wals, _ := filepath.Glob(filepath.Join(dir, "wal-*.log"))
	s = open(t, dir, Options{})
	appendAll(t, s, ps[:1], 1) // a record in a fresh log file
	s.w.f.Write([]byte{200, 0, 0, 0, 1, 2, 3})
	// Leave without Close, as a crash would.
	unlockDir(s.lock)
	s = open(t, dir, Options{})
	n0 := len(track(t, s, ps[0].MMSI, 0, math.MaxInt64))
	if n0 != len(byVessel(ps)[ps[0].MMSI])+1 {
		t.Fatalf("after a torn tail: %d positions of mmsi %d", n0, ps[0].MMSI)
	}
	// What the first segment holds of that vessel.
	inFirst, _, err := s.segs[0].track(ps[0].MMSI, 0, math.MaxInt64, nil, nil)
	if err != nil || len(inFirst) == 0 || len(inFirst) == n0 {
		t.Fatalf("the first segment holds %d of %d positions of mmsi %d (%v): want some", len(inFirst), n0, ps[0].MMSI, err)
	}
	s.Close()
	_ = wals

	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*.pks"))
	if len(segs) == 0 {
		t.Fatal("no segment")
	}
	b, _ := os.ReadFile(segs[0])
	b[len(b)-30] ^= 0xff // in the footer
	os.WriteFile(segs[0], b, 0o644)
	// The segment is set aside and reported; the rest of the store opens.
	s = open(t, dir, Options{})
	if err := s.Health(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), filepath.Base(segs[0])) {
		t.Fatalf("Health() with a damaged segment footer: %v, want ErrCorrupt naming %s", err, filepath.Base(segs[0]))
	}
	if _, err := os.Stat(segs[0] + damagedSuffix); err != nil {
		t.Fatalf("the damaged segment was not set aside: %v", err)
	}
	if got := len(track(t, s, ps[0].MMSI, 0, math.MaxInt64)); got != n0-len(inFirst) {
		t.Fatalf("%d positions of mmsi %d, want the %d outside the damaged segment", got, ps[0].MMSI, n0-len(inFirst))
	}
	s.Close()
	s = open(t, dir, Options{})
	defer s.Close()
	if err := s.Health(); err == nil || !strings.Contains(err.Error(), filepath.Base(segs[0])+damagedSuffix) {
		t.Fatalf("Health() after a restart: %v, want the file set aside named", err)
	}
}

// TestLatestFor checks the latest position each partner sees: the newest
// heard by one of the feeds it is cleared for, also after a restart (from
// the write-ahead log, and from a checkpoint once data time has moved on).
func TestLatestFor(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{BlockSpan: 5 * time.Minute, Grace: 30 * time.Second})
	const m = 440123456
	pos := func(min int, feeds uint64) Position {
		return Position{MMSI: m, Time: t0 + int64(min)*60_000, Lat: 35 + float64(min)/100, Lon: 129, Heading: -1, Feeds: feeds}
	}
	// Feed 1 hears the vessel until minute 10, feeds 1 and 2 both hear
	// minute 20 (a transmission heard twice), feed 4 alone minute 30; a
	// late position of feed 1 at minute 5 must not displace minute 20.
	appendAll(t, s, []Position{pos(0, 1), pos(10, 1), pos(20, 1|2), pos(30, 4), pos(5, 1)}, 1)
	want := map[uint64]int64{AllFeeds: 30, 0: -1, 1: 20, 2: 20, 4: 30, 1 | 4: 30, 8: -1} // clearance 0 sees nothing
	check := func(when string) {
		t.Helper()
		for c, min := range want {
			got := int64(-1)
			err := s.LatestFor(BBox{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}, 0, c, func(p Position) bool {
				if p.MMSI == m {
					got = (p.Time - t0) / 60_000
				}
				return true
			})
			if err != nil || got != min {
				t.Errorf("%s: clearance %b: latest at minute %d (%v), want %d", when, c, got, err, min)
			}
		}
	}
	check("live")
	s.Close()
	s = open(t, dir, Options{BlockSpan: 5 * time.Minute, Grace: 30 * time.Second})
	check("after a restart")
	// Other vessels move data time on by hours: the windows seal and a
	// checkpoint keeps the latest positions.
	var later []Position
	for i := range 200 {
		later = append(later, Position{MMSI: 1000 + uint32(i), Time: t0 + int64(60+i)*60_000, Lat: 1, Lon: 1, Heading: -1, Feeds: 8})
	}
	appendAll(t, s, later, 50)
	waitSeal(t, s)
	if s.Stats().Segments == 0 {
		t.Fatal("no seal")
	}
	s.Close()
	s = open(t, dir, Options{BlockSpan: 5 * time.Minute, Grace: 30 * time.Second})
	defer s.Close()
	check("after a checkpoint")
}

// Open deletes the temporary files a crash left of its own writes only:
// the directory may be shared, and another program's write in progress
// is not the store's to delete.
func TestOpenKeepsOthersTemporaries(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, Options{}).Close()
	own := []string{segName(7) + ".tmp", ckptName(7) + ".tmp", "CURRENT.tmp", FeedsFile + ".tmp", walName(3) + damagedSuffix + ".tmp"}
	other := ".access.json.123456.tmp"
	for _, name := range append(own, other) {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	open(t, dir, Options{}).Close()
	for _, name := range own {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s left after Open", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, other)); err != nil {
		t.Errorf("Open deleted another program's temporary file %s: %v", other, err)
	}
}
