package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// A block holds one vessel's positions of one window, sorted by time, as
// columns of small integers (the time-series databases' layout: Gorilla,
// Prometheus chunks), written with encoding/binary varints:
//
//	uvarint  n                       positions, >= 1
//	byte     flags                   the f* bits below
//	time     varint t0, uvarint unit, then n-1 uvarint (t[i]-t[i-1])/unit
//	lat      varint q0, then n-1 varint residuals (see predict)
//	lon      the same
//	sog      fSOGTenths: n varint deltas of a code (0 = NaN, tenths+1);
//	         else n float32s, 4 bytes little endian each
//	cog      the same with fCOGTenths
//	heading  n varint deltas, from 0
//	status   uvarint runs, then per run: byte value, uvarint length
//	feeds    uvarint runs, then per run: uvarint value, uvarint length
//
// Latitudes and longitudes are integers on a grid: AIS's own 1/10000
// minute (1/600000 degree) when every coordinate of the block lies on it,
// which is exact for anything decoded from AIS; else 1e-7 degree, exact
// for decimal input of up to seven places and within 5e-8 degree (5 mm)
// for anything else. Speeds and courses are tenths when every value of the
// block is one (AIS's resolution), else raw float32 bits. Times, headings,
// statuses and feeds are exact.
const (
	fAIS       = 1 << iota // lat/lon in 1/600000 degree, else 1e-7
	fSOGTenths             // SOG as tenths of a knot
	fCOGTenths             // COG as tenths of a degree
	fLatDelta              // lat residuals from the previous value, not a linear prediction
	fLonDelta              // the same for lon
)

const (
	aisScale = 600000
	decScale = 1e7
)

// encoder holds scratch space so that sealing allocates little.
type encoder struct {
	lat, lon []int64
}

// encode appends the block of ps (one vessel, sorted by time) to dst.
func (e *encoder) encode(dst []byte, ps []Position) []byte {
	n := len(ps)
	flags := byte(fAIS | fSOGTenths | fCOGTenths)
	for i := range ps {
		p := &ps[i]
		if flags&fAIS != 0 && !(onGrid(p.Lat) && onGrid(p.Lon)) {
			flags &^= fAIS
		}
		if flags&fSOGTenths != 0 {
			if _, ok := tenths(p.SOG); !ok {
				flags &^= fSOGTenths
			}
		}
		if flags&fCOGTenths != 0 {
			if _, ok := tenths(p.COG); !ok {
				flags &^= fCOGTenths
			}
		}
	}
	scale := float64(decScale)
	if flags&fAIS != 0 {
		scale = aisScale
	}
	e.lat, e.lon = e.lat[:0], e.lon[:0]
	for i := range ps {
		e.lat = append(e.lat, int64(math.Round(ps[i].Lat*scale)))
		e.lon = append(e.lon, int64(math.Round(ps[i].Lon*scale)))
	}
	if cheaperAsDelta(e.lat, ps) {
		flags |= fLatDelta
	}
	if cheaperAsDelta(e.lon, ps) {
		flags |= fLonDelta
	}

	dst = binary.AppendUvarint(dst, uint64(n))
	dst = append(dst, flags)

	// Time: deltas in the largest unit that divides them all (1000 for
	// data stamped in whole seconds).
	var unit uint64
	for i := 1; i < n; i++ {
		unit = gcd(unit, uint64(ps[i].Time-ps[i-1].Time))
	}
	if unit == 0 {
		unit = 1
	}
	dst = binary.AppendVarint(dst, ps[0].Time)
	dst = binary.AppendUvarint(dst, unit)
	for i := 1; i < n; i++ {
		dst = binary.AppendUvarint(dst, uint64(ps[i].Time-ps[i-1].Time)/unit)
	}

	dst = appendCoords(dst, e.lat, ps, flags&fLatDelta != 0)
	dst = appendCoords(dst, e.lon, ps, flags&fLonDelta != 0)

	if flags&fSOGTenths != 0 {
		prev := int64(0)
		for i := range ps {
			c, _ := tenths(ps[i].SOG)
			dst = binary.AppendVarint(dst, c-prev)
			prev = c
		}
	} else {
		for i := range ps {
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(ps[i].SOG))
		}
	}
	if flags&fCOGTenths != 0 {
		prev := int64(0)
		for i := range ps {
			c, _ := tenths(ps[i].COG)
			dst = binary.AppendVarint(dst, c-prev)
			prev = c
		}
	} else {
		for i := range ps {
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(ps[i].COG))
		}
	}
	prevH := int64(0)
	for i := range ps {
		h := int64(ps[i].Heading)
		dst = binary.AppendVarint(dst, h-prevH)
		prevH = h
	}

	runs := uint64(1)
	for i := 1; i < n; i++ {
		if ps[i].Status != ps[i-1].Status {
			runs++
		}
	}
	dst = binary.AppendUvarint(dst, runs)
	for i := 0; i < n; {
		j := i + 1
		for j < n && ps[j].Status == ps[i].Status {
			j++
		}
		dst = append(dst, ps[i].Status)
		dst = binary.AppendUvarint(dst, uint64(j-i))
		i = j
	}
	runs = 1
	for i := 1; i < n; i++ {
		if ps[i].Feeds != ps[i-1].Feeds {
			runs++
		}
	}
	dst = binary.AppendUvarint(dst, runs)
	for i := 0; i < n; {
		j := i + 1
		for j < n && ps[j].Feeds == ps[i].Feeds {
			j++
		}
		dst = binary.AppendUvarint(dst, ps[i].Feeds)
		dst = binary.AppendUvarint(dst, uint64(j-i))
		i = j
	}
	return dst
}

// predict is where a coordinate is expected at time t given the two
// before it: dead reckoning on the grid, in integers so that encoder and
// decoder agree to the bit on every platform. It falls back to the last
// value when the gap is long or the times are unusable.
func predict(x1, x2, t, t1, t2 int64) int64 {
	dt, dtPrev := t-t1, t1-t2
	if dtPrev <= 0 || dt > 4*dtPrev || dt >= 1<<28 {
		return x1
	}
	return x1 + (x1-x2)*dt/dtPrev
}

func appendCoords(dst []byte, q []int64, ps []Position, delta bool) []byte {
	dst = binary.AppendVarint(dst, q[0])
	for i := 1; i < len(q); i++ {
		dst = binary.AppendVarint(dst, q[i]-prediction(q, ps, i, delta))
	}
	return dst
}

func prediction(q []int64, ps []Position, i int, delta bool) int64 {
	if delta || i < 2 {
		return q[i-1]
	}
	return predict(q[i-1], q[i-2], ps[i].Time, ps[i-1].Time, ps[i-2].Time)
}

// cheaperAsDelta reports whether plain deltas encode q in fewer bytes than
// dead reckoning does (true of vessels at anchor, whose jitter a linear
// prediction doubles).
func cheaperAsDelta(q []int64, ps []Position) bool {
	var lin, del int
	for i := 1; i < len(q); i++ {
		del += varintLen(q[i] - q[i-1])
		lin += varintLen(q[i] - prediction(q, ps, i, false))
	}
	return del < lin
}

func varintLen(v int64) int {
	u := uint64(v<<1) ^ uint64(v>>63)
	return bits.Len64(u|1)/7 + 1
}

// decode appends the positions of block b to out.
func decode(out []Position, b []byte, mmsi uint32) ([]Position, error) {
	d := decoder{b: b}
	n := int(d.uvarint())
	flags := d.byte()
	if d.err != nil || n <= 0 || n > len(b) {
		return out, fmt.Errorf("%w: block header", ErrCorrupt)
	}
	start := len(out)
	out = append(out, make([]Position, n)...)
	ps := out[start:]

	t := d.varint()
	unit := int64(d.uvarint())
	for i := range ps {
		if i > 0 {
			t += int64(d.uvarint()) * unit
		}
		ps[i].MMSI, ps[i].Time = mmsi, t
	}
	scale := float64(decScale)
	if flags&fAIS != 0 {
		scale = aisScale
	}
	q := make([]int64, n)
	for c := 0; c < 2; c++ {
		delta := flags&fLatDelta != 0
		if c == 1 {
			delta = flags&fLonDelta != 0
		}
		q[0] = d.varint()
		for i := 1; i < n; i++ {
			q[i] = d.varint() + prediction(q, ps, i, delta)
		}
		for i := range ps {
			v := float64(q[i]) / scale
			if c == 0 {
				ps[i].Lat = v
			} else {
				ps[i].Lon = v
			}
		}
	}
	for c := 0; c < 2; c++ {
		var v float32
		if flags&(fSOGTenths<<c) != 0 {
			code := int64(0)
			for i := range ps {
				code += d.varint()
				v = nan32
				if code > 0 {
					v = float32(code-1) / 10
				}
				if c == 0 {
					ps[i].SOG = v
				} else {
					ps[i].COG = v
				}
			}
		} else {
			for i := range ps {
				v = math.Float32frombits(d.uint32())
				if c == 0 {
					ps[i].SOG = v
				} else {
					ps[i].COG = v
				}
			}
		}
	}
	h := int64(0)
	for i := range ps {
		h += d.varint()
		ps[i].Heading = int16(h)
	}
	i := 0
	for runs := d.uvarint(); runs > 0 && d.err == nil; runs-- {
		v, l := d.byte(), int(d.uvarint())
		if l > n-i {
			d.err = ErrCorrupt
			break
		}
		for ; l > 0; l-- {
			ps[i].Status = v
			i++
		}
	}
	if i != n && d.err == nil {
		d.err = ErrCorrupt
	}
	i = 0
	for runs := d.uvarint(); runs > 0 && d.err == nil; runs-- {
		v, l := d.uvarint(), int(d.uvarint())
		if l > n-i {
			d.err = ErrCorrupt
			break
		}
		for ; l > 0; l-- {
			ps[i].Feeds = v
			i++
		}
	}
	if d.err == nil && (i != n || len(d.b) != 0) {
		d.err = ErrCorrupt
	}
	if d.err != nil {
		return out[:start], fmt.Errorf("%w: block of mmsi %d", ErrCorrupt, mmsi)
	}
	return out, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.err, d.b = ErrCorrupt, nil
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) varint() int64 {
	v, k := binary.Varint(d.b)
	if k <= 0 {
		d.err, d.b = ErrCorrupt, nil
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.err = ErrCorrupt
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uint32() uint32 {
	if len(d.b) < 4 {
		d.err, d.b = ErrCorrupt, nil
		return 0
	}
	v := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func onGrid(x float64) bool {
	return float64(int64(math.Round(x*aisScale)))/aisScale == x
}

// tenths returns the code of v (0 for NaN, tenths+1 otherwise) and whether
// v is a whole number of tenths that the code gives back exactly.
func tenths(v float32) (int64, bool) {
	if v != v {
		return 0, true
	}
	k := math.Round(float64(v) * 10)
	if !(k >= 0 && k < 1<<24) || float32(k)/10 != v {
		return 0, false
	}
	return int64(k) + 1, true
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
