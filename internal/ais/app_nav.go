package ais

import "strconv"

// Navigation messages of DAC 1 (IMO SN.1/Circ.236 and 289): fairway
// closures, tidal windows, VTS targets, traffic signals, routes and text.
// Bit offsets are from the start of the message, as gpsd 3.22 reads them;
// positions are in 1/1000 minute unless said otherwise.

// FairwayClosed is type 8 DAC 1 FID 13, fairway closed (IMO236).
type FairwayClosed struct {
	Reason, CloseFrom, CloseTo []byte // 20 characters each
	Radius                     uint16
	ExtUnit                    uint8
	FDay, FMonth, FHour, FMin  uint8 // closed from
	TDay, TMonth, THour, TMin  uint8 // closed to

	reason, closeFrom, closeTo [20]byte
}

func (m *FairwayClosed) decode(bb *bitBuffer) App {
	m.Reason = bb.text(m.reason[:], 56, 20)
	m.CloseFrom = bb.text(m.closeFrom[:], 176, 20)
	m.CloseTo = bb.text(m.closeTo[:], 296, 20)
	m.Radius = uint16(bb.u(416, 10))
	m.ExtUnit = uint8(bb.u(426, 2))
	m.FDay = uint8(bb.u(428, 5))
	m.FMonth = uint8(bb.u(433, 4))
	m.FHour = uint8(bb.u(437, 5))
	m.FMin = uint8(bb.u(442, 6))
	m.TDay = uint8(bb.u(448, 5))
	m.TMonth = uint8(bb.u(453, 4))
	m.THour = uint8(bb.u(457, 5))
	m.TMin = uint8(bb.u(462, 6))
	return m
}

// AppendJSON implements App.
func (m *FairwayClosed) AppendJSON(dst []byte) []byte {
	dst = stringField(dst, "reason", m.Reason)
	dst = stringField(dst, "closefrom", m.CloseFrom)
	dst = stringField(dst, "closeto", m.CloseTo)
	dst = uintField(dst, "radius", uint64(m.Radius))
	dst = uintField(dst, "extunit", uint64(m.ExtUnit))
	dst = stamp(key(dst, "from"), m.FMonth, m.FDay, m.FHour, m.FMin, "")
	return stamp(key(dst, "to"), m.TMonth, m.TDay, m.THour, m.TMin, "")
}

// Tidal is one point of a TidalWindow. CSpeed is in 1/10 knot.
type Tidal struct {
	Lon, Lat          int32
	FromHour, FromMin uint8
	ToHour, ToMin     uint8
	CDir              uint16
	CSpeed            uint8
}

// TidalWindow is type 6 DAC 1 FID 14 (IMO236: 93-bit points, position in
// 1/10000 minute) or FID 32 (IMO289: 88-bit points, 1/1000 minute). Like
// gpsd, picket reads a point wherever one starts at or before the end of
// the message (up to 10 and 11 points), and prints both kinds in degrees
// as if in 1/1000 minute.
type TidalWindow struct {
	Month, Day uint8
	Tidals     []Tidal

	tidals [11]Tidal
}

func (m *TidalWindow) decode236(bb *bitBuffer) App {
	m.Month = uint8(bb.u(88, 4))
	m.Day = uint8(bb.u(92, 5))
	m.Tidals = m.tidals[:0]
	for a := 97; a <= bb.len && len(m.Tidals) < len(m.tidals); a += 93 {
		m.Tidals = append(m.Tidals, Tidal{
			Lat:      int32(bb.s(a, 27)),
			Lon:      int32(bb.s(a+27, 28)),
			FromHour: uint8(bb.u(a+55, 5)),
			FromMin:  uint8(bb.u(a+60, 6)),
			ToHour:   uint8(bb.u(a+66, 5)),
			ToMin:    uint8(bb.u(a+71, 6)),
			CDir:     uint16(bb.u(a+77, 9)),
			CSpeed:   uint8(bb.u(a+86, 7)),
		})
	}
	return m
}

func (m *TidalWindow) decode289(bb *bitBuffer) App {
	m.Month = uint8(bb.u(88, 4))
	m.Day = uint8(bb.u(92, 5))
	m.Tidals = m.tidals[:0]
	for a := 97; a <= bb.len && len(m.Tidals) < len(m.tidals); a += 88 {
		m.Tidals = append(m.Tidals, Tidal{
			Lon:      int32(bb.s(a, 25)),
			Lat:      int32(bb.s(a+25, 24)),
			FromHour: uint8(bb.u(a+49, 5)),
			FromMin:  uint8(bb.u(a+54, 6)),
			ToHour:   uint8(bb.u(a+60, 5)),
			ToMin:    uint8(bb.u(a+65, 6)),
			CDir:     uint16(bb.u(a+71, 9)),
			CSpeed:   uint8(bb.u(a+80, 8)),
		})
	}
	return m
}

// AppendJSON implements App.
func (m *TidalWindow) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "month", uint64(m.Month))
	dst = uintField(dst, "day", uint64(m.Day))
	dst = append(key(dst, "tidals"), '[')
	for i := range m.Tidals {
		t := &m.Tidals[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		mark := len(dst)
		dst = minutesField(dst, "lon", t.Lon, latLon3Div, 4)
		dst[mark] = '{' // the first member's comma opens the object
		dst = minutesField(dst, "lat", t.Lat, latLon3Div, 4)
		dst = uintField(dst, "from_hour", uint64(t.FromHour))
		dst = uintField(dst, "from_min", uint64(t.FromMin))
		dst = uintField(dst, "to_hour", uint64(t.ToHour))
		dst = uintField(dst, "to_min", uint64(t.ToMin))
		dst = uintField(dst, "cdir", uint64(t.CDir))
		dst = floatField(dst, "cspeed", float64(t.CSpeed)/10.0, 1)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// Target is one VTS-generated or synthetic target of VTSTargets. IDType
// says which of ID (MMSI or IMO number; gpsd keeps the low 32 of the 42
// bits) and Text (call sign or other identifier, 7 characters) is set.
type Target struct {
	IDType uint8
	ID     uint32
	Text   []byte
	Lat    int32
	Lon    int32
	Course uint16
	Second uint8
	Speed  uint16

	text [7]byte
}

// targetIDNames are gpsd's names of the identifier types (IMO289 FID 17).
var targetIDNames = [4]string{"mmsi", "imo", "callsign", "other"}

// VTSTargets is type 8 DAC 1 FID 17, VTS-generated/synthetic targets
// (IMO289): a 122-bit target wherever one starts at or before the end of
// the message, as gpsd reads them (at least one, up to 8).
type VTSTargets struct {
	Targets []Target

	targets [8]Target
}

func (m *VTSTargets) decode(bb *bitBuffer) App {
	m.Targets = m.targets[:0]
	for a := 56; a <= bb.len && len(m.Targets) < len(m.targets); a += 122 {
		m.Targets = m.Targets[:len(m.Targets)+1]
		t := &m.Targets[len(m.Targets)-1]
		t.IDType = uint8(bb.u(a, 2))
		t.ID, t.Text = 0, t.text[:0]
		if t.IDType < 2 {
			t.ID = uint32(bb.u(a+2, 42))
		} else {
			t.Text = bb.text(t.text[:], a+2, 7)
		}
		t.Lat = int32(bb.s(a+48, 24))
		t.Lon = int32(bb.s(a+72, 25))
		t.Course = uint16(bb.u(a+97, 9))
		t.Second = uint8(bb.u(a+106, 6))
		t.Speed = uint16(bb.u(a+112, 10))
	}
	return m
}

// AppendJSON implements App. The MMSI or IMO number is a JSON string, as
// gpsd prints it.
func (m *VTSTargets) AppendJSON(dst []byte) []byte {
	dst = append(key(dst, "targets"), '[')
	for i := range m.Targets {
		t := &m.Targets[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		mark := len(dst)
		dst = uintField(dst, "idtype", uint64(t.IDType))
		dst[mark] = '{'
		name := targetIDNames[t.IDType&3]
		if t.IDType < 2 {
			dst = append(key(dst, name), '"')
			dst = strconv.AppendUint(dst, uint64(t.ID), 10)
			dst = append(dst, '"')
		} else {
			dst = stringField(dst, name, t.Text)
		}
		dst = minutesField(dst, "lat", t.Lat, latLon3Div, 4)
		dst = minutesField(dst, "lon", t.Lon, latLon3Div, 4)
		dst = uintField(dst, "course", uint64(t.Course))
		dst = uintField(dst, "second", uint64(t.Second))
		dst = uintField(dst, "speed", uint64(t.Speed))
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// TrafficSignal is type 8 DAC 1 FID 19, marine traffic signal (IMO289).
type TrafficSignal struct {
	Linkage      uint16
	Station      []byte // 20 characters
	Lon, Lat     int32
	Status       uint8
	Signal       uint8
	Hour, Minute uint8
	NextSignal   uint8

	station [20]byte
}

func (m *TrafficSignal) decode(bb *bitBuffer) App {
	m.Linkage = uint16(bb.u(56, 10))
	m.Station = bb.text(m.station[:], 66, 20)
	m.Lon = int32(bb.s(186, 25))
	m.Lat = int32(bb.s(211, 24))
	m.Status = uint8(bb.u(235, 2))
	m.Signal = uint8(bb.u(237, 5))
	m.Hour = uint8(bb.u(242, 5))
	m.Minute = uint8(bb.u(247, 6))
	m.NextSignal = uint8(bb.u(253, 5))
	return m
}

// AppendJSON implements App. gpsd 3.22 leaves out the comma between
// "nextsignal" and "nextsignal_text", which makes its line invalid JSON;
// picket prints neither the _text field nor the defect.
func (m *TrafficSignal) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "linkage", uint64(m.Linkage))
	dst = stringField(dst, "station", m.Station)
	dst = minutesField(dst, "lon", m.Lon, latLon3Div, 4)
	dst = minutesField(dst, "lat", m.Lat, latLon3Div, 4)
	dst = uintField(dst, "status", uint64(m.Status))
	dst = uintField(dst, "signal", uint64(m.Signal))
	dst = uintField(dst, "hour", uint64(m.Hour))
	dst = uintField(dst, "minute", uint64(m.Minute))
	return uintField(dst, "nextsignal", uint64(m.NextSignal))
}

// Waypoint is a point of RouteInfo, in 1/10000 minute.
type Waypoint struct {
	Lon, Lat int32
}

// RouteInfo is type 6 DAC 1 FID 28 or type 8 DAC 1 FID 27, route
// information (IMO289). All WayCount waypoints are read, as gpsd does,
// past the end of the message as zeros.
type RouteInfo struct {
	Linkage                  uint16
	Sender                   uint8
	RType                    uint8
	Month, Day, Hour, Minute uint8
	Duration                 uint32 // minutes
	Waypoints                []Waypoint

	waypoints [31]Waypoint
}

// decode reads the route starting at bit at (88 for type 6, 56 for type 8).
func (m *RouteInfo) decode(bb *bitBuffer, at int) App {
	m.Linkage = uint16(bb.u(at, 10))
	m.Sender = uint8(bb.u(at+10, 3))
	m.RType = uint8(bb.u(at+13, 5))
	m.Month = uint8(bb.u(at+18, 4))
	m.Day = uint8(bb.u(at+22, 5))
	m.Hour = uint8(bb.u(at+27, 5))
	m.Minute = uint8(bb.u(at+32, 6))
	m.Duration = uint32(bb.u(at+38, 18))
	m.Waypoints = m.waypoints[:bb.u(at+56, 5)]
	for i := range m.Waypoints {
		a := at + 61 + 55*i
		m.Waypoints[i] = Waypoint{Lon: int32(bb.s(a, 28)), Lat: int32(bb.s(a+28, 27))}
	}
	return m
}

// AppendJSON implements App.
func (m *RouteInfo) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "linkage", uint64(m.Linkage))
	dst = uintField(dst, "sender", uint64(m.Sender))
	dst = uintField(dst, "rtype", uint64(m.RType))
	dst = stamp(key(dst, "start"), m.Month, m.Day, m.Hour, m.Minute, "Z")
	dst = uintField(dst, "duration", uint64(m.Duration))
	dst = append(key(dst, "waypoints"), '[')
	for i, w := range m.Waypoints {
		if i > 0 {
			dst = append(dst, ',')
		}
		mark := len(dst)
		dst = minutesField(dst, "lon", w.Lon, latLon4Div, 6)
		dst[mark] = '{'
		dst = minutesField(dst, "lat", w.Lat, latLon4Div, 6)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// TextDescription is type 6 DAC 1 FID 30 or type 8 DAC 1 FID 29, text
// description (IMO289): 6-bit text to the end of the message.
type TextDescription struct {
	Linkage uint16
	Text    []byte

	text [160]byte
}

// decode reads the text starting at bit at (88 for type 6, 56 for type 8).
func (m *TextDescription) decode(bb *bitBuffer, at int) App {
	m.Linkage = uint16(bb.u(at, 10))
	m.Text = bb.endText(m.text[:], at+10)
	return m
}

// AppendJSON implements App.
func (m *TextDescription) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "linkage", uint64(m.Linkage))
	return stringField(dst, "text", m.Text)
}
