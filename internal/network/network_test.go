package network

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/track"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

const (
	tanker = 538001234 // Marshall Islands
	feeder = 412000001 // China
	third  = 273000001 // Russia
	panama = 352000001
	comoro = 620000001
	clone  = 636012345 // Liberia: used by two transmitters
	lone1  = 563000001 // Singapore
	lone2  = 563000002
)

// ev builds an event h hours after t0, lasting dur hours, with its id.
func ev(typ event.Type, mmsi, other uint32, h, dur float64, opts ...func(*event.Event)) event.Event {
	e := event.Event{Type: typ, MMSI: mmsi, OtherMMSI: other, Start: at(h), End: at(h + dur), Confidence: 0.8, Summary: string(typ)}
	for _, o := range opts {
		o(&e)
	}
	e.SetID()
	return e
}

func sub(s string) func(*event.Event) { return func(e *event.Event) { e.Subtype = s } }
func seg(s string) func(*event.Event) { return func(e *event.Event) { e.Segment = s } }
func detail(k string, v float64) func(*event.Event) {
	return func(e *event.Event) {
		if e.Details == nil {
			e.Details = map[string]float64{}
		}
		e.Details[k] = v
	}
}
func flagChange(from, to string, prev uint32) func(*event.Event) {
	return func(e *event.Event) {
		e.Field, e.From, e.To = event.FieldFlag, from, to
		detail("previous_mmsi", float64(prev))(e)
	}
}
func listed(name string) func(*event.Event) {
	return func(e *event.Event) { e.Entry = &event.Entry{List: "OFAC SDN", Name: name, By: "imo"} }
}

// feed scripts a tracker's input.
type feed struct{ tr *track.Tracker }

func newFeed() *feed { return &feed{tr: track.New(track.Options{})} }

func (f *feed) pos(mmsi uint32, h, lat, lon float64) *feed {
	f.tr.Position(&fuse.Report{Time: at(h).UnixMilli(), MMSI: mmsi, Kind: fuse.Position, Class: fuse.ClassA, Type: 1,
		Lat: lat, Lon: lon, SOG: 10, COG: fuse.NotAvailable, Heading: -1, Heard: 1})
	return f
}

func (f *feed) static(mmsi uint32, h float64, name string, imo uint32) *feed {
	info := fuse.StaticInfo{Has: fuse.HasName, Name: name}
	if imo != 0 {
		info.Has |= fuse.HasIMO
		info.IMO = imo
	}
	f.tr.Static(&fuse.Report{Time: at(h).UnixMilli(), MMSI: mmsi, Kind: fuse.Static, Class: fuse.ClassA, Type: 5, Heard: 1, Info: &info})
	return f
}

// cloned makes mmsi two transmitters 550 km apart over hours 0-6: segment
// 1 near (10, 60) heard twice as often as segment 2 near (15, 60).
func (f *feed) cloned(mmsi uint32) *feed {
	for i := range 6 {
		h := float64(i)
		f.pos(mmsi, h, 10+0.01*h, 60)
		f.pos(mmsi, h+0.25, 10+0.01*h, 60.01)
		f.pos(mmsi, h+0.5, 15+0.01*h, 60)
	}
	return f
}

// linkStr is a link in one short comparable string.
func linkStr(l Link) string {
	s := fmt.Sprintf("%s %s %s events=%d", l.A, l.B, l.Kind, len(l.Events))
	if l.IMO != "" {
		s += " imo=" + l.IMO
	}
	return s
}

func allLinks(ns []Network) []string {
	var out []string
	for _, n := range ns {
		for _, l := range n.Links {
			out = append(out, linkStr(l))
		}
	}
	slices.Sort(out)
	return out
}

func TestLinks(t *testing.T) {
	tests := []struct {
		name   string
		feed   func() *feed
		events []event.Event
		want   []string
	}{
		{"encounter", nil,
			[]event.Event{ev(event.Encounter, tanker, feeder, 0, 3)},
			[]string{"412000001 538001234 encounter events=1"}},
		{"one encounter seen from both sides", nil,
			[]event.Event{ev(event.Encounter, tanker, feeder, 0, 3), ev(event.Encounter, feeder, tanker, 0, 3)},
			[]string{"412000001 538001234 encounter events=1"}},
		{"repeated encounters merge", nil,
			[]event.Event{ev(event.Encounter, tanker, feeder, 0, 3), ev(event.Encounter, feeder, tanker, 10, 3)},
			[]string{"412000001 538001234 encounter events=2"}},
		{"dark rendezvous and encounter are two links", nil,
			[]event.Event{ev(event.Encounter, tanker, feeder, 0, 3), ev(event.DarkRendezvous, tanker, feeder, 20, 14)},
			[]string{"412000001 538001234 dark_rendezvous events=1", "412000001 538001234 encounter events=1"}},
		{"single-vessel events do not link", nil,
			[]event.Event{ev(event.Loitering, tanker, 0, 0, 3), ev(event.Gap, feeder, 0, 0, 13)},
			nil},
		{"flag change links the previous MMSI",
			func() *feed {
				return newFeed().static(panama, 0, "OLD NAME", 9074729).static(tanker, 50, "NEW NAME", 9074729)
			},
			[]event.Event{ev(event.IdentityChange, tanker, 0, 50, 0, flagChange("PA", "MH", panama))},
			[]string{"352000001 538001234 flag_change events=1 imo=9074729", "352000001 538001234 shared_imo events=0 imo=9074729"}},
		{"flag change without a tracker", nil,
			[]event.Event{ev(event.IdentityChange, tanker, 0, 50, 0, flagChange("PA", "MH", panama))},
			[]string{"352000001 538001234 flag_change events=1"}},
		{"shared IMO from the identity histories",
			func() *feed {
				return newFeed().static(tanker, 0, "A", 9300013).static(feeder, 1, "B", 9300013).static(third, 2, "C", 9300025)
			},
			nil,
			[]string{"412000001 538001234 shared_imo events=0 imo=9300013"}},
		{"shared IMO lists the IMO changes about it",
			func() *feed {
				return newFeed().static(tanker, 0, "A", 9300013).static(feeder, 1, "B", 9300025).static(feeder, 2, "B", 9300013)
			},
			[]event.Event{ev(event.IdentityChange, feeder, 0, 2, 0, func(e *event.Event) { e.Field, e.From, e.To = event.FieldIMO, "9300025", "9300013" })},
			[]string{"412000001 538001234 shared_imo events=1 imo=9300013"}},
		{"IMO failing its check digit links nothing",
			func() *feed { return newFeed().static(tanker, 0, "A", 9300014).static(feeder, 1, "B", 9300014) },
			nil, nil},
		{"IMO heard from too many MMSIs links nothing",
			func() *feed {
				f := newFeed()
				for i := range 9 {
					f.static(uint32(563000001+i), float64(i), "X", 1234567)
				}
				return f
			},
			nil, nil},
		{"shared MMSI links its transmitters",
			func() *feed { return newFeed().cloned(clone) },
			[]event.Event{ev(event.Spoofing, clone, 0, 0.5, 5, sub(event.SharedMMSI), seg("636012345-2"))},
			[]string{"636012345-1 636012345-2 shared_mmsi events=1"}},
		{"shared MMSI names the other transmitter",
			func() *feed { return newFeed().cloned(clone).pos(clone, 7, 20, 60).pos(clone, 7.5, 10.07, 60) },
			[]event.Event{ev(event.Spoofing, clone, 0, 7, 1, sub(event.SharedMMSI), seg("636012345-3"), detail("other_segment", 2))},
			[]string{"636012345-2 636012345-3 shared_mmsi events=1"}},
		{"shared MMSI without a tracker links nothing", nil,
			[]event.Event{ev(event.Spoofing, clone, 0, 0.5, 5, sub(event.SharedMMSI), seg("636012345-2"))},
			nil},
		{"placeholder MMSI transmitters are not linked",
			func() *feed { return newFeed().cloned(123456789) },
			[]event.Event{ev(event.Spoofing, 123456789, 0, 0.5, 5, sub(event.SharedMMSI), seg("123456789-2"))},
			nil},
		{"pair events go to the transmitter named or the busiest",
			func() *feed { return newFeed().cloned(clone) },
			[]event.Event{
				ev(event.Spoofing, clone, 0, 0.5, 5, sub(event.SharedMMSI), seg("636012345-2")),
				ev(event.Encounter, clone, tanker, 1, 3, seg("636012345-2")),
				ev(event.Encounter, feeder, clone, 1, 3),
				ev(event.DarkRendezvous, third, clone, 1, 3, detail("other_segment", 2)),
			},
			[]string{
				"273000001 636012345-2 dark_rendezvous events=1",
				"412000001 636012345-1 encounter events=1",
				"538001234 636012345-2 encounter events=1",
				"636012345-1 636012345-2 shared_mmsi events=1",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var tr *track.Tracker
			if tc.feed != nil {
				tr = tc.feed().tr
			}
			ns := Build(tc.events, tr, nil, Options{})
			if got := allLinks(ns); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("links\n got %q\nwant %q", got, tc.want)
			}
			for _, n := range ns {
				if len(n.Members) < 2 {
					t.Errorf("network %s has %d members", n.ID, len(n.Members))
				}
			}
		})
	}
}

func memberIDs(n Network) []string {
	var ids []string
	for _, m := range n.Members {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestComponents(t *testing.T) {
	f := newFeed().cloned(clone).
		static(tanker, 0, "OCEAN STAR", 9074729).static(panama, 0, "OCEAN STAR", 9074729)
	evs := []event.Event{
		// Group 1: tanker - feeder - third, and tanker's IMO under panama.
		ev(event.Encounter, tanker, feeder, 0, 3),
		ev(event.DarkRendezvous, feeder, third, 10, 14),
		// Group 2: the clone's two transmitters, one of which met lone1.
		ev(event.Spoofing, clone, 0, 0.5, 5, sub(event.SharedMMSI), seg("636012345-2")),
		ev(event.Encounter, clone, lone1, 2, 3, seg("636012345-2")),
		// Noise: a vessel alone.
		ev(event.Loitering, lone2, 0, 0, 5),
	}
	ns := Build(evs, f.tr, nil, Options{})
	var got [][]string
	for _, n := range ns {
		got = append(got, memberIDs(n))
	}
	slices.SortFunc(got, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	want := [][]string{
		{"273000001", "352000001", "412000001", "538001234"},
		{"563000001", "636012345-1", "636012345-2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("components\n got %v\nwant %v", got, want)
	}
}

func TestRisk(t *testing.T) {
	f := newFeed().static(tanker, 0, "OCEAN STAR", 9074729)
	evs := []event.Event{
		ev(event.Watchlist, tanker, 0, 0, 100, listed("OCEAN STAR")),
		ev(event.Encounter, tanker, feeder, 0, 3),
		ev(event.Encounter, tanker, feeder, 10, 3),
		ev(event.DarkRendezvous, feeder, third, 20, 14, func(e *event.Event) { e.Confidence = 0.5 }),
		// A quieter pair that meets in the dark often.
		ev(event.DarkRendezvous, lone1, lone2, 0, 14),
		ev(event.DarkRendezvous, lone1, lone2, 30, 14),
	}
	ps := profile.Build(f.tr, evs, profile.Options{})
	ns := Build(evs, f.tr, ps, Options{})
	if len(ns) != 2 {
		t.Fatalf("%d networks", len(ns))
	}
	top := ns[0]
	if top.Members[0].MMSI != tanker || top.Members[0].Name != "OCEAN STAR" || top.Members[0].IMO != "9074729" || top.Members[0].Flag != "MH" {
		t.Errorf("riskiest member first: %+v", top.Members)
	}
	// max member: the listed tanker, 60 + 2 encounters (20) = 80.
	// size: 3 vessels = 2. links: encounter 1*1.6 + dark 4*0.5 = 3.6 -> 4.
	want := RiskDetail{MaxMember: 80, Size: 2, Links: 4}
	if top.RiskDetail != want || top.Risk != 86 {
		t.Errorf("risk %d %+v, want 86 %+v", top.Risk, top.RiskDetail, want)
	}
	if l := top.Links[1]; l.Kind != KindEncounter || l.Weight != 1.6 || len(l.Events) != 2 {
		t.Errorf("encounter link %+v", l)
	}
	if ns[1].Risk >= top.Risk || ns[1].RiskDetail.Links != 6 || ns[1].RiskDetail.Size != 0 {
		t.Errorf("second network %d %+v", ns[1].Risk, ns[1].RiskDetail)
	}
	wantSummary := "3 vessels, flags CN/MH/RU, tied by 1 dark rendezvous and 2 encounters; riskiest 538001234 OCEAN STAR (80)"
	if top.Summary != wantSummary {
		t.Errorf("summary\n got %q\nwant %q", top.Summary, wantSummary)
	}

	// Options change the terms.
	ns = Build(evs, f.tr, ps, Options{SizePoints: -1, EncounterPoints: 10})
	if d := ns[0].RiskDetail; d.Size != 0 || d.Links != 18 {
		t.Errorf("custom options %+v", d)
	}
}

func TestSegmentMemberRisk(t *testing.T) {
	f := newFeed().cloned(clone)
	evs := []event.Event{
		ev(event.Spoofing, clone, 0, 0.5, 5, sub(event.SharedMMSI), seg("636012345-2")),
		ev(event.DarkRendezvous, clone, lone1, 1, 3, seg("636012345-2")),
	}
	ps := profile.Build(f.tr, evs, profile.Options{})
	ns := Build(evs, f.tr, ps, Options{})
	risk := map[string]int{}
	for _, m := range ns[0].Members {
		risk[m.ID] = m.Risk
		if m.Segment != "" && m.Segment != m.ID {
			t.Errorf("member %+v", m)
		}
	}
	// Each transmitter carries its own line's score.
	if risk["636012345-2"] != 55 || risk["636012345-1"] != 30 || risk["563000001"] != 25 {
		t.Errorf("member risks %v", risk)
	}
}

func TestDeterministic(t *testing.T) {
	f := newFeed().cloned(clone).static(tanker, 0, "A", 9300013).static(feeder, 1, "B", 9300013).static(third, 1, "C", 9300013)
	evs := []event.Event{
		ev(event.Spoofing, clone, 0, 0.5, 5, sub(event.SharedMMSI), seg("636012345-2")),
		ev(event.Encounter, clone, tanker, 1, 3, seg("636012345-2")),
		ev(event.Encounter, tanker, clone, 1, 3),
		ev(event.Encounter, lone1, lone2, 1, 3),
		ev(event.DarkRendezvous, feeder, lone2, 5, 13),
		ev(event.IdentityChange, tanker, 0, 50, 0, flagChange("PA", "MH", panama)),
	}
	ps := profile.Build(f.tr, evs, profile.Options{})
	var want []byte
	for i := range 20 {
		shuffled := slices.Clone(evs)
		r := rand.New(rand.NewPCG(uint64(i), 7))
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		var buf bytes.Buffer
		if err := WriteJSON(&buf, Build(shuffled, f.tr, ps, Options{})); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			want = buf.Bytes()
		} else if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("output depends on event order:\n%s\nvs\n%s", buf.Bytes(), want)
		}
	}
}

func TestJSONShape(t *testing.T) {
	f := newFeed().cloned(clone).static(tanker, 0, "OCEAN STAR", 9074729).static(panama, 0, "OCEAN STAR", 9074729)
	evs := []event.Event{
		ev(event.Watchlist, tanker, 0, 0, 100, listed("OCEAN STAR")),
		ev(event.Encounter, tanker, feeder, 0, 3),
		ev(event.DarkRendezvous, feeder, third, 10, 14),
		ev(event.IdentityChange, tanker, 0, 50, 0, flagChange("PA", "MH", panama)),
		ev(event.Spoofing, clone, 0, 0.5, 5, sub(event.SharedMMSI), seg("636012345-2")),
		ev(event.Encounter, clone, lone1, 2, 3, seg("636012345-2")),
	}
	ps := profile.Build(f.tr, evs, profile.Options{})
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(evs, f.tr, ps, Options{})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Networks []map[string]any `json:"networks"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Networks) != 2 {
		t.Fatalf("%d networks", len(doc.Networks))
	}
	for _, n := range doc.Networks {
		for _, k := range []string{"id", "risk", "risk_detail", "summary", "members", "links"} {
			if _, ok := n[k]; !ok {
				t.Errorf("network lacks %q", k)
			}
		}
		for _, m := range n["members"].([]any) {
			for _, k := range []string{"id", "mmsi", "name", "flag", "risk"} {
				if _, ok := m.(map[string]any)[k]; !ok {
					t.Errorf("member lacks %q: %v", k, m)
				}
			}
		}
		for _, l := range n["links"].([]any) {
			for _, k := range []string{"a", "b", "kind", "events", "weight"} {
				if _, ok := l.(map[string]any)[k]; !ok {
					t.Errorf("link lacks %q: %v", k, l)
				}
			}
		}
	}
	golden := filepath.Join("testdata", "networks.json")
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

	// No networks is an empty list.
	buf.Reset()
	if err := WriteJSON(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(buf.String()) != `{
 "networks": []
}` {
		t.Errorf("empty document %q", buf.String())
	}
}

// A placeholder IMO links nobody, even heard from few MMSIs (exactEarth
// 2012: 2^30-1 made five "flag-hopping" networks of risk 44-90), and a
// shared_imo event links its two MMSIs without the tracker (the server
// builds networks from events alone).
func TestIMOLinksNeedAHull(t *testing.T) {
	f := newFeed().
		static(lone1, 0, "A", 1<<30-1).static(lone2, 1, "B", 1<<30-1).
		static(panama, 0, "C", 1234567).static(comoro, 1, "D", 1234567)
	evs := []event.Event{
		ev(event.Spoofing, feeder, third, 2, 1, sub(event.SharedIMO), detail("imo", 9212424)),
		ev(event.Spoofing, tanker, clone, 2, 1, sub(event.SharedIMO), detail("imo", 1<<30-1)),
	}
	got := allLinks(Build(evs, f.tr, nil, Options{}))
	want := []string{fmt.Sprintf("%d %d shared_imo events=1 imo=9212424", third, feeder)}
	if !slices.Equal(got, want) {
		t.Errorf("links %q, want %q", got, want)
	}
}
