package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
)

// The write-ahead log is a numbered series of files (wal-N.log), each a
// sequence of records:
//
//	uint32 length of type+payload, little endian
//	uint32 CRC-32C of type+payload
//	byte   type (recPositions, recIdentity, recEventProv)
//	       payload
//
// A record is written with one write(2), so once Append returns it is in
// the kernel's page cache and survives the death of the process; fsync
// (every SyncInterval, or before returning) makes it survive the machine's.
// Replay stops at the first record that is short or fails its CRC: that is
// the tail a crash tore, never acknowledged.
const (
	recPositions byte = 1 + iota
	recIdentity
	recEvent     // earlier stores: one feed mask for every input
	recEventProv // an event with its Provenance
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

	buf []byte // record being built; owned by the writer
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
	w.buf = append(w.buf[:0], 0, 0, 0, 0, 0, 0, 0, 0, t)
	return w.buf
}

// write frames the record in b (begun with begin) and writes it. It
// returns the log's offset after the record, for sync.
func (w *wal) write(b []byte) (uint64, error) {
	w.buf = b
	n := len(b) - walHeader
	if n > maxRecord {
		return 0, fmt.Errorf("%w: record of %d bytes", ErrInvalid, n)
	}
	binary.LittleEndian.PutUint32(b[0:], uint32(n))
	binary.LittleEndian.PutUint32(b[4:], crc32.Checksum(b[walHeader:], castagnoli))
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

// replayWAL reads the records of one log file and hands each to fn. A torn
// tail (a short or corrupt last record) ends the file quietly when last
// is true: that is what a crash leaves. Elsewhere it is corruption.
func replayWAL(path string, last bool, fn func(t byte, payload []byte) error) (torn bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var hdr [walHeader]byte
	var body []byte
	for off := int64(0); ; {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if err == io.EOF {
				return false, nil
			}
			return tornOrCorrupt(path, off, last, err)
		}
		n := binary.LittleEndian.Uint32(hdr[0:])
		if n == 0 || n > maxRecord {
			return tornOrCorrupt(path, off, last, errors.New("bad length"))
		}
		if cap(body) < int(n) {
			body = make([]byte, n)
		}
		body = body[:n]
		if _, err := io.ReadFull(r, body); err != nil {
			return tornOrCorrupt(path, off, last, err)
		}
		if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(hdr[4:]) {
			return tornOrCorrupt(path, off, last, errors.New("checksum mismatch"))
		}
		if err := fn(body[0], body[1:]); err != nil {
			return false, fmt.Errorf("store: %s at offset %d: %w", filepath.Base(path), off, err)
		}
		off += walHeader + int64(n)
	}
}

func tornOrCorrupt(path string, off int64, last bool, why error) (bool, error) {
	if last {
		return true, nil
	}
	return false, fmt.Errorf("%w: %s at offset %d: %v", ErrCorrupt, filepath.Base(path), off, why)
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
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", dir, err)
	}
	return nil
}
