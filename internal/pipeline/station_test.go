package pipeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/track"
)

// Real-data tests: things that are not ships (AtoNs, base stations, SAR
// aircraft, net buoys) get no ship rule, and ship reports under numbers no
// ship has are invalid identities.

// shipOnly are the event types that are about ships only.
var shipOnly = map[event.Type]bool{
	event.Gap: true, event.DarkRendezvous: true, event.Loitering: true, event.Encounter: true, event.PortVisit: true,
}

// checkNonShips fails for every event or risk reason a transmitter that is
// not a ship got from a ship rule, and returns how many such transmitters
// the input has.
func checkNonShips(t *testing.T, res *AnalyzeResult) map[identity.Station]int {
	t.Helper()
	seen := map[identity.Station]int{}
	nonShip := map[uint32]identity.Transmitter{}
	res.Tracker.Vessels(func(v *track.Vessel) {
		tx := v.Transmitter()
		if !tx.Station.Ship() {
			nonShip[v.MMSI] = tx
			seen[tx.Station]++
		}
	})
	for _, e := range res.Events {
		for _, m := range []uint32{e.MMSI, e.OtherMMSI} {
			tx, ok := nonShip[m]
			if !ok || m == 0 && e.MMSI != 0 {
				continue
			}
			if shipOnly[e.Type] {
				t.Errorf("%s %d got a ship rule: %s", tx.Station, m, e.Summary)
			}
			if e.Subtype == event.InvalidIdentity && e.Field == "mmsi" && identity.Classify(int(m)).Err == nil {
				t.Errorf("%s %d, a valid number, called invalid: %s", tx.Station, m, e.Summary)
			}
		}
	}
	for _, p := range profile.Build(res.Tracker, res.Events, profile.Options{}) {
		tx, ok := nonShip[p.MMSI]
		if !ok {
			continue
		}
		for _, r := range p.Risk.Reasons {
			switch r.Code {
			case profile.CodeNoIMO, profile.CodeIntentionalGap, profile.CodeCoverageGap, profile.CodeEncounter, profile.CodeLoitering, profile.CodeDarkRendezvous:
				t.Errorf("%s %d scored %s: %s", tx.Station, p.MMSI, r.Code, r.Reason)
			case profile.CodeInvalidMMSI:
				if tx.Err == nil {
					t.Errorf("%s %d scored %s: %s", tx.Station, p.MMSI, r.Code, r.Reason)
				}
			}
		}
	}
	return seen
}

// The AISHub sample: AtoNs (type 21), base stations (type 4) and one SAR
// aircraft (111232506, type 9) reach no ship rule; the two AtoN-form
// numbers sending Class A reports (999999111, 999999222, MID 999
// unallocated) are ships with invalid numbers. Ship reports under a
// coast-station number with an allocated MID (2327460 MARTINIQUE, MID 232
// UK) and a group number (25634906 VICTROL10, MID 256 Malta) are invalid
// identities: ship MMSIs typed with a digit missing.
func TestAnalyzeAISHubNonShips(t *testing.T) {
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute, Places: worldPlaces(t)}, "aivdm/aishub_global_3min_2015.nmea.gz")
	seen := checkNonShips(t, res)
	if seen[identity.StationSARAircraft] == 0 || seen[identity.StationAtoN] == 0 {
		t.Errorf("non-ships classified: %v; the sample has a SAR aircraft and AtoN-form numbers", seen)
	}
	if tx := res.Tracker.Vessel(111232506).Transmitter(); tx.Station != identity.StationSARAircraft {
		t.Errorf("111232506 (type 9) is a %s", tx.Station)
	}
	invalid := eventsOf(res, event.Spoofing, event.InvalidIdentity)
	for _, mmsi := range []uint32{2327460, 25634906, 999999111, 999999222} {
		if len(invalid[mmsi]) != 1 {
			t.Errorf("%d: %d invalid_identity events, want 1", mmsi, len(invalid[mmsi]))
		}
	}
	for _, p := range profile.Build(res.Tracker, res.Events, profile.Options{}) {
		if p.MMSI == 2327460 && p.Segment == "" && (p.MMSIValid || p.MMSIProblem != "ship_report_from_shore") {
			t.Errorf("2327460: valid %v, problem %q", p.MMSIValid, p.MMSIProblem)
		}
	}
}

// Net buoys off Norway (Kystverket 2024: "NINA MARI 7 [24%]", "BREITIND
// BUOY [61%]", "NESEGUTTEN BOUY", "JEGERINNEN BOUY 2") and in the Pacific
// (AISdb 2021: "00014 82%", "BUOY-007 9V", "NETFIH9927-06 9V") number
// themselves as they like: no invalid identity, no ship rule.
func TestAnalyzeNetBuoys(t *testing.T) {
	for _, c := range []struct {
		file  string
		buoys []uint32
	}{
		{"aivdm/kystverket_norway_tagblock_2024-12-10.nm4", []uint32{109050604, 941500508, 586706055, 109080560}},
		{"aivdm/aisdb_tagblock_2021-11-01.nm4", []uint32{59700014, 994008087, 992766606}},
	} {
		res := analyzeFiles(t, AnalyzeOptions{Places: worldPlaces(t)}, c.file)
		checkNonShips(t, res)
		invalid := eventsOf(res, event.Spoofing, event.InvalidIdentity)
		for _, m := range c.buoys {
			v := res.Tracker.Vessel(m)
			if v == nil {
				continue // heard only in static reports: no position, no rule
			}
			if tx := v.Transmitter(); tx.Station != identity.StationGear {
				t.Errorf("%s: %d is a %s", c.file, m, tx.Station)
			}
			if len(invalid[m]) > 0 {
				t.Errorf("%s: buoy %s", c.file, invalid[m][0].Summary)
			}
		}
	}
}

// Inland vessels send their ENI (type 8, DAC 200, FI 10) and have no IMO
// number: in the AISHub sample 141 that did were scored no_imo. The
// Dutch barge 2327460 MARTINIQUE carries its ENI (02327460) as its MMSI:
// inland, and still an invalid identity.
func TestAnalyzeAISHubInland(t *testing.T) {
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute}, "aivdm/aishub_global_3min_2015.nmea.gz")
	inland := 0
	res.Tracker.Vessels(func(v *track.Vessel) {
		if v.Transmitter().Station == identity.StationInland {
			inland++
		}
	})
	if inland < 100 {
		t.Errorf("%d inland vessels; the sample has over a hundred sending an ENI", inland)
	}
	var sum strings.Builder
	WriteSummary(&sum, res)
	if want := fmt.Sprintf("1 SAR aircraft, %d inland vessels", inland); !strings.Contains(sum.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, sum.String())
	}
	for _, m := range []uint32{211491850, 205238190, 244750103, 2327460} {
		if v := res.Tracker.Vessel(m); v == nil || v.Transmitter().Station != identity.StationInland {
			t.Errorf("%d is not inland", m)
		}
	}
	for _, p := range profile.Build(res.Tracker, res.Events, profile.Options{}) {
		v := res.Tracker.Vessel(p.MMSI)
		if v == nil || v.Transmitter().Station != identity.StationInland {
			continue
		}
		for _, r := range p.Risk.Reasons {
			if r.Code == profile.CodeNoIMO {
				t.Errorf("inland %d %s: %s", p.MMSI, p.Name, r.Reason)
			}
		}
	}
}

// The MarineCadastre day: 3669881 and 3669882 (coast-station numbers, no
// name, no ship type) are base stations and call at no port; 985346207
// "WD BASE" and 985226000 "PEAFYBASE" (98MID: craft tied to a parent
// ship) are not invalid identities. 998975541 (AtoN form, MID 897
// unallocated) is truly invalid and stays so.
func TestAnalyzeMarineCadastreNonShips(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{Places: worldPlaces(t)}, "csv/marinecadastre_us_2022-01-03_sample99999.csv.gz")
	checkNonShips(t, res)
	for _, m := range []uint32{3669881, 3669882} {
		if tx := res.Tracker.Vessel(m).Transmitter(); tx.Station != identity.StationBase {
			t.Errorf("%d is a %s", m, tx.Station)
		}
	}
	invalid := eventsOf(res, event.Spoofing, event.InvalidIdentity)
	for _, m := range []uint32{985346207, 985226000} {
		if len(invalid[m]) > 0 {
			t.Errorf("%s", invalid[m][0].Summary)
		}
	}
	if len(invalid[998975541]) != 1 {
		t.Errorf("998975541 not invalid")
	}
}
