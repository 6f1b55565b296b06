package ais

// Header is the start of every AIS message.
type Header struct {
	Type   uint8  // message id, 1-27
	Repeat uint8  // repeat indicator, 0-3
	MMSI   uint32 // source MMSI
}

// Hdr returns the header; every message type has one.
func (h *Header) Hdr() *Header { return h }

// Message is a decoded AIS message: one of the pointer types in this file.
// Messages returned by a Decoder are valid until its next Decode.
type Message interface {
	Hdr() *Header
}

// Raw field units, as transmitted (ITU-R M.1371-5):
//   - Lon, Lat of types 1-4, 9, 11, 18, 19, 21: 1/10000 minute;
//     181° (108600000) and 91° (54600000) mean not available.
//   - Lon, Lat of types 17, 22, 23, 27: 1/10 minute; 181°/91° not available.
//   - Speed: 1/10 knot, 1023 not available (type 9: knots; type 27: knots, 63).
//   - Course: 1/10 degree, 3600 not available (type 27: degrees, 511).
//   - Heading: degrees, 511 not available.
//   - Turn: raw rate of turn, -128 not available, +-127 turning fast.
//   - Second: UTC second 0-59, 60 not available, 61-63 special positioning states.

// PositionReport is a Class A position report, types 1, 2 and 3.
type PositionReport struct {
	Header
	Status   uint8 // navigational status, 15 undefined
	Turn     int8
	Speed    uint16
	Accuracy bool
	Lon, Lat int32
	Course   uint16
	Heading  uint16
	Second   uint8
	Maneuver uint8
	RAIM     bool
	Radio    uint32
}

// BaseStationReport is types 4 (base station) and 11 (UTC/date response).
type BaseStationReport struct {
	Header
	Year                 uint16 // 0 not available
	Month, Day           uint8  // 0 not available
	Hour, Minute, Second uint8  // 24, 60, 60 not available
	Accuracy             bool
	Lon, Lat             int32
	EPFD                 uint8 // position fixing device, 0 undefined
	RAIM                 bool
	Radio                uint32
}

// Dimensions are the reference point's distances to the hull, metres;
// 0 not available.
type Dimensions struct {
	ToBow, ToStern, ToPort, ToStarboard uint16
}

// StaticVoyage is type 5, static and voyage related data.
type StaticVoyage struct {
	Header
	AISVersion uint8
	IMO        uint32 // 0 not available
	CallSign   []byte
	ShipName   []byte
	ShipType   uint8 // 0 not available
	Dimensions
	EPFD        uint8
	Month, Day  uint8 // ETA, 0 not available
	Hour        uint8 // ETA, 24 not available
	Minute      uint8 // ETA, 60 not available
	Draught     uint8 // 1/10 metre, 0 not available
	Destination []byte
	DTE         bool // true: data terminal not ready
}

// BinaryAddressed is type 6, addressed binary message.
type BinaryAddressed struct {
	Header
	SeqNo      uint8
	DestMMSI   uint32
	Retransmit bool
	DAC        uint16
	FID        uint8
	Data       []byte // application data after DAC/FID, left-aligned
	DataBits   int
	App        App // decoded application payload, nil when not known
}

// BinaryBroadcast is type 8, broadcast binary message.
type BinaryBroadcast struct {
	Header
	DAC      uint16
	FID      uint8
	Data     []byte
	DataBits int
	App      App
}

// Acknowledge is types 7 (binary) and 13 (safety) acknowledgement.
type Acknowledge struct {
	Header
	MMSI [4]uint32 // destinations acknowledged, 0 when absent
	Seq  [4]uint8
}

// SARPosition is type 9, standard SAR aircraft position report.
type SARPosition struct {
	Header
	Alt      uint16 // metres, 4095 not available
	Speed    uint16 // knots, 1023 not available
	Accuracy bool
	Lon, Lat int32
	Course   uint16
	Second   uint8
	Regional uint8
	DTE      bool
	Assigned bool
	RAIM     bool
	Radio    uint32
}

// UTCInquiry is type 10.
type UTCInquiry struct {
	Header
	DestMMSI uint32
}

// SafetyAddressed is type 12, addressed safety-related message.
type SafetyAddressed struct {
	Header
	SeqNo      uint8
	DestMMSI   uint32
	Retransmit bool
	Text       []byte
}

// SafetyBroadcast is type 14, broadcast safety-related message.
type SafetyBroadcast struct {
	Header
	Text []byte
}

// Interrogation is type 15.
type Interrogation struct {
	Header
	MMSI1            uint32
	Type1_1, Type1_2 uint8
	Offset1_1        uint16
	Offset1_2        uint16
	MMSI2            uint32
	Type2_1          uint8
	Offset2_1        uint16
}

// AssignedMode is type 16, assigned mode command.
type AssignedMode struct {
	Header
	MMSI1      uint32
	Offset1    uint16
	Increment1 uint16
	MMSI2      uint32
	Offset2    uint16
	Increment2 uint16
}

// DGNSSBroadcast is type 17, GNSS broadcast binary message.
type DGNSSBroadcast struct {
	Header
	Lon, Lat int32 // 1/10 minute
	Data     []byte
	DataBits int
}

// ClassBPosition is type 18, standard Class B position report.
type ClassBPosition struct {
	Header
	Reserved uint8
	Speed    uint16
	Accuracy bool
	Lon, Lat int32
	Course   uint16
	Heading  uint16
	Second   uint8
	Regional uint8
	CS       bool
	Display  bool
	DSC      bool
	Band     bool
	Msg22    bool
	Assigned bool
	RAIM     bool
	Radio    uint32
}

// ClassBExtended is type 19, extended Class B position report.
type ClassBExtended struct {
	Header
	Reserved uint8
	Speed    uint16
	Accuracy bool
	Lon, Lat int32
	Course   uint16
	Heading  uint16
	Second   uint8
	Regional uint8
	ShipName []byte
	ShipType uint8
	Dimensions
	EPFD     uint8
	RAIM     bool
	DTE      bool
	Assigned bool
}

// Reservation is one slot block of a type 20 message.
type Reservation struct {
	Offset    uint16
	Number    uint8
	Timeout   uint8
	Increment uint16
}

// DataLinkManagement is type 20.
type DataLinkManagement struct {
	Header
	Slots [4]Reservation
}

// AidToNavigation is type 21, aid-to-navigation report.
type AidToNavigation struct {
	Header
	AidType  uint8
	Name     []byte // with the name extension appended
	Accuracy bool
	Lon, Lat int32
	Dimensions
	EPFD        uint8
	Second      uint8
	OffPosition bool
	Regional    uint8
	RAIM        bool
	Virtual     bool
	Assigned    bool
}

// ChannelManagement is type 22.
type ChannelManagement struct {
	Header
	ChannelA, ChannelB uint16
	TxRx               uint8
	Power              bool
	Addressed          bool
	NELon, NELat       int32 // 1/10 minute, when not addressed
	SWLon, SWLat       int32
	Dest1, Dest2       uint32 // when addressed
	BandA, BandB       bool
	ZoneSize           uint8
}

// GroupAssignment is type 23, group assignment command.
type GroupAssignment struct {
	Header
	NELon, NELat int32 // 1/10 minute
	SWLon, SWLat int32
	StationType  uint8
	ShipType     uint8
	TxRx         uint8
	Interval     uint8
	Quiet        uint8
}

// StaticDataReport is type 24, Class B static data, part A (PartNo 0:
// the name) or part B (PartNo 1: the rest).
type StaticDataReport struct {
	Header
	PartNo   uint8
	ShipName []byte // part A
	ShipType uint8  // part B from here on
	VendorID []byte // 7 characters as in M.1371-3; M.1371-4 splits the last 4 into Model and Serial
	Model    uint8
	Serial   uint32
	CallSign []byte
	Dimensions
	MothershipMMSI uint32 // instead of Dimensions, for auxiliary craft (98MIDxxxx)
}

// BinarySlot is types 25 (single slot) and 26 (multiple slot) binary
// messages.
type BinarySlot struct {
	Header
	Addressed  bool
	Structured bool
	DestMMSI   uint32
	AppID      uint16
	Data       []byte
	DataBits   int
	Radio      uint32 // type 26 only
}

// LongRange is type 27, long-range AIS broadcast (satellite).
type LongRange struct {
	Header
	Accuracy bool
	RAIM     bool
	Status   uint8
	Lon, Lat int32  // 1/10 minute
	Speed    uint8  // knots, 63 not available
	Course   uint16 // degrees, 511 not available
	GNSS     bool   // true: position is not from GNSS
}

// App is a decoded application-specific payload of a type 6 or 8 message.
type App interface {
	// AppendJSON appends the payload's fields as JSON object members,
	// each preceded by a comma.
	AppendJSON(dst []byte) []byte
}
