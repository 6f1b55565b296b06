package server

import (
	"net/url"
	"slices"
	"testing"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

type searchReply struct {
	Total    int `json:"total"`
	Features []struct {
		Properties vesselProps `json:"properties"`
	} `json:"features"`
}

// TestVesselSearch: q finds a vessel by a call sign or an IMO number
// heard by the feeds the partner may see, and not by those another
// partner's feeds heard; total counts the partner's vessels anywhere,
// whatever the box.
func TestVesselSearch(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6})
	f.seed()
	t9 := f.t0.Add(9 * 3600e9).UnixMilli()
	for _, r := range []struct {
		mmsi         uint32
		field, value string
		feeds        uint64
	}{
		{mOnlyJ, event.FieldIMO, "9123456", fJ},
		{mOnlyJ, event.FieldCallSign, "JPCALL7", fJ},
	} {
		if err := f.st.PutIdentity(r.mmsi, store.IdentityRecord{Field: r.field, Value: r.value, First: t9, Last: t9, Feeds: r.feeds}); err != nil {
			t.Fatal(err)
		}
	}
	search := func(partner, q, bbox string) (mmsis []uint32, total int) {
		t.Helper()
		var fc searchReply
		path := "/api/vessels?max_age=1d&q=" + url.QueryEscape(q)
		if bbox != "" {
			path += "&bbox=" + bbox
		}
		f.getOK(t, path, f.secrets[userName(partner, access.Viewer)], &fc)
		for _, ft := range fc.Features {
			mmsis = append(mmsis, ft.Properties.MMSI)
		}
		return mmsis, fc.Total
	}
	for _, c := range []struct {
		partner, q string
		want       []uint32
	}{
		{"JPN", "9123", []uint32{mOnlyJ}},     // an IMO number's start
		{"JPN", "jpcall", []uint32{mOnlyJ}},   // a call sign, any case
		{"JPN", "431100", []uint32{mOnlyJ}},   // an MMSI's start
		{"KOR", "korcall1", []uint32{mOnlyK}}, // heard by kor-shore
		{"GBR", "9123456", nil},               // heard by jpn-coast only
		{"GBR", "JPCALL7", nil},
		{"JPN", "KORCALL1", nil}, // heard by kor-shore only
	} {
		if got, _ := search(c.partner, c.q, ""); !slices.Equal(got, c.want) {
			t.Errorf("%s q=%s: %v, want %v", c.partner, c.q, got, c.want)
		}
	}
	for _, partner := range []string{"JPN", "GBR", "KOR", "AUS"} {
		w := f.want(partner)
		want := 0
		for _, m := range fixtureMMSIs {
			if w.latest(m) >= 0 {
				want++
			}
		}
		// A box in the Atlantic, where no vessel of the fixture is.
		got, total := search(partner, "", "-40,10,-30,20")
		if len(got) != 0 || total != want {
			t.Errorf("%s: %d vessels in the box, %d in all; want 0 and %d", partner, len(got), total, want)
		}
	}
}
