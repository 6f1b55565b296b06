package access

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Role
		ok   bool
	}{
		{"viewer", Viewer, true},
		{" Analyst ", Analyst, true},
		{"ADMIN", Admin, true},
		{"", "", false},
		{"root", "", false},
		{"admins", "", false},
	} {
		got, err := ParseRole(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "viewer, analyst or admin")) {
			t.Errorf("ParseRole(%q): error %q does not say what is allowed", tc.in, err)
		}
	}
}

func TestRoleAllows(t *testing.T) {
	for _, tc := range []struct {
		have, need Role
		want       bool
	}{
		{Admin, Admin, true}, {Admin, Analyst, true}, {Admin, Viewer, true},
		{Analyst, Admin, false}, {Analyst, Analyst, true}, {Analyst, Viewer, true},
		{Viewer, Admin, false}, {Viewer, Analyst, false}, {Viewer, Viewer, true},
		{"", Viewer, false}, {"root", Viewer, false}, {Admin, "", false}, {Admin, "superuser", false},
	} {
		if got := tc.have.Allows(tc.need); got != tc.want {
			t.Errorf("%q.Allows(%q) = %v, want %v", tc.have, tc.need, got, tc.want)
		}
	}
}

func TestParseLabel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"REL TO JPN, GBR", []string{"JPN", "GBR"}},
		{"rel to jpn,gbr", []string{"JPN", "GBR"}},
		{"  REL   TO   NATO ,  JPN  ", []string{"NATO", "JPN"}},
		{"Rel\tTo USA", []string{"USA"}},
		{"REL TO FVEY, USA, FVEY", []string{"FVEY", "USA"}},
		{"REL TO EU_NAVFOR, C-TF151", []string{"EU_NAVFOR", "C-TF151"}},
	} {
		l, err := ParseLabel(tc.in)
		if err != nil {
			t.Errorf("ParseLabel(%q): %v", tc.in, err)
			continue
		}
		if !slices.Equal(l.To, tc.want) || l.Raw != tc.in {
			t.Errorf("ParseLabel(%q) = %+v, want To %v", tc.in, l, tc.want)
		}
	}
	for _, tc := range []struct{ in, says string }{
		{"", "empty"},
		{"   ", "empty"},
		{"JPN, GBR", `does not start with "REL TO"`},
		{"RELTO JPN", `does not start with "REL TO"`},
		{"REL TOJPN", `does not start with "REL TO"`},
		{"REL FROM JPN", `does not start with "REL TO"`},
		{"REL TO", "no partner"},
		{"REL TO  ", "no partner"},
		{"REL TO JPN,,GBR", "name 2 is empty"},
		{"REL TO JPN,", "name 2 is empty"},
		{"REL TO JPN GBR", `"JPN GBR" is not a partner name`},
		{"REL TO JPN; GBR", `"JPN; GBR" is not a partner name`},
		{"REL TO J", `"J" is not a partner name`},
		{"REL TO _JPN", `"_JPN" is not a partner name`},
	} {
		_, err := ParseLabel(tc.in)
		if err == nil {
			t.Errorf("ParseLabel(%q): no error", tc.in)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(msg, tc.says) || !strings.Contains(msg, `label "`+strings.ReplaceAll(tc.in, "\t", `\t`)+`"`) {
			t.Errorf("ParseLabel(%q): %q, want an ErrInvalid quoting the label and saying %q", tc.in, msg, tc.says)
		}
	}
}

// coalition is a registry of nations and nested groups:
// NATO = {GBR, USA, NOR}, FVEY = {AUS, CAN, GBR, NZL, USA},
// WIDE = {NATO, JPN} (a group of a group).
func coalition(t *testing.T) *Registry {
	t.Helper()
	r := &Registry{}
	for _, n := range []string{"JPN", "KOR", "GBR", "USA", "AUS", "CAN", "NZL", "NOR"} {
		if err := r.AddPartner(n, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []struct {
		name    string
		members []string
	}{
		{"NATO", []string{"GBR", "USA", "NOR"}},
		{"FVEY", []string{"AUS", "CAN", "GBR", "NZL", "USA"}},
		{"WIDE", []string{"NATO", "JPN"}},
	} {
		if err := r.AddPartner(g.name, g.members); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestExpand(t *testing.T) {
	r := coalition(t)
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"JPN", []string{"JPN"}},
		{"NATO", []string{"GBR", "NATO", "NOR", "USA"}},
		{"WIDE", []string{"GBR", "JPN", "NATO", "NOR", "USA", "WIDE"}},
		{"XYZ", []string{"XYZ"}}, // unknown: itself only
	} {
		if got := r.Expand(tc.name); !slices.Equal(got, tc.want) {
			t.Errorf("Expand(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestGroupErrors(t *testing.T) {
	r := coalition(t)
	for _, tc := range []struct {
		what string
		err  error
		is   error
		says string
	}{
		{"cycle through a nested group", r.SetMembers("NATO", []string{"GBR", "WIDE"}), ErrInvalid, "cycle: NATO -> WIDE -> NATO"},
		{"group that is its own member", r.SetMembers("FVEY", []string{"FVEY"}), ErrInvalid, "its own member"},
		{"unknown member", r.AddPartner("QUAD", []string{"JPN", "IND"}), ErrNotFound, "member IND is not a partner"},
		{"duplicate partner", r.AddPartner("JPN", nil), ErrExists, "JPN"},
		{"lower-case name", r.AddPartner("jpn2", nil), ErrInvalid, `"jpn2"`},
		{"one-letter name", r.AddPartner("J", nil), ErrInvalid, `"J"`},
		{"set members of nobody", r.SetMembers("IND", nil), ErrNotFound, "IND"},
	} {
		if tc.err == nil || !errors.Is(tc.err, tc.is) || !strings.Contains(tc.err.Error(), tc.says) {
			t.Errorf("%s: %v, want %v saying %q", tc.what, tc.err, tc.is, tc.says)
		}
	}
	// The refused cycle left NATO as it was.
	if got := r.Expand("NATO"); !slices.Equal(got, []string{"GBR", "NATO", "NOR", "USA"}) {
		t.Errorf("after a refused change NATO stands for %v", got)
	}
	// A nation joins a group.
	if err := r.SetMembers("NATO", []string{"GBR", "USA", "NOR", "CAN"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(r.Expand("WIDE"), "CAN") {
		t.Errorf("WIDE does not stand for NATO's new member: %v", r.Expand("WIDE"))
	}
}

func TestClearance(t *testing.T) {
	r := coalition(t)
	lab := func(s string) Label {
		l, err := ParseLabel(s)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	feeds := []FeedLabel{
		{Index: 0, Owner: "JPN", Label: lab("REL TO JPN")},        // JPN only
		{Index: 1, Owner: "JPN", Label: lab("REL TO JPN, GBR")},   // direct
		{Index: 2, Owner: "NOR", Label: lab("REL TO NATO")},       // via a group
		{Index: 5, Owner: "KOR", Label: lab("REL TO WIDE")},       // via a group of a group
		{Index: 63, Owner: "AUS", Label: lab("REL TO FVEY, JPN")}, // the last bit
	}
	for _, tc := range []struct {
		partner string
		want    uint64
	}{
		{"JPN", 1<<0 | 1<<1 | 1<<5 | 1<<63}, // owner of 0 and 1, in WIDE, named on 63
		{"GBR", 1<<1 | 1<<2 | 1<<5 | 1<<63}, // direct, NATO, WIDE via NATO, FVEY
		{"NOR", 1<<2 | 1<<5},                // owner of 2, WIDE via NATO
		{"KOR", 1 << 5},                     // owner only
		{"CAN", 1 << 63},                    // FVEY only
		{"NZL", 1 << 63},
		{"NATO", 1<<2 | 1<<5}, // a group is named like a partner
		{"XYZ", 0},            // nobody
		{"", 0},               // nobody, even against a feed with no owner
	} {
		if got := r.Clearance(tc.partner, feeds); got != tc.want {
			t.Errorf("Clearance(%q) = %064b\n                   want %064b", tc.partner, got, tc.want)
		}
	}
	if got := r.Clearance("", []FeedLabel{{Index: 3}}); got != 0 {
		t.Errorf("empty partner against an ownerless feed: %b", got)
	}
	if got := r.Clearance("JPN", []FeedLabel{{Index: 64, Owner: "JPN", Label: lab("REL TO JPN")}, {Index: -1, Owner: "JPN"}}); got != 0 {
		t.Errorf("index out of range: %b", got)
	}
}

func TestCheckLabels(t *testing.T) {
	r := coalition(t)
	good := []FeedLabel{
		{Index: 0, Owner: "JPN", Label: Label{Raw: "REL TO JPN, GBR", To: []string{"JPN", "GBR"}}},
		{Index: 1, Owner: "NOR", Label: Label{Raw: "REL TO NATO", To: []string{"NATO"}}},
	}
	if err := r.CheckLabels(good); err != nil {
		t.Fatalf("good labels: %v", err)
	}
	for _, tc := range []struct {
		feed FeedLabel
		says []string
	}{
		{FeedLabel{Index: 4, Owner: "IND", Label: Label{Raw: "REL TO JPN", To: []string{"JPN"}}}, []string{"feed index 4", `owner "IND"`}},
		{FeedLabel{Index: 7, Owner: "JPN", Label: Label{Raw: "REL TO JPN, QUAD", To: []string{"JPN", "QUAD"}}}, []string{"feed index 7", `"QUAD" is not a partner`, `"REL TO JPN, QUAD"`}},
		{FeedLabel{Index: 8, Owner: "", Label: Label{Raw: "REL TO JPN", To: []string{"JPN"}}}, []string{"feed index 8", "no owning partner"}},
		{FeedLabel{Index: 9, Owner: "JPN"}, []string{"feed index 9", "no label"}},
		{FeedLabel{Index: 64, Owner: "JPN", Label: Label{Raw: "REL TO JPN", To: []string{"JPN"}}}, []string{"feed index 64", "out of 0..63"}},
		{FeedLabel{Index: 1, Owner: "JPN", Label: Label{Raw: "REL TO JPN", To: []string{"JPN"}}}, []string{"feed index 1", "used twice"}},
	} {
		err := r.CheckLabels(append(slices.Clone(good), tc.feed))
		if err == nil {
			t.Errorf("%+v: no error", tc.feed)
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%+v: %q does not say %q", tc.feed, err, s)
			}
		}
	}
	// All problems at once.
	err := r.CheckLabels([]FeedLabel{
		{Index: 0, Owner: "AAA", Label: Label{Raw: "REL TO BBB", To: []string{"BBB"}}},
		{Index: 1, Owner: "JPN", Label: Label{Raw: "REL TO CCC", To: []string{"CCC"}}},
	})
	for _, s := range []string{"AAA", "BBB", "CCC"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("%v: does not name %s", err, s)
		}
	}
}
