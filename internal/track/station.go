package track

import (
	"strconv"

	"github.com/picket-ais/picket/internal/identity"
)

// Heard is what the vessel's reports say about what kind of transmitter it
// is, for identity.ClassifyTransmitter.
func (v *Vessel) Heard() identity.Heard {
	h := identity.Heard{MMSI: int(v.MMSI), Sent: v.Sent, ENI: v.ENI}
	if st, ok := v.ID.ShipTypes.Current(); ok {
		h.ShipType, _ = strconv.Atoi(st)
	}
	h.Name, _ = v.ID.Names.Current()
	return h
}

// Transmitter classifies the vessel: a ship, or an AtoN, base station, SAR
// aircraft, fishing gear or distress beacon that ship rules do not fit.
func (v *Vessel) Transmitter() identity.Transmitter {
	return identity.ClassifyTransmitter(v.Heard())
}
