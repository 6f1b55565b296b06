package store

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"os"
	"path/filepath"
)

// A checkpoint (ckpt-N) is what memory held right after the seal that
// closed log file N, less what that seal wrote to segments: the positions
// of the windows still open, every vessel's latest position, the identity
// records, and the data time reached. It is written to a temporary name,
// fsynced and renamed; CURRENT (a uint64 N and its CRC-32C) then names it,
// and that rename is the commit point of a seal. Opening loads ckpt-N and
// replays the log files after N.
//
//	magic "PKCKP01\n"
//	uint64 N, int64 watermark, int64 sealed-to (Unix ms)
//	uint64 count, positions (47 bytes each): the open windows
//	uint64 count, positions: the latest of each vessel
//	uint64 count, identity records (as in the log)
//	uint32 CRC-32C of all the above after the magic
const ckptMagic = "PKCKP01\n"

func ckptName(seq uint64) string { return fmt.Sprintf("ckpt-%020d", seq) }

// checkpoint is the state a checkpoint file carries.
type checkpoint struct {
	seq       uint64
	watermark int64
	sealedTo  int64
	head      func(fn func(p *Position))
	nHead     uint64
	latest    func(fn func(p *Position))
	nLatest   uint64
	idents    map[uint32][]IdentityRecord
}

type crcWriter struct {
	w   *bufio.Writer
	crc hash.Hash32
	buf []byte
}

func (c *crcWriter) write(b []byte) {
	c.w.Write(b)
	c.crc.Write(b)
}

func (c *crcWriter) u64(v uint64) {
	c.buf = binary.LittleEndian.AppendUint64(c.buf[:0], v)
	c.write(c.buf)
}

func writeCheckpoint(dir string, ck *checkpoint) error {
	path := filepath.Join(dir, ckptName(ck.seq))
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	c := &crcWriter{w: bufio.NewWriterSize(f, 1<<20), crc: crc32.New(castagnoli)}
	c.w.WriteString(ckptMagic)
	c.u64(ck.seq)
	c.u64(uint64(ck.watermark))
	c.u64(uint64(ck.sealedTo))
	for _, sec := range []struct {
		n    uint64
		each func(fn func(p *Position))
	}{{ck.nHead, ck.head}, {ck.nLatest, ck.latest}} {
		c.u64(sec.n)
		var k uint64
		sec.each(func(p *Position) {
			c.buf = appendPos(c.buf[:0], p)
			c.write(c.buf)
			k++
		})
		if k != sec.n {
			panic("store: checkpoint count mismatch")
		}
	}
	var n uint64
	for _, rs := range ck.idents {
		n += uint64(len(rs))
	}
	c.u64(n)
	for mmsi, rs := range ck.idents {
		for i := range rs {
			c.buf = appendIdentity(c.buf[:0], mmsi, &rs[i])
			c.write(c.buf)
		}
	}
	c.w.Write(binary.LittleEndian.AppendUint32(nil, c.crc.Sum32()))
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("store: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	ok = true
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// readCheckpoint loads ckpt-seq, handing its positions and identities to
// the callbacks, and returns the watermark and sealed-to times.
func readCheckpoint(dir string, seq uint64, head, latest func(Position), ident func(uint32, IdentityRecord)) (watermark, sealedTo int64, err error) {
	path := filepath.Join(dir, ckptName(seq))
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: checkpoint %d named by CURRENT: %v", ErrCorrupt, seq, err)
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: %s: %s", ErrCorrupt, filepath.Base(path), why)
	}
	if len(b) < len(ckptMagic)+3*8+3*8+4 || string(b[:len(ckptMagic)]) != ckptMagic {
		return 0, 0, bad("bad magic or too short")
	}
	body := b[len(ckptMagic) : len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return 0, 0, bad("checksum mismatch")
	}
	u64 := func() uint64 {
		if len(body) < 8 {
			err = bad("truncated")
			return 0
		}
		v := binary.LittleEndian.Uint64(body)
		body = body[8:]
		return v
	}
	if u64() != seq {
		return 0, 0, bad("sequence number mismatch")
	}
	watermark, sealedTo = int64(u64()), int64(u64())
	for _, fn := range []func(Position){head, latest} {
		n := u64()
		if err != nil || n > uint64(len(body)/posWireBytes) {
			return 0, 0, bad("position count")
		}
		for ; n > 0; n-- {
			fn(readPos(body))
			body = body[posWireBytes:]
		}
	}
	n := u64()
	for ; n > 0 && err == nil; n-- {
		var mmsi uint32
		var r IdentityRecord
		mmsi, r, body, err = readIdentity(body)
		if err == nil {
			ident(mmsi, r)
		}
	}
	if err == nil && len(body) != 0 {
		err = bad("trailing bytes")
	}
	if err != nil {
		return 0, 0, err
	}
	return watermark, sealedTo, nil
}

// writeCurrent makes ckpt-seq the one to open from: the commit point.
func writeCurrent(dir string, seq uint64) error {
	b := binary.LittleEndian.AppendUint64(nil, seq)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	path := filepath.Join(dir, "CURRENT")
	tmp := path + ".tmp"
	if err := writeFileSync(tmp, b); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return syncDir(dir)
}

// readCurrent returns the checkpoint CURRENT names, or 0 when there is
// none yet.
func readCurrent(dir string) (uint64, error) {
	b, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	if len(b) != 12 || crc32.Checksum(b[:8], castagnoli) != binary.LittleEndian.Uint32(b[8:]) {
		return 0, fmt.Errorf("%w: CURRENT", ErrCorrupt)
	}
	return binary.LittleEndian.Uint64(b), nil
}

func writeFileSync(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
