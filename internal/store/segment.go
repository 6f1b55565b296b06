package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// A segment file (seg-N.pks) holds what one seal took out of memory:
// every vessel's block of positions, and the events put since the last
// seal. It is written once, to a temporary name, fsynced and renamed, and
// never changed after; retention deletes whole files.
//
//	magic    "PKSEG02\n"
//	blocks   per vessel in MMSI order: uint32 CRC-32C of the block, block
//	events   per event: int64 start, int64 end (Unix ms), uint32 mmsi,
//	         uint32 other mmsi, uint64 feeds, uint64 other feeds
//	         (Provenance), uint16 id length, uint32 JSON length, id, JSON
//	index    per vessel: uint32 mmsi, uint64 offset of the end of its block
//	fence    the mmsi of every 128th index entry, uint32 each
//	footer   the footer fields, uint32 CRC-32C of the events, uint32
//	         CRC-32C of the footer, magic
//
// The fence is kept in memory (a few hundred bytes a segment), so finding
// a vessel costs one read of at most 128 index entries and one read of
// its block, whether or not the file is in the page cache.
//
// N is the number of the last write-ahead log file the seal covered.
const (
	segMagic      = "PKSEG02\n"
	segMagicV1    = "PKSEG01\n"
	segIndexEntry = 12
	segFooterLen  = 11*8 + 4 + 4 + 8 // fields, two CRCs, magic
	evHeader      = 46
	fenceEvery    = 128
)

// segment is what is kept in memory of a segment file: its footer.
type segment struct {
	seq          uint64 // N of seg-N.pks
	path         string
	minT, maxT   int64 // positions' times; 0, 0 when none
	positions    uint64
	nIdx         uint64
	idxOff       int64
	evOff, evLen int64
	nEv          uint64
	evMin, evMax int64 // events' earliest start and latest end
	size         int64
	fence        []uint32 // mmsi of index entries 0, 128, 256...
}

func fenceLen(nIdx uint64) int64 { return int64((nIdx+fenceEvery-1)/fenceEvery) * 4 }

func segName(seq uint64) string { return fmt.Sprintf("seg-%020d.pks", seq) }

// newest returns the latest data time the segment holds.
func (g *segment) newest() int64 { return max(g.maxT, g.evMax) }

// sealVessel is one vessel's positions to seal, sorted by time.
type sealVessel struct {
	mmsi uint32
	pts  []Position
}

// writeSegment writes the segment file for seq atomically.
func writeSegment(dir string, seq uint64, vs []sealVessel, evs []*storedEvent, enc *encoder) (*segment, error) {
	path := filepath.Join(dir, segName(seq))
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer func() {
		if f != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	g := &segment{seq: seq, path: path}
	off := int64(0)
	put := func(b []byte) {
		bw.Write(b)
		off += int64(len(b))
	}
	put([]byte(segMagic))
	index := make([]byte, 0, len(vs)*segIndexEntry)
	var blk []byte
	for i, v := range vs {
		blk = append(blk[:0], 0, 0, 0, 0)
		blk = enc.encode(blk, v.pts)
		binary.LittleEndian.PutUint32(blk, crc32.Checksum(blk[4:], castagnoli))
		put(blk)
		index = binary.LittleEndian.AppendUint32(index, v.mmsi)
		index = binary.LittleEndian.AppendUint64(index, uint64(off))
		first, last := v.pts[0].Time, v.pts[len(v.pts)-1].Time
		if i == 0 || first < g.minT {
			g.minT = first
		}
		if i == 0 || last > g.maxT {
			g.maxT = last
		}
		g.positions += uint64(len(v.pts))
	}
	g.nIdx = uint64(len(vs))
	g.evOff = off
	crc := crc32.New(castagnoli)
	for i, e := range evs {
		var h [evHeader]byte
		binary.LittleEndian.PutUint64(h[0:], uint64(e.start))
		binary.LittleEndian.PutUint64(h[8:], uint64(e.end))
		binary.LittleEndian.PutUint32(h[16:], e.mmsi)
		binary.LittleEndian.PutUint32(h[20:], e.other)
		binary.LittleEndian.PutUint64(h[24:], e.prov.Feeds)
		binary.LittleEndian.PutUint64(h[32:], e.prov.OtherFeeds)
		binary.LittleEndian.PutUint16(h[40:], uint16(len(e.id)))
		binary.LittleEndian.PutUint32(h[42:], uint32(len(e.json)))
		for _, b := range [][]byte{h[:], []byte(e.id), e.json} {
			crc.Write(b)
			put(b)
		}
		if i == 0 || e.start < g.evMin {
			g.evMin = e.start
		}
		if i == 0 || e.end > g.evMax {
			g.evMax = e.end
		}
	}
	g.nEv = uint64(len(evs))
	g.evLen = off - g.evOff
	g.idxOff = off
	put(index)
	fence := make([]byte, 0, fenceLen(g.nIdx))
	for i := 0; i < len(vs); i += fenceEvery {
		fence = binary.LittleEndian.AppendUint32(fence, vs[i].mmsi)
		g.fence = append(g.fence, vs[i].mmsi)
	}
	put(fence)
	footer := g.footer(crc.Sum32())
	put(footer)
	g.size = off
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("store: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("store: sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	f = nil
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("store: %w", err)
	}
	return g, nil
}

// footer encodes the segment's footer; evCRC covers the events section.
func (g *segment) footer(evCRC uint32) []byte {
	b := make([]byte, 0, segFooterLen)
	for _, v := range []uint64{g.seq, uint64(g.minT), uint64(g.maxT), g.positions, g.nIdx, uint64(g.idxOff),
		uint64(g.evOff), uint64(g.evLen), g.nEv, uint64(g.evMin), uint64(g.evMax)} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	b = binary.LittleEndian.AppendUint32(b, evCRC)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	return append(b, segMagic...)
}

// openSegment reads a segment file's footer.
func openSegment(path string) (*segment, uint32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	size := st.Size()
	if size < int64(len(segMagic)+segFooterLen) {
		return nil, 0, fmt.Errorf("%w: %s: too short", ErrCorrupt, filepath.Base(path))
	}
	b := make([]byte, segFooterLen)
	if _, err := f.ReadAt(b, size-segFooterLen); err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	switch string(b[len(b)-len(segMagic):]) {
	case segMagic:
	case segMagicV1:
		return nil, 0, fmt.Errorf("%w: %s: written by an earlier picket (%q), whose events lack per-input provenance: replay the data into a new store", ErrCorrupt, filepath.Base(path), segMagicV1[:7])
	default:
		return nil, 0, fmt.Errorf("%w: %s: bad magic", ErrCorrupt, filepath.Base(path))
	}
	body := b[:11*8+4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(body):]) {
		return nil, 0, fmt.Errorf("%w: %s: footer checksum", ErrCorrupt, filepath.Base(path))
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(body[8*i:]) }
	g := &segment{path: path, seq: u(0), minT: int64(u(1)), maxT: int64(u(2)), positions: u(3), nIdx: u(4),
		idxOff: int64(u(5)), evOff: int64(u(6)), evLen: int64(u(7)), nEv: u(8), evMin: int64(u(9)), evMax: int64(u(10)), size: size}
	if g.idxOff+int64(g.nIdx)*segIndexEntry+fenceLen(g.nIdx) != size-segFooterLen || g.evOff+g.evLen != g.idxOff || g.evOff < int64(len(segMagic)) {
		return nil, 0, fmt.Errorf("%w: %s: inconsistent footer", ErrCorrupt, filepath.Base(path))
	}
	fb := make([]byte, fenceLen(g.nIdx))
	if _, err := f.ReadAt(fb, g.idxOff+int64(g.nIdx)*segIndexEntry); err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	for i := 0; i < len(fb); i += 4 {
		g.fence = append(g.fence, binary.LittleEndian.Uint32(fb[i:]))
	}
	return g, binary.LittleEndian.Uint32(body[11*8:]), nil
}

// errGone is a segment deleted by retention while a query read it: its
// data had expired, so the query goes on without it.
var errGone = errors.New("store: segment gone")

func (g *segment) open() (*os.File, error) {
	f, err := os.Open(g.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errGone
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return f, nil
}

// track appends the positions of mmsi in [from, to) to out.
func (g *segment) track(mmsi uint32, from, to int64, out []Position, buf []byte) ([]Position, []byte, error) {
	return g.trackIn(nil, mmsi, from, to, out, buf)
}

// trackIn is track with the segment's file taken from files, or opened
// and kept there (nil when it is gone); files nil: opened and closed for
// this call.
func (g *segment) trackIn(files map[*segment]*os.File, mmsi uint32, from, to int64, out []Position, buf []byte) ([]Position, []byte, error) {
	if g.nIdx == 0 || g.maxT < from || g.minT >= to {
		return out, buf, nil
	}
	f, ok := files[g]
	if !ok {
		var err error
		f, err = g.open()
		if err != nil && err != errGone {
			return out, buf, err
		}
		if files != nil {
			files[g] = f
		} else if f != nil {
			defer f.Close()
		}
	}
	if f == nil {
		return out, buf, nil // gone
	}
	var err error
	// The fence narrows the search to 128 index entries, read at once
	// with the entry before them, whose end is where the first block
	// starts.
	k := sort.Search(len(g.fence), func(i int) bool { return g.fence[i] > mmsi }) - 1
	if k < 0 {
		return out, buf, nil
	}
	lo, hi := k*fenceEvery, min((k+1)*fenceEvery, int(g.nIdx))
	first := max(lo-1, 0)
	var ib [(fenceEvery + 1) * segIndexEntry]byte
	ents := ib[:(hi-first)*segIndexEntry]
	if _, err := f.ReadAt(ents, g.idxOff+int64(first)*segIndexEntry); err != nil {
		return out, buf, fmt.Errorf("store: read %s: %w", filepath.Base(g.path), err)
	}
	entry := func(i int) (uint32, int64) {
		e := ents[(i-first)*segIndexEntry:]
		return binary.LittleEndian.Uint32(e), int64(binary.LittleEndian.Uint64(e[4:]))
	}
	i := lo + sort.Search(hi-lo, func(i int) bool { m, _ := entry(lo + i); return m >= mmsi })
	if i == hi {
		return out, buf, nil
	}
	m, end := entry(i)
	if m != mmsi {
		return out, buf, nil
	}
	start := int64(len(segMagic))
	if i > 0 {
		_, start = entry(i - 1)
	}
	if end <= start+4 || end > g.evOff {
		return out, buf, g.damage(g.idxOff+int64(i)*segIndexEntry, segIndexEntry, fmt.Sprintf("index entry of mmsi %d", mmsi), "bad offset")
	}
	n := int(end - start)
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := f.ReadAt(buf, start); err != nil {
		return out, buf, fmt.Errorf("store: read %s: %w", filepath.Base(g.path), err)
	}
	if crc32.Checksum(buf[4:], castagnoli) != binary.LittleEndian.Uint32(buf) {
		return out, buf, g.damage(start, int64(n), fmt.Sprintf("block of mmsi %d", mmsi), "checksum mismatch")
	}
	base := len(out)
	out, err = decode(out, buf[4:], mmsi)
	if err != nil {
		return out[:base], buf, g.damage(start, int64(n), fmt.Sprintf("block of mmsi %d", mmsi), err.Error())
	}
	// Keep only [from, to).
	j := base
	for _, p := range out[base:] {
		if p.Time >= from && p.Time < to {
			out[j] = p
			j++
		}
	}
	return out[:j], buf, nil
}

// blocks calls fn with every vessel's block of the segment, in MMSI order.
func (g *segment) blocks(fn func(mmsi uint32, block []byte) error) error {
	f, err := g.open()
	if err != nil {
		if err == errGone {
			err = nil
		}
		return err
	}
	defer f.Close()
	idx := make([]byte, g.nIdx*segIndexEntry)
	if _, err := f.ReadAt(idx, g.idxOff); err != nil {
		return fmt.Errorf("store: read %s: %w", filepath.Base(g.path), err)
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, int64(len(segMagic)), g.evOff-int64(len(segMagic))), 1<<20)
	start := int64(len(segMagic))
	var buf []byte
	for i := 0; i < int(g.nIdx); i++ {
		m := binary.LittleEndian.Uint32(idx[i*segIndexEntry:])
		end := int64(binary.LittleEndian.Uint64(idx[i*segIndexEntry+4:]))
		if end <= start+4 || end > g.evOff {
			return fmt.Errorf("%w: %s: index", ErrCorrupt, filepath.Base(g.path))
		}
		n := int(end - start)
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return fmt.Errorf("store: read %s: %w", filepath.Base(g.path), err)
		}
		if crc32.Checksum(buf[4:], castagnoli) != binary.LittleEndian.Uint32(buf) {
			return fmt.Errorf("%w: %s: block of mmsi %d fails its checksum", ErrCorrupt, filepath.Base(g.path), m)
		}
		if err := fn(m, buf[4:]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// damageError is a part of a segment that fails its checks: the query
// leaves it out and the store records it (Store.damaged).
type damageError struct{ d Damage }

func (e *damageError) Error() string { return fmt.Sprintf("%v: %s", ErrCorrupt, e.d) }
func (e *damageError) Unwrap() error { return ErrCorrupt }

func (g *segment) damage(off, size int64, what, why string) error {
	return &damageError{Damage{File: filepath.Base(g.path), Offset: off, Size: size, What: what, Reason: why}}
}

// events calls fn with each event record of the segment. A damaged
// section is a *damageError; the events before the damage were handed to
// fn.
func (g *segment) events(fn func(e *storedEvent) bool) error {
	if g.nEv == 0 {
		return nil
	}
	f, err := g.open()
	if err != nil {
		if err == errGone {
			err = nil
		}
		return err
	}
	defer f.Close()
	b := make([]byte, g.evLen+4)
	if _, err := f.ReadAt(b[:g.evLen], g.evOff); err != nil {
		return fmt.Errorf("store: read %s: %w", filepath.Base(g.path), err)
	}
	if _, err := f.ReadAt(b[g.evLen:], g.size-segFooterLen+11*8); err != nil {
		return fmt.Errorf("store: read %s: %w", filepath.Base(g.path), err)
	}
	sec := b[:g.evLen]
	if crc32.Checksum(sec, castagnoli) != binary.LittleEndian.Uint32(b[g.evLen:]) {
		return g.damage(g.evOff, g.evLen, "events", "checksum mismatch")
	}
	hl, lo := evHeader, 40 // header length, offset of the lengths
	for len(sec) > 0 {
		at := g.evOff + g.evLen - int64(len(sec))
		if len(sec) < hl {
			return g.damage(at, int64(len(sec)), "events", "short event header")
		}
		k, n := int(binary.LittleEndian.Uint16(sec[lo:])), int(binary.LittleEndian.Uint32(sec[lo+2:]))
		if k+n > len(sec)-hl {
			return g.damage(at, int64(len(sec)), "events", "event longer than the section")
		}
		e := &storedEvent{
			start: int64(binary.LittleEndian.Uint64(sec[0:])),
			end:   int64(binary.LittleEndian.Uint64(sec[8:])),
			mmsi:  binary.LittleEndian.Uint32(sec[16:]),
			other: binary.LittleEndian.Uint32(sec[20:]),
			prov:  Provenance{Feeds: binary.LittleEndian.Uint64(sec[24:]), OtherFeeds: binary.LittleEndian.Uint64(sec[32:])},
			id:    string(sec[hl : hl+k]),
			json:  sec[hl+k : hl+k+n],
		}
		sec = sec[hl+k+n:]
		if !fn(e) {
			return nil
		}
	}
	return nil
}
