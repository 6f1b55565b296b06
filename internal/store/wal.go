package store

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/picket-ais/picket/internal/durable"
)

// The write-ahead log is a numbered series of files (wal-N.log), each a
// sequence of records:
//
//	uint32 length of type+payload, little endian
//	uint32 CRC-32C of type+payload
//	byte   type (recPositions, recIdentity, recEventProv, recFeeds)
//	       payload
//
// A record is written with one write(2), so once Append returns it is in
// the kernel's page cache and survives the death of the process; fsync
// (every SyncInterval, or before returning) makes it survive the machine's.
// A record that is short or fails its CRC at the end of the last file is
// the tail a crash tore, never acknowledged, and is dropped; one followed
// by valid records is damage, reported and skipped (replayWAL).
const (
	recPositions byte = 1 + iota
	recIdentity
	recEvent     // earlier stores: one feed mask for every input
	recEventProv // an event with its Provenance
	recFeeds     // feeds added to positions already stored (AddFeeds)
)

const (
	walHeader    = 8
	maxRecord    = 1 << 30
	posWireBytes = 47 // a Position in the log and checkpoints
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type wal struct {
	dir string

	mu      sync.Mutex // guards f, seq, written
	f       *os.File
	seq     uint64 // number of the file being written
	written uint64 // bytes written since Open, across files

	syncMu sync.Mutex // serialises fsyncs and rotations
	synced uint64     // bytes known durable
	err    error      // first failed write or sync; sticky

	buf    []byte // records being built; owned by the writer
	starts []int  // where each record of buf begins
}

func walName(seq uint64) string { return fmt.Sprintf("wal-%020d.log", seq) }

// openWAL starts a new log file numbered seq.
func openWAL(dir string, seq uint64) (*wal, error) {
	w := &wal{dir: dir}
	f, err := os.OpenFile(filepath.Join(dir, walName(seq)), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	w.f, w.seq = f, seq
	return w, syncDir(dir)
}

// begin starts a record of type t in w.buf.
func (w *wal) begin(t byte) []byte {
	w.starts = append(w.starts[:0], 0)
	w.buf = append(w.buf[:0], 0, 0, 0, 0, 0, 0, 0, 0, t)
	return w.buf
}

// next starts another record of type t after those in b (begun with
// begin): records written together go out in one write(2), each framed
// on its own, so that recovery reads them as if written one by one (a
// torn write keeps the whole records before the tear).
func (w *wal) next(b []byte, t byte) []byte {
	w.starts = append(w.starts, len(b))
	return append(b, 0, 0, 0, 0, 0, 0, 0, 0, t)
}

// write frames the records in b (begun with begin, and next) and writes
// them with one write(2). It returns the log's offset after them, for
// sync.
func (w *wal) write(b []byte) (uint64, error) {
	w.buf = b
	for i, start := range w.starts {
		end := len(b)
		if i+1 < len(w.starts) {
			end = w.starts[i+1]
		}
		r := b[start:end]
		n := len(r) - walHeader
		if n > maxRecord {
			return 0, fmt.Errorf("%w: record of %d bytes", ErrInvalid, n)
		}
		binary.LittleEndian.PutUint32(r[0:], uint32(n))
		binary.LittleEndian.PutUint32(r[4:], crc32.Checksum(r[walHeader:], castagnoli))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if _, err := w.f.Write(b); err != nil {
		w.err = fmt.Errorf("store: wal: %w", err)
		return 0, w.err
	}
	w.written += uint64(len(b))
	return w.written, nil
}

// sync makes the log durable up to offset upTo at least. Concurrent
// callers share one fsync.
func (w *wal) sync(upTo uint64) error {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	if w.synced >= upTo {
		return nil
	}
	w.mu.Lock()
	f, end, err := w.f, w.written, w.err
	w.mu.Unlock()
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		w.mu.Lock()
		w.err = fmt.Errorf("store: wal sync: %w", err)
		w.mu.Unlock()
		return w.err
	}
	w.synced = end
	return nil
}

// offset returns the bytes written so far.
func (w *wal) offset() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written
}

// rotate makes the current file durable, closes it and starts the next.
// It returns the number of the closed file.
func (w *wal) rotate() (uint64, error) {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	old := w.f
	f, err := os.OpenFile(filepath.Join(w.dir, walName(w.seq+1)), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
	if err == nil {
		err = old.Sync()
	}
	if err == nil {
		err = syncDir(w.dir)
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		w.err = fmt.Errorf("store: wal rotate: %w", err)
		return 0, w.err
	}
	old.Close()
	w.f = f
	w.seq++
	w.synced = w.written
	return w.seq - 1, nil
}

func (w *wal) close() error {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if w.err == nil {
		w.err = ErrClosed
	}
	return err
}

// replayWAL reads the records of one log file and hands each to fn.
//
// A record that is short, has an impossible length or fails its CRC is
// either the tail a crash tore or damage, and the bytes after it tell
// which: replay looks for the next valid record after it (resynchronises,
// as a reader of a damaged tape would). When there is one, the bytes up
// to it are damage, handed to damaged with their offset and size, and
// replay goes on from there: one flipped byte costs one record, never
// what follows it. When there is none, the rest of the file is a torn
// tail if the file is the last one (what a crash leaves: the write that
// was in flight, never acknowledged), and replayWAL returns its offset,
// where the file may be cut; in an earlier file, which was fsynced and
// closed whole, it is damage too. tornAt is -1 when nothing was torn.
func replayWAL(path string, last bool, fn func(t byte, payload []byte) error, damaged func(off, size int64, why string)) (tornAt int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return -1, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return -1, fmt.Errorf("store: %w", err)
	}
	size := st.Size()
	r := bufio.NewReaderSize(f, 1<<20)
	var hdr [walHeader]byte
	var body []byte
	for off := int64(0); off < size; {
		why := ""
		n := int64(0)
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			why = "short header"
		} else if n = int64(binary.LittleEndian.Uint32(hdr[0:])); n == 0 || n > maxRecord || off+walHeader+n > size {
			why = fmt.Sprintf("bad length %d", n)
		} else {
			if cap(body) < int(n) {
				body = make([]byte, n)
			}
			body = body[:n]
			if _, err := io.ReadFull(r, body); err != nil {
				return -1, fmt.Errorf("store: read %s: %w", filepath.Base(path), err)
			}
			if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
				why = "checksum mismatch"
			}
		}
		if why == "" {
			if err := fn(body[0], body[1:]); err != nil {
				return -1, fmt.Errorf("store: %s at offset %d: %w", filepath.Base(path), off, err)
			}
			off += walHeader + n
			continue
		}
		next, err := resyncWAL(f, off+1, size)
		if err != nil {
			return -1, fmt.Errorf("store: read %s: %w", filepath.Base(path), err)
		}
		end := next
		if next < 0 {
			end = size
		}
		// Only the length may be damaged: then the bytes up to the next
		// valid record (or the end) are the whole record, as its CRC
		// shows, and it is kept.
		if k := end - off - walHeader; why != "short header" && k >= 2 && k <= maxRecord {
			if int64(cap(body)) < k {
				body = make([]byte, k)
			}
			body = body[:k]
			if _, err := f.ReadAt(body, off+walHeader); err != nil {
				return -1, fmt.Errorf("store: read %s: %w", filepath.Base(path), err)
			}
			if crc32.Checksum(body, castagnoli) == binary.LittleEndian.Uint32(hdr[4:]) {
				damaged(off, 0, why+" in a record otherwise whole, which was kept")
				if err := fn(body[0], body[1:]); err != nil {
					return -1, fmt.Errorf("store: %s at offset %d: %w", filepath.Base(path), off, err)
				}
				off = end
				r.Reset(io.NewSectionReader(f, end, size-end))
				continue
			}
		}
		switch {
		case next < 0 && last && why != "checksum mismatch":
			// Short, or a length past the end, or zeros: what a crash
			// leaves of the write in flight.
			return off, nil
		case next < 0 && last:
			// A whole last record that fails its CRC: a machine's crash
			// can leave it, damage too. Dropped, and reported.
			damaged(off, size-off, why+" in the last record, dropped as a torn write")
			return off, nil
		case next < 0:
			damaged(off, size-off, why)
			return -1, nil
		}
		damaged(off, next-off, why)
		off = next
		r.Reset(io.NewSectionReader(f, next, size-next))
	}
	return -1, nil
}

// resyncWAL returns the offset of the first valid record (a sane length
// that fits in the file, a known type, a payload of the shape its type
// has, a matching CRC-32C) at or after from, or -1. Most offsets fail on
// the length, the type or the shape at once, so the CRC is computed for
// very few, and never over more than a small record's length unless the
// shape of a positions record fits exactly.
func resyncWAL(f *os.File, from, size int64) (int64, error) {
	const chunk = 1 << 20
	const ahead = walHeader + 1 + binary.MaxVarintLen64
	buf := make([]byte, chunk+ahead)
	var body []byte
	for base := from; base+walHeader+1 <= size; base += chunk {
		b := buf[:min(int64(len(buf)), size-base)]
		if _, err := f.ReadAt(b, base); err != nil && err != io.EOF {
			return -1, err
		}
		for i := 0; i < chunk && i+walHeader+1 <= len(b); i++ {
			at := base + int64(i)
			n := int64(binary.LittleEndian.Uint32(b[i:]))
			if n < 2 || n > maxRecord || at+walHeader+n > size {
				continue
			}
			switch b[i+walHeader] {
			case recPositions, recFeeds:
				k, m := binary.Uvarint(b[i+walHeader+1 : min(len(b), i+ahead)])
				if m <= 0 || k > maxRecord/posWireBytes || int64(k)*posWireBytes != n-1-int64(m) {
					continue
				}
			case recIdentity, recEvent, recEventProv:
				if n > maxEventJSON+1<<12 {
					continue
				}
			default:
				continue
			}
			if int64(cap(body)) < n {
				body = make([]byte, n)
			}
			body = body[:n]
			if _, err := f.ReadAt(body, at+walHeader); err != nil {
				return -1, err
			}
			if crc32.Checksum(body, castagnoli) == binary.LittleEndian.Uint32(b[i+4:]) {
				return at, nil
			}
		}
	}
	return -1, nil
}

// appendPosRecord begins a record of type rec (recPositions or recFeeds)
// holding ps: their count, then each position.
func appendPosRecord(w *wal, rec byte, ps []Position) []byte {
	b := w.begin(rec)
	b = binary.AppendUvarint(b, uint64(len(ps)))
	b = slices.Grow(b, len(ps)*posWireBytes)
	for i := range ps {
		b = appendPos(b, &ps[i])
	}
	return b
}

// appendPos appends p in the fixed 47-byte wire form of the log and
// checkpoints.
func appendPos(b []byte, p *Position) []byte {
	b = binary.LittleEndian.AppendUint32(b, p.MMSI)
	b = binary.LittleEndian.AppendUint64(b, uint64(p.Time))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.Lat))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.Lon))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(p.SOG))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(p.COG))
	b = binary.LittleEndian.AppendUint16(b, uint16(p.Heading))
	b = append(b, p.Status)
	return binary.LittleEndian.AppendUint64(b, p.Feeds)
}

// readPos decodes one position of the wire form; b has posWireBytes.
func readPos(b []byte) Position {
	_ = b[posWireBytes-1]
	return Position{
		MMSI:    binary.LittleEndian.Uint32(b[0:]),
		Time:    int64(binary.LittleEndian.Uint64(b[4:])),
		Lat:     math.Float64frombits(binary.LittleEndian.Uint64(b[12:])),
		Lon:     math.Float64frombits(binary.LittleEndian.Uint64(b[20:])),
		SOG:     math.Float32frombits(binary.LittleEndian.Uint32(b[28:])),
		COG:     math.Float32frombits(binary.LittleEndian.Uint32(b[32:])),
		Heading: int16(binary.LittleEndian.Uint16(b[36:])),
		Status:  b[38],
		Feeds:   binary.LittleEndian.Uint64(b[39:]),
	}
}

// syncDir makes renames and creations in dir durable.
func syncDir(dir string) error {
	if err := durable.SyncDir(dir); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
