package watchlist

import "strings"

// Kind says what an entry designates.
type Kind uint8

const (
	KindVessel  Kind = iota // a ship: IMO is an IMO ship number
	KindCompany             // an owner or manager: IMO is an IMO company number
)

func (k Kind) String() string {
	if k == KindCompany {
		return "company"
	}
	return "vessel"
}

// Entry is one listed vessel or company.
type Entry struct {
	List     string   // the list it comes from, e.g. "OFAC SDN"
	ID       string   // its id in that list: OFAC ent_num, UN reference number, the id column, or "line N"
	Programs []string // sanctions programmes, e.g. ["DPRK3", "DPRK4"]
	Kind     Kind
	IMO      int // 0 when the list gives none or a bad one (see Warnings)
	MMSI     int // 0 when none
	// MMSIs are all the MMSIs the list gives when it gives several (the
	// UN 1718 list quotes each one a vessel was heard with), MMSI first;
	// nil when it gives one or none. Each matches.
	MMSIs   []int
	Name    string
	Aliases []string
	Extra   []Field // the list's other non-empty columns, in file order
	Line    int     // line of the row in its file
}

// Field is a column name and its text.
type Field struct {
	Name, Value string
}

// ExtraValue returns the value of the named extra column, or "".
func (e *Entry) ExtraValue(name string) string {
	for _, f := range e.Extra {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// By is the set of keys a hit matched on.
type By uint8

const (
	ByIMO   By = 1 << iota // IMO number, exact
	ByMMSI                 // MMSI, exact
	ByName                 // the entry's name, as identity.NameKey
	ByAlias                // one of the entry's aliases, as identity.NameKey
	// ByCallSign and ByType corroborate a name or alias (MatchVessel):
	// the entry's call sign, or a ship type that agrees with its vessel
	// type.
	ByCallSign
	ByType
)

func (b By) String() string {
	if b == 0 {
		return "none"
	}
	var parts []string
	for _, p := range []struct {
		bit  By
		name string
	}{{ByIMO, "imo"}, {ByMMSI, "mmsi"}, {ByName, "name"}, {ByAlias, "alias"}, {ByCallSign, "callsign"}, {ByType, "type"}} {
		if b&p.bit != 0 {
			parts = append(parts, p.name)
		}
	}
	return strings.Join(parts, "+")
}

// Hit is one entry a vessel matched.
type Hit struct {
	Entry *Entry
	By    By
	// Confidence in 0..1 that the vessel is the listed one, combining the
	// keys as independent evidence: 1 - prod(1 - c) over IMO 0.99, MMSI
	// 0.8, name 0.4, alias 0.3. Names repeat across fleets and MMSIs move
	// with reflagging; the IMO number stays with the hull.
	Confidence float64
}

// NameOnly reports a hit on the name or an alias alone, uncorroborated:
// a weak lead worth showing, worth no risk.
func (h Hit) NameOnly() bool { return h.By&(ByIMO|ByMMSI|ByCallSign|ByType) == 0 }

var keyConfidence = [...]struct {
	bit By
	c   float64
}{{ByIMO, 0.99}, {ByMMSI, 0.8}, {ByName, 0.4}, {ByAlias, 0.3}, {ByCallSign, 0.5}, {ByType, 0.2}}

func confidence(b By) float64 {
	miss := 1.0
	for _, k := range keyConfidence {
		if b&k.bit != 0 {
			miss *= 1 - k.c
		}
	}
	return 1 - miss
}
