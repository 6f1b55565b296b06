package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// walRecords returns the offset and length (header included) of each
// record of a log file.
func walRecords(t *testing.T, path string) [][2]int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]int64
	for off := int64(0); off+walHeader <= int64(len(b)); {
		n := int64(binary.LittleEndian.Uint32(b[off:])) + walHeader
		out = append(out, [2]int64{off, n})
		off += n
	}
	return out
}

// crashAfter writes batches of ps into a fresh store in dir and leaves it
// as a crash would (no Close), so that the last log file holds them. It
// returns the log file's path.
func crashAfter(t *testing.T, dir string, batches [][]Position) string {
	t.Helper()
	s := open(t, dir, Options{})
	for _, b := range batches {
		if err := s.Append(b); err != nil {
			t.Fatal(err)
		}
	}
	path := s.w.f.Name()
	s.w.f.Close()
	close(s.stop)
	s.wg.Wait()
	unlockDir(s.lock)
	return path
}

// One flipped byte in the middle of the last log file loses that record
// only: the records after it are valid, so the damage is not a torn tail.
// It is reported (offset and size, a count, the store's health), the file
// is kept whole and set aside, and a torn tail after it is still dropped.
func TestWALDamageInTheMiddle(t *testing.T) {
	dir := t.TempDir()
	var batches [][]Position
	for i := range 10 {
		var b []Position
		for j := range 50 {
			b = append(b, Position{MMSI: uint32(200_000_000 + j), Time: t0 + int64(i*50+j)*1000, Lat: 1, Lon: 2, Heading: -1, Feeds: 1})
		}
		batches = append(batches, b)
	}
	path := crashAfter(t, dir, batches)
	recs := walRecords(t, path)
	if len(recs) != len(batches) {
		t.Fatalf("%d records in the log, want %d", len(recs), len(batches))
	}
	b, _ := os.ReadFile(path)
	bad := recs[2]
	b[bad[0]+bad[1]/2] ^= 0x10                               // one byte in record 3
	b = append(b, 200, 0, 0, 0, 9, 9, 9, 9, recPositions, 1) // and a torn tail
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	size := int64(len(b))

	s := open(t, dir, Options{})
	defer func() { s.Close() }()
	var got int
	for j := range 50 {
		got += len(track(t, s, uint32(200_000_000+j), 0, math.MaxInt64))
	}
	if want := 9 * 50; got != want {
		t.Fatalf("%d positions after one damaged record, want %d (all but record 3's)", got, want)
	}
	ds := s.Damages()
	if len(ds) != 1 || ds[0].File != filepath.Base(path) || ds[0].Offset != bad[0] || ds[0].Size != bad[1] {
		t.Fatalf("damages %+v, want one in %s at offset %d of %d bytes", ds, filepath.Base(path), bad[0], bad[1])
	}
	if n := s.Stats().Damages; n != 1 {
		t.Fatalf("Stats().Damages = %d, want 1", n)
	}
	if err := s.Health(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), filepath.Base(path)) {
		t.Fatalf("Health() = %v, want ErrCorrupt naming %s", err, filepath.Base(path))
	}
	t.Log(s.Health())
	kept, err := os.ReadFile(path + damagedSuffix)
	if err != nil {
		t.Fatalf("the damaged log file was not set aside: %v", err)
	}
	if int64(len(kept)) != size || kept[bad[0]+bad[1]/2] != b[bad[0]+bad[1]/2] {
		t.Fatalf("the file set aside has %d bytes, want the %d of the damaged file", len(kept), size)
	}
	// The torn tail alone is cut from the log; the damaged record stays.
	if st, err := os.Stat(path); err != nil || st.Size() != size-10 {
		t.Fatalf("log file after recovery: %v, %v; want %d bytes (only the torn tail cut)", st, err, size-10)
	}
	// Once sealed, the log file is gone, but the store's health names
	// the copy until someone removes it.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir, Options{})
	if err := s.Health(); err == nil || !strings.Contains(err.Error(), filepath.Base(path)+damagedSuffix) {
		t.Fatalf("Health() after a seal and a restart = %v, want the copy named", err)
	}
	s.Close()
	os.Remove(path + damagedSuffix)
	s = open(t, dir, Options{})
	if err := s.Health(); err != nil {
		t.Fatalf("Health() once the copy is removed = %v", err)
	}
	if got := len(track(t, s, 200_000_000, 0, math.MaxInt64)); got != 9 {
		t.Fatalf("%d positions of mmsi 200000000 after a seal, want 9", got)
	}
}

// A log file that is not the last is never torn: a bad record there is
// damage too, and what follows it is kept.
func TestWALDamageInAnEarlierFile(t *testing.T) {
	dir := t.TempDir()
	var batches [][]Position
	for i := range 4 {
		batches = append(batches, []Position{{MMSI: 200_000_001, Time: t0 + int64(i)*1000, Lat: 1, Lon: 2, Heading: -1, Feeds: 1}})
	}
	path := crashAfter(t, dir, batches[:3])
	// A second run leaves its own log file after the first.
	crashAfter(t, dir, batches[3:])
	recs := walRecords(t, path)
	b, _ := os.ReadFile(path)
	b[recs[0][0]+recs[0][1]-1] ^= 1 // the first record's last byte
	os.WriteFile(path, b, 0o644)
	s := open(t, dir, Options{})
	defer s.Close()
	if got := len(track(t, s, 200_000_001, 0, math.MaxInt64)); got != 3 {
		t.Fatalf("%d positions, want 3 (all but the damaged record)", got)
	}
	if ds := s.Damages(); len(ds) != 1 || ds[0].Offset != 0 || ds[0].Size != recs[0][1] {
		t.Fatalf("damages %+v, want the first record of %s", ds, filepath.Base(path))
	}
}

// A damaged events section or block of one segment is left out of the
// answers, reported once (file named, counted, in the store's health),
// and everything else stays readable: the other segments, memory, and the
// other vessels' blocks.
func TestSegmentDamage(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{BlockSpan: 5 * time.Minute, Grace: 30 * time.Second})
	defer func() { s.Close() }()
	const m1, m2 = 200_000_001, 200_000_002
	pos := func(mmsi uint32, min int) Position {
		return Position{MMSI: mmsi, Time: t0 + int64(min)*60_000, Lat: 1, Lon: 2, Heading: -1, Feeds: 1}
	}
	// Three windows sealed into three segments, an event in each, and
	// one more event in memory.
	for i, id := range []string{"a", "b", "c"} {
		if err := s.PutEvent(ev(id, event.Gap, m1, 0, i*10, i*10+5), Provenance{Feeds: 1}); err != nil {
			t.Fatal(err)
		}
		appendAll(t, s, []Position{pos(m1, i*10), pos(m2, i*10), pos(m1, i*10+1), pos(m2, i*10+1), pos(m1, i*10+9)}, 5)
		waitSeal(t, s) // a seal at a time: the next one starts after it
	}
	if err := s.PutEvent(ev("d", event.Gap, m1, 0, 40, 45), Provenance{Feeds: 1}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.segs); n < 3 {
		t.Fatalf("%d segments, want 3", n)
	}
	g := s.segs[0]
	if g.nEv != 1 {
		t.Fatalf("first segment holds %d events, want 1", g.nEv)
	}
	b, _ := os.ReadFile(g.path)
	b[g.evOff+int64(evHeader)+1] ^= 0x20 // in the event's id
	b[len(segMagic)+6] ^= 0x01           // in the first block (m1's)
	os.WriteFile(g.path, b, 0o644)

	for range 2 { // the second time meets the same damage: counted once
		if ids := eventIDs(t, s, EventFilter{Clearance: AllFeeds}); !slices.Equal(ids, []string{"b", "c", "d"}) {
			t.Fatalf("events %v, want b, c and d (a's segment section is damaged)", ids)
		}
		// The first segment holds minutes 0 and 1 of each vessel.
		if got := track(t, s, m1, 0, math.MaxInt64); len(got) != 7 {
			t.Fatalf("%d positions of %d, want the 7 outside the damaged block", len(got), m1)
		}
		if got := track(t, s, m2, 0, math.MaxInt64); len(got) != 6 {
			t.Fatalf("%d positions of %d, want all 6", len(got), m2)
		}
	}
	ds := s.Damages()
	if len(ds) != 2 || s.Stats().Damages != 2 {
		t.Fatalf("damages %+v (%d counted), want the events and one block", ds, s.Stats().Damages)
	}
	for _, d := range ds {
		if d.File != filepath.Base(g.path) || d.Size <= 0 {
			t.Fatalf("damage %+v, want one in %s with its size", d, filepath.Base(g.path))
		}
	}
	if err := s.Health(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), filepath.Base(g.path)) {
		t.Fatalf("Health() = %v, want ErrCorrupt naming %s", err, filepath.Base(g.path))
	}
	t.Log(s.Health())
}

// Any one flipped byte in a log file costs at most the record it falls
// in, wherever it falls (CRC, type, payload), and nothing in its length
// (the record's CRC shows where it really ends). In the last record of
// the last file it cannot be told from a torn write by a machine's crash:
// that record is dropped, but the file is kept aside and the damage
// reported.
func TestWALOneFlippedByte(t *testing.T) {
	const nrec, per = 12, 20
	var batches [][]Position
	for i := range nrec {
		var b []Position
		for j := range per {
			b = append(b, Position{MMSI: uint32(200_000_000 + j), Time: t0 + int64(i*per+j)*1000, Lat: 1, Lon: 2, Heading: -1, Feeds: 1})
		}
		batches = append(batches, b)
	}
	base := t.TempDir()
	for k := range nrec {
		for _, at := range []int{0, 3, 4, 7, 8, 9, 100, -1} { // length, CRC, type, payload, last byte
			dir := filepath.Join(base, fmt.Sprintf("r%d-%d", k, at))
			path := crashAfter(t, dir, batches)
			recs := walRecords(t, path)
			b, _ := os.ReadFile(path)
			off := recs[k][0] + int64(at)
			if at < 0 {
				off = recs[k][0] + recs[k][1] - 1
			}
			b[off] ^= 0x40
			os.WriteFile(path, b, 0o644)
			s := open(t, dir, Options{})
			got := 0
			for j := range per {
				got += len(track(t, s, uint32(200_000_000+j), 0, math.MaxInt64))
			}
			want := (nrec - 1) * per
			if at >= 0 && at < 4 {
				want = nrec * per // a damaged length loses nothing
			}
			if got != want {
				t.Fatalf("byte %d of record %d flipped: %d positions, want %d", at, k, got, want)
			}
			if s.Health() == nil {
				t.Fatalf("byte %d of record %d flipped: not reported", at, k)
			}
			if _, err := os.Stat(path + damagedSuffix); err != nil {
				t.Fatalf("byte %d of record %d flipped: no copy kept aside", at, k)
			}
			s.Close()
		}
	}
}

// Replay finds its way back to every kind of record, over a megabyte of
// garbage too (what a misdirected write leaves).
func TestWALResync(t *testing.T) {
	const m = 200_000_001
	write := func(dir string) string {
		s := open(t, dir, Options{})
		appendAll(t, s, []Position{{MMSI: m, Time: t0, Lat: 1, Lon: 2, Heading: -1, Feeds: 1}}, 1)
		if err := s.PutIdentity(m, IdentityRecord{Field: "name", Value: "NORDIC STAR", First: t0, Last: t0, Feeds: 1}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutEvent(ev("e", event.Gap, m, 0, 0, 5), Provenance{Feeds: 1}); err != nil {
			t.Fatal(err)
		}
		appendAll(t, s, []Position{{MMSI: m, Time: t0 + 1000, Lat: 1, Lon: 2, Heading: -1, Feeds: 1}}, 1)
		path := s.w.f.Name()
		s.w.f.Close()
		close(s.stop)
		s.wg.Wait()
		unlockDir(s.lock)
		return path
	}
	check := func(dir string, positions int, ident, evt bool) {
		t.Helper()
		s := open(t, dir, Options{})
		defer s.Close()
		if got := len(track(t, s, m, 0, math.MaxInt64)); got != positions {
			t.Errorf("%d positions, want %d", got, positions)
		}
		rs, _ := s.Identities(m)
		if (len(rs) == 1) != ident {
			t.Errorf("identity records %+v, want one: %v", rs, ident)
		}
		if ids := eventIDs(t, s, EventFilter{Clearance: AllFeeds}); (len(ids) == 1) != evt {
			t.Errorf("events %v, want one: %v", ids, evt)
		}
		if s.Health() == nil {
			t.Error("damage not reported")
		}
	}

	// A megabyte of garbage after the first record: nothing is lost.
	dir := filepath.Join(t.TempDir(), "garbage")
	path := write(dir)
	recs := walRecords(t, path)
	b, _ := os.ReadFile(path)
	garbage := make([]byte, 1<<20)
	rng := newFleet(1, 9, t0).rng
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	copy(garbage[1000:], bytes.Repeat([]byte{1}, 4096)) // lengths and types that look right
	b = append(b[:recs[1][0]:recs[1][0]], append(garbage, b[recs[1][0]:]...)...)
	os.WriteFile(path, b, 0o644)
	check(dir, 2, true, true)

	// The identity record damaged: replay lands on the event after it.
	dir = filepath.Join(t.TempDir(), "identity")
	path = write(dir)
	recs = walRecords(t, path)
	b, _ = os.ReadFile(path)
	b[recs[1][0]+walHeader+3] ^= 1
	os.WriteFile(path, b, 0o644)
	check(dir, 2, false, true)

	// The event record damaged: replay lands on the positions after it.
	dir = filepath.Join(t.TempDir(), "event")
	path = write(dir)
	recs = walRecords(t, path)
	b, _ = os.ReadFile(path)
	b[recs[2][0]+walHeader+30] ^= 1
	os.WriteFile(path, b, 0o644)
	check(dir, 2, true, false)
}
