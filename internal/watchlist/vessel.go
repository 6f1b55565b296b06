package watchlist

import (
	"strings"

	"github.com/picket-ais/picket/internal/identity"
)

// Vessel is what AIS says of a vessel, as MatchVessel looks it up; any
// field may be zero or empty.
type Vessel struct {
	IMO, MMSI int
	Name      string
	CallSign  string
	// ShipType is the AIS ship and cargo type (ITU-R M.1371 table 53),
	// 0 when not known.
	ShipType int
}

// MatchVessel is Match for a vessel whose call sign and ship type are
// known too, which may corroborate a match by name: a hit by name or alias
// also carries ByCallSign when the call sign is the entry's, and ByType
// when the ship type agrees with the entry's vessel type (a tanker for a
// "Crude Oil Tanker"). A generic name (one word, with at most a number or a
// Roman numeral after it, or under five letters: FREEDOM, AMBER, ARGO I)
// matches only with the call sign: four OFAC entries are named ZEUS,
// FREEDOM, SABRINA or GARDENIA, and pleasure craft off the US carry them
// all.
func (l *List) MatchVessel(dst []Hit, v Vessel) []Hit {
	start := len(dst)
	dst = l.match(dst, v.IMO, v.MMSI, v.Name, l.byIMO, l.byName)
	if len(dst) == start {
		return dst
	}
	var cs [16]byte
	call := identity.AppendNameKey(cs[:0], v.CallSign)
	class := aisClass(v.ShipType)
	generic := v.Name != "" && GenericName(v.Name)
	out := dst[:start]
	for _, h := range dst[start:] {
		if h.By&(ByName|ByAlias) != 0 {
			if ec := l.callKey[h.Entry]; ec != "" && ec == string(call) {
				h.By |= ByCallSign
			}
			if ec := l.typeClass[h.Entry]; class != classUnknown && ec == class {
				h.By |= ByType
			}
		}
		if generic && h.By&(ByIMO|ByMMSI|ByCallSign) == 0 {
			continue // a common word is no identity
		}
		h.Confidence = confidence(h.By)
		out = append(out, h)
	}
	return out
}

// GenericName reports a ship name too common to identify a ship by:
// one word of letters, with at most a number or a Roman numeral after it
// (FREEDOM, AMBER, PATRIOT, ARGO I, HERO II), or under five letters and
// digits in all.
func GenericName(name string) bool {
	words := strings.Fields(identity.NormalizeName(name))
	if len(words) == 0 {
		return true
	}
	if len(identity.NameKey(name)) < 5 {
		return true
	}
	if len(words) > 2 || (len(words) == 2 && !numeral(words[1])) {
		return false
	}
	for _, c := range words[0] {
		if c >= '0' && c <= '9' {
			return false // HAIXUN1169: a number makes it a ship's own
		}
	}
	return true
}

// numeral reports a number or a Roman numeral up to about 40.
func numeral(w string) bool {
	return strings.Trim(w, "0123456789") == "" || strings.Trim(w, "IVXL") == ""
}

// Vessel type classes compared between a list's text and AIS's ship type.
const (
	classUnknown int8 = iota
	classTanker
	classCargo
	classFishing
	classTug
	classPassenger
	classPleasure
)

// aisClass is the class of an AIS ship type.
func aisClass(t int) int8 {
	switch {
	case t >= 80 && t <= 89:
		return classTanker
	case t >= 70 && t <= 79:
		return classCargo
	case t == 30:
		return classFishing
	case t == 31 || t == 32 || t == 52:
		return classTug
	case t >= 60 && t <= 69:
		return classPassenger
	case t == 36 || t == 37:
		return classPleasure
	}
	return classUnknown
}

// listClass is the class of a list's vessel type text, such as OFAC's
// "Crude Oil Tanker", "General Cargo", "Bulk Carrier" or "Tug".
func listClass(s string) int8 {
	s = strings.ToLower(s)
	switch {
	case s == "":
		return classUnknown
	case strings.Contains(s, "tanker") || strings.Contains(s, "lpg") || strings.Contains(s, "lng"):
		return classTanker
	case strings.Contains(s, "cargo") || strings.Contains(s, "bulk") || strings.Contains(s, "container") ||
		strings.Contains(s, "reefer") || strings.Contains(s, "carrier") || strings.Contains(s, "ro-ro"):
		return classCargo
	case strings.Contains(s, "fish") || strings.Contains(s, "trawler"):
		return classFishing
	case strings.Contains(s, "tug"):
		return classTug
	case strings.Contains(s, "passenger") || strings.Contains(s, "ferry"):
		return classPassenger
	case strings.Contains(s, "yacht") || strings.Contains(s, "pleasure"):
		return classPleasure
	}
	return classUnknown
}

// indexVessels notes each vessel entry's call sign and vessel type class,
// from the list's call_sign and vessel_type columns (OFAC's; a plain
// watchlist may have them too).
func (l *List) indexVessels() {
	l.callKey = map[*Entry]string{}
	l.typeClass = map[*Entry]int8{}
	for i := range l.entries {
		e := &l.entries[i]
		if e.Kind != KindVessel {
			continue
		}
		cs := e.ExtraValue("call_sign")
		if cs == "" {
			cs = e.ExtraValue("callsign")
		}
		if k := identity.NameKey(cs); k != "" {
			l.callKey[e] = k
		}
		vt := e.ExtraValue("vessel_type")
		if vt == "" {
			vt = e.ExtraValue("ship_type")
		}
		if c := listClass(vt); c != classUnknown {
			l.typeClass[e] = c
		}
	}
}
