package identity

import (
	"errors"
	"strings"
)

// ErrShipReportFromShore: a coast-station (00MIDXXXX) or group (0MIDXXXXX)
// number sending ship position reports. No ship is assigned such a
// number; in real feeds they are ship MMSIs typed with a digit missing
// (AISHub 2015: 2327460 MARTINIQUE, Class A).
var ErrShipReportFromShore = errors.New("identity: coast-station or group mmsi sends ship position reports")

// ErrClassAFromNonShip: an AtoN number (99MIDXXXX) sending Class A
// reports, which only ships send (AtoNs send type 21; net buoys use Class
// B units). Classifying it as what its number says would exempt it from
// every ship rule: a tanker could go dark under a buoy's number.
var ErrClassAFromNonShip = errors.New("identity: aton mmsi sends class a ship reports")

// Station is what a transmitter is, as far as the rules about ships go:
// whether it can go dark, loiter, meet another ship, or lack an IMO number.
type Station uint8

const (
	StationVessel      Station = iota // a ship or boat: every rule applies
	StationPleasure                   // pleasure craft or sailing boat (ship type 36, 37)
	StationInland                     // inland vessel: sends an ENI, has no IMO number
	StationAtoN                       // aid to navigation, real or virtual (type 21, 99MIDXXXX)
	StationBase                       // base station on shore (type 4, 00MIDXXXX)
	StationSARAircraft                // search and rescue aircraft (type 9, 111MIDXXX)
	StationGear                       // net buoy, fishing gear, craft tied to a parent ship (98MIDXXXX)
	StationDistress                   // AIS-SART, MOB, EPIRB: alarms, not vessels
)

var stationNames = [...]string{
	StationVessel:      "vessel",
	StationPleasure:    "pleasure",
	StationInland:      "inland",
	StationAtoN:        "aton",
	StationBase:        "base_station",
	StationSARAircraft: "sar_aircraft",
	StationGear:        "gear",
	StationDistress:    "distress",
}

// String returns a lower-case name suitable for JSON.
func (s Station) String() string {
	if int(s) < len(stationNames) {
		return stationNames[s]
	}
	return "vessel"
}

// Ship reports whether the station is a vessel that sails: gaps, dark
// rendezvous, loitering, encounters and port visits are about those only.
func (s Station) Ship() bool {
	return s == StationVessel || s == StationPleasure || s == StationInland
}

// Messages is a set of AIS message types, bit n for type n.
type Messages uint32

// Has reports whether message type t is in the set.
func (m Messages) Has(t int) bool { return t > 0 && t < 32 && m&(1<<t) != 0 }

// shipPositions are the position reports only ships send: Class A (1-3),
// Class B (18, 19) and long-range (27).
const shipPositions Messages = 1<<1 | 1<<2 | 1<<3 | 1<<18 | 1<<19 | 1<<27

// classAReports are the reports of Class A shipborne stations (SOLAS
// ships): positions 1-3, static and voyage data 5, long range 27. Net
// buoys use Class B units.
const classAReports Messages = 1<<1 | 1<<2 | 1<<3 | 1<<5 | 1<<27

// Heard is what is known of one transmitter.
type Heard struct {
	MMSI int
	// Sent is the message types heard from it; 0 when not known (CSV
	// exports carry no message type).
	Sent Messages
	// ShipType is the type it last reported (type 5, 19, 24), 0 for none.
	ShipType int
	// Name is the name it last reported.
	Name string
	// ENI is set when it sent inland static data (type 8, DAC 200, FI 10)
	// with a European vessel identification number.
	ENI bool
}

// Transmitter is what ClassifyTransmitter makes of a transmitter.
type Transmitter struct {
	Station Station
	// MMSI is the classification of the number alone.
	MMSI Class
	// Err says why the identity is invalid, nil when it is not: the
	// number's own problem (MMSI.Err), or ErrShipReportFromShore. Gear
	// has no error: fishermen number their buoys as they like.
	Err error
}

// ClassifyTransmitter says what a transmitter is from its number's form,
// the messages it sends, its ship type and its name. Each rule about
// ships applies only where it means something: an AtoN cannot go dark, a
// base station has no IMO number, a SAR aircraft circling a ship is not
// meeting it, two yachts in a marina are not transferring cargo.
func ClassifyTransmitter(h Heard) Transmitter {
	c := Classify(h.MMSI)
	t := Transmitter{MMSI: c, Err: c.Err}
	positions := h.Sent&shipPositions != 0
	// Known from the messages only: a CSV's class column defaults to A.
	classA := h.Sent&classAReports != 0
	switch {
	case c.Kind == KindSART || c.Kind == KindMOB || c.Kind == KindEPIRB || c.Kind == KindAMRD:
		t.Station = StationDistress
	case h.Sent.Has(9) || c.Kind == KindSARAircraft && !positions:
		t.Station = StationSARAircraft
	case c.Kind == KindAtoN && classA:
		// A ship under an AtoN's number: every ship rule, and an invalid
		// identity.
		if t.Err == nil {
			t.Err = ErrClassAFromNonShip
		}
	case c.Kind == KindAuxiliary && classA:
		// A tender or workboat with a Class A unit: a boat that sails,
		// with no IMO number to give.
	case c.Kind == KindAuxiliary || !classA && gearName(h.Name):
		// Before AtoNs: net buoys also take 99MID numbers (exactEarth,
		// 994008087 "BUOY-007 9V", type 19). A name never makes a
		// Class A station gear.
		t.Station, t.Err = StationGear, nil
	case c.Kind == KindAtoN || h.Sent.Has(21) && !positions:
		t.Station = StationAtoN
	case h.Sent.Has(4) && !positions:
		t.Station = StationBase
	case c.Kind == KindCoast || c.Kind == KindGroup:
		switch {
		case positions:
			// A ship with a mistyped number: every ship rule applies,
			// and the number is invalid.
			if t.Err == nil {
				t.Err = ErrShipReportFromShore
			}
		case h.Sent == 0 && c.Kind == KindCoast && h.ShipType == 0:
			// A CSV row says nothing of its message type: a coast
			// number that never gave a ship type is taken to be the
			// base station it says it is.
			t.Station = StationBase
		}
	}
	if t.Station == StationVessel {
		switch {
		case h.ENI:
			t.Station = StationInland
		case h.ShipType == 36 || h.ShipType == 37:
			t.Station = StationPleasure
		}
	}
	return t
}

// gearName reports names that fishing gear gives itself: "BUOY" (or
// "BOUY") as a word, a battery charge ("00014 82%", "NINA MARI 7 [24%]")
// or a battery voltage at the end ("BUOY-007 9V", "NETFIH9927-06 9V"), as
// heard from net buoys off Norway and in the exactEarth logs.
func gearName(name string) bool {
	if name == "" {
		return false
	}
	n := strings.ToUpper(strings.TrimSpace(name))
	for _, w := range strings.FieldsFunc(n, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		if w == "BUOY" || w == "BOUY" {
			return true
		}
	}
	// A charge: one to three digits then '%'.
	for i := 1; i < len(n); i++ {
		if n[i] == '%' && isDigit(n[i-1]) {
			return true
		}
	}
	// A voltage: digits (maybe with a decimal) then V, ending the name
	// after a space or a digit run of its own.
	if strings.HasSuffix(n, "V") {
		i := len(n) - 1
		j := i
		for j > 0 && (isDigit(n[j-1]) || n[j-1] == '.') {
			j--
		}
		if j < i && isDigit(n[i-1]) && (j == 0 || n[j-1] == ' ' || n[j-1] == '-') {
			return true
		}
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
