package ais

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// roundTrip encodes m, decodes the payload and returns the decoded message
// and the payload.
func roundTrip(t *testing.T, d *Decoder, m Message) (Message, string) {
	t.Helper()
	p, fill, err := AppendPayload(nil, m)
	if err != nil {
		t.Fatalf("encode %T: %v", m, err)
	}
	got, err := d.Decode(p, fill)
	if err != nil {
		t.Fatalf("decode %T %s,%d: %v", m, p, fill, err)
	}
	return got, string(p)
}

// normalize makes empty text fields nil so that reflect.DeepEqual compares
// what the decoder gives (non-nil empty slices) with literals.
func normalize(m Message) Message {
	fix := func(b *[]byte) {
		if len(*b) == 0 {
			*b = nil
		}
	}
	switch m := m.(type) {
	case *StaticVoyage:
		c := *m
		fix(&c.CallSign)
		fix(&c.ShipName)
		fix(&c.Destination)
		return &c
	case *ClassBExtended:
		c := *m
		fix(&c.ShipName)
		return &c
	case *StaticDataReport:
		c := *m
		fix(&c.ShipName)
		if c.PartNo == 1 && len(c.VendorID) > 3 {
			// Characters 4-7 are Model and Serial, compared as such.
			c.VendorID = c.VendorID[:3]
		}
		fix(&c.VendorID)
		fix(&c.CallSign)
		return &c
	case *PositionReport:
		c := *m
		return &c
	case *BaseStationReport:
		c := *m
		return &c
	case *ClassBPosition:
		c := *m
		return &c
	}
	return m
}

func TestEncodeRoundTripTable(t *testing.T) {
	var d Decoder
	cases := []struct {
		name  string
		m     Message
		chars int
		fill  int
	}{
		{"type 1", &PositionReport{Header: Header{Type: 1, MMSI: 412345678}, Status: 0, Turn: -127, Speed: 123, Accuracy: true,
			Lon: int32(124.5 * 600000), Lat: int32(37.25 * 600000), Course: 2711, Heading: 271, Second: 59, Maneuver: 1, RAIM: true, Radio: 0x7ffff}, 28, 0},
		{"type 3 negative", &PositionReport{Header: Header{Type: 3, Repeat: 3, MMSI: 1}, Status: 15, Turn: -128, Speed: 1023,
			Lon: -108600000, Lat: -54600000, Course: 3600, Heading: 511, Second: 60}, 28, 0},
		{"type 4", &BaseStationReport{Header: Header{Type: 4, MMSI: 4401234}, Year: 2026, Month: 3, Day: 1, Hour: 23, Minute: 59, Second: 58,
			Lon: int32(126.6 * 600000), Lat: int32(37.45 * 600000), EPFD: 7, RAIM: true, Radio: 12345}, 28, 0},
		{"type 5", &StaticVoyage{Header: Header{Type: 5, MMSI: 636012345}, AISVersion: 2, IMO: 9074729, CallSign: []byte("D5AB7"),
			ShipName: []byte("OCEAN STAR 7"), ShipType: 80, Dimensions: Dimensions{200, 45, 20, 12}, EPFD: 1, Month: 3, Day: 4, Hour: 12, Minute: 30,
			Draught: 142, Destination: []byte("NAMPO"), DTE: true}, 71, 2},
		{"type 5 full text", &StaticVoyage{Header: Header{Type: 5, MMSI: 636012345}, CallSign: []byte("ABCDEFG"),
			ShipName: []byte("ABCDEFGHIJKLMNOPQRST"), Destination: []byte("0123456789:;<=>?-./!"), Hour: 24, Minute: 60}, 71, 2},
		{"type 18", &ClassBPosition{Header: Header{Type: 18, MMSI: 440123456}, Reserved: 3, Speed: 55, Lon: int32(-70.1 * 600000), Lat: int32(-33.9 * 600000),
			Course: 100, Heading: 511, Second: 12, Regional: 2, CS: true, Display: true, Band: true, Msg22: true, Radio: 393222}, 28, 0},
		{"type 19", &ClassBExtended{Header: Header{Type: 19, MMSI: 273123456}, Speed: 87, Lon: int32(20.1 * 600000), Lat: int32(55.2 * 600000),
			Course: 900, Heading: 90, Second: 5, Regional: 9, ShipName: []byte("BALTIC TUG"), ShipType: 52, Dimensions: Dimensions{10, 15, 3, 4}, EPFD: 1, RAIM: true, DTE: true}, 52, 0},
		{"type 24A", &StaticDataReport{Header: Header{Type: 24, MMSI: 440123456}, PartNo: 0, ShipName: []byte("SEA HAWK")}, 27, 2},
		{"type 24B", &StaticDataReport{Header: Header{Type: 24, MMSI: 440123456}, PartNo: 1, ShipType: 30, VendorID: []byte("SRT"), Model: 3, Serial: 123456,
			CallSign: []byte("DSAB2"), Dimensions: Dimensions{12, 8, 3, 3}}, 28, 0},
		{"type 24B auxiliary", &StaticDataReport{Header: Header{Type: 24, MMSI: 984401234}, PartNo: 1, ShipType: 52, VendorID: []byte("ABC"),
			CallSign: []byte("X"), MothershipMMSI: 440123456}, 28, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, p := roundTrip(t, &d, c.m)
			if len(p) != c.chars {
				t.Errorf("payload %q: %d characters, want %d", p, len(p), c.chars)
			}
			_, fill, _ := AppendPayload(nil, c.m)
			if fill != c.fill {
				t.Errorf("fill %d, want %d", fill, c.fill)
			}
			if g, w := normalize(got), normalize(c.m); !reflect.DeepEqual(g, w) {
				t.Errorf("round trip\n got %+v\nwant %+v", g, w)
			}
		})
	}
}

func TestEncodeLowerCaseAndOutsideAlphabet(t *testing.T) {
	var d Decoder
	m := &StaticDataReport{Header: Header{Type: 24, MMSI: 1}, ShipName: []byte("sea~hawk toolongnamexxxxx")}
	got, _ := roundTrip(t, &d, m)
	if s := string(got.(*StaticDataReport).ShipName); s != "SEA?HAWK TOOLONGNAME" {
		t.Errorf("name %q", s)
	}
}

func TestEncodeRejects(t *testing.T) {
	for _, m := range []Message{
		&PositionReport{Header: Header{Type: 5}},
		&StaticVoyage{Header: Header{Type: 1}},
		&StaticDataReport{Header: Header{Type: 24}, PartNo: 2},
		&Acknowledge{Header: Header{Type: 7}},
	} {
		if _, _, err := AppendPayload(nil, m); !errors.Is(err, ErrNotEncodable) {
			t.Errorf("%T type %d: err %v", m, m.Hdr().Type, err)
		}
	}
}

// TestEncodeRoundTripRandom fills every field with random in-range values.
func TestEncodeRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var d Decoder
	u := func(bits int) uint64 { return r.Uint64() & (1<<uint(bits) - 1) }
	s := func(bits int) int64 { return int64(u(bits)<<uint(64-bits)) >> uint(64-bits) }
	txt := func(n int) []byte {
		b := make([]byte, r.IntN(n+1))
		for i := range b {
			b[i] = sixbitChars[1+r.IntN(63)]
		}
		// Trailing spaces are trimmed by the decoder: keep them off the end.
		for len(b) > 0 && b[len(b)-1] == ' ' {
			b = b[:len(b)-1]
		}
		return b
	}
	hdr := func(typ uint8) Header { return Header{Type: typ, Repeat: uint8(u(2)), MMSI: uint32(u(30))} }
	dims := func() Dimensions {
		return Dimensions{uint16(u(9)), uint16(u(9)), uint16(u(6)), uint16(u(6))}
	}
	for i := 0; i < 2000; i++ {
		var m Message
		switch i % 7 {
		case 0:
			m = &PositionReport{Header: hdr(uint8(1 + r.IntN(3))), Status: uint8(u(4)), Turn: int8(s(8)), Speed: uint16(u(10)), Accuracy: u(1) == 1,
				Lon: int32(s(28)), Lat: int32(s(27)), Course: uint16(u(12)), Heading: uint16(u(9)), Second: uint8(u(6)), Maneuver: uint8(u(2)), RAIM: u(1) == 1, Radio: uint32(u(19))}
		case 1:
			m = &StaticVoyage{Header: hdr(5), AISVersion: uint8(u(2)), IMO: uint32(u(30)), CallSign: txt(7), ShipName: txt(20), ShipType: uint8(u(8)),
				Dimensions: dims(), EPFD: uint8(u(4)), Month: uint8(u(4)), Day: uint8(u(5)), Hour: uint8(u(5)), Minute: uint8(u(6)), Draught: uint8(u(8)),
				Destination: txt(20), DTE: u(1) == 1}
		case 2:
			m = &ClassBPosition{Header: hdr(18), Reserved: uint8(u(8)), Speed: uint16(u(10)), Accuracy: u(1) == 1, Lon: int32(s(28)), Lat: int32(s(27)),
				Course: uint16(u(12)), Heading: uint16(u(9)), Second: uint8(u(6)), Regional: uint8(u(2)), CS: u(1) == 1, Display: u(1) == 1, DSC: u(1) == 1,
				Band: u(1) == 1, Msg22: u(1) == 1, Assigned: u(1) == 1, RAIM: u(1) == 1, Radio: uint32(u(20))}
		case 3:
			m = &StaticDataReport{Header: hdr(24), PartNo: 0, ShipName: txt(20)}
		case 4:
			h := hdr(24)
			sd := &StaticDataReport{Header: h, PartNo: 1, ShipType: uint8(u(8)), Model: uint8(u(4)), Serial: uint32(u(20)), CallSign: txt(7)}
			if AuxiliaryCraft(h.MMSI) {
				sd.MothershipMMSI = uint32(u(30))
			} else {
				sd.Dimensions = dims()
			}
			m = sd
		case 5:
			m = &BaseStationReport{Header: hdr(4), Year: uint16(u(14)), Month: uint8(u(4)), Day: uint8(u(5)), Hour: uint8(u(5)), Minute: uint8(u(6)),
				Second: uint8(u(6)), Accuracy: u(1) == 1, Lon: int32(s(28)), Lat: int32(s(27)), EPFD: uint8(u(4)), RAIM: u(1) == 1, Radio: uint32(u(19))}
		case 6:
			m = &ClassBExtended{Header: hdr(19), Reserved: uint8(u(8)), Speed: uint16(u(10)), Accuracy: u(1) == 1, Lon: int32(s(28)), Lat: int32(s(27)),
				Course: uint16(u(12)), Heading: uint16(u(9)), Second: uint8(u(6)), Regional: uint8(u(4)), ShipName: txt(20), ShipType: uint8(u(8)),
				Dimensions: dims(), EPFD: uint8(u(4)), RAIM: u(1) == 1, DTE: u(1) == 1, Assigned: u(1) == 1}
		}
		got, _ := roundTrip(t, &d, m)
		g, w := normalize(got), normalize(m)
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("case %d round trip\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// TestEncodeRealPayloads decodes real logs and encodes every message of an
// encodable type back: a canonical message (standard length, text padded
// with '@', spare bits zero) must come back as the very payload received,
// and any other must re-decode to the same fields.
func TestEncodeRealPayloads(t *testing.T) {
	var d Decoder
	exact, tried := map[uint8]int{}, map[uint8]int{}
	for _, name := range []string{"kystverket_norway_tagblock_Ais1000Lines.nm4", "dma_denmark_2010-06-11_pghp.nmea", "aishub_global_3min_2015.nmea.gz"} {
		f, err := source.Open(filepath.Join("..", "..", "testdata", "aivdm", name))
		if err != nil {
			t.Skipf("real log not available: %v", err)
		}
		p := nmea.NewParser(nmea.Options{})
		lr := source.NewLineReader(f)
		for n := 0; n < 40000 && lr.Next(); n++ {
			msg, _ := p.Feed(lr.Line())
			if msg == nil || msg.InnerFill {
				continue
			}
			m, err := d.Decode(msg.Payload, msg.Fill)
			if err != nil {
				continue
			}
			typ := m.Hdr().Type
			orig := normalize(m)
			enc, fill, err := AppendPayload(nil, m)
			if errors.Is(err, ErrNotEncodable) {
				continue
			}
			tried[typ]++
			if bytes.Equal(enc, msg.Payload) && fill == msg.Fill {
				exact[typ]++
				continue
			}
			// Not byte for byte: every differing bit must be one the
			// decoder ignores (text padding after the text it reads, spare
			// bits, fill bits, bits past the standard length).
			if at := unexplainedDiff(msg.Payload, msg.Fill, enc, fill, m); at >= 0 {
				t.Errorf("%s line %d: type %d re-encoded differs at bit %d\n got %s\nwant %s", name, msg.Line, typ, at, enc, msg.Payload)
			}
			again, err := d.Decode(enc, fill)
			if err != nil {
				t.Fatalf("%s line %d: re-decode: %v", name, msg.Line, err)
			}
			if g := normalize(again); !reflect.DeepEqual(g, orig) {
				t.Errorf("%s line %d: fields differ after re-encoding\n got %+v\nwant %+v", name, msg.Line, g, orig)
			}
		}
		f.Close()
	}
	for typ, n := range tried {
		t.Logf("type %d: %d of %d payloads re-encoded byte for byte", typ, exact[typ], n)
	}
	for _, typ := range []uint8{1, 2, 3, 5, 18, 24} {
		if tried[typ] == 0 {
			t.Errorf("type %d: no real message to compare", typ)
		}
	}
}

// unexplainedDiff returns the first bit where the armoured payloads a
// (the original) and b (re-encoded) differ for a reason other than padding
// the decoder ignores, or -1.
func unexplainedDiff(a []byte, afill int, b []byte, bfill int, m Message) int {
	bit := func(p []byte, i int) byte { return armour[p[i/6]] >> uint(5-i%6) & 1 }
	na, nb := len(a)*6-afill, len(b)*6-bfill
	type span struct{ from, to int }
	var ignore []span
	text := func(start, count, got int) { ignore = append(ignore, span{start + 6*got, start + 6*count}) }
	switch m := m.(type) {
	case *PositionReport:
		ignore = append(ignore, span{145, 148})
		if na < 168 { // radio state cut short: the decoder reads what there is
			ignore = append(ignore, span{149, 168})
		}
	case *BaseStationReport:
		ignore = append(ignore, span{138, 148})
	case *StaticVoyage:
		text(70, 7, len(m.CallSign))
		text(112, 20, len(m.ShipName))
		text(302, 20, len(m.Destination))
		ignore = append(ignore, span{423, 424})
	case *ClassBExtended:
		text(143, 20, len(m.ShipName))
		ignore = append(ignore, span{308, 312})
	case *StaticDataReport:
		if m.PartNo == 0 {
			text(40, 20, len(m.ShipName))
		} else {
			text(48, 3, min(len(m.VendorID), 3))
			text(90, 7, len(m.CallSign))
			ignore = append(ignore, span{162, 168})
		}
	}
	for i := 0; i < min(na, nb); i++ {
		if bit(a, i) == bit(b, i) {
			continue
		}
		ok := false
		for _, s := range ignore {
			ok = ok || (i >= s.from && i < s.to)
		}
		if !ok {
			return i
		}
	}
	return -1
}

func BenchmarkAppendPayloadPosition(b *testing.B) {
	m := &PositionReport{Header: Header{Type: 1, MMSI: 412345678}, Speed: 123, Lon: int32(124.5 * 600000), Lat: int32(37.25 * 600000),
		Course: 2711, Heading: 271, Second: 59}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _, _ = AppendPayload(buf[:0], m)
	}
}
