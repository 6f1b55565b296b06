package pipeline

import (
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/places"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/track"
)

// Identity findings on real logs, checked by hand against the raw fixes.

// exactEarth 2012 (three satellite passes over the Indian Ocean and the
// Tasman Sea): 32 vessels broadcast IMO 1073741823 (2^30-1, the field's
// "not available"). It used to link them by 22 "flag changes" into five
// networks of risk 44-90. No IMO number heard there moved to another MMSI
// after a silence of a day, so there is no flag change at all; and no name
// change either: 412000000 (a placeholder MMSI) and 1193046 (several
// transmitters, per the AISHub sample's notes too) carry many names at
// once.
func TestAnalyzeExactEarthPlaceholderIMO(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{},
		"aivdm/amsa_exactearth_2012/exact-earth-augmented.nmea",
		"aivdm/amsa_exactearth_2012/exact-earth-augmented-2.nmea",
		"aivdm/amsa_exactearth_2012/exact-earth-augmented-3.nmea")
	var carriers int
	res.Tracker.Vessels(func(v *track.Vessel) {
		for _, x := range v.ID.IMOs.Values {
			if x.V == "1073741823" {
				carriers++
			}
		}
	})
	if carriers < 26 {
		t.Fatalf("%d vessels broadcast 1073741823; the log has 32", carriers)
	}
	for _, e := range res.Events {
		switch {
		case e.Type == event.IdentityChange:
			t.Errorf("identity change %s", e.Summary)
		case e.Subtype == event.SharedIMO:
			t.Errorf("shared IMO %s", e.Summary)
		}
	}
	ps := profile.Build(res.Tracker, res.Events, profile.Options{})
	for _, p := range ps {
		for _, r := range p.Risk.Reasons {
			if r.Code == profile.CodeFlagChange || r.Code == profile.CodeSharedIMO {
				t.Errorf("%d: %s", p.MMSI, r.Reason)
			}
			if r.Code == profile.CodeInvalidIMO && p.Identity != nil && len(p.Identity.IMOs) == 1 && p.Identity.IMOs[0].Value == "1073741823" {
				t.Errorf("%d scored for the placeholder IMO: %s", p.MMSI, r.Reason)
			}
		}
	}
	for _, n := range network.Build(res.Events, res.Tracker, ps, network.Options{}) {
		for _, l := range n.Links {
			imo, _ := strconv.Atoi(l.IMO)
			if l.Kind == network.KindFlagChange || (l.Kind == network.KindSharedIMO && !identity.HullIMO(imo)) {
				t.Errorf("network %s: link %+v", n.ID, l)
			}
		}
	}
}

// MarineCadastre 2022-01-03 (a 99,999-row sample of one US day; every row
// carries the IMO number). Five IMO numbers are broadcast by two MMSIs in
// the same minutes, checked row by row:
//
//	9212424  671087100 WATER SPIRIT 2 at San Juan PR, 338411000 JOHN P LAB at Jacksonville FL
//	9548574  538007150 LMZ VEGA off Long Beach CA, 355369000 FLAG ALEXANDROS at Houston TX
//	9442718  538006973 EVANGELISTRIA at Nanaimo BC, 352147000 SAFE VOYAGER on the Mississippi
//	9813644  368006020 ROSEMARY MCALLISTER at Norfolk VA, 368041830 RTA1 at New Orleans LA
//	9022180  377039000 and 377039001, both GRAN FINALE, 27 m apart at Newport Beach CA
//	         (two transponders of one yacht: the same place, confidence 0.4,
//	         no risk)
//
// Each is a shared IMO, none a flag change; the day has no flag change and
// no other identity change that holds.
func TestAnalyzeMarineCadastreSharedIMO(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{}, "csv/marinecadastre_us_2022-01-03_sample99999.csv.gz")
	want := map[string][2]uint32{
		"9212424": {338411000, 671087100},
		"9548574": {355369000, 538007150},
		"9442718": {352147000, 538006973},
		"9813644": {368041830, 368006020},
		"9022180": {377039000, 377039001},
	}
	got := map[string]event.Event{}
	for _, e := range res.Events {
		switch {
		case e.Type == event.IdentityChange:
			t.Errorf("identity change %s", e.Summary)
		case e.Subtype == event.SharedIMO:
			got[strconv.Itoa(int(e.Details["imo"]))] = e
		}
	}
	for imo, pair := range want {
		e, ok := got[imo]
		if !ok {
			t.Errorf("IMO %s: no shared_imo", imo)
			continue
		}
		if e.MMSI != pair[0] || e.OtherMMSI != pair[1] {
			t.Errorf("IMO %s: %d and %d, want %d and %d", imo, e.MMSI, e.OtherMMSI, pair[0], pair[1])
		}
		km := e.Details["distance_km"]
		far := imo != "9022180"
		if far && (km < 1000 || e.Confidence < 0.9) || !far && (km > 1 || e.Confidence > 0.5) {
			t.Errorf("IMO %s: %.0f km apart, confidence %.2f", imo, km, e.Confidence)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d shared IMOs, want %d", len(got), len(want))
	}
}

// The AISHub sample (3 minutes worldwide) has MMSIs heard with several
// names (244711426: PELIKAAN / EMPRESA / EVELINE, two or more
// transmitters; 413000000, a placeholder) and 412431610 spelling its name
// MINGYANGZHOU 9 and MING YANG ZHOU 9. In 3 minutes nobody renamed a
// ship: there is no identity change.
func TestAnalyzeAISHubNoIdentityChange(t *testing.T) {
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute}, "aivdm/aishub_global_3min_2015.nmea.gz")
	for _, e := range res.Events {
		if e.Type == event.IdentityChange {
			t.Errorf("identity change %s", e.Summary)
		}
	}
	if v := res.Tracker.Vessel(244711426); v == nil || len(v.ID.Names.Values) < 2 {
		t.Errorf("244711426 no longer heard with several names: the test says nothing")
	}
}

// The AISHub sample against OFAC's SDN vessels (2021-07): 18 vessels used
// to match by name or alias alone, each a common word: 367052130 FREEDOM
// (a US tug, type 52, call sign WDC6155) as an alias of the Iranian tanker
// AMBER, 431169000 and 261205000 ZEUS (a Japanese tanker and a Polish
// tug) as an alias of HERO II, STARLA, ARGO I, SOL. None is the listed
// ship (other call signs, other types, other IMO numbers): no name-only
// hit, and no risk from one. The hits by IMO number (SARVIN, ALVAN,
// PASSAT) and MMSI (DOWNY) stay.
func TestAnalyzeAISHubWatchlistNameOnly(t *testing.T) {
	p, err := places.Load(places.Options{Watchlists: []string{filepath.Join("..", "watchlist", "lists", "ofac_sdn_vessels_2021-07.csv")}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute, Places: p}, "aivdm/aishub_global_3min_2015.nmea.gz")
	strong := map[uint32]string{256631000: "SARVIN", 256629000: "ALVAN", 273434590: "PASSAT", 256861000: "DOWNY"}
	for _, e := range res.Events {
		if e.Type != event.Watchlist {
			continue
		}
		if strong[e.MMSI] != e.Entry.Name {
			t.Errorf("%d matches %s by %s", e.MMSI, e.Entry.Name, e.Entry.By)
		}
		delete(strong, e.MMSI)
	}
	if len(strong) > 0 {
		t.Errorf("not found: %v", strong)
	}
	for _, pr := range profile.Build(res.Tracker, res.Events, profile.Options{}) {
		if r := pr.Risk.Reasons; len(r) > 0 && slices.ContainsFunc(r, func(x profile.Reason) bool { return x.Code == profile.CodeWatchlistName }) {
			t.Errorf("%d: watchlist risk by name: %+v", pr.MMSI, r)
		}
	}
}
