package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/identity"
)

type randSource = *rand.Rand

// Kind is a vessel's kind of ship.
type Kind uint8

// The kinds of ship simulated.
const (
	Tanker Kind = iota
	Bulk
	Container
	Cargo
	Passenger
	Fishing
	Tug
	Pilot
	Pleasure
)

var kindNames = [...]string{"tanker", "bulk carrier", "container ship", "general cargo", "passenger", "fishing", "tug", "pilot vessel", "pleasure craft"}

func (k Kind) String() string { return kindNames[k] }

// kindSpec gives each kind its AIS ship type (M.1371-5 table 53), speed,
// size and class. Speeds: service speeds of the trades (tankers and bulk
// carriers 10-14 kn, container ships 16-20 kn, trawling 3-4.5 kn).
var kindSpec = [...]struct {
	shipType         uint8
	minKn, maxKn     float64
	minLen, maxLen   int
	beamRatio        float64
	classB           float64 // share carrying Class B transponders
	minDraft, maxDft float64 // metres
	share            float64 // of the fleet
}{
	Tanker:    {80, 10, 14, 110, 250, 0.17, 0, 7, 15, 0.22},
	Bulk:      {70, 10, 14, 150, 230, 0.16, 0, 8, 14, 0.17},
	Container: {71, 16, 20, 170, 300, 0.14, 0, 9, 14, 0.10},
	Cargo:     {70, 11, 15, 80, 150, 0.16, 0, 5, 9, 0.10},
	Passenger: {60, 16, 20, 140, 200, 0.15, 0, 5, 7, 0.03},
	Fishing:   {30, 8, 10, 18, 55, 0.25, 0.4, 3, 5, 0.24},
	Tug:       {52, 9, 12, 25, 35, 0.35, 0, 4, 5, 0.06},
	Pilot:     {50, 14, 20, 14, 20, 0.3, 0, 1.5, 2, 0.03},
	Pleasure:  {37, 5, 8, 9, 20, 0.3, 1, 1.5, 2.5, 0.05},
}

// identityRec is what a transmitter says about itself from a given time.
type identityRec struct {
	MMSI     uint32
	IMO      uint32
	Name     []byte
	CallSign []byte
	ShipType uint8
	Dim      ais.Dimensions
	Draught  uint8 // 1/10 m
}

type idSpan struct {
	from int64 // Unix ms
	id   *identityRec
}

// span is a time interval [From, To) in Unix ms.
type span struct{ From, To int64 }

// darkSpan is a time the transmitter is off.
type darkSpan struct {
	span
	deliberate bool
}

// vessel is one transmitter: a ship, or an impostor using a ship's MMSI.
type vessel struct {
	kind   Kind
	classB bool
	role   string
	// busy marks a vessel given a behaviour or confounder role.
	busy bool
	ids  []idSpan
	// dests are the destinations it announces, by time.
	dests []destSpan
	knots float64
	// alive is when the transmitter exists at all (impostors); the zero
	// span means the whole scenario.
	alive span
	dark  []darkSpan
	spoof []spoofPlan
	// faults are data faults in its reports (faults.go): no behaviour,
	// nothing to detect.
	faults []fault
	// noStatic: sends position reports only.
	noStatic bool
	// impostor: a second transmitter on another vessel's MMSI.
	impostor bool
	// notShip: not a ship (a net buoy): no ship rule applies, so the
	// truth holds no gap, loitering, encounter or port visit of it.
	notShip bool
	// marina: a pleasure craft moored in a marina: no encounter.
	marina bool
	home   int // home port index, -1 none
}

type destSpan struct {
	from int64
	dest []byte
	eta  int64 // Unix ms, 0 not available
}

// spoofPlan moves the position reports in [at, until) from (trueLat,
// trueLon) to (lat, lon), the ship's track translated: its GNSS receiver
// spoofed, the track goes on from the false place until it ends.
type spoofPlan struct {
	at, until        int64
	lat, lon         float64 // the first false position
	trueLat, trueLon float64 // where the ship was then
	// ramp, when set, drags the position off gradually: the offset
	// grows over ramp from at and shrinks over ramp to until, and
	// (lat, lon) is where the true (trueLat, trueLon) is put at full
	// offset (radarspoof.go).
	ramp int64
}

// offset is how far the reports at t are moved (degrees of latitude and
// longitude).
func (sp *spoofPlan) offset(t int64) (dlat, dlon float64) {
	w := 1.0
	if sp.ramp > 0 {
		w = min(1, max(0, float64(min(t-sp.at, sp.until-t))/float64(sp.ramp)))
	}
	return w * (sp.lat - sp.trueLat), w * (sp.lon - sp.trueLon)
}

// idAt returns the identity used at t, nil when none.
func (v *vessel) idAt(t int64) *identityRec {
	var cur *identityRec
	for i := range v.ids {
		if v.ids[i].from <= t {
			cur = v.ids[i].id
		}
	}
	return cur
}

func (v *vessel) destAt(t int64) *destSpan {
	var d *destSpan
	for i := range v.dests {
		if v.dests[i].from <= t {
			d = &v.dests[i]
		}
	}
	return d
}

// namer makes unique names and numbers.
type namer struct {
	rng   randSource
	names map[string]bool
	mmsis map[uint32]bool
	imos  map[uint32]bool
	calls map[string]bool
}

func newNamer(rng randSource) *namer {
	return &namer{rng: rng, names: map[string]bool{}, mmsis: map[uint32]bool{}, imos: map[uint32]bool{}, calls: map[string]bool{}}
}

var (
	nameFirst = []string{"OCEAN", "SEA", "GOLDEN", "GRAND", "PACIFIC", "ORIENT", "SILVER", "BLUE", "EASTERN", "NORTHERN", "SOUTHERN", "GLOBAL", "ROYAL", "LUCKY",
		"BRIGHT", "NEW", "STAR", "GREAT", "HAPPY", "CRYSTAL", "JADE", "PEARL", "SUN", "DRAGON", "PHOENIX", "SKY", "WIND", "CAPE", "ATLANTIC", "ARCTIC"}
	nameSecond = []string{"GLORY", "PEARL", "STAR", "SPIRIT", "PRIDE", "FORTUNE", "HARMONY", "VENTURE", "HORIZON", "DREAM", "HOPE", "LEGEND", "VOYAGER", "EXPRESS",
		"PIONEER", "TRADER", "CARRIER", "BREEZE", "WAVE", "MARINER", "EMPRESS", "PRINCESS", "FALCON", "EAGLE", "LOTUS", "ORCHID", "JASMINE", "UNITY", "PROSPERITY", "VICTORY"}
	fishPrefix = map[int][]string{
		412: {"LU RONG YU", "LU YAN YU", "ZHE DAI YU", "LIAO DAN YU", "SU LIAN YU", "LU WEI YU"},
		413: {"LU RONG YU", "ZHE LING YU", "MIN SHI YU", "LIAO DA ZHONG YU"},
		440: {"DAEYANG", "SAMHO", "HANSUNG", "JINYANG", "DONGWON"},
		441: {"NO.7 SEONGHO", "NO.3 HAEYANG", "NO.11 JEIL"},
	}
	tugNames = []string{"TUG", "TOWER", "HERCULES", "SAMSON", "ATLAS", "TITAN", "GIANT", "BULL", "STRONG"}
)

// name returns a fresh name for a vessel of kind k flagged by mid.
func (n *namer) name(k Kind, mid int) string {
	for try := 0; ; try++ {
		var s string
		switch k {
		case Fishing:
			if p, ok := fishPrefix[mid]; ok {
				s = fmt.Sprintf("%s %d", p[n.rng.IntN(len(p))], 100+n.rng.IntN(9900))
			} else {
				s = fmt.Sprintf("%s %d", nameFirst[n.rng.IntN(len(nameFirst))], 1+n.rng.IntN(99+try*10))
			}
		case Tug:
			s = fmt.Sprintf("%s %d", tugNames[n.rng.IntN(len(tugNames))], 1+n.rng.IntN(60+try*10))
		case Pilot:
			s = fmt.Sprintf("PILOT %d", 1+n.rng.IntN(99+try*10))
		default:
			s = nameFirst[n.rng.IntN(len(nameFirst))] + " " + nameSecond[n.rng.IntN(len(nameSecond))]
			if try > 3 || n.rng.IntN(3) == 0 {
				s = fmt.Sprintf("%s %d", s, 1+n.rng.IntN(99+try*10))
			}
		}
		if len(s) <= 20 && !n.names[s] {
			n.names[s] = true
			return s
		}
	}
}

// mmsi returns a fresh ship MMSI with the given MID.
func (n *namer) mmsi(mid int) uint32 {
	for {
		m := uint32(mid)*1_000_000 + uint32(1000+n.rng.IntN(998_999))
		if !n.mmsis[m] && m%1000 != 0 {
			n.mmsis[m] = true
			return m
		}
	}
}

// imo returns a fresh IMO number with a valid check digit (IMO
// Resolution A.1117(30)).
func (n *namer) imo() uint32 {
	for {
		base := 900_000 + n.rng.IntN(90_000) // 9000000-9899999: ships built since the 1990s
		sum := 0
		v := base
		for w := 2; w <= 7; w++ {
			sum += (v % 10) * w
			v /= 10
		}
		imo := uint32(base*10 + sum%10)
		if !n.imos[imo] && identity.ValidIMO(int(imo)) {
			n.imos[imo] = true
			return imo
		}
	}
}

// callPrefix maps a flag to the start of its call signs (ITU call sign
// series, simplified to one prefix per flag).
var callPrefix = map[string]string{
	"CN": "B", "KR": "D", "JP": "J", "HK": "VR", "PA": "3E", "LR": "A8", "MH": "V7", "SG": "9V", "SL": "9L", "TG": "5V", "MN": "JV", "KP": "HM",
	"AE": "A6", "IR": "EP", "SA": "HZ", "QA": "A7", "OM": "A4", "KW": "9K", "MT": "9H", "KM": "D6", "CM": "TJ", "PW": "T8", "SE": "SB", "FI": "OH",
	"EE": "ES", "LV": "YL", "LT": "LY", "PL": "SP", "DE": "DA", "DK": "OU", "RU": "UB", "GA": "TR", "CK": "E5",
}

// callSign returns a fresh call sign for a vessel flagged by mid.
func (n *namer) callSign(mid int) string {
	const al = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	prefix := "X"
	if c, ok := identity.LookupMID(mid); ok {
		if p, ok := callPrefix[c.Alpha2]; ok {
			prefix = p
		}
	}
	for {
		var b strings.Builder
		b.WriteString(prefix)
		for b.Len() < 5 {
			b.WriteByte(al[n.rng.IntN(len(al))])
		}
		if s := b.String(); !n.calls[s] {
			n.calls[s] = true
			return s
		}
	}
}

// newIdentity makes a complete identity for a ship of kind k flagged by mid.
func (n *namer) newIdentity(k Kind, mid int, withIMO bool) *identityRec {
	sp := kindSpec[k]
	length := sp.minLen + n.rng.IntN(sp.maxLen-sp.minLen+1)
	beam := max(3, int(float64(length)*sp.beamRatio))
	bow := length * (55 + n.rng.IntN(30)) / 100
	port := beam / 2
	id := &identityRec{
		MMSI:     n.mmsi(mid),
		Name:     []byte(n.name(k, mid)),
		CallSign: []byte(n.callSign(mid)),
		ShipType: sp.shipType,
		Dim:      ais.Dimensions{ToBow: uint16(bow), ToStern: uint16(length - bow), ToPort: uint16(min(port, 63)), ToStarboard: uint16(min(beam-port, 63))},
		Draught:  uint8((sp.minDraft + n.rng.Float64()*(sp.maxDft-sp.minDraft)) * 10),
	}
	if withIMO {
		id.IMO = n.imo()
	}
	return id
}

// invalidMID returns the first MID at or after from that ITU has not
// allocated (identity.ValidMID).
func invalidMID(from int) int {
	for m := from; m < 800; m++ {
		if !identity.ValidMID(m) {
			return m
		}
	}
	return 0
}
