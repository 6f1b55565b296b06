package ais

import (
	"encoding/binary"
	"errors"
)

// maxBits bounds a payload: 9 sentences of at most 82 characters carry
// well under this many bits.
const maxBits = 9 * 82 * 6

// Errors a payload can fail with; errors.Is tells them apart.
var (
	ErrBadCharacter = errors.New("ais: payload character outside the 6-bit armour")
	ErrUnknownType  = errors.New("ais: unknown message type")
	ErrLength       = errors.New("ais: payload length does not fit its message type")
	ErrTooLong      = errors.New("ais: payload too long")
)

// armour maps a payload character to its 6-bit value, or 0xff when the
// character is not in the armour (ITU-R M.1371-5 Annex 8, table 43).
var armour = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := 48; c <= 87; c++ {
		t[c] = byte(c - 48)
	}
	for c := 96; c <= 119; c++ {
		t[c] = byte(c - 56)
	}
	return t
}()

// bitBuffer holds a de-armoured payload as a big-endian bit string. The
// byte array has 8 bytes of zero padding past the longest payload so that
// fields are read with one 64-bit load.
type bitBuffer struct {
	b   [maxBits/8 + 16]byte
	len int // bits
}

// load de-armours payload into the buffer; fill bits are dropped from the
// length.
func (bb *bitBuffer) load(payload []byte, fill int) error {
	if len(payload)*6 > maxBits {
		return ErrTooLong
	}
	// Pack four 6-bit characters into three bytes at a time.
	n := 0
	i := 0
	for ; i+4 <= len(payload); i += 4 {
		a, b, c, d := armour[payload[i]], armour[payload[i+1]], armour[payload[i+2]], armour[payload[i+3]]
		if (a|b|c|d)&0xc0 != 0 { // 0xff marks a bad character
			return ErrBadCharacter
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		bb.b[n] = byte(v >> 16)
		bb.b[n+1] = byte(v >> 8)
		bb.b[n+2] = byte(v)
		n += 3
	}
	var acc uint32
	k := 0
	for ; i < len(payload); i++ {
		v := armour[payload[i]]
		if v == 0xff {
			return ErrBadCharacter
		}
		acc = acc<<6 | uint32(v)
		k++
	}
	if k > 0 {
		acc <<= uint(6 * (4 - k))
		bb.b[n] = byte(acc >> 16)
		bb.b[n+1] = byte(acc >> 8)
		bb.b[n+2] = byte(acc)
		n += 3
	}
	// Zero the padding so that reads past the end see zeros.
	clear(bb.b[n : n+16])
	bb.len = len(payload)*6 - fill
	if bb.len < 0 {
		bb.len = 0
	}
	return nil
}

// loadFragments de-armours the fragments of a message whose fragments
// other than the last declared fill bits: each fragment's fill bits are
// dropped where they stand, as gpsd does. ends are the fragments' end
// offsets in payload, fills their fill bits.
func (bb *bitBuffer) loadFragments(payload []byte, ends, fills []int) error {
	if len(payload)*6 > maxBits {
		return ErrTooLong
	}
	clear(bb.b[:len(payload)*6/8+16])
	pos := 0
	start := 0
	for f, end := range ends {
		for _, c := range payload[start:end] {
			v := armour[c]
			if v == 0xff {
				return ErrBadCharacter
			}
			for k := 5; k >= 0; k-- {
				if v>>uint(k)&1 != 0 {
					bb.b[pos>>3] |= 0x80 >> uint(pos&7)
				}
				pos++
			}
		}
		pos -= fills[f]
		if pos < 0 {
			pos = 0
		}
		// Clear the dropped fill bits so that the next fragment's bits land
		// on zeros.
		for k := pos; k < pos+fills[f] && k>>3 < len(bb.b); k++ {
			bb.b[k>>3] &^= 0x80 >> uint(k&7)
		}
		start = end
	}
	bb.len = pos
	return nil
}

// u reads n <= 57 bits at bit offset start as an unsigned integer. Bits
// past the payload read as zero.
func (bb *bitBuffer) u(start, n int) uint64 {
	w := binary.BigEndian.Uint64(bb.b[start>>3:])
	return (w << uint(start&7)) >> uint(64-n)
}

// s reads n bits at start as a two's-complement signed integer.
func (bb *bitBuffer) s(start, n int) int64 {
	w := binary.BigEndian.Uint64(bb.b[start>>3:])
	return int64(w<<uint(start&7)) >> uint(64-n)
}

// flag reads one bit.
func (bb *bitBuffer) flag(start int) bool { return bb.u(start, 1) != 0 }

// sixbitChars is the ITU 6-bit character set (M.1371-5 Annex 8, table 47).
const sixbitChars = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"

// text decodes count 6-bit characters at start into dst, stopping at the
// first '@' (the standard's padding), and trims trailing spaces and '@'.
func (bb *bitBuffer) text(dst []byte, start, count int) []byte {
	dst = dst[:0]
	for i := 0; i < count; i++ {
		c := sixbitChars[bb.u(start+6*i, 6)]
		if c == '@' {
			break
		}
		dst = append(dst, c)
	}
	return trimText(dst)
}

// textUntrimmed decodes like text without trimming.
func (bb *bitBuffer) textUntrimmed(dst []byte, start, count int) []byte {
	dst = dst[:0]
	for i := 0; i < count; i++ {
		c := sixbitChars[bb.u(start+6*i, 6)]
		if c == '@' {
			break
		}
		dst = append(dst, c)
	}
	return dst
}

func trimText(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '@') {
		b = b[:len(b)-1]
	}
	return b
}

// bytesAt copies n bits from start into dst as bytes, left-aligned, with
// the unused low bits of the last byte zero.
func (bb *bitBuffer) bytesAt(dst []byte, start, n int) []byte {
	dst = dst[:0]
	if n <= 0 {
		return dst
	}
	for i := 0; i < n; i += 8 {
		w := 8
		if n-i < 8 {
			w = n - i
		}
		dst = append(dst, byte(bb.u(start+i, w)<<uint(8-w)))
	}
	return dst
}
