package ais

import "errors"

// ErrNotEncodable is returned by AppendPayload for a message type the
// encoder does not write, or a header whose type does not fit the value.
var ErrNotEncodable = errors.New("ais: message type not encodable")

// AppendPayload appends m's 6-bit armoured payload (ITU-R M.1371-5 Annex 8,
// table 43) to dst and returns the extended slice with the number of fill
// bits in its last character (0-5). It is the exact inverse of Decoder for
// the types it writes:
//
//	*PositionReport      types 1, 2, 3   168 bits
//	*BaseStationReport   types 4, 11     168 bits
//	*StaticVoyage        type 5          424 bits (two sentences on air)
//	*ClassBPosition      type 18         168 bits
//	*ClassBExtended      type 19         312 bits
//	*StaticDataReport    type 24         part A 160 bits, part B 168 bits
//
// Raw field units are those of messages.go (1/10000 minute, 1/10 knot,
// ...). Text fields are written in the 6-bit alphabet (table 47), lower case
// as upper case, characters outside it as '?', cut at the field's length and
// padded with '@'. Type 24 part B writes the first three characters of
// VendorID, then Model and Serial (the M.1371-4 layout; the decoder reads the
// same 42 bits both ways). Spare bits are zero.
//
// AppendPayload does not allocate beyond growing dst.
func AppendPayload(dst []byte, m Message) ([]byte, int, error) {
	w := armourWriter{dst: dst}
	switch m := m.(type) {
	case *PositionReport:
		if m.Type < 1 || m.Type > 3 {
			return dst, 0, ErrNotEncodable
		}
		w.header(&m.Header)
		w.u(uint64(m.Status), 4)
		w.s(int64(m.Turn), 8)
		w.u(uint64(m.Speed), 10)
		w.flag(m.Accuracy)
		w.s(int64(m.Lon), 28)
		w.s(int64(m.Lat), 27)
		w.u(uint64(m.Course), 12)
		w.u(uint64(m.Heading), 9)
		w.u(uint64(m.Second), 6)
		w.u(uint64(m.Maneuver), 2)
		w.u(0, 3) // spare
		w.flag(m.RAIM)
		w.u(uint64(m.Radio), 19)
	case *BaseStationReport:
		if m.Type != 4 && m.Type != 11 {
			return dst, 0, ErrNotEncodable
		}
		w.header(&m.Header)
		w.u(uint64(m.Year), 14)
		w.u(uint64(m.Month), 4)
		w.u(uint64(m.Day), 5)
		w.u(uint64(m.Hour), 5)
		w.u(uint64(m.Minute), 6)
		w.u(uint64(m.Second), 6)
		w.flag(m.Accuracy)
		w.s(int64(m.Lon), 28)
		w.s(int64(m.Lat), 27)
		w.u(uint64(m.EPFD), 4)
		w.u(0, 10) // spare
		w.flag(m.RAIM)
		w.u(uint64(m.Radio), 19)
	case *StaticVoyage:
		if m.Type != 5 {
			return dst, 0, ErrNotEncodable
		}
		w.header(&m.Header)
		w.u(uint64(m.AISVersion), 2)
		w.u(uint64(m.IMO), 30)
		w.text(m.CallSign, 7)
		w.text(m.ShipName, 20)
		w.u(uint64(m.ShipType), 8)
		w.dims(&m.Dimensions)
		w.u(uint64(m.EPFD), 4)
		w.u(uint64(m.Month), 4)
		w.u(uint64(m.Day), 5)
		w.u(uint64(m.Hour), 5)
		w.u(uint64(m.Minute), 6)
		w.u(uint64(m.Draught), 8)
		w.text(m.Destination, 20)
		w.flag(m.DTE)
		w.u(0, 1) // spare
	case *ClassBPosition:
		if m.Type != 18 {
			return dst, 0, ErrNotEncodable
		}
		w.header(&m.Header)
		w.u(uint64(m.Reserved), 8)
		w.u(uint64(m.Speed), 10)
		w.flag(m.Accuracy)
		w.s(int64(m.Lon), 28)
		w.s(int64(m.Lat), 27)
		w.u(uint64(m.Course), 12)
		w.u(uint64(m.Heading), 9)
		w.u(uint64(m.Second), 6)
		w.u(uint64(m.Regional), 2)
		w.flag(m.CS)
		w.flag(m.Display)
		w.flag(m.DSC)
		w.flag(m.Band)
		w.flag(m.Msg22)
		w.flag(m.Assigned)
		w.flag(m.RAIM)
		w.u(uint64(m.Radio), 20)
	case *ClassBExtended:
		if m.Type != 19 {
			return dst, 0, ErrNotEncodable
		}
		w.header(&m.Header)
		w.u(uint64(m.Reserved), 8)
		w.u(uint64(m.Speed), 10)
		w.flag(m.Accuracy)
		w.s(int64(m.Lon), 28)
		w.s(int64(m.Lat), 27)
		w.u(uint64(m.Course), 12)
		w.u(uint64(m.Heading), 9)
		w.u(uint64(m.Second), 6)
		w.u(uint64(m.Regional), 4)
		w.text(m.ShipName, 20)
		w.u(uint64(m.ShipType), 8)
		w.dims(&m.Dimensions)
		w.u(uint64(m.EPFD), 4)
		w.flag(m.RAIM)
		w.flag(m.DTE)
		w.flag(m.Assigned)
		w.u(0, 4) // spare
	case *StaticDataReport:
		if m.Type != 24 || m.PartNo > 1 {
			return dst, 0, ErrNotEncodable
		}
		w.header(&m.Header)
		w.u(uint64(m.PartNo), 2)
		if m.PartNo == 0 {
			w.text(m.ShipName, 20)
			break
		}
		w.u(uint64(m.ShipType), 8)
		w.text(m.VendorID, 3)
		w.u(uint64(m.Model), 4)
		w.u(uint64(m.Serial), 20)
		w.text(m.CallSign, 7)
		if AuxiliaryCraft(m.MMSI) {
			w.u(uint64(m.MothershipMMSI), 30)
		} else {
			w.dims(&m.Dimensions)
		}
		w.u(0, 6) // EPFD (M.1371-5) and spare: the decoder reads neither
	default:
		return dst, 0, ErrNotEncodable
	}
	return w.finish()
}

// armourChar maps a 6-bit value to its payload character (table 43).
const armourChar = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"

// armourWriter packs bit fields big-endian and armours them six bits at a
// time straight into dst, so no intermediate bit buffer is needed.
type armourWriter struct {
	dst  []byte
	acc  uint64 // pending bits in the low nacc bits
	nacc int    // 0-5 between calls
}

// u writes the low n (<= 32) bits of v.
func (w *armourWriter) u(v uint64, n int) {
	w.acc = w.acc<<uint(n) | v&(1<<uint(n)-1)
	w.nacc += n
	for w.nacc >= 6 {
		w.nacc -= 6
		w.dst = append(w.dst, armourChar[(w.acc>>uint(w.nacc))&63])
	}
}

// s writes v as an n-bit two's-complement integer.
func (w *armourWriter) s(v int64, n int) { w.u(uint64(v), n) }

func (w *armourWriter) flag(b bool) {
	if b {
		w.u(1, 1)
	} else {
		w.u(0, 1)
	}
}

func (w *armourWriter) header(h *Header) {
	w.u(uint64(h.Type), 6)
	w.u(uint64(h.Repeat), 2)
	w.u(uint64(h.MMSI), 30)
}

func (w *armourWriter) dims(d *Dimensions) {
	w.u(uint64(d.ToBow), 9)
	w.u(uint64(d.ToStern), 9)
	w.u(uint64(d.ToPort), 6)
	w.u(uint64(d.ToStarboard), 6)
}

// text writes count characters of s in the 6-bit alphabet, padded with '@'.
func (w *armourWriter) text(s []byte, count int) {
	for i := 0; i < count; i++ {
		var v byte // '@'
		if i < len(s) {
			v = sixbit(s[i])
		}
		w.u(uint64(v), 6)
	}
}

// sixbit maps an ASCII character to the 6-bit alphabet (table 47).
func sixbit(c byte) byte {
	switch {
	case c >= 'a' && c <= 'z':
		return c - 'a' + 1
	case c >= '@' && c <= '_':
		return c - '@'
	case c >= ' ' && c <= '?':
		return c
	}
	return '?'
}

// finish flushes the last partial character and returns the fill bits.
func (w *armourWriter) finish() ([]byte, int, error) {
	fill := 0
	if w.nacc > 0 {
		fill = 6 - w.nacc
		w.dst = append(w.dst, armourChar[(w.acc<<uint(fill))&63])
		w.nacc = 0
	}
	return w.dst, fill, nil
}
