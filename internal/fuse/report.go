package fuse

import (
	"bytes"
	"math"

	"github.com/picket-ais/picket/internal/ais"
)

// Kind says what a report carries.
type Kind uint8

const (
	Position Kind = 1 + iota // where a vessel is
	Static                   // who it says it is, and where it is going
)

// Class is the kind of station that sent a report.
type Class uint8

const (
	ClassUnknown   Class = iota
	ClassA               // SOLAS ships: types 1-3, 5
	ClassB               // small craft: types 18, 19, 24
	ClassSAR             // SAR aircraft: type 9
	ClassLongRange       // satellite long-range broadcast: type 27 (Class A)
)

func (c Class) String() string {
	switch c {
	case ClassA:
		return "A"
	case ClassB:
		return "B"
	case ClassSAR:
		return "SAR"
	case ClassLongRange:
		return "A-LR"
	}
	return "?"
}

// Report is one normalised observation of a vessel.
type Report struct {
	Time    int64 // Unix milliseconds of reception (event time)
	MMSI    uint32
	Kind    Kind
	Class   Class
	Type    uint8   // AIS message type
	Lat     float64 // degrees; Position only
	Lon     float64
	SOG     float32 // knots; NaN when not available
	COG     float32 // degrees; NaN when not available
	Heading int16   // degrees; -1 when not available
	Status  uint8   // navigational status; 15 when not defined or not sent
	Feed    uint16  // index of the input or feed it came from
	Heard   uint8   // receivers that heard it, after de-duplication
	Key     uint64  // identifies the transmission, for de-duplication (PayloadKey); 0 for none
	Info    *StaticInfo
}

// StaticInfo is what a static or voyage report says. Fields a message does
// not carry are zero, and Has says which are present.
type StaticInfo struct {
	Has         Fields
	Name        string
	CallSign    string
	IMO         uint32
	ShipType    uint8
	Length      uint16 // metres, bow to stern
	Beam        uint16 // metres
	Draught     float32
	Destination string
	// ENI is the European vessel identification number of an inland
	// vessel (type 8, DAC 200, FI 10), which inland vessels carry in place
	// of an IMO number.
	ENI string
}

// Fields is a set of StaticInfo fields.
type Fields uint8

const (
	HasName Fields = 1 << iota
	HasCallSign
	HasIMO
	HasShipType
	HasDimensions
	HasDraught
	HasDestination
	HasENI
)

// NotAvailable is the value of SOG and COG when the vessel did not say.
var NotAvailable = float32(math.NaN())

// FromAIS turns a decoded message into a report. It reports false for
// messages that say nothing about a vessel's position or identity (base
// stations, aids to navigation, binary and safety messages) and for
// positions the standard marks "not available".
func FromAIS(m ais.Message, timeMs int64, feed uint16) (Report, bool) {
	h := m.Hdr()
	r := Report{Time: timeMs, MMSI: h.MMSI, Type: h.Type, Feed: feed, Heard: 1, Heading: -1, Status: 15, SOG: NotAvailable, COG: NotAvailable}
	switch m := m.(type) {
	case *ais.PositionReport:
		r.Status = m.Status
		return r, motion(&r, ClassA, m.Lat, m.Lon, m.Speed, m.Course, m.Heading)
	case *ais.ClassBPosition:
		return r, motion(&r, ClassB, m.Lat, m.Lon, m.Speed, m.Course, m.Heading)
	case *ais.ClassBExtended:
		// A position and a name in one message: the caller gets the
		// position; StaticOf gives the rest.
		return r, motion(&r, ClassB, m.Lat, m.Lon, m.Speed, m.Course, m.Heading)
	case *ais.SARPosition:
		r.Kind, r.Class = Position, ClassSAR
		if !position(&r, m.Lat, m.Lon, 600000) {
			return r, false
		}
		if m.Speed != 1023 {
			r.SOG = float32(m.Speed)
		}
		r.COG = tenths(m.Course, 3600)
	case *ais.LongRange:
		r.Kind, r.Class = Position, ClassLongRange
		if !position(&r, m.Lat, m.Lon, 600) {
			return r, false
		}
		if m.Speed != 63 {
			r.SOG = float32(m.Speed)
		}
		if m.Course != 511 {
			r.COG = float32(m.Course)
		}
		r.Status = m.Status
	case *ais.StaticVoyage:
		r.Kind, r.Class = Static, ClassA
		s := &StaticInfo{}
		s.setName(m.ShipName)
		s.setCallSign(m.CallSign)
		if m.IMO != 0 {
			s.IMO, s.Has = m.IMO, s.Has|HasIMO
		}
		s.setType(m.ShipType)
		s.setDims(&m.Dimensions)
		if m.Draught != 0 {
			s.Draught, s.Has = float32(m.Draught)/10, s.Has|HasDraught
		}
		if len(m.Destination) > 0 {
			s.Destination, s.Has = string(m.Destination), s.Has|HasDestination
		}
		r.Info = s
	case *ais.StaticDataReport:
		r.Kind, r.Class = Static, ClassB
		s := &StaticInfo{}
		if m.PartNo == 0 {
			s.setName(m.ShipName)
		} else {
			s.setCallSign(m.CallSign)
			s.setType(m.ShipType)
			if !ais.AuxiliaryCraft(m.MMSI) {
				s.setDims(&m.Dimensions)
			}
		}
		if s.Has == 0 {
			return r, false
		}
		r.Info = s
	case *ais.BinaryBroadcast:
		in, ok := m.App.(*ais.InlandStaticVoyage)
		if !ok || len(bytes.Trim(in.VIN, " @")) == 0 {
			return r, false
		}
		r.Kind = Static
		r.Info = &StaticInfo{ENI: string(bytes.Trim(in.VIN, " @")), Has: HasENI}
	default:
		return r, false
	}
	return r, true
}

// StaticOf returns the static part of a type 19 extended Class B report.
func StaticOf(m *ais.ClassBExtended, timeMs int64, feed uint16) (Report, bool) {
	r := Report{Time: timeMs, MMSI: m.MMSI, Type: m.Type, Feed: feed, Heard: 1, Kind: Static, Class: ClassB, Heading: -1, Status: 15, SOG: NotAvailable, COG: NotAvailable}
	s := &StaticInfo{}
	s.setName(m.ShipName)
	s.setType(m.ShipType)
	s.setDims(&m.Dimensions)
	if s.Has == 0 {
		return r, false
	}
	r.Info = s
	return r, true
}

func (s *StaticInfo) setName(b []byte) {
	if len(b) > 0 {
		s.Name, s.Has = string(b), s.Has|HasName
	}
}

func (s *StaticInfo) setCallSign(b []byte) {
	if len(b) > 0 {
		s.CallSign, s.Has = string(b), s.Has|HasCallSign
	}
}

func (s *StaticInfo) setType(t uint8) {
	if t != 0 {
		s.ShipType, s.Has = t, s.Has|HasShipType
	}
}

func (s *StaticInfo) setDims(d *ais.Dimensions) {
	if d.ToBow|d.ToStern|d.ToPort|d.ToStarboard != 0 {
		s.Length, s.Beam = d.ToBow+d.ToStern, d.ToPort+d.ToStarboard
		s.Has |= HasDimensions
	}
}

// motion fills a position report from the fields types 1-3, 18 and 19
// share (1/10000 minute, 1/10 knot, 1/10 degree, degrees); false when the
// position is not available.
func motion(r *Report, class Class, lat, lon int32, speed, course, hdg uint16) bool {
	r.Kind, r.Class = Position, class
	if !position(r, lat, lon, 600000) {
		return false
	}
	r.SOG = tenths(speed, 1023)
	r.COG = tenths(course, 3600)
	r.Heading = heading(hdg)
	return true
}

// position sets the report's position from raw units (1/scale degree per
// unit... 600000 for 1/10000 minute, 600 for 1/10 minute); it reports false
// for positions not available or out of range.
func position(r *Report, lat, lon int32, scale float64) bool {
	if lat == 91*int32(scale) || lon == 181*int32(scale) {
		return false
	}
	r.Lat, r.Lon = float64(lat)/scale, float64(lon)/scale
	return r.Lat >= -90 && r.Lat <= 90 && r.Lon >= -180 && r.Lon <= 180
}

func tenths(v, na uint16) float32 {
	if v == na {
		return NotAvailable
	}
	return float32(v) / 10
}

func heading(h uint16) int16 {
	if h >= 360 {
		return -1
	}
	return int16(h)
}
