package server

import (
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/store"
)

// TestPartialProfileFacts: a partner cleared for part of the feeds gets
// its vessel's fixes, seen window, class and dimensions from the
// positions and identity records its feeds heard (JPN's panel said
// "0 fixes", the span of its events and no class above a track of
// thousands), and its network members' names (the cards were blank).
func TestPartialProfileFacts(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6})
	f.seed()
	ms := func(d time.Duration) int64 { return f.t0.Add(d).UnixMilli() }
	h := time.Hour
	for _, r := range []struct {
		field, value string
		at           time.Duration
		feeds        uint64
	}{
		{store.FieldClass, "A", 9 * h, fJ},
		{store.FieldDimensions, "183x32", 9 * h, fJ},
		// Heard later over gbr-sat, which JPN may not see.
		{store.FieldClass, "B", 9*h + 40*time.Minute, fG},
		{store.FieldDimensions, "20x5", 9*h + 40*time.Minute, fG},
	} {
		if err := f.st.PutIdentity(mSays, store.IdentityRecord{Field: r.field, Value: r.value, First: ms(r.at), Last: ms(r.at), Feeds: r.feeds}); err != nil {
			t.Fatal(err)
		}
	}

	for _, c := range []struct {
		partner     string
		fixes       int
		first, last time.Duration
		class       string
		length      uint16
	}{
		// jpn-coast heard it at 09:00 and 09:20; its events span 09:00-09:40.
		{"JPN", 2, 9 * h, 9*h + 20*time.Minute, "A", 183},
		{"GBR", 2, 9 * h, 9*h + 40*time.Minute, "B", 20},
	} {
		t.Run(c.partner, func(t *testing.T) {
			var vp vesselProfile
			f.getOK(t, "/api/vessels/"+mmsiPath(mSays), f.secrets[userName(c.partner, access.Viewer)], &vp)
			p := vp.Profile
			if p == nil {
				t.Fatal("no profile")
			}
			if p.Positions != c.fixes || !p.FirstSeen.Equal(f.t0.Add(c.first)) || !p.LastSeen.Equal(f.t0.Add(c.last)) {
				t.Errorf("%d fixes seen %v - %v, want %d, %v - %v", p.Positions, p.FirstSeen, p.LastSeen, c.fixes, f.t0.Add(c.first), f.t0.Add(c.last))
			}
			if p.Class != c.class || p.Identity == nil || p.Identity.Length != c.length {
				t.Errorf("class %q identity %+v, want class %q length %d", p.Class, p.Identity, c.class, c.length)
			}
		})
	}

	// JPN's network of the encounter evt-enc-says: both members named as
	// jpn-coast heard them.
	var nets networksReply
	f.getOK(t, "/api/networks", f.secrets[userName("JPN", access.Analyst)], &nets)
	names := map[uint32]string{}
	for _, n := range nets.Networks {
		for _, m := range n.Members {
			names[m.MMSI] = m.Name
		}
	}
	if names[mSays] != "JPN-SAYS" || names[mOnlyJ] != "ONLY-JPN" {
		t.Errorf("network members named %v, want %d JPN-SAYS and %d ONLY-JPN", names, mSays, mOnlyJ)
	}
}
