package identity

import "errors"

// Reasons an MMSI cannot be a genuine identity; Class.Err is one of them.
var (
	// ErrOutOfRange: negative or more than nine digits. AIS carries 30 bits,
	// so decoders can produce values up to 1,073,741,823.
	ErrOutOfRange = errors.New("identity: mmsi out of range")
	// ErrPlaceholder: a value left in by installers or test equipment
	// rather than assigned by an administration.
	ErrPlaceholder = errors.New("identity: placeholder mmsi")
	// ErrNoFormat: none of the ITU-R M.585 forms (e.g. leading 1 other
	// than 111, or 90-96).
	ErrNoFormat = errors.New("identity: mmsi has no ITU format")
	// ErrUnallocatedMID: the form is right but ITU has not allocated the
	// MID to any administration.
	ErrUnallocatedMID = errors.New("identity: unallocated mid")
)

// Kind is the kind of station an MMSI's form says it belongs to.
type Kind uint8

const (
	KindUnknown     Kind = iota // placeholder, out of range or no ITU form
	KindShip                    // MIDXXXXXX
	KindGroup                   // 0MIDXXXXX
	KindCoast                   // 00MIDXXXX
	KindSARAircraft             // 111MIDXXX
	KindHandheld                // 8MIDXXXXX
	KindAuxiliary               // 98MIDXXXX, craft associated with a parent ship
	KindAtoN                    // 99MIDXXXX
	KindSART                    // 970XXYYYY
	KindMOB                     // 972XXYYYY
	KindEPIRB                   // 974XXYYYY
	KindAMRD                    // 979XXXXXX, autonomous maritime radio device group B
	// KindOpaque is a number from OpaqueMin up: a vessel known by an
	// identifier that is not an MMSI (a CSV id column), numbered by
	// picket. It has no MID and no MMSI rule applies to it.
	KindOpaque
)

// OpaqueMin is the first number given to vessels known by an identifier
// that is not an MMSI: 2^31, beyond nine digits and beyond the 30 bits an
// AIS message carries, so that it can be no transmitter's.
const OpaqueMin = 1 << 31

var kindNames = [...]string{
	KindUnknown:     "unknown",
	KindShip:        "ship",
	KindGroup:       "group",
	KindCoast:       "coast",
	KindSARAircraft: "sar_aircraft",
	KindHandheld:    "handheld",
	KindAuxiliary:   "auxiliary",
	KindAtoN:        "aton",
	KindSART:        "sart",
	KindMOB:         "mob",
	KindEPIRB:       "epirb",
	KindAMRD:        "amrd",
	KindOpaque:      "opaque",
}

// String returns a lower-case name suitable for JSON and metric labels.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Class is what an MMSI's digits say about it.
type Class struct {
	Kind Kind
	// MID is the Maritime Identification Digits embedded in the number, or
	// 0 for forms that carry none (SART, MOB, EPIRB, AMRD) and for unknown
	// ones. It is set even when unallocated, so that it can be reported.
	MID int
	// Err is nil for a plausible identity, else ErrOutOfRange,
	// ErrPlaceholder, ErrNoFormat or ErrUnallocatedMID.
	Err error
}

// Valid reports whether the MMSI could have been assigned by an
// administration.
func (c Class) Valid() bool { return c.Err == nil }

// Classify returns the station kind, MID and validity of an MMSI. It does
// not allocate.
func Classify(mmsi int) Class {
	if mmsi >= OpaqueMin && mmsi < 1<<32 {
		return Class{Kind: KindOpaque}
	}
	if mmsi < 0 || mmsi > 999_999_999 {
		return Class{Err: ErrOutOfRange}
	}
	if placeholder(mmsi) {
		return Class{Err: ErrPlaceholder}
	}
	var d [9]int
	for i, v := 8, mmsi; i >= 0; i, v = i-1, v/10 {
		d[i] = v % 10
	}
	mid := func(at int) int { return d[at]*100 + d[at+1]*10 + d[at+2] }

	var c Class
	switch {
	case d[0] == 9 && d[1] == 7:
		switch d[2] {
		case 0:
			return Class{Kind: KindSART}
		case 2:
			return Class{Kind: KindMOB}
		case 4:
			return Class{Kind: KindEPIRB}
		case 9:
			return Class{Kind: KindAMRD}
		}
		return Class{Err: ErrNoFormat}
	case d[0] == 9 && d[1] == 9:
		c = Class{Kind: KindAtoN, MID: mid(2)}
	case d[0] == 9 && d[1] == 8:
		c = Class{Kind: KindAuxiliary, MID: mid(2)}
	case d[0] == 9:
		return Class{Err: ErrNoFormat}
	case d[0] == 8:
		c = Class{Kind: KindHandheld, MID: mid(1)}
	case d[0] == 1 && d[1] == 1 && d[2] == 1:
		c = Class{Kind: KindSARAircraft, MID: mid(3)}
	case d[0] == 1:
		return Class{Err: ErrNoFormat}
	case d[0] == 0 && d[1] == 0:
		c = Class{Kind: KindCoast, MID: mid(2)}
	case d[0] == 0:
		c = Class{Kind: KindGroup, MID: mid(1)}
	default:
		c = Class{Kind: KindShip, MID: mid(0)}
		// A MID with nothing after it is what a transponder sends when
		// only the country part was configured (AISHub 2015: 413000000
		// under three names).
		if mmsi%1_000_000 == 0 {
			return Class{Kind: KindShip, MID: c.MID, Err: ErrPlaceholder}
		}
	}
	if !ValidMID(c.MID) {
		c.Err = ErrUnallocatedMID
	}
	return c
}

// placeholder reports the values seen in real feeds from unconfigured or
// test transponders: 0, nine equal digits (111111111, 999999999), and
// runs of consecutive digits.
func placeholder(mmsi int) bool {
	switch mmsi {
	case 0, 123456789, 987654321, 12345678:
		return true
	}
	if mmsi >= 100_000_000 && mmsi%111_111_111 == 0 {
		return true
	}
	return false
}

// MID returns the Maritime Identification Digits of an MMSI, whether or not
// they are allocated, and false for forms that have none.
func MID(mmsi int) (int, bool) {
	c := Classify(mmsi)
	return c.MID, c.MID != 0
}

// Flag returns the administration whose MID the MMSI carries: the flag
// state for a ship station. It is false when the MMSI has no MID or an
// unallocated one.
func Flag(mmsi int) (Country, bool) {
	c := Classify(mmsi)
	if c.MID == 0 {
		return Country{}, false
	}
	return LookupMID(c.MID)
}

// FlagOf returns the ISO 3166 alpha-2 code of the flag an MMSI's MID
// stands for, or "" when it stands for none.
func FlagOf(mmsi uint32) string {
	c, ok := Flag(int(mmsi))
	if !ok {
		return ""
	}
	return c.Alpha2
}
