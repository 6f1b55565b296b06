package profile

import (
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// A vessel named as a candidate for a dark satellite detection gets a
// small lead with its reason; the dark vessel (MMSI 0) is nobody's
// profile, and a vessel not named gets nothing from it.
func TestDarkVesselCandidateIsALead(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	dv := event.Event{Type: event.DarkVessel, Start: at, End: at, Lat: 35, Lon: 125, Confidence: 0.9, Sensor: "sar", Candidates: []uint32{412000001}}
	dv.SetID()
	other := event.Event{Type: event.Loitering, MMSI: 412000002, Start: at, End: at.Add(3 * time.Hour), Lat: 35, Lon: 125, Confidence: 0.8}
	other.SetID()
	ps := Build(nil, []event.Event{dv, other}, Options{})
	p := find(ps, 412000001, "")
	if p == nil {
		t.Fatal("no profile for the candidate")
	}
	var got *Reason
	for i := range p.Risk.Reasons {
		if p.Risk.Reasons[i].Code == CodeDarkVesselLead {
			got = &p.Risk.Reasons[i]
		}
	}
	if got == nil || got.Points != 3 || !strings.Contains(got.Reason, "sensor detection") {
		t.Fatalf("candidate's risk %+v, want a dark_vessel_candidate reason of 3 points", p.Risk)
	}
	if q := find(ps, 0, ""); q != nil {
		t.Errorf("a profile for MMSI 0: %+v", q)
	}
	if q := find(ps, 412000002, ""); q != nil {
		for _, r := range q.Risk.Reasons {
			if r.Code == CodeDarkVesselLead {
				t.Errorf("a vessel not named got the lead: %+v", r)
			}
		}
	}
}

// A vessel alongside a dark radar track long enough for a transfer
// takes the dark_encounter reason, once per event, capped.
func TestDarkEncounterRisk(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var evs []event.Event
	for k := range 3 {
		e := event.Event{Type: event.DarkEncounter, MMSI: 412000003, Start: t0.Add(time.Duration(k) * 24 * time.Hour), End: t0.Add(time.Duration(k)*24*time.Hour + 3*time.Hour),
			Lat: 35, Lon: 125, Confidence: 0.8, Sensor: "radar", Scene: "coast/2/1", Summary: "alongside a dark track"}
		e.SetID()
		evs = append(evs, e)
	}
	p := find(Build(nil, evs, Options{}), 412000003, "")
	if p == nil {
		t.Fatal("no profile")
	}
	for _, r := range p.Risk.Reasons {
		if r.Code == CodeDarkEncounter {
			if r.Points != 40 || len(r.Events) != 3 {
				t.Errorf("reason %+v, want 3 events capped at 40 points", r)
			}
			return
		}
	}
	t.Errorf("no dark_encounter reason in %+v", p.Risk)
}

// A vessel a radar should have seen and did not, twice, takes the
// unseen_by_radar reason for each, up to its cap; a vessel with none
// takes nothing from it.
func TestUnseenByRadarRisk(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var evs []event.Event
	for k := range 3 {
		e := event.Event{Type: event.Spoofing, Subtype: event.UnseenByRadar, MMSI: 412000004, Start: t0.Add(time.Duration(k) * 24 * time.Hour), End: t0.Add(time.Duration(k)*24*time.Hour + time.Hour),
			Lat: 35, Lon: 125, Confidence: 0.8, Sensor: "radar", Scene: "coast", Summary: "unseen"}
		e.SetID()
		evs = append(evs, e)
	}
	other := event.Event{Type: event.Loitering, MMSI: 412000005, Start: t0, End: t0.Add(3 * time.Hour), Lat: 35, Lon: 125, Confidence: 0.8}
	other.SetID()
	ps := Build(nil, append(evs, other), Options{})
	reason := func(mmsi uint32) *Reason {
		p := find(ps, mmsi, "")
		if p == nil {
			t.Fatalf("no profile of %d", mmsi)
		}
		for i := range p.Risk.Reasons {
			if p.Risk.Reasons[i].Code == CodeUnseenByRadar {
				return &p.Risk.Reasons[i]
			}
		}
		return nil
	}
	if r := reason(412000004); r == nil || r.Points != 30 || !strings.Contains(r.Reason, "3 times") {
		t.Errorf("unseen three times: %+v, want 30 points (capped)", r)
	}
	if r := reason(412000005); r != nil {
		t.Errorf("a vessel never unseen: %+v", r)
	}
}
