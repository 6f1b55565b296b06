package ais

import "strconv"

// Ship, cargo and port messages of DAC 1 (IMO SN.1/Circ.236 and 289).
// Bit offsets are from the start of the message, as gpsd 3.22 reads them.

// DangerousCargo is type 6 DAC 1 FID 12, dangerous cargo indication
// (IMO236). Dates are month, day, hour, minute of last port departure and
// next port ETA.
type DangerousCargo struct {
	LastPort                  []byte // UN/LOCODE, 5 characters
	LMonth, LDay, LHour, LMin uint8
	NextPort                  []byte
	NMonth, NDay, NHour, NMin uint8
	Dangerous                 []byte // main dangerous good, 20 characters
	IMDCat                    []byte // IMD category, 4 characters
	UNID                      uint16 // UN number
	Amount                    uint16
	Unit                      uint8

	lastPort, nextPort [5]byte
	dangerous          [20]byte
	imdCat             [4]byte
}

func (m *DangerousCargo) decode(bb *bitBuffer) App {
	m.LastPort = bb.text(m.lastPort[:], 88, 5)
	m.LMonth = uint8(bb.u(118, 4))
	m.LDay = uint8(bb.u(122, 5))
	m.LHour = uint8(bb.u(127, 5))
	m.LMin = uint8(bb.u(132, 6))
	m.NextPort = bb.text(m.nextPort[:], 138, 5)
	m.NMonth = uint8(bb.u(168, 4))
	m.NDay = uint8(bb.u(172, 5))
	m.NHour = uint8(bb.u(177, 5))
	m.NMin = uint8(bb.u(182, 6))
	m.Dangerous = bb.text(m.dangerous[:], 188, 20)
	m.IMDCat = bb.text(m.imdCat[:], 308, 4)
	m.UNID = uint16(bb.u(332, 13))
	m.Amount = uint16(bb.u(345, 10))
	m.Unit = uint8(bb.u(355, 2))
	return m
}

// AppendJSON implements App.
func (m *DangerousCargo) AppendJSON(dst []byte) []byte {
	dst = stringField(dst, "lastport", m.LastPort)
	dst = stamp(key(dst, "departure"), m.LMonth, m.LDay, m.LHour, m.LMin, "Z")
	dst = stringField(dst, "nextport", m.NextPort)
	dst = stamp(key(dst, "eta"), m.NMonth, m.NDay, m.NHour, m.NMin, "Z")
	dst = stringField(dst, "dangerous", m.Dangerous)
	dst = stringField(dst, "imdcat", m.IMDCat)
	dst = uintField(dst, "unid", uint64(m.UNID))
	dst = uintField(dst, "amount", uint64(m.Amount))
	return uintField(dst, "unit", uint64(m.Unit))
}

// AirDraught is DAC 1 FID 15 (IMO236 extended ship static and voyage
// data), type 6 or 8. gpsd reads the 11 bits at offset 56 for both types;
// in a type 6 message that is inside the destination MMSI.
type AirDraught struct {
	AirDraught uint16
}

func (m *AirDraught) decode(bb *bitBuffer) App {
	m.AirDraught = uint16(bb.u(56, 11))
	return m
}

// AppendJSON implements App.
func (m *AirDraught) AppendJSON(dst []byte) []byte {
	return uintField(dst, "airdraught", uint64(m.AirDraught))
}

// PersonsOnBoard is DAC 1 FID 16, number of persons on board, type 6 or 8.
// gpsd takes 13 bits at offset 88 when the data is 136 bits long (the
// IMO289 layout, in its reading), else at offset 55.
type PersonsOnBoard struct {
	Persons uint16
	// printZero mirrors gpsd 3.22's type 8 output, which prints the type 6
	// field of its union and so always 0.
	printZero bool
}

func (m *PersonsOnBoard) decode6(bb *bitBuffer) App {
	m.Persons = uint16(persons(bb, 88))
	m.printZero = false
	return m
}

func (m *PersonsOnBoard) decode8(bb *bitBuffer) App {
	m.Persons = uint16(persons(bb, 56))
	m.printZero = true
	return m
}

// persons reads gpsd's persons field; at is where the application data
// starts.
func persons(bb *bitBuffer, at int) uint64 {
	if bb.len-at == 136 {
		return bb.u(88, 13)
	}
	return bb.u(55, 13)
}

// AppendJSON implements App.
func (m *PersonsOnBoard) AppendJSON(dst []byte) []byte {
	if m.printZero {
		return uintField(dst, "persons", 0)
	}
	return uintField(dst, "persons", uint64(m.Persons))
}

// ClearanceTime is type 6 DAC 1 FID 18, clearance time to enter port
// (IMO289). Lon and Lat are in 1/1000 minute.
type ClearanceTime struct {
	Linkage                  uint16
	Month, Day, Hour, Minute uint8
	PortName                 []byte // port and berth, 20 characters
	Destination              []byte // UN/LOCODE, 5 characters
	Lon, Lat                 int32

	portName    [20]byte
	destination [5]byte
}

func (m *ClearanceTime) decode(bb *bitBuffer) App {
	m.Linkage = uint16(bb.u(88, 10))
	m.Month = uint8(bb.u(98, 4))
	m.Day = uint8(bb.u(102, 5))
	m.Hour = uint8(bb.u(107, 5))
	m.Minute = uint8(bb.u(112, 6))
	m.PortName = bb.text(m.portName[:], 118, 20)
	m.Destination = bb.text(m.destination[:], 238, 5)
	m.Lon = int32(bb.s(268, 25))
	m.Lat = int32(bb.s(293, 24))
	return m
}

// AppendJSON implements App.
func (m *ClearanceTime) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "linkage", uint64(m.Linkage))
	dst = stamp(key(dst, "arrival"), m.Month, m.Day, m.Hour, m.Minute, "Z")
	dst = stringField(dst, "portname", m.PortName)
	dst = stringField(dst, "destination", m.Destination)
	dst = minutesField(dst, "lon", m.Lon, latLon3Div, 4)
	return minutesField(dst, "lat", m.Lat, latLon3Div, 4)
}

// BerthingData is type 6 DAC 1 FID 20, berthing data (IMO289). Services
// holds the 26 two-bit service availability codes in gpsd's order, from
// agent to future2. BerthDepth is in 1/10 metre; BerthLon and BerthLat in
// 1/1000 minute.
type BerthingData struct {
	Linkage                  uint16
	BerthLength              uint16
	BerthDepth               uint8
	Position                 uint8
	Month, Day, Hour, Minute uint8
	Availability             bool
	Services                 [26]uint8
	BerthName                []byte
	BerthLon, BerthLat       int32

	berthName [20]byte
}

// berthServices are gpsd's names of BerthingData.Services.
var berthServices = [26]string{
	"agent", "fuel", "chandler", "stevedore", "electrical", "water",
	"customs", "cartage", "crane", "lift", "medical", "navrepair",
	"provisions", "shiprepair", "surveyor", "steam", "tugs", "solidwaste",
	"liquidwaste", "hazardouswaste", "ballast", "additional", "regional1",
	"regional2", "future1", "future2",
}

func (m *BerthingData) decode(bb *bitBuffer) App {
	m.Linkage = uint16(bb.u(88, 10))
	m.BerthLength = uint16(bb.u(98, 9))
	m.BerthDepth = uint8(bb.u(107, 8))
	m.Position = uint8(bb.u(115, 3))
	m.Month = uint8(bb.u(118, 4))
	m.Day = uint8(bb.u(122, 5))
	m.Hour = uint8(bb.u(127, 5))
	m.Minute = uint8(bb.u(132, 6))
	m.Availability = bb.flag(138)
	for i := range m.Services {
		m.Services[i] = uint8(bb.u(139+2*i, 2))
	}
	m.BerthName = bb.text(m.berthName[:], 191, 20)
	m.BerthLon = int32(bb.s(311, 25))
	m.BerthLat = int32(bb.s(336, 24))
	return m
}

// AppendJSON implements App.
func (m *BerthingData) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "linkage", uint64(m.Linkage))
	dst = uintField(dst, "berth_length", uint64(m.BerthLength))
	dst = uintField(dst, "position", uint64(m.Position))
	dst = stampUnpadded(key(dst, "arrival"), m.Month, m.Day, m.Hour, m.Minute)
	dst = uintField(dst, "availability", b2u(m.Availability))
	for i, s := range m.Services {
		dst = uintField(dst, berthServices[i], uint64(s))
	}
	dst = stringField(dst, "berth_name", m.BerthName)
	dst = minutesField(dst, "berth_lon", m.BerthLon, latLon3Div, 4)
	dst = minutesField(dst, "berth_lat", m.BerthLat, latLon3Div, 4)
	return floatField(dst, "berth_depth", float64(m.BerthDepth)*0.1, 1)
}

// Cargo is one entry of CargoIndication.
type Cargo struct {
	Code    uint8
	Subtype uint16
}

// CargoIndication is type 6 DAC 1 FID 25, dangerous cargo indication
// (IMO289): as many 17-bit cargo entries as start before the end of the
// message (gpsd's reading; up to 54).
type CargoIndication struct {
	Unit   uint8
	Amount uint16
	Cargos []Cargo

	cargos [54]Cargo
}

func (m *CargoIndication) decode(bb *bitBuffer) App {
	m.Unit = uint8(bb.u(88, 2))
	m.Amount = uint16(bb.u(90, 10))
	m.Cargos = m.cargos[:0]
	for at := 100; at < bb.len && len(m.Cargos) < len(m.cargos); at += 17 {
		m.Cargos = append(m.Cargos, Cargo{Code: uint8(bb.u(at, 4)), Subtype: uint16(bb.u(at+4, 13))})
	}
	return m
}

// AppendJSON implements App.
func (m *CargoIndication) AppendJSON(dst []byte) []byte {
	dst = uintField(dst, "unit", uint64(m.Unit))
	dst = uintField(dst, "amount", uint64(m.Amount))
	dst = append(key(dst, "cargos"), '[')
	for i, c := range m.Cargos {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"code":`...)
		dst = strconv.AppendUint(dst, uint64(c.Code), 10)
		dst = append(dst, `,"subtype":`...)
		dst = strconv.AppendUint(dst, uint64(c.Subtype), 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
