package cot

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"time"
)

// knotsToMS converts AIS's knots to CoT's metres a second.
const knotsToMS = 1852.0 / 3600

// Contact is what one CoT event says of a vessel.
type Contact struct {
	MMSI     uint32
	Name     string // "" when not known or not releasable
	ShipType uint8  // AIS ship and cargo type, 0 when not known
	Time     time.Time
	Lat, Lon float64
	SOG      float64 // knots, NaN when not known
	COG      float64 // degrees true, NaN when not known
	// Alert is the text of an alert about the vessel, "" for a position.
	Alert string
	// Marking is the releasability of the data, e.g. "REL TO JPN, USA".
	Marking string
}

// UID is the CoT uid of a vessel.
func UID(mmsi uint32) string { return "picket-" + strconv.FormatUint(uint64(mmsi), 10) }

// Type is the CoT type of a vessel of an AIS ship type.
func Type(shipType uint8) string {
	switch t := shipType; {
	case t >= 70 && t <= 79:
		return "a-u-S-X-M-C"
	case t >= 80 && t <= 89:
		return "a-u-S-X-M-O"
	case t >= 60 && t <= 69:
		return "a-u-S-X-M-P"
	case t == 30:
		return "a-u-S-X-F"
	case t == 31 || t == 32 || t == 52:
		return "a-u-S-X-M-T-U"
	case t > 0:
		return "a-u-S-X"
	}
	return "a-u-S"
}

// Append appends c as a CoT event, stale after stale.
func Append(dst []byte, c Contact, stale time.Duration) []byte {
	t := c.Time.UTC()
	ts := t.Format("2006-01-02T15:04:05.000Z")
	dst = append(dst, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<event version="2.0" uid="`...)
	dst = append(dst, UID(c.MMSI)...)
	dst = append(dst, `" type="`...)
	dst = append(dst, Type(c.ShipType)...)
	dst = append(dst, `" how="m-g" time="`...)
	dst = append(dst, ts...)
	dst = append(dst, `" start="`...)
	dst = append(dst, ts...)
	dst = append(dst, `" stale="`...)
	dst = append(dst, t.Add(stale).Format("2006-01-02T15:04:05.000Z")...)
	dst = append(dst, `" access="`...)
	dst = appendEscaped(dst, c.Marking)
	dst = append(dst, `"><point lat="`...)
	dst = strconv.AppendFloat(dst, c.Lat, 'f', -1, 64)
	dst = append(dst, `" lon="`...)
	dst = strconv.AppendFloat(dst, c.Lon, 'f', -1, 64)
	dst = append(dst, `" hae="0" ce="100" le="9999999"/><detail><contact callsign="`...)
	if c.Name != "" {
		dst = appendEscaped(dst, c.Name)
	} else {
		dst = append(dst, "MMSI "...)
		dst = strconv.AppendUint(dst, uint64(c.MMSI), 10)
	}
	dst = append(dst, `"/>`...)
	if !math.IsNaN(c.COG) || !math.IsNaN(c.SOG) {
		dst = append(dst, `<track`...)
		if !math.IsNaN(c.COG) {
			dst = append(dst, ` course="`...)
			dst = strconv.AppendFloat(dst, c.COG, 'f', 1, 64)
			dst = append(dst, '"')
		}
		if !math.IsNaN(c.SOG) {
			dst = append(dst, ` speed="`...)
			dst = strconv.AppendFloat(dst, c.SOG*knotsToMS, 'f', 2, 64)
			dst = append(dst, '"')
		}
		dst = append(dst, `/>`...)
	}
	dst = append(dst, `<remarks>`...)
	var r strings.Builder
	if c.Alert != "" {
		r.WriteString("ALERT: " + c.Alert + " | ")
	}
	r.WriteString("MMSI " + strconv.FormatUint(uint64(c.MMSI), 10) + " | " + c.Marking)
	dst = appendEscaped(dst, r.String())
	dst = append(dst, `</remarks></detail></event>`...)
	return append(dst, '\n')
}

func appendEscaped(dst []byte, s string) []byte {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return append(dst, strings.ReplaceAll(b.String(), `"`, "&#34;")...)
}
