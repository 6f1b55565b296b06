package ports

import "fmt"

// Kind says what a place is.
type Kind uint8

const (
	// KindPort is a harbour or terminal: a World Port Index entry, or a user's place.
	KindPort Kind = iota
	// KindAnchorage is a place where vessels stop outside a harbour: one of Global Fishing
	// Watch's named anchorage cells (about 500 m across), many per port.
	KindAnchorage
)

func (k Kind) String() string {
	switch k {
	case KindPort:
		return "port"
	case KindAnchorage:
		return "anchorage"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

func parseKind(s string) (Kind, bool) {
	switch s {
	case "port":
		return KindPort, true
	case "anchorage":
		return KindAnchorage, true
	}
	return 0, false
}

// Port is a named place where vessels stop.
type Port struct {
	Name string
	// Country is the ISO 3166-1 alpha-3 code ("NLD", "PRK"); empty for user places.
	Country string
	// Lat and Lon are WGS84 degrees.
	Lat, Lon float64
	// RadiusKm is the place's own extent when it is known (user files may give one). Zero
	// means "use the detector's radius", e.g. 3 km for a port visit (Global Fishing Watch).
	RadiusKm float64
	Kind     Kind
	// Source names where the entry comes from, for attribution and licensing: "wpi" (NGA
	// World Port Index), "gfw-wpi" (GFW's copy of an older index), "gfw" (GFW named
	// anchorages, CC BY-NC 4.0) or "user" (Load). See SOURCES.md.
	Source string
}
