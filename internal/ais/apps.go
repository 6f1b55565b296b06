package ais

import "strconv"

// Application-specific payloads of types 6 and 8 (ITU-R M.1371-5 §3.3.8.2.4
// and §3.3.8.2.7: a 10-bit designated area code, DAC, and a 6-bit function
// identifier, FID, then the application data).
//
// picket decodes exactly the DAC/FIDs that gpsd 3.22 decodes, under the same
// length conditions, and prints them with gpsd's field names, order and
// scaling (gpsdecode -j), so that a reader of gpsd's JSON reads picket's.
// Anything else stays "data":"<bits>:<hex>", as in gpsd:
//
//	type 6  DAC 1    FID 12  dangerous cargo (IMO236)                    DangerousCargo
//	                 FID 14  tidal window (IMO236)                       TidalWindow
//	                 FID 15  air draught (IMO236)                        AirDraught
//	                 FID 16  persons on board                            PersonsOnBoard
//	                 FID 18  clearance time to enter port (IMO289)       ClearanceTime
//	                 FID 20  berthing data (IMO289)                      BerthingData
//	                 FID 25  dangerous cargo (IMO289)                    CargoIndication
//	                 FID 28  route information (IMO289)                  RouteInfo
//	                 FID 30  text description (IMO289)                   TextDescription
//	                 FID 32  tidal window (IMO289)                       TidalWindow
//	        DAC 200  FID 21  ETA at lock/bridge, 248 bits                InlandETA
//	                 FID 22  RTA at lock/bridge, 232 bits                InlandRTA
//	                 FID 55  persons on board, 168 bits                  InlandPersonsOnBoard
//	        DAC 235  FID 10  AtoN monitoring, 136 bits                   AtoNMonitoring
//	        DAC 250  FID 10  AtoN monitoring, 136 bits                   AtoNMonitoring
//	type 8  DAC 1    FID 11  met/hydro (IMO236)                          MetHydro236
//	                 FID 13  fairway closed (IMO236)                     FairwayClosed
//	                 FID 15  air draught (IMO236)                        AirDraught
//	                 FID 16  persons on board, 128 or 192 bits           PersonsOnBoard
//	                 FID 17  VTS targets (IMO289)                        VTSTargets
//	                 FID 19  marine traffic signal (IMO289)              TrafficSignal
//	                 FID 27  route information (IMO289)                  RouteInfo
//	                 FID 29  text description (IMO289)                   TextDescription
//	                 FID 31  met/hydro (IMO289)                          MetHydro289
//	        DAC 200  FID 10  inland static/voyage, 168 bits, hazard 0-5  InlandStaticVoyage
//	                 FID 23  EMMA warning, 256 bits                      EMMAWarning
//	                 FID 24  water levels, 168 bits                      WaterLevels
//	                 FID 40  signal status, 168 bits                     SignalStatus
//
// The Go values hold the fields as gpsd reads them (its bit offsets, also
// where they disagree with the IMO circulars). The JSON reproduces gpsd's,
// values the standard marks "not available" included, with three exceptions
// where gpsd's output is not valid JSON: text is always escaped, type 8
// DAC 1 FID 19 has its missing comma, and the EMMA warning's "type" and
// "class", which repeat the message's own keys, are "emma_type" and
// "intensity". The _text companions are not printed, as elsewhere.
//
// gpsd 3.22 quirks the JSON keeps for compatibility, and the Go values
// do not have: type 8 FID 16 "persons" is always 0; FID 31 "waterlevel" below
// 0 m wraps to about 42949672.96; FID 14 tidal positions, sent in 1/10000
// minute, are printed as if in 1/1000 minute; the EMMA warning's "start"
// has hour, minute and day where day, hour and minute belong.

// appScratch holds the decoder's reusable application payloads: one value
// per kind, reused from message to message, so decoding allocates nothing.
type appScratch struct {
	cargo     DangerousCargo
	tidal     TidalWindow
	draught   AirDraught
	persons   PersonsOnBoard
	clearance ClearanceTime
	berth     BerthingData
	cargo289  CargoIndication
	route     RouteInfo
	text      TextDescription
	eta       InlandETA
	rta       InlandRTA
	pob       InlandPersonsOnBoard
	aton      AtoNMonitoring
	met236    MetHydro236
	fairway   FairwayClosed
	vts       VTSTargets
	signal    TrafficSignal
	met289    MetHydro289
	inland    InlandStaticVoyage
	emma      EMMAWarning
	levels    WaterLevels
	status    SignalStatus
}

// app6 decodes the application payload of a type 6 message when its
// DAC/FID is one we know, else returns nil.
func (d *Decoder) app6(m *BinaryAddressed) App {
	bb := &d.bits
	a := &d.apps
	n := bb.len
	switch m.DAC {
	case 1:
		switch m.FID {
		case 12:
			bb.clearPastEnd()
			return a.cargo.decode(bb)
		case 14:
			bb.clearPastEnd()
			return a.tidal.decode236(bb)
		case 15:
			bb.clearPastEnd()
			return a.draught.decode(bb)
		case 16:
			bb.clearPastEnd()
			return a.persons.decode6(bb)
		case 18:
			bb.clearPastEnd()
			return a.clearance.decode(bb)
		case 20:
			bb.clearPastEnd()
			return a.berth.decode(bb)
		case 25:
			bb.clearPastEnd()
			return a.cargo289.decode(bb)
		case 28:
			bb.clearPastEnd()
			return a.route.decode(bb, 88)
		case 30:
			bb.clearPastEnd()
			return a.text.decode(bb, 88)
		case 32:
			bb.clearPastEnd()
			return a.tidal.decode289(bb)
		}
	case 200:
		switch {
		case m.FID == 21 && n == 248:
			return a.eta.decode(bb)
		case m.FID == 22 && n == 232:
			return a.rta.decode(bb)
		case m.FID == 55 && n == 168:
			return a.pob.decode(bb)
		}
	case 235, 250:
		if m.FID == 10 && n == 136 {
			return a.aton.decode(bb)
		}
	}
	return nil
}

// app8 decodes the application payload of a type 8 message when its
// DAC/FID is one we know, else returns nil.
func (d *Decoder) app8(m *BinaryBroadcast) App {
	bb := &d.bits
	a := &d.apps
	n := bb.len
	switch m.DAC {
	case 1:
		switch m.FID {
		case 11:
			bb.clearPastEnd()
			return a.met236.decode(bb)
		case 13:
			bb.clearPastEnd()
			return a.fairway.decode(bb)
		case 15:
			bb.clearPastEnd()
			return a.draught.decode(bb)
		case 16:
			if n == 56+136 || n == 56+72 {
				return a.persons.decode8(bb)
			}
		case 17:
			bb.clearPastEnd()
			return a.vts.decode(bb)
		case 19:
			bb.clearPastEnd()
			return a.signal.decode(bb)
		case 27:
			bb.clearPastEnd()
			return a.route.decode(bb, 56)
		case 29:
			bb.clearPastEnd()
			return a.text.decode(bb, 56)
		case 31:
			bb.clearPastEnd()
			return a.met289.decode(bb)
		}
	case 200:
		switch {
		case m.FID == 10 && n == 168:
			// gpsd's guard against other uses of 200/10: the hazard
			// code must be one of the six defined.
			if bb.u(141, 3) <= 5 {
				return a.inland.decode(bb)
			}
		case m.FID == 23 && n == 256:
			return a.emma.decode(bb)
		case m.FID == 24 && n == 168:
			return a.levels.decode(bb)
		case m.FID == 40 && n == 168:
			return a.status.decode(bb)
		}
	}
	return nil
}

// clearPastEnd zeroes the buffer after the payload's last character, so
// that fields a short message does not reach read as zeros, as they do in
// gpsd. load leaves stale bytes of earlier, longer payloads there. The fill
// bits (at most 5) of the last character are kept: gpsd reads them too.
func (bb *bitBuffer) clearPastEnd() {
	if k := (bb.len + 5 + 7) / 8; k < len(bb.b) {
		clear(bb.b[k:])
	}
}

// The writers below print numbers as gpsd's printf formats do; each
// float64 is computed with the same operations as gpsd, so that the
// correctly rounded %.Nf of both agrees to the last digit.

// floatField writes v as printf's %.<prec>f.
func floatField(dst []byte, name string, v float64, prec int) []byte {
	return strconv.AppendFloat(key(dst, name), v, 'f', prec, 64)
}

// minutesField writes a position in 1/div minute as degrees, %.<prec>f.
func minutesField(dst []byte, name string, v int32, div float64, prec int) []byte {
	return floatField(dst, name, float64(v)/div, prec)
}

// Divisors from minutes to degrees: positions in 1/1000 and 1/10000 minute.
const (
	latLon3Div = 60000.0
	latLon4Div = 600000.0
)

// stamp appends gpsd's "%02u-%02uT%02u:%02u" (each part zero padded to two
// digits, longer values printed whole), then suffix.
func stamp(dst []byte, month, day, hour, minute uint8, suffix string) []byte {
	dst = append(dst, '"')
	dst = appendPadded(dst, uint64(month), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, uint64(day), 2)
	dst = append(dst, 'T')
	dst = appendPadded(dst, uint64(hour), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint64(minute), 2)
	dst = append(dst, suffix...)
	return append(dst, '"')
}

// stampUnpadded appends gpsd's "%u-%uT%u:%u".
func stampUnpadded(dst []byte, month, day, hour, minute uint8) []byte {
	dst = append(dst, '"')
	dst = strconv.AppendUint(dst, uint64(month), 10)
	dst = append(dst, '-')
	dst = strconv.AppendUint(dst, uint64(day), 10)
	dst = append(dst, 'T')
	dst = strconv.AppendUint(dst, uint64(hour), 10)
	dst = append(dst, ':')
	dst = strconv.AppendUint(dst, uint64(minute), 10)
	return append(dst, '"')
}

// endText decodes the 6-bit text from start to the end of the payload, as
// gpsd's endchars: nothing when the payload ends at or before start.
func (bb *bitBuffer) endText(dst []byte, start int) []byte {
	if bb.len <= start {
		return dst[:0]
	}
	return bb.text(dst, start, (bb.len-start)/6)
}

// wordField writes one of gpsd's fixed words, which need no escaping.
func wordField(dst []byte, name, word string) []byte {
	dst = append(key(dst, name), '"')
	dst = append(dst, word...)
	return append(dst, '"')
}
