package sim

import (
	"fmt"
	"slices"
	"strings"
)

// Region is a sea area a scenario plays in: its bounds, the receivers that
// cover it, the zones written to zones.geojson and the flags its traffic
// flies.
type Region struct {
	Name        string
	Description string
	// Bounds in degrees. Vessels, routes and injected behaviours stay inside.
	South, North, West, East float64
	// Stations are the terrestrial receivers.
	Stations []StationDef
	// Zones are written to zones.geojson; vessels entering them make
	// zone_visit truth events.
	Zones []Zone
	// HotspotZone names the zone where encounters are placed first when
	// it allows (a known ship-to-ship transfer area).
	HotspotZone string
	// Flags are MIDs for ordinary traffic, repeated for weight.
	Flags []int
	// LocalMIDs are the coastal states' MIDs, used for fishing vessels,
	// tugs, pilots and small craft.
	LocalMIDs []int
	// GridDeg is the routing grid's cell size in degrees.
	GridDeg float64
	// MarginNM keeps routes this far from the coastline (where the strait
	// allows).
	MarginNM float64
}

// StationDef is a terrestrial AIS receiver. Its position snaps to the
// nearest port of the port list within 15 km, whose name it then takes
// when Name is empty.
type StationDef struct {
	Name     string
	Lat, Lon float64
	// RangeNM is how far it hears a ship: 40 nm for a coastal mast (VHF
	// radio horizon between a ~25 m ship antenna and a ~50 m mast), more
	// for an elevated site.
	RangeNM float64
	// Offshore stations (research towers, platforms) keep their own name
	// and position.
	Offshore bool
}

// Zone is a named polygon (outer ring, lon/lat pairs, closed).
type Zone struct {
	Name string
	Ring [][2]float64
}

// box makes a rectangular zone.
func box(name string, south, west, north, east float64) Zone {
	return Zone{Name: name, Ring: [][2]float64{{west, south}, {east, south}, {east, north}, {west, north}, {west, south}}}
}

// contains reports whether (lat, lon) is inside the zone (even-odd rule).
func (z *Zone) contains(lat, lon float64) bool {
	in := false
	r := z.Ring
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		xi, yi, xj, yj := r[i][0], r[i][1], r[j][0], r[j][1]
		if (yi > lat) != (yj > lat) && lon < (xj-xi)*(lat-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// The regions. Station positions are the ports' World Port Index
// positions; ranges follow the usual 40 nm of a coastal AIS mast, with a few
// elevated or offshore sites so that part of the open sea has good
// terrestrial coverage (the intentional-gap rule needs it >= 50 nm from
// shore).
var regions = []*Region{
	{
		Name:        "korea",
		Description: "Yellow Sea, Korea Bay and northern East China Sea, where ship-to-ship transfers to DPRK tankers are reported (UN Panel of Experts on the DPRK)",
		South:       30, North: 41, West: 117.5, East: 131,
		Stations: []StationDef{
			{Lat: 37.466667, Lon: 126.616667, RangeNM: 40},                                // INCHON
			{Lat: 35.1, Lon: 129.033333, RangeNM: 40},                                     // PUSAN
			{Lat: 34.783333, Lon: 126.383333, RangeNM: 40},                                // MOKPO
			{Lat: 35.983333, Lon: 126.616667, RangeNM: 40},                                // KUNSAN
			{Lat: 33.516667, Lon: 126.533333, RangeNM: 80},                                // CHEJU HANG, elevated site
			{Lat: 38.916667, Lon: 121.666667, RangeNM: 40},                                // DALIAN
			{Lat: 36.033333, Lon: 120.266667, RangeNM: 40},                                // QINGDAO
			{Lat: 37.5, Lon: 122.1, RangeNM: 40},                                          // WEIHAI
			{Lat: 31.216667, Lon: 121.5, RangeNM: 40},                                     // SHANGHAI
			{Lat: 30.0, Lon: 122.1, RangeNM: 40},                                          // ZHOUSHAN
			{Lat: 34.733333, Lon: 119.45, RangeNM: 40},                                    // LIANYUNGANG
			{Lat: 38.966667, Lon: 117.833333, RangeNM: 40},                                // TIANJIN
			{Lat: 39.816667, Lon: 124.15, RangeNM: 40},                                    // DANDONG
			{Lat: 33.6, Lon: 130.4, RangeNM: 40},                                          // HAKATA
			{Lat: 34.733333, Lon: 127.75, RangeNM: 40},                                    // YOSU
			{Lat: 35.45, Lon: 129.4, RangeNM: 40},                                         // ULSAN
			{Lat: 37.016667, Lon: 126.4, RangeNM: 40},                                     // DAESAN HANG
			{Lat: 37.55, Lon: 121.45, RangeNM: 40},                                        // YANTAI
			{Lat: 35.383333, Lon: 119.566667, RangeNM: 40},                                // RIZHAO
			{Lat: 32.716667, Lon: 129.85, RangeNM: 40},                                    // NAGASAKI
			{Lat: 39.933333, Lon: 119.616667, RangeNM: 40},                                // QINHUANGDAO
			{Lat: 40.683333, Lon: 122.233333, RangeNM: 40},                                // YINGKOU
			{Name: "IEODO", Lat: 32.123, Lon: 125.182, RangeNM: 40, Offshore: true},       // Ieodo Ocean Research Station
			{Name: "SOCHEONGCHO", Lat: 37.423, Lon: 124.738, RangeNM: 40, Offshore: true}, // Socheongcho Ocean Research Station
			{Name: "GAGEOCHO", Lat: 33.942, Lon: 124.593, RangeNM: 40, Offshore: true},    // Gageocho Ocean Research Station
			{Name: "SHENGSI", Lat: 30.725, Lon: 122.455, RangeNM: 40, Offshore: true},     // Shengsi islands
			{Name: "CHANGSHAN", Lat: 39.27, Lon: 122.59, RangeNM: 40, Offshore: true},     // Changshan islands
		},
		Zones: []Zone{
			box("Korea Bay STS area", 38.3, 122.6, 39.3, 124.0),
			box("East China Sea STS area", 30.6, 122.9, 31.9, 124.3),
			box("DPRK West Sea approaches", 37.7, 124.2, 38.7, 125.2),
		},
		HotspotZone: "Korea Bay STS area",
		// China, Korea, Japan, Hong Kong, Panama, Liberia, Marshall Is.,
		// Singapore, Sierra Leone, Togo, Mongolia, DPRK.
		Flags:     []int{412, 412, 413, 413, 414, 440, 440, 441, 431, 477, 477, 351, 352, 353, 636, 636, 538, 563, 667, 671, 457, 445},
		LocalMIDs: []int{412, 413, 440, 441},
		GridDeg:   0.05,
		MarginNM:  0.5,
	},
	{
		Name:        "gulf",
		Description: "Persian Gulf, Strait of Hormuz and Gulf of Oman, where Iranian oil is moved ship to ship",
		South:       22, North: 30.5, West: 47.5, East: 61,
		Stations: []StationDef{
			{Lat: 25.166667, Lon: 56.333333, RangeNM: 40}, // FUJAYRAH HARBOR
			{Lat: 25.016667, Lon: 55.05, RangeNM: 40},     // MINA JABAL ALI
			{Lat: 24.5, Lon: 54.333333, RangeNM: 40},      // ABU ZABY
			{Lat: 27.15, Lon: 56.2, RangeNM: 40},          // BANDAR ABBAS
			{Lat: 25.633333, Lon: 57.766667, RangeNM: 40}, // JASK
			{Lat: 23.633333, Lon: 58.583333, RangeNM: 70}, // MINA QABUS, elevated site
			{Lat: 24.516667, Lon: 56.633333, RangeNM: 40}, // PORT OF SOHAR
			{Lat: 25.916667, Lon: 51.583333, RangeNM: 40}, // RAS LAFFAN
			{Lat: 26.633333, Lon: 50.166667, RangeNM: 40}, // RAS TANNURAH
			{Lat: 26.2, Lon: 50.633333, RangeNM: 40},      // MINA SALMAN
			{Lat: 29.066667, Lon: 48.166667, RangeNM: 40}, // MINA AL AHMADI
			{Lat: 28.983333, Lon: 50.833333, RangeNM: 40}, // BUSHEHR
			{Lat: 29.233333, Lon: 50.333333, RangeNM: 40}, // KHARG ISLAND
			{Lat: 25.266667, Lon: 60.616667, RangeNM: 40}, // CHAH BAHAR
			{Lat: 25.15, Lon: 52.866667, RangeNM: 40},     // JAZIRAT DAS
			{Lat: 27.533333, Lon: 52.533333, RangeNM: 40}, // BANDAR-E PARS
			{Lat: 22.683333, Lon: 59.4, RangeNM: 40},      // QALHAT
			{Lat: 25.283333, Lon: 51.533333, RangeNM: 40}, // DOHA
			{Lat: 27.083333, Lon: 49.666667, RangeNM: 40}, // AL JUBAYL
		},
		Zones: []Zone{
			box("Gulf of Oman STS area", 24.6, 56.55, 25.6, 57.3),
			box("Strait of Hormuz", 26.1, 55.9, 26.9, 57.0),
			box("Kharg approaches", 28.8, 49.8, 29.6, 50.6),
		},
		HotspotZone: "Gulf of Oman STS area",
		// UAE, Iran, Saudi Arabia, Qatar, Oman, Kuwait, Panama, Liberia,
		// Marshall Is., Malta, Comoros, Cameroon, Palau.
		Flags:     []int{470, 470, 422, 422, 403, 466, 461, 447, 351, 352, 370, 636, 636, 538, 248, 616, 613, 511},
		LocalMIDs: []int{470, 422, 461, 466, 403},
		GridDeg:   0.05,
		MarginNM:  0.5,
	},
	{
		Name:        "baltic",
		Description: "Baltic Sea and Gulf of Finland, where Russian oil leaves Primorsk and Ust-Luga on shadow-fleet tankers",
		South:       53.8, North: 60.9, West: 12.5, East: 30.5,
		Stations: []StationDef{
			{Lat: 54.35, Lon: 18.666667, RangeNM: 40},     // GDANSK
			{Lat: 55.716667, Lon: 21.116667, RangeNM: 40}, // KLAIPEDA
			{Lat: 57.4, Lon: 21.533333, RangeNM: 40},      // VENTSPILS
			{Lat: 56.95, Lon: 24.1, RangeNM: 40},          // RIGA
			{Lat: 59.45, Lon: 24.766667, RangeNM: 40},     // TALLINN
			{Lat: 60.166667, Lon: 24.966667, RangeNM: 40}, // HELSINKI
			{Lat: 59.333333, Lon: 18.05, RangeNM: 40},     // STOCKHOLM
			{Lat: 57.633333, Lon: 18.283333, RangeNM: 50}, // VISBY, elevated site
			{Lat: 56.166667, Lon: 15.6, RangeNM: 40},      // KARLSKRONA
			{Lat: 55.1, Lon: 14.7, RangeNM: 40},           // RONNE
			{Lat: 54.516667, Lon: 13.65, RangeNM: 40},     // SASSNITZ
			{Lat: 54.633333, Lon: 19.9, RangeNM: 40},      // BALTIYSK
			{Lat: 60.1, Lon: 19.916667, RangeNM: 40},      // MARIEHAMN
			{Lat: 59.933333, Lon: 30.3, RangeNM: 40},      // SANKT-PETERBURG
			{Lat: 60.366667, Lon: 28.633333, RangeNM: 40}, // PRIMORSK
			{Lat: 55.616667, Lon: 13.0, RangeNM: 40},      // MALMO
			{Lat: 57.266667, Lon: 16.45, RangeNM: 40},     // OSKARSHAMN
			{Lat: 56.516667, Lon: 21.016667, RangeNM: 40}, // LIEPAJA
			{Lat: 59.816667, Lon: 22.95, RangeNM: 40},     // HANKO
			{Lat: 60.466667, Lon: 26.966667, RangeNM: 40}, // KOTKA
		},
		Zones: []Zone{
			box("Gotland Basin STS area", 56.3, 19.3, 57.3, 20.6),
			box("Gulf of Finland approaches", 59.52, 22.8, 59.78, 26.0),
			box("Kaliningrad approaches", 54.75, 19.0, 55.3, 20.0),
		},
		HotspotZone: "Gotland Basin STS area",
		// Sweden, Finland, Estonia, Latvia, Lithuania, Poland, Germany,
		// Denmark, Russia, Malta, Liberia, Panama, Marshall Is., Gabon,
		// Cook Islands, Cameroon.
		Flags:     []int{265, 266, 230, 276, 275, 277, 261, 211, 218, 219, 273, 273, 256, 636, 351, 538, 626, 518, 613},
		LocalMIDs: []int{265, 230, 276, 275, 277, 261, 211, 219, 273},
		GridDeg:   0.04,
		MarginNM:  0.5,
	},
}

// RegionNames lists the known regions.
func RegionNames() []string {
	var n []string
	for _, r := range regions {
		n = append(n, r.Name)
	}
	return n
}

// LookupRegion returns the region called name (case-insensitive).
func LookupRegion(name string) (*Region, error) {
	for _, r := range regions {
		if strings.EqualFold(r.Name, name) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("sim: %w %q (have %s)", ErrUnknownRegion, name, strings.Join(RegionNames(), ", "))
}

// inBounds reports whether (lat, lon) is inside the region.
func (r *Region) inBounds(lat, lon float64) bool {
	return lat >= r.South && lat <= r.North && lon >= r.West && lon <= r.East
}

func (r *Region) zone(name string) *Zone {
	i := slices.IndexFunc(r.Zones, func(z Zone) bool { return z.Name == name })
	if i < 0 {
		return nil
	}
	return &r.Zones[i]
}
