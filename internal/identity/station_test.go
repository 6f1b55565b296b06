package identity

import (
	"errors"
	"testing"
)

func sent(types ...int) Messages {
	var m Messages
	for _, t := range types {
		m |= 1 << t
	}
	return m
}

// Transmitters as heard in real logs (AISHub 2015, exactEarth 2012,
// Kystverket 2024, MarineCadastre 2022), and what each is.
func TestClassifyTransmitter(t *testing.T) {
	for _, c := range []struct {
		h    Heard
		want Station
		err  error
	}{
		{Heard{MMSI: 244740981, Sent: sent(1, 5), ShipType: 79}, StationVessel, nil},
		{Heard{MMSI: 992446000, Sent: sent(21)}, StationAtoN, nil},                      // AtoN
		{Heard{MMSI: 993661234, Sent: sent(21)}, StationAtoN, nil},                      // US virtual AtoN form
		{Heard{MMSI: 2442001, Sent: sent(4)}, StationBase, nil},                         // Dutch base station
		{Heard{MMSI: 3669881}, StationBase, nil},                                        // MarineCadastre row, no ship type
		{Heard{MMSI: 111232506, Sent: sent(9)}, StationSARAircraft, nil},                // AISHub type 9
		{Heard{MMSI: 111232506}, StationSARAircraft, nil},                               // SAR form, no ship reports
		{Heard{MMSI: 985346207, Sent: sent(18, 24), Name: "WD BASE"}, StationGear, nil}, // 98MID: craft of a parent ship
		{Heard{MMSI: 59700014, Sent: sent(19), Name: "00014 82%"}, StationGear, nil},
		{Heard{MMSI: 109050604, Sent: sent(18, 24), Name: "NINA MARI 7    [24%]"}, StationGear, nil},
		{Heard{MMSI: 941500508, Sent: sent(18, 24), Name: "BREITIND BUOY  [61%]"}, StationGear, nil},
		{Heard{MMSI: 586706055, Sent: sent(18, 24), Name: "NESEGUTTEN BOUY"}, StationGear, nil},
		{Heard{MMSI: 412345678, Sent: sent(18, 24), Name: "ZHEYU 12345 12.5V"}, StationGear, nil},
		{Heard{MMSI: 994008087, Sent: sent(19), Name: "BUOY-007          9V"}, StationGear, nil},
		{Heard{MMSI: 992766606, Sent: sent(19), Name: "NETFIH9927-06     9V"}, StationGear, nil},
		{Heard{MMSI: 972971214}, StationDistress, nil}, // MOB device
		{Heard{MMSI: 970123456, Sent: sent(1, 14)}, StationDistress, nil},
		{Heard{MMSI: 367451110, Sent: sent(18, 24), ShipType: 37}, StationPleasure, nil},
		{Heard{MMSI: 211491850, Sent: sent(1, 5, 8), ShipType: 80, ENI: true}, StationInland, nil},
		// Ships with a mistyped number: every ship rule, and invalid.
		{Heard{MMSI: 2327460, Sent: sent(1, 5), Name: "MARTINIQUE"}, StationVessel, ErrShipReportFromShore},
		{Heard{MMSI: 25634906, Sent: sent(1, 5), Name: "VICTROL10"}, StationVessel, ErrShipReportFromShore},
		{Heard{MMSI: 4330, Sent: sent(1)}, StationVessel, ErrUnallocatedMID},
		// Invalid whatever it is: an AtoN with an unallocated MID.
		{Heard{MMSI: 999999111, Sent: sent(21)}, StationAtoN, ErrUnallocatedMID},
		// Class A reports under an AtoN's number: a ship, invalid, and
		// no name makes it gear.
		{Heard{MMSI: 999999111, Sent: sent(1)}, StationVessel, ErrUnallocatedMID},
		{Heard{MMSI: 992351234, Sent: sent(1, 5), ShipType: 80, Name: "BUOY 12V"}, StationVessel, ErrClassAFromNonShip},
		{Heard{MMSI: 412345678, Sent: sent(1, 5), ShipType: 80, Name: "SEA STAR [50%]"}, StationVessel, nil},
		// A tender with a Class A unit is a boat; with a Class B one, gear.
		{Heard{MMSI: 983661234, Sent: sent(1, 5), ShipType: 90, Name: "WORKBOAT 2"}, StationVessel, nil},
		// Names that only look like gear.
		{Heard{MMSI: 512001261, Sent: sent(1, 5), ShipType: 60, Name: "SEABUS KEA:R%"}, StationVessel, nil},
		{Heard{MMSI: 205238190, Sent: sent(1, 5), ShipType: 80, Name: "SOMTRANS V"}, StationVessel, nil},
		{Heard{MMSI: 244750103, Sent: sent(1, 5), ShipType: 89, Name: "ZOEY.V"}, StationVessel, nil},
		{Heard{MMSI: 244363000, Sent: sent(1, 5), Name: "FILIA NETTIE"}, StationVessel, nil},
	} {
		got := ClassifyTransmitter(c.h)
		if got.Station != c.want || !errors.Is(got.Err, c.err) || (c.err == nil && got.Err != nil) {
			t.Errorf("%d %q: %s, %v; want %s, %v", c.h.MMSI, c.h.Name, got.Station, got.Err, c.want, c.err)
		}
	}
}

func TestStationShip(t *testing.T) {
	for s := StationVessel; s <= StationDistress; s++ {
		want := s == StationVessel || s == StationPleasure || s == StationInland
		if s.Ship() != want {
			t.Errorf("%s: Ship() %v", s, s.Ship())
		}
	}
}
