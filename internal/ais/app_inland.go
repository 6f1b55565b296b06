package ais

import "strconv"

// Inland AIS messages, DAC 200 (CCNR Inland AIS standard, edition 2012,
// and the European inland ECDIS/Vessel Tracking and Tracing standard).
// gpsd 3.22 decodes each only at its exact length; picket does the same.

// InlandStaticVoyage is type 8 DAC 200 FID 10, inland ship static and
// voyage related data, 168 bits. Length and Beam are in 1/10 metre,
// Draught in 1/100 metre, ShipType the ERI code (e.g. 8010 motor
// freighter), Hazard the number of blue cones (0-3, 4 B-flag, 5 unknown),
// Loaded 1 unloaded, 2 loaded.
type InlandStaticVoyage struct {
	VIN                       []byte // European vessel identification number (ENI), 8 characters
	Length, Beam              uint16
	ShipType                  uint16
	Hazard                    uint8
	Draught                   uint16
	Loaded                    uint8
	SpeedQ, CourseQ, HeadingQ bool // quality of speed, course, heading: true high

	vin [8]byte
}

func (m *InlandStaticVoyage) decode(bb *bitBuffer) App {
	m.VIN = bb.text(m.vin[:], 56, 8)
	m.Length = uint16(bb.u(104, 13))
	m.Beam = uint16(bb.u(117, 10))
	m.ShipType = uint16(bb.u(127, 14))
	m.Hazard = uint8(bb.u(141, 3))
	m.Draught = uint16(bb.u(144, 11))
	m.Loaded = uint8(bb.u(155, 2))
	m.SpeedQ = bb.flag(157)
	m.CourseQ = bb.flag(158)
	m.HeadingQ = bb.flag(159)
	return m
}

// AppendJSON implements App. gpsd prints length, beam and draught
// unscaled, in decimetres and centimetres, also in its scaled JSON.
func (m *InlandStaticVoyage) AppendJSON(dst []byte) []byte {
	dst = stringField(dst, "vin", m.VIN)
	dst = uintField(dst, "length", uint64(m.Length))
	dst = uintField(dst, "beam", uint64(m.Beam))
	dst = uintField(dst, "shiptype", uint64(m.ShipType))
	dst = uintField(dst, "hazard", uint64(m.Hazard))
	dst = uintField(dst, "draught", uint64(m.Draught))
	dst = uintField(dst, "loaded", uint64(m.Loaded))
	dst = boolField(dst, "speed_q", m.SpeedQ)
	dst = boolField(dst, "course_q", m.CourseQ)
	return boolField(dst, "heading_q", m.HeadingQ)
}

// InlandLock is the lock, bridge or terminal named in InlandETA and
// InlandRTA, with the month, day, hour and minute of the time.
type InlandLock struct {
	Country                  []byte // 2 characters
	Locode                   []byte // 3 characters
	Section                  []byte // fairway section, 5 characters
	Terminal                 []byte // 5 characters
	Hectometre               []byte // fairway hectometre, 5 characters
	Month, Day, Hour, Minute uint8

	country                       [2]byte
	locode                        [3]byte
	section, terminal, hectometre [5]byte
}

func (l *InlandLock) decode(bb *bitBuffer) {
	l.Country = bb.text(l.country[:], 88, 2)
	l.Locode = bb.text(l.locode[:], 100, 3)
	l.Section = bb.text(l.section[:], 118, 5)
	l.Terminal = bb.text(l.terminal[:], 148, 5)
	l.Hectometre = bb.text(l.hectometre[:], 178, 5)
	l.Month = uint8(bb.u(208, 4))
	l.Day = uint8(bb.u(212, 5))
	l.Hour = uint8(bb.u(217, 5))
	l.Minute = uint8(bb.u(222, 6))
}

// appendJSON writes the lock and its time as "eta"; gpsd prints the text
// unescaped, picket escapes it.
func (l *InlandLock) appendJSON(dst []byte) []byte {
	dst = stringField(dst, "country", l.Country)
	dst = stringField(dst, "locode", l.Locode)
	dst = stringField(dst, "section", l.Section)
	dst = stringField(dst, "terminal", l.Terminal)
	dst = stringField(dst, "hectometre", l.Hectometre)
	return stampUnpadded(key(dst, "eta"), l.Month, l.Day, l.Hour, l.Minute)
}

// InlandETA is type 6 DAC 200 FID 21, ETA at lock, bridge or terminal,
// 248 bits. AirDraught is in 1/100 metre.
type InlandETA struct {
	InlandLock
	Tugs       uint8
	AirDraught uint16
}

func (m *InlandETA) decode(bb *bitBuffer) App {
	m.InlandLock.decode(bb)
	m.Tugs = uint8(bb.u(228, 3))
	m.AirDraught = uint16(bb.u(231, 12))
	return m
}

// AppendJSON implements App.
func (m *InlandETA) AppendJSON(dst []byte) []byte {
	dst = m.InlandLock.appendJSON(dst)
	dst = uintField(dst, "tugs", uint64(m.Tugs))
	return uintField(dst, "airdraught", uint64(m.AirDraught))
}

// InlandRTA is type 6 DAC 200 FID 22, requested time of arrival at lock,
// bridge or terminal, 232 bits. Status: 0 operational, 1 limited, 2 out of
// order, 3 not available.
type InlandRTA struct {
	InlandLock
	Status uint8
}

func (m *InlandRTA) decode(bb *bitBuffer) App {
	m.InlandLock.decode(bb)
	m.Status = uint8(bb.u(228, 2))
	return m
}

// AppendJSON implements App.
func (m *InlandRTA) AppendJSON(dst []byte) []byte {
	dst = m.InlandLock.appendJSON(dst)
	return uintField(dst, "status", uint64(m.Status))
}

// EMMAWarning is type 8 DAC 200 FID 23, EMMA weather warning, 256 bits.
// Years count from 2000; positions are in 1/10000 minute.
type EMMAWarning struct {
	StartYear, StartMonth, StartDay, StartHour, StartMinute uint8
	EndYear, EndMonth, EndDay, EndHour, EndMinute           uint8
	StartLon, StartLat, EndLon, EndLat                      int32
	Type                                                    uint8
	Min, Max                                                int16
	Intensity                                               uint8
	Wind                                                    uint8
}

func (m *EMMAWarning) decode(bb *bitBuffer) App {
	m.StartYear = uint8(bb.u(56, 8))
	m.StartMonth = uint8(bb.u(64, 4))
	m.StartDay = uint8(bb.u(68, 5))
	m.EndYear = uint8(bb.u(73, 8))
	m.EndMonth = uint8(bb.u(81, 4))
	m.EndDay = uint8(bb.u(85, 5))
	m.StartHour = uint8(bb.u(90, 5))
	m.StartMinute = uint8(bb.u(95, 6))
	m.EndHour = uint8(bb.u(101, 5))
	m.EndMinute = uint8(bb.u(106, 6))
	m.StartLon = int32(bb.s(112, 28))
	m.StartLat = int32(bb.s(140, 27))
	m.EndLon = int32(bb.s(167, 28))
	m.EndLat = int32(bb.s(195, 27))
	m.Type = uint8(bb.u(222, 4))
	m.Min = int16(bb.s(226, 9))
	m.Max = int16(bb.s(235, 9))
	m.Intensity = uint8(bb.u(244, 2))
	m.Wind = uint8(bb.u(246, 4))
	return m
}

// AppendJSON implements App. Like gpsd 3.22, "start" prints the start
// hour where the day goes, then the minute and the day: "YYYY-MM-hhTmm:DD".
// gpsd's "type" and "class" would repeat the message's own keys (invalid
// for any JSON reader that keeps the last), so picket names them
// "emma_type" and "intensity".
func (m *EMMAWarning) AppendJSON(dst []byte) []byte {
	dst = append(key(dst, "start"), '"')
	dst = emmaTime(dst, m.StartYear, m.StartMonth, m.StartHour, m.StartMinute, m.StartDay)
	dst = append(key(dst, "end"), '"')
	dst = emmaTime(dst, m.EndYear, m.EndMonth, m.EndDay, m.EndHour, m.EndMinute)
	dst = minutesField(dst, "start_lon", m.StartLon, latLon4Div, 6)
	dst = minutesField(dst, "start_lat", m.StartLat, latLon4Div, 6)
	dst = minutesField(dst, "end_lon", m.EndLon, latLon4Div, 6)
	dst = minutesField(dst, "end_lat", m.EndLat, latLon4Div, 6)
	dst = uintField(dst, "emma_type", uint64(m.Type))
	dst = intField(dst, "min", int64(m.Min))
	dst = intField(dst, "max", int64(m.Max))
	dst = uintField(dst, "intensity", uint64(m.Intensity))
	return uintField(dst, "wind", uint64(m.Wind))
}

// emmaTime writes gpsd's "%4u-%02u-%02uT%02u:%02u" with the year from 2000
// and closes the string.
func emmaTime(dst []byte, year, a, b, c, d uint8) []byte {
	dst = strconv.AppendUint(dst, 2000+uint64(year), 10)
	dst = append(dst, '-')
	dst = appendPadded(dst, uint64(a), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, uint64(b), 2)
	dst = append(dst, 'T')
	dst = appendPadded(dst, uint64(c), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint64(d), 2)
	return append(dst, '"')
}

// Gauge is one water level of WaterLevels: gauge id and level in
// centimetres, signed.
type Gauge struct {
	ID    uint16
	Level int16
}

// WaterLevels is type 8 DAC 200 FID 24, water levels, 168 bits: four
// gauges.
type WaterLevels struct {
	Country []byte // 2 characters
	Gauges  []Gauge

	country [2]byte
	gauges  [4]Gauge
}

func (m *WaterLevels) decode(bb *bitBuffer) App {
	m.Country = bb.text(m.country[:], 56, 2)
	m.Gauges = m.gauges[:0]
	for a := 68; a < bb.len && len(m.Gauges) < len(m.gauges); a += 25 {
		m.Gauges = append(m.Gauges, Gauge{ID: uint16(bb.u(a, 11)), Level: int16(bb.s(a+11, 14))})
	}
	return m
}

// AppendJSON implements App.
func (m *WaterLevels) AppendJSON(dst []byte) []byte {
	dst = stringField(dst, "country", m.Country)
	dst = append(key(dst, "gauges"), '[')
	for i, g := range m.Gauges {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"id":`...)
		dst = strconv.AppendUint(dst, uint64(g.ID), 10)
		dst = append(dst, `,"level":`...)
		dst = strconv.AppendInt(dst, int64(g.Level), 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// SignalStatus is type 8 DAC 200 FID 40, signal status, 168 bits. Lon and
// Lat are in 1/10000 minute; Status holds the light codes as transmitted.
type SignalStatus struct {
	Lon, Lat  int32
	Form      uint8
	Facing    uint16 // orientation, degrees
	Direction uint8
	Status    uint32
}

func (m *SignalStatus) decode(bb *bitBuffer) App {
	m.Lon = int32(bb.s(56, 28))
	m.Lat = int32(bb.s(84, 27))
	m.Form = uint8(bb.u(111, 4))
	m.Facing = uint16(bb.u(115, 9))
	m.Direction = uint8(bb.u(124, 3))
	m.Status = uint32(bb.u(127, 30))
	return m
}

// AppendJSON implements App.
func (m *SignalStatus) AppendJSON(dst []byte) []byte {
	dst = minutesField(dst, "lon", m.Lon, latLon4Div, 6)
	dst = minutesField(dst, "lat", m.Lat, latLon4Div, 6)
	dst = uintField(dst, "form", uint64(m.Form))
	dst = uintField(dst, "facing", uint64(m.Facing))
	dst = uintField(dst, "direction", uint64(m.Direction))
	return uintField(dst, "status", uint64(m.Status))
}

// InlandPersonsOnBoard is type 6 DAC 200 FID 55, number of persons on
// board, 168 bits.
type InlandPersonsOnBoard struct {
	Crew       uint8
	Passengers uint16
	Personnel  uint8 // shipboard personnel
}

func (m *InlandPersonsOnBoard) decode(bb *bitBuffer) App {
	m.Crew = uint8(bb.u(88, 8))
	m.Passengers = uint16(bb.u(96, 13))
	m.Personnel = uint8(bb.u(109, 8))
	return m
}

// AppendJSON implements App.
func (m *InlandPersonsOnBoard) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "crew", uint64(m.Crew))
	dst = uintField(dst, "passengers", uint64(m.Passengers))
	return uintField(dst, "personnel", uint64(m.Personnel))
}
