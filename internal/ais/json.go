package ais

import (
	"math"
	"strconv"
)

// JSON output follows gpsd's AIS JSON (field names and order of gpsd's
// "AIS" class, scaled): degrees, knots, degrees, metres. Where gpsd prints
// a value the standard marks "not available", picket omits the field; the
// other differences from gpsd are listed in docs/gpsd-differences.md.

// AppendJSON appends m as one JSON object.
func AppendJSON(dst []byte, m Message) []byte {
	dst = AppendJSONFields(dst, m)
	return append(dst, '}')
}

// AppendJSONFields appends m as a JSON object without its closing brace, so
// that the caller can add members (reception time, source).
func AppendJSONFields(dst []byte, m Message) []byte {
	h := m.Hdr()
	dst = append(dst, `{"class":"AIS","type":`...)
	dst = strconv.AppendUint(dst, uint64(h.Type), 10)
	dst = append(dst, `,"repeat":`...)
	dst = strconv.AppendUint(dst, uint64(h.Repeat), 10)
	dst = append(dst, `,"mmsi":`...)
	dst = strconv.AppendUint(dst, uint64(h.MMSI), 10)
	dst = append(dst, `,"scaled":true`...)
	switch m := m.(type) {
	case *PositionReport:
		dst = uintField(dst, "status", uint64(m.Status))
		dst = turnField(dst, m.Turn)
		dst = tenthsField(dst, "speed", uint64(m.Speed), 1023)
		dst = boolField(dst, "accuracy", m.Accuracy)
		dst = lonLat(dst, m.Lon, m.Lat)
		dst = tenthsField(dst, "course", uint64(m.Course), 3600)
		dst = uintOmit(dst, "heading", uint64(m.Heading), 511)
		dst = uintOmit(dst, "second", uint64(m.Second), 60)
		dst = uintField(dst, "maneuver", uint64(m.Maneuver))
		dst = boolField(dst, "raim", m.RAIM)
		dst = uintField(dst, "radio", uint64(m.Radio))
	case *BaseStationReport:
		if m.Year > 0 && m.Month >= 1 && m.Month <= 12 && m.Day >= 1 && m.Day <= 31 && m.Hour < 24 && m.Minute < 60 && m.Second < 60 {
			dst = append(dst, `,"timestamp":"`...)
			dst = appendPadded(dst, uint64(m.Year), 4)
			dst = append(dst, '-')
			dst = appendPadded(dst, uint64(m.Month), 2)
			dst = append(dst, '-')
			dst = appendPadded(dst, uint64(m.Day), 2)
			dst = append(dst, 'T')
			dst = appendPadded(dst, uint64(m.Hour), 2)
			dst = append(dst, ':')
			dst = appendPadded(dst, uint64(m.Minute), 2)
			dst = append(dst, ':')
			dst = appendPadded(dst, uint64(m.Second), 2)
			dst = append(dst, `Z"`...)
		}
		dst = boolField(dst, "accuracy", m.Accuracy)
		dst = lonLat(dst, m.Lon, m.Lat)
		dst = uintOmit(dst, "epfd", uint64(m.EPFD), 0)
		dst = boolField(dst, "raim", m.RAIM)
		dst = uintField(dst, "radio", uint64(m.Radio))
	case *StaticVoyage:
		dst = uintOmit(dst, "imo", uint64(m.IMO), 0)
		dst = uintField(dst, "ais_version", uint64(m.AISVersion))
		dst = textField(dst, "callsign", m.CallSign)
		dst = textField(dst, "shipname", m.ShipName)
		dst = uintOmit(dst, "shiptype", uint64(m.ShipType), 0)
		dst = dimensions(dst, &m.Dimensions)
		dst = uintOmit(dst, "epfd", uint64(m.EPFD), 0)
		dst = eta(dst, m.Month, m.Day, m.Hour, m.Minute)
		dst = tenthsField(dst, "draught", uint64(m.Draught), 0)
		dst = textField(dst, "destination", m.Destination)
		dst = uintField(dst, "dte", b2u(m.DTE))
	case *BinaryAddressed:
		dst = uintField(dst, "seqno", uint64(m.SeqNo))
		dst = uintField(dst, "dest_mmsi", uint64(m.DestMMSI))
		dst = boolField(dst, "retransmit", m.Retransmit)
		dst = uintField(dst, "dac", uint64(m.DAC))
		dst = uintField(dst, "fid", uint64(m.FID))
		if m.App != nil {
			dst = m.App.AppendJSON(dst)
		} else {
			dst = dataField(dst, m.Data, m.DataBits)
		}
	case *BinaryBroadcast:
		dst = uintField(dst, "dac", uint64(m.DAC))
		dst = uintField(dst, "fid", uint64(m.FID))
		if m.App != nil {
			dst = m.App.AppendJSON(dst)
		} else {
			dst = dataField(dst, m.Data, m.DataBits)
		}
	case *Acknowledge:
		dst = uintField(dst, "mmsi1", uint64(m.MMSI[0]))
		dst = uintField(dst, "mmsi2", uint64(m.MMSI[1]))
		dst = uintField(dst, "mmsi3", uint64(m.MMSI[2]))
		dst = uintField(dst, "mmsi4", uint64(m.MMSI[3]))
	case *SARPosition:
		dst = uintOmit(dst, "alt", uint64(m.Alt), 4095)
		dst = uintOmit(dst, "speed", uint64(m.Speed), 1023)
		dst = boolField(dst, "accuracy", m.Accuracy)
		dst = lonLat(dst, m.Lon, m.Lat)
		dst = tenthsField(dst, "course", uint64(m.Course), 3600)
		dst = uintOmit(dst, "second", uint64(m.Second), 60)
		dst = uintField(dst, "regional", uint64(m.Regional))
		dst = uintField(dst, "dte", b2u(m.DTE))
		dst = boolField(dst, "assigned", m.Assigned)
		dst = boolField(dst, "raim", m.RAIM)
		dst = uintField(dst, "radio", uint64(m.Radio))
	case *UTCInquiry:
		dst = uintField(dst, "dest_mmsi", uint64(m.DestMMSI))
	case *SafetyAddressed:
		dst = uintField(dst, "seqno", uint64(m.SeqNo))
		dst = uintField(dst, "dest_mmsi", uint64(m.DestMMSI))
		dst = boolField(dst, "retransmit", m.Retransmit)
		dst = stringField(dst, "text", m.Text)
	case *SafetyBroadcast:
		dst = stringField(dst, "text", m.Text)
	case *Interrogation:
		dst = uintField(dst, "mmsi1", uint64(m.MMSI1))
		dst = uintField(dst, "type1_1", uint64(m.Type1_1))
		dst = uintField(dst, "offset1_1", uint64(m.Offset1_1))
		dst = uintField(dst, "type1_2", uint64(m.Type1_2))
		dst = uintField(dst, "offset1_2", uint64(m.Offset1_2))
		dst = uintField(dst, "mmsi2", uint64(m.MMSI2))
		dst = uintField(dst, "type2_1", uint64(m.Type2_1))
		dst = uintField(dst, "offset2_1", uint64(m.Offset2_1))
	case *AssignedMode:
		dst = uintField(dst, "mmsi1", uint64(m.MMSI1))
		dst = uintField(dst, "offset1", uint64(m.Offset1))
		dst = uintField(dst, "increment1", uint64(m.Increment1))
		dst = uintField(dst, "mmsi2", uint64(m.MMSI2))
		dst = uintField(dst, "offset2", uint64(m.Offset2))
		dst = uintField(dst, "increment2", uint64(m.Increment2))
	case *DGNSSBroadcast:
		dst = lonLatTenthMinute(dst, "lon", "lat", m.Lon, m.Lat)
		dst = dataField(dst, m.Data, m.DataBits)
	case *ClassBPosition:
		dst = uintField(dst, "reserved", uint64(m.Reserved))
		dst = tenthsField(dst, "speed", uint64(m.Speed), 1023)
		dst = boolField(dst, "accuracy", m.Accuracy)
		dst = lonLat(dst, m.Lon, m.Lat)
		dst = tenthsField(dst, "course", uint64(m.Course), 3600)
		dst = uintOmit(dst, "heading", uint64(m.Heading), 511)
		dst = uintOmit(dst, "second", uint64(m.Second), 60)
		dst = uintField(dst, "regional", uint64(m.Regional))
		dst = boolField(dst, "cs", m.CS)
		dst = boolField(dst, "display", m.Display)
		dst = boolField(dst, "dsc", m.DSC)
		dst = boolField(dst, "band", m.Band)
		dst = boolField(dst, "msg22", m.Msg22)
		dst = boolField(dst, "assigned", m.Assigned)
		dst = boolField(dst, "raim", m.RAIM)
		dst = uintField(dst, "radio", uint64(m.Radio))
	case *ClassBExtended:
		dst = uintField(dst, "reserved", uint64(m.Reserved))
		dst = tenthsField(dst, "speed", uint64(m.Speed), 1023)
		dst = boolField(dst, "accuracy", m.Accuracy)
		dst = lonLat(dst, m.Lon, m.Lat)
		dst = tenthsField(dst, "course", uint64(m.Course), 3600)
		dst = uintOmit(dst, "heading", uint64(m.Heading), 511)
		dst = uintOmit(dst, "second", uint64(m.Second), 60)
		dst = uintField(dst, "regional", uint64(m.Regional))
		dst = textField(dst, "shipname", m.ShipName)
		dst = uintOmit(dst, "shiptype", uint64(m.ShipType), 0)
		dst = dimensions(dst, &m.Dimensions)
		dst = uintOmit(dst, "epfd", uint64(m.EPFD), 0)
		dst = boolField(dst, "raim", m.RAIM)
		dst = uintField(dst, "dte", b2u(m.DTE))
		dst = boolField(dst, "assigned", m.Assigned)
	case *DataLinkManagement:
		for i, s := range m.Slots {
			k := byte('1' + i)
			dst = uintFieldN(dst, "offset", k, uint64(s.Offset))
			dst = uintFieldN(dst, "number", k, uint64(s.Number))
			dst = uintFieldN(dst, "timeout", k, uint64(s.Timeout))
			dst = uintFieldN(dst, "increment", k, uint64(s.Increment))
		}
	case *AidToNavigation:
		dst = uintField(dst, "aid_type", uint64(m.AidType))
		dst = stringField(dst, "name", m.Name)
		dst = boolField(dst, "accuracy", m.Accuracy)
		dst = lonLat(dst, m.Lon, m.Lat)
		dst = dimensions(dst, &m.Dimensions)
		dst = uintOmit(dst, "epfd", uint64(m.EPFD), 0)
		dst = uintOmit(dst, "second", uint64(m.Second), 60)
		dst = uintField(dst, "regional", uint64(m.Regional))
		dst = boolField(dst, "off_position", m.OffPosition)
		dst = boolField(dst, "raim", m.RAIM)
		dst = boolField(dst, "virtual_aid", m.Virtual)
		dst = boolField(dst, "assigned", m.Assigned)
	case *ChannelManagement:
		dst = uintField(dst, "channel_a", uint64(m.ChannelA))
		dst = uintField(dst, "channel_b", uint64(m.ChannelB))
		dst = uintField(dst, "txrx", uint64(m.TxRx))
		dst = boolField(dst, "power", m.Power)
		if m.Addressed {
			dst = uintField(dst, "dest1", uint64(m.Dest1))
			dst = uintField(dst, "dest2", uint64(m.Dest2))
		} else {
			dst = lonLatTenthMinute(dst, "ne_lon", "ne_lat", m.NELon, m.NELat)
			dst = lonLatTenthMinute(dst, "sw_lon", "sw_lat", m.SWLon, m.SWLat)
		}
		dst = boolField(dst, "addressed", m.Addressed)
		dst = boolField(dst, "band_a", m.BandA)
		dst = boolField(dst, "band_b", m.BandB)
		dst = uintField(dst, "zonesize", uint64(m.ZoneSize))
	case *GroupAssignment:
		dst = lonLatTenthMinute(dst, "ne_lon", "ne_lat", m.NELon, m.NELat)
		dst = lonLatTenthMinute(dst, "sw_lon", "sw_lat", m.SWLon, m.SWLat)
		dst = uintField(dst, "stationtype", uint64(m.StationType))
		dst = uintOmit(dst, "shiptype", uint64(m.ShipType), 0)
		dst = uintField(dst, "txrx", uint64(m.TxRx))
		dst = uintField(dst, "interval", uint64(m.Interval))
		dst = uintField(dst, "quiet", uint64(m.Quiet))
	case *StaticDataReport:
		dst = uintField(dst, "partno", uint64(m.PartNo))
		if m.PartNo == 0 {
			dst = textField(dst, "shipname", m.ShipName)
			break
		}
		dst = uintOmit(dst, "shiptype", uint64(m.ShipType), 0)
		dst = textField(dst, "vendorid", m.VendorID)
		dst = uintField(dst, "model", uint64(m.Model))
		dst = uintField(dst, "serial", uint64(m.Serial))
		dst = textField(dst, "callsign", m.CallSign)
		if AuxiliaryCraft(m.MMSI) {
			dst = uintField(dst, "mothership_mmsi", uint64(m.MothershipMMSI))
		} else {
			dst = dimensions(dst, &m.Dimensions)
		}
	case *BinarySlot:
		dst = boolField(dst, "addressed", m.Addressed)
		dst = boolField(dst, "structured", m.Structured)
		if m.Addressed {
			dst = uintField(dst, "dest_mmsi", uint64(m.DestMMSI))
		}
		if m.Structured {
			dst = uintField(dst, "app_id", uint64(m.AppID))
		}
		dst = dataField(dst, m.Data, m.DataBits)
		if m.Type == 26 {
			dst = uintField(dst, "radio", uint64(m.Radio))
		}
	case *LongRange:
		dst = uintField(dst, "status", uint64(m.Status))
		dst = boolField(dst, "accuracy", m.Accuracy)
		dst = lonLatTenthMinute(dst, "lon", "lat", m.Lon, m.Lat)
		dst = uintOmit(dst, "speed", uint64(m.Speed), 63)
		dst = uintOmit(dst, "course", uint64(m.Course), 511)
		dst = boolField(dst, "raim", m.RAIM)
		dst = boolField(dst, "gnss", m.GNSS)
	}
	return dst
}

func key(dst []byte, name string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

func uintField(dst []byte, name string, v uint64) []byte {
	return strconv.AppendUint(key(dst, name), v, 10)
}

// uintFieldN writes a numbered field such as "offset1".
func uintFieldN(dst []byte, name string, n byte, v uint64) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, n, '"', ':')
	return strconv.AppendUint(dst, v, 10)
}

func intField(dst []byte, name string, v int64) []byte {
	return strconv.AppendInt(key(dst, name), v, 10)
}

// uintOmit writes v unless it is the standard's "not available" value na.
func uintOmit(dst []byte, name string, v, na uint64) []byte {
	if v == na {
		return dst
	}
	return uintField(dst, name, v)
}

func boolField(dst []byte, name string, v bool) []byte {
	dst = key(dst, name)
	if v {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// tenthsField writes v/10 with one decimal, unless v is na.
func tenthsField(dst []byte, name string, v, na uint64) []byte {
	if v == na {
		return dst
	}
	dst = strconv.AppendUint(key(dst, name), v/10, 10)
	return append(dst, '.', byte('0'+v%10))
}

// turnField writes the rate of turn in degrees per minute: ROT_AIS =
// 4.733 * sqrt(ROT) (M.1371-5 table 45), "fastright"/"fastleft" beyond
// 5 degrees per 30 s with no turn indicator, nothing when not available.
func turnField(dst []byte, t int8) []byte {
	switch t {
	case -128:
		return dst
	case 127:
		return append(key(dst, "turn"), `"fastright"`...)
	case -127:
		return append(key(dst, "turn"), `"fastleft"`...)
	case 0:
		return append(key(dst, "turn"), '0')
	}
	r := float64(t) / 4.733
	r *= r
	if t < 0 {
		r = -r
	}
	return strconv.AppendFloat(key(dst, "turn"), r, 'f', 3, 64)
}

// lonLat writes a position in 1/10000 minute as degrees with 6 decimals
// (enough to recover the transmitted value exactly), omitting each
// coordinate that is not available.
func lonLat(dst []byte, lon, lat int32) []byte {
	if lon != 181*600000 {
		dst = fixed(key(dst, "lon"), int64(lon), 10, 6, 6)
	}
	if lat != 91*600000 {
		dst = fixed(key(dst, "lat"), int64(lat), 10, 6, 6)
	}
	return dst
}

// lonLatTenthMinute writes a position in 1/10 minute as degrees with 4
// decimals.
func lonLatTenthMinute(dst []byte, lonName, latName string, lon, lat int32) []byte {
	if lon != 181*600 {
		dst = fixed(key(dst, lonName), int64(lon), 100, 6, 4)
	}
	if lat != 91*600 {
		dst = fixed(key(dst, latName), int64(lat), 100, 6, 4)
	}
	return dst
}

// fixed writes v*mul/div rounded half away from zero to decimals places.
func fixed(dst []byte, v, mul, div int64, decimals int) []byte {
	neg := v < 0
	if neg {
		v = -v
	}
	q := (v*mul*2 + div) / (2 * div) // round(v*mul/div)
	if neg && q != 0 {
		dst = append(dst, '-')
	}
	p := int64(math.Pow10(decimals))
	dst = strconv.AppendInt(dst, q/p, 10)
	dst = append(dst, '.')
	return appendPadded(dst, uint64(q%p), decimals)
}

// appendPadded writes v with at least width digits, zero padded.
func appendPadded(dst []byte, v uint64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v > 0 || len(buf)-i < width {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[i:]...)
}

// textField writes a 6-bit text field unless it is empty (not available).
func textField(dst []byte, name string, s []byte) []byte {
	if len(s) == 0 {
		return dst
	}
	return stringField(dst, name, s)
}

// stringField writes s as a JSON string. 6-bit text is printable ASCII, so
// only quotes and backslashes need escaping; other bytes are escaped too
// in case of application text.
func stringField(dst []byte, name string, s []byte) []byte {
	dst = key(dst, name)
	return appendString(dst, s)
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string the way the decoder writes
// text fields: bytes outside printable ASCII escaped as \u00XX, as gpsd
// does.
func AppendJSONString(dst []byte, s []byte) []byte { return appendString(dst, s) }

func appendString(dst []byte, s []byte) []byte {
	dst = append(dst, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20 || c >= 0x7f:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// eta writes a type 5 ETA: gpsd's "eta":"MM-DDTHH:MMZ" when every part is
// available, and each available part as "month", "day", "hour", "minute".
func eta(dst []byte, month, day, hour, minute uint8) []byte {
	okM, okD, okH, okMi := month >= 1 && month <= 12, day >= 1 && day <= 31, hour < 24, minute < 60
	if okM && okD && okH && okMi {
		dst = append(key(dst, "eta"), '"')
		dst = appendPadded(dst, uint64(month), 2)
		dst = append(dst, '-')
		dst = appendPadded(dst, uint64(day), 2)
		dst = append(dst, 'T')
		dst = appendPadded(dst, uint64(hour), 2)
		dst = append(dst, ':')
		dst = appendPadded(dst, uint64(minute), 2)
		dst = append(dst, 'Z', '"')
	}
	if okM {
		dst = uintField(dst, "month", uint64(month))
	}
	if okD {
		dst = uintField(dst, "day", uint64(day))
	}
	if okH {
		dst = uintField(dst, "hour", uint64(hour))
	}
	if okMi {
		dst = uintField(dst, "minute", uint64(minute))
	}
	return dst
}

// dimensions writes the reference-point distances, unless all four are 0
// (M.1371-5 table 73: not available).
func dimensions(dst []byte, d *Dimensions) []byte {
	if d.ToBow|d.ToStern|d.ToPort|d.ToStarboard == 0 {
		return dst
	}
	dst = uintField(dst, "to_bow", uint64(d.ToBow))
	dst = uintField(dst, "to_stern", uint64(d.ToStern))
	dst = uintField(dst, "to_port", uint64(d.ToPort))
	return uintField(dst, "to_starboard", uint64(d.ToStarboard))
}

// dataField writes binary data as gpsd does: "<bits>:<hex>".
func dataField(dst []byte, data []byte, bits int) []byte {
	dst = key(dst, "data")
	dst = append(dst, '"')
	dst = strconv.AppendInt(dst, int64(bits), 10)
	dst = append(dst, ':')
	for _, b := range data {
		dst = append(dst, hexDigits[b>>4], hexDigits[b&15])
	}
	return append(dst, '"')
}
