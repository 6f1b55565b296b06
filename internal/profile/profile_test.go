package profile

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	tanker  = 538001234 // Marshall Islands
	other   = 412000001 // China
	third   = 273000001 // Russia
	badMID  = 217000001 // MID 217 is not allocated
	unknown = 636012345 // Liberia, known only from events
)

func find(ps []Profile, mmsi uint32, segment string) *Profile {
	for i := range ps {
		if ps[i].MMSI == mmsi && ps[i].Segment == segment {
			return &ps[i]
		}
	}
	return nil
}

func reason(p *Profile, code string) *Reason {
	for i := range p.Risk.Reasons {
		if p.Risk.Reasons[i].Code == code {
			return &p.Risk.Reasons[i]
		}
	}
	return nil
}

func TestVesselFields(t *testing.T) {
	f := newFeed().
		pos(tanker, 0, 10, 60).
		static(tanker, 0.1, ship("OCEAN STAR", 9074729, 80)).
		pos(tanker, 1, 10.1, 60).
		static(tanker, 2, ship("OCEAN STAR", 9074729, 80)).
		static(tanker, 3, ship("SEA STAR", 9074729, 80)).
		pos(tanker, 4, 10.2, 60)
	ps := Build(f.tr, nil, Options{})
	if len(ps) != 1 {
		t.Fatalf("got %d profiles, want 1", len(ps))
	}
	p := ps[0]
	if p.MMSI != tanker || p.Flag != "MH" || !p.MMSIValid || p.MMSIProblem != "" || p.Class != "A" {
		t.Errorf("identity fields: %+v", p)
	}
	if !p.FirstSeen.Equal(at(0)) || !p.LastSeen.Equal(at(4)) || p.Positions != 3 || p.Statics != 3 {
		t.Errorf("span and counts: %v %v %d %d", p.FirstSeen, p.LastSeen, p.Positions, p.Statics)
	}
	if p.Name != "SEA STAR" {
		t.Errorf("name %q, want the last heard", p.Name)
	}
	want := []Value{{"OCEAN STAR", at(0.1), at(2), 2}, {"SEA STAR", at(3), at(3), 1}}
	if !reflect.DeepEqual(p.Identity.Names, want) {
		t.Errorf("names %+v, want %+v", p.Identity.Names, want)
	}
	if len(p.Identity.IMOs) != 1 || p.Identity.IMOs[0].Value != "9074729" || p.Identity.IMOs[0].Count != 3 {
		t.Errorf("imos %+v", p.Identity.IMOs)
	}
	if p.Identity.Length != 180 || p.Identity.Beam != 30 {
		t.Errorf("dimensions %+v", p.Identity)
	}
	if len(p.Segments) != 1 || p.Segments[0].Segment != "538001234-1" || p.Segments[0].Fixes != 3 ||
		p.Segments[0].Start != (LatLon{10, 60}) || p.Segments[0].End != (LatLon{10.2, 60}) {
		t.Errorf("segments %+v", p.Segments)
	}
	if p.Risk.Score != 0 || len(p.Risk.Reasons) != 0 {
		t.Errorf("a quiet vessel has risk %+v", p.Risk)
	}
}

// TestRules checks each rule of the model alone: its points (defaults),
// and the events it points at.
func TestRules(t *testing.T) {
	e := func(typ event.Type, mmsi, other uint32, h, dur float64, o ...func(*event.Event)) event.Event {
		return ev(typ, mmsi, other, h, dur, o...)
	}
	tests := []struct {
		name   string
		events []event.Event
		mmsi   uint32
		code   string
		points int
		nIDs   int // events the reason points at
	}{
		{"watchlist by imo", []event.Event{e(event.Watchlist, tanker, 0, 0, 1, listed("imo+name", "OCEAN STAR"))}, tanker, CodeWatchlistIMO, 60, 1},
		{"watchlist by mmsi", []event.Event{e(event.Watchlist, tanker, 0, 0, 1, listed("mmsi", "X"))}, tanker, CodeWatchlistMMSI, 40, 1},
		{"watchlist by name and ship type", []event.Event{e(event.Watchlist, tanker, 0, 0, 1, listed("alias+type", "X"))}, tanker, CodeWatchlistName, 15, 1},
		{"watchlist by name and call sign", []event.Event{e(event.Watchlist, tanker, 0, 0, 1, listed("name+callsign", "X"))}, tanker, CodeWatchlistName, 15, 1},
		{"strongest watchlist match counts, all listed", []event.Event{
			e(event.Watchlist, tanker, 0, 0, 1, listed("name", "X")),
			e(event.Watchlist, tanker, 0, 0, 1, func(e *event.Event) { e.Entry = &event.Entry{List: "UN", Name: "X", By: "imo"} }),
		}, tanker, CodeWatchlistIMO, 60, 2},
		{"one encounter", []event.Event{e(event.Encounter, tanker, other, 0, 3)}, tanker, CodeEncounter, 10, 1},
		{"encounter counts for the other vessel", []event.Event{e(event.Encounter, tanker, other, 0, 3)}, other, CodeEncounter, 10, 1},
		{"encounters capped", []event.Event{
			e(event.Encounter, tanker, other, 0, 3), e(event.Encounter, tanker, other, 10, 3),
			e(event.Encounter, tanker, third, 20, 3), e(event.Encounter, third, tanker, 30, 3),
		}, tanker, CodeEncounter, 30, 4},
		{"same encounter from both sides counts once", []event.Event{
			e(event.Encounter, tanker, other, 0, 3), e(event.Encounter, other, tanker, 0, 3),
		}, tanker, CodeEncounter, 10, 1},
		{"dark rendezvous", []event.Event{e(event.DarkRendezvous, tanker, other, 0, 14)}, other, CodeDarkRendezvous, 25, 1},
		{"loitering", []event.Event{e(event.Loitering, tanker, 0, 0, 3), e(event.Loitering, tanker, 0, 5, 3)}, tanker, CodeLoitering, 10, 2},
		{"intentional gaps by hours", []event.Event{
			e(event.Gap, tanker, 0, 0, 14, intentional(true)), e(event.Gap, tanker, 0, 20, 16, intentional(true)),
		}, tanker, CodeIntentionalGap, 15, 2},
		{"intentional gaps capped", []event.Event{e(event.Gap, tanker, 0, 0, 200, intentional(true))}, tanker, CodeIntentionalGap, 30, 1},
		{"coverage gaps are nearly free", []event.Event{e(event.Gap, tanker, 0, 0, 100, intentional(false))}, tanker, CodeCoverageGap, 5, 1},
		{"shared mmsi once", []event.Event{
			e(event.Spoofing, tanker, 0, 0, 5, sub(event.SharedMMSI), seg("538001234-2")),
			e(event.Spoofing, tanker, 0, 9, 5, sub(event.SharedMMSI), seg("538001234-3")),
		}, tanker, CodeSharedMMSI, 30, 2},
		{"impossible speed capped", []event.Event{
			e(event.Spoofing, tanker, 0, 0, 0, sub(event.ImpossibleSpeed)), e(event.Spoofing, tanker, 0, 1, 0, sub(event.ImpossibleSpeed)),
			e(event.Spoofing, tanker, 0, 2, 0, sub(event.ImpossibleSpeed)),
		}, tanker, CodeImpossibleSpeed, 20, 3},
		{"invalid imo", []event.Event{e(event.Spoofing, tanker, 0, 0, 0, sub(event.InvalidIdentity), change("imo", "", "9074728"))}, tanker, CodeInvalidIMO, 5, 1},
		{"shared imo counts for both", []event.Event{
			e(event.Spoofing, tanker, other, 0, 1, sub(event.SharedIMO), func(e *event.Event) { e.Details = map[string]float64{"imo": 9212424} }),
		}, other, CodeSharedIMO, 10, 1},
		{"placeholder mmsi: its jumps are many transponders, not spoofing", []event.Event{
			e(event.Spoofing, 123456789, 0, 0, 0, sub(event.ImpossibleSpeed)),
			e(event.Spoofing, 123456789, 0, 1, 5, sub(event.SharedMMSI), seg("123456789-2")),
		}, 123456789, CodeInvalidMMSI, 10, 0},
		{"invalid mmsi from its event", []event.Event{e(event.Spoofing, badMID, 0, 0, 0, sub(event.InvalidIdentity), change("mmsi", "", ""))}, badMID, CodeInvalidMMSI, 10, 1},
		{"flag changes", []event.Event{
			e(event.IdentityChange, tanker, 0, 0, 0, change(event.FieldFlag, "PA", "MH"), prev(352000001)),
			e(event.IdentityChange, tanker, 0, 50, 0, change(event.FieldFlag, "KM", "MH"), prev(620000001)),
			e(event.IdentityChange, tanker, 0, 90, 0, change(event.FieldFlag, "LR", "MH"), prev(636000001)),
		}, tanker, CodeFlagChange, 40, 3},
		{"flag change counts for the previous mmsi", []event.Event{
			e(event.IdentityChange, tanker, 0, 0, 0, change(event.FieldFlag, "PA", "MH"), prev(352000001)),
		}, 352000001, CodeFlagChange, 20, 1},
		{"name change", []event.Event{e(event.IdentityChange, tanker, 0, 0, 0, change(event.FieldName, "A", "B"))}, tanker, CodeNameChange, 10, 1},
		{"imo change", []event.Event{e(event.IdentityChange, tanker, 0, 0, 0, change(event.FieldIMO, "9074729", "9300013"))}, tanker, CodeIMOChange, 15, 1},
		{"call sign change", []event.Event{e(event.IdentityChange, tanker, 0, 0, 0, change(event.FieldCallSign, "A", "B"))}, tanker, CodeCallSignChange, 5, 1},
		{"ship type change", []event.Event{e(event.IdentityChange, tanker, 0, 0, 0, change(event.FieldShipType, "80", "70"))}, tanker, CodeShipTypeChange, 3, 1},
		{"meeting a vessel listed by imo", []event.Event{
			e(event.Watchlist, other, 0, 0, 100, listed("imo", "DARK ONE")),
			e(event.Encounter, tanker, other, 10, 3),
			e(event.DarkRendezvous, other, tanker, 30, 12),
		}, tanker, CodeWatchlistContact, 20, 3},
		{"two listed vessels met", []event.Event{
			e(event.Watchlist, other, 0, 0, 100, listed("imo", "DARK ONE")),
			e(event.Watchlist, third, 0, 0, 100, listed("mmsi", "DARK TWO")),
			e(event.Encounter, tanker, other, 10, 3),
			e(event.Encounter, third, tanker, 30, 3),
		}, tanker, CodeWatchlistContact, 40, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := Build(nil, tc.events, Options{})
			p := find(ps, tc.mmsi, "")
			if p == nil {
				t.Fatalf("no profile for %d", tc.mmsi)
			}
			r := reason(p, tc.code)
			if r == nil {
				t.Fatalf("no %s reason: %+v", tc.code, p.Risk.Reasons)
			}
			if r.Points != tc.points || len(r.Events) != tc.nIDs {
				t.Errorf("%s: %d points, %d events; want %d, %d (%q)", tc.code, r.Points, len(r.Events), tc.points, tc.nIDs, r.Reason)
			}
			for _, id := range r.Events {
				if !slices.ContainsFunc(tc.events, func(e event.Event) bool { return e.ID == id }) {
					t.Errorf("reason points at unknown event %s", id)
				}
			}
			if r.Reason == "" || strings.Contains(r.Reason, "%!") {
				t.Errorf("bad sentence %q", r.Reason)
			}
			if len(p.Risk.Reasons) != 1 && tc.code != CodeWatchlistContact {
				t.Errorf("other reasons fired: %+v", p.Risk.Reasons)
			}
		})
	}
}

// TestNoContactFromNameOnly: a name coincidence does not spread.
func TestNoContactFromNameOnly(t *testing.T) {
	evs := []event.Event{
		ev(event.Watchlist, other, 0, 0, 100, listed("name", "COMMON NAME")),
		ev(event.Encounter, tanker, other, 10, 3),
	}
	p := find(Build(nil, evs, Options{}), tanker, "")
	if reason(p, CodeWatchlistContact) != nil {
		t.Errorf("name-only hit propagated: %+v", p.Risk.Reasons)
	}
}

func TestIdentityReasons(t *testing.T) {
	f := newFeed().
		pos(tanker, 0, 10, 60).static(tanker, 1, ship("NO NUMBER", 0, 84)).
		pos(other, 0, 20, 60).static(other, 1, ship("FISHER", 0, 30)).
		pos(badMID, 0, 30, 60)
	ps := Build(f.tr, nil, Options{})
	if r := reason(find(ps, tanker, ""), CodeNoIMO); r == nil || r.Points != 10 || len(r.Events) != 0 || !strings.Contains(r.Reason, "tanker") {
		t.Errorf("tanker without IMO: %+v", r)
	}
	if r := reason(find(ps, other, ""), CodeNoIMO); r != nil {
		t.Errorf("a fishing vessel needs no IMO: %+v", r)
	}
	p := find(ps, badMID, "")
	if p.MMSIValid || p.MMSIProblem != "unallocated_mid" || p.Flag != "" {
		t.Errorf("bad MID: %+v", p)
	}
	if r := reason(p, CodeInvalidMMSI); r == nil || r.Points != 10 {
		t.Errorf("invalid MMSI without an event: %+v", r)
	}
	// Events JSON is an empty list, not null.
	b, _ := json.Marshal(reason(find(ps, tanker, ""), CodeNoIMO))
	if !strings.Contains(string(b), `"events":[]`) {
		t.Errorf("identity reason JSON %s", b)
	}
}

func TestScoreCapAndOrder(t *testing.T) {
	evs := []event.Event{
		// tanker: listed (60) + 2 dark rendezvous (50) = 110 -> 100
		ev(event.Watchlist, tanker, 0, 0, 100, listed("imo", "OCEAN STAR")),
		ev(event.DarkRendezvous, tanker, 563000001, 5, 12),
		ev(event.DarkRendezvous, tanker, 563000002, 30, 12),
		// third: listed (60) + 4 dark rendezvous (50) + ... = 110 -> 100 with a higher total
		ev(event.Watchlist, third, 0, 0, 100, listed("imo", "DARK TWO")),
		ev(event.DarkRendezvous, third, 563000003, 5, 12),
		ev(event.DarkRendezvous, third, 563000004, 30, 12),
		ev(event.Loitering, third, 0, 50, 3),
	}
	ps := Build(nil, evs, Options{})
	if ps[0].MMSI != third || ps[1].MMSI != tanker {
		t.Fatalf("order: %d %d", ps[0].MMSI, ps[1].MMSI)
	}
	if ps[0].Risk.Score != 100 || ps[0].Risk.Total != 115 || ps[1].Risk.Total != 110 {
		t.Errorf("scores %+v %+v", ps[0].Risk, ps[1].Risk)
	}
	// The counterparts: all met a listed vessel in the dark: 25 + 20.
	for _, p := range ps[2:] {
		if p.Risk.Score != 45 {
			t.Errorf("%d: %+v", p.MMSI, p.Risk)
		}
	}
	for i := 1; i < len(ps); i++ {
		if compare(ps[i-1], ps[i]) > 0 {
			t.Errorf("not sorted at %d", i)
		}
	}
	// Equal scores go by MMSI.
	if ps[2].MMSI != 563000001 || ps[5].MMSI != 563000004 {
		t.Errorf("ties not by MMSI: %d..%d", ps[2].MMSI, ps[5].MMSI)
	}
}

func TestOptions(t *testing.T) {
	evs := []event.Event{
		ev(event.Encounter, tanker, other, 0, 3),
		ev(event.Encounter, tanker, other, 10, 3),
		ev(event.Loitering, tanker, 0, 20, 3),
	}
	p := find(Build(nil, evs, Options{Encounter: Weight{Points: 50, Cap: 70}, Loitering: Weight{Points: -1}}), tanker, "")
	if p.Risk.Total != 70 || len(p.Risk.Reasons) != 1 {
		t.Errorf("custom weights: %+v", p.Risk)
	}
}

// sharedFeed has MMSI tanker used by two transmitters 500 km apart, heard
// alternately, and a quiet second vessel.
func sharedFeed() (*feed, []event.Event) {
	f := newFeed()
	for i := range 6 {
		h := float64(i)
		f.pos(tanker, h, 10+0.01*h, 60)
		f.pos(tanker, h+0.5, 15+0.01*h, 60)
	}
	f.static(tanker, 1, ship("OCEAN STAR", 9074729, 80))
	f.pos(other, 0, 30, 60).pos(other, 5, 30.1, 60)
	evs := []event.Event{
		ev(event.Spoofing, tanker, 0, 0.5, 5, sub(event.SharedMMSI), seg("538001234-2")),
		ev(event.Loitering, tanker, 0, 1, 3, seg("538001234-1")),
		ev(event.Encounter, tanker, other, 2, 3, seg("538001234-2")),
		ev(event.Watchlist, tanker, 0, 0, 6, listed("imo", "OCEAN STAR")),
		ev(event.DarkRendezvous, other, tanker, 3, 12, func(e *event.Event) { e.Details = map[string]float64{"other_segment": 1} }),
	}
	return f, evs
}

func TestSharedMMSISegments(t *testing.T) {
	f, evs := sharedFeed()
	ps := Build(f.tr, evs, Options{})
	if len(ps) != 4 {
		t.Fatalf("%d profiles, want the MMSI, its 2 segments and the other vessel", len(ps))
	}
	m := find(ps, tanker, "")
	if len(m.Segments) != 2 || m.Positions != 12 || m.Identity == nil {
		t.Fatalf("MMSI line %+v", m)
	}
	s1, s2 := find(ps, tanker, "538001234-1"), find(ps, tanker, "538001234-2")
	if s1 == nil || s2 == nil {
		t.Fatalf("segment lines missing")
	}
	if s1.Positions != 6 || s1.Segments[0].Start != (LatLon{10, 60}) || s2.Segments[0].Start != (LatLon{15, 60}) || s1.Identity != nil {
		t.Errorf("segment lines %+v %+v", s1, s2)
	}
	if !s2.FirstSeen.Equal(at(0.5)) || !s2.LastSeen.Equal(at(5.5)) {
		t.Errorf("segment 2 span %v %v", s2.FirstSeen, s2.LastSeen)
	}
	// The watchlist hit stays with the MMSI; each segment has its own
	// events and the shared_mmsi reason.
	wantCodes := map[string][]string{
		"":            {CodeWatchlistIMO, CodeSharedMMSI, CodeDarkRendezvous, CodeEncounter, CodeLoitering},
		"538001234-1": {CodeSharedMMSI, CodeDarkRendezvous, CodeLoitering},
		"538001234-2": {CodeSharedMMSI, CodeEncounter},
	}
	for s, want := range wantCodes {
		p := find(ps, tanker, s)
		var got []string
		for _, r := range p.Risk.Reasons {
			got = append(got, r.Code)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q reasons %v, want %v", s, got, want)
		}
	}
	// MMSI line first among equals, then the segments; the other vessel met
	// a listed one.
	var order []string
	for _, p := range ps {
		order = append(order, p.Segment)
	}
	if order[0] != "" || ps[0].MMSI != tanker {
		t.Errorf("order %v", order)
	}
}

func TestEventsOnlyVessel(t *testing.T) {
	evs := []event.Event{ev(event.Encounter, tanker, unknown, 3, 4)}
	p := find(Build(nil, evs, Options{}), unknown, "")
	if p == nil || p.Flag != "LR" || !p.FirstSeen.Equal(at(3)) || !p.LastSeen.Equal(at(7)) || p.Events[event.Encounter] != 1 {
		t.Fatalf("profile from events only: %+v", p)
	}
	if p.Segments == nil || p.Identity != nil || p.Class != "" {
		t.Errorf("unknowns: %+v", p)
	}
}

func TestDeterministic(t *testing.T) {
	f, evs := sharedFeed()
	evs = append(evs,
		ev(event.Gap, other, 0, 1, 13, intentional(true)),
		ev(event.Encounter, other, third, 4, 3),
		ev(event.Encounter, third, other, 4, 3),
	)
	var want []byte
	for i := range 20 {
		shuffled := slices.Clone(evs)
		r := rand.New(rand.NewPCG(uint64(i), 1))
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		var buf bytes.Buffer
		if err := WriteJSONL(&buf, Build(f.tr, shuffled, Options{})); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			want = buf.Bytes()
		} else if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("output depends on event order:\n%s\nvs\n%s", buf.Bytes(), want)
		}
	}
}

// TestJSONShape checks every field of the contract on a golden file
// (go test -update rewrites it).
func TestJSONShape(t *testing.T) {
	f, evs := sharedFeed()
	f.static(other, 2, fuse.StaticInfo{Has: fuse.HasName | fuse.HasCallSign | fuse.HasDestination | fuse.HasDraught,
		Name: "A&B", CallSign: "BXYZ", Destination: "ZHOUSHAN", Draught: 12.5})
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, Build(f.tr, evs, Options{})); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		for _, k := range []string{"mmsi", "flag", "mmsi_valid", "class", "first_seen", "last_seen", "positions", "statics", "segments", "events", "risk"} {
			if _, ok := m[k]; !ok {
				t.Errorf("missing %q: %s", k, l)
			}
		}
		_, hasSeg := m["segment"]
		_, hasID := m["identity"]
		if hasSeg == hasID {
			t.Errorf("a line has either a segment or an identity: %s", l)
		}
		if hasID {
			id := m["identity"].(map[string]any)
			for _, k := range []string{"names", "callsigns", "imos", "shiptypes", "destinations"} {
				if _, ok := id[k].([]any); !ok {
					t.Errorf("identity.%s not a list: %s", k, l)
				}
			}
		}
		risk := m["risk"].(map[string]any)
		if _, ok := risk["score"].(float64); !ok {
			t.Errorf("risk.score: %s", l)
		}
		if _, ok := risk["reasons"].([]any); !ok {
			t.Errorf("risk.reasons: %s", l)
		}
	}
	golden := filepath.Join("testdata", "vessels.jsonl")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("output differs from %s (go test -update to rewrite):\n%s", golden, buf.Bytes())
	}
}

// TestWorkers: how vessels are split over goroutines does not show in the
// output.
func TestWorkers(t *testing.T) {
	f, evs := synthetic(20_000, 60_000)
	var want []byte
	for _, w := range []int{1, 2, 5} {
		var buf bytes.Buffer
		if err := WriteJSONL(&buf, Build(f.tr, evs, Options{Workers: w})); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = buf.Bytes()
		} else if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("%d workers give another output", w)
		}
	}
}

// A placeholder IMO (2^30-1 is the field's "not available") counts nothing
// against a vessel: exactEarth 2012 has it on 32 vessels.
func TestPlaceholderIMONoRisk(t *testing.T) {
	const mmsi = 525019513
	ps := Build(nil, []event.Event{ev(event.Spoofing, mmsi, 0, 0, 0, sub(event.InvalidIdentity), change("imo", "", "1073741823"))}, Options{})
	if p := find(ps, mmsi, ""); p == nil || reason(p, CodeInvalidIMO) != nil {
		t.Errorf("placeholder IMO scored: %+v", p)
	}
}

// A watchlist match by name or alias alone is a lead, worth no risk: the
// AISHub sample's US yachts FREEDOM and AMBER are OFAC names.
func TestWatchlistNameAloneNoRisk(t *testing.T) {
	evs := []event.Event{ev(event.Watchlist, other, 0, 0, 1, listed("alias", "AMBER")), ev(event.Watchlist, other, 0, 0, 1, listed("name", "FREEDOM"))}
	p := find(Build(nil, evs, Options{}), other, "")
	if p == nil || p.Risk.Score != 0 {
		t.Errorf("name-only hits scored: %+v", p)
	}
}

// Two MMSIs with one IMO number side by side all along are two
// transponders of one ship (MarineCadastre: GRAN FINALE 377039000 and
// 377039001, 27 m apart): no risk.
func TestSharedIMOSamePlaceNoRisk(t *testing.T) {
	evs := []event.Event{ev(event.Spoofing, tanker, other, 0, 1, sub(event.SharedIMO), func(e *event.Event) {
		e.Details = map[string]float64{"imo": 9022180, "distance_km": 0.03}
	})}
	if p := find(Build(nil, evs, Options{}), tanker, ""); p == nil || reason(p, CodeSharedIMO) != nil {
		t.Errorf("scored: %+v", p)
	}
}
