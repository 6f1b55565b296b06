package server

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/store"
)

// TestHostileNow: "now" is per view, the newest position it may see. A
// position heard later by a feed JPN may not see changes nothing in
// JPN's answers (max_age, a track's default range), which used to count
// from it: JPN learned when kor-shore last heard anything, and a line
// stamped ahead emptied its map.
func TestHostileNow(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	f.seed()
	jpn := f.secrets["jpn-viewer"]
	paths := []string{"/api/vessels?max_age=1m", "/api/vessels?max_age=30m", "/api/vessels/" + mmsiPath(mDream) + "/track",
		"/api/vessels/" + mmsiPath(mOnlyJ) + "/track"}
	before := map[string]string{}
	for _, p := range paths {
		before[p] = string(f.getOK(t, p, jpn, nil).body)
	}
	var fc vesselsReply
	f.getOK(t, "/api/vessels?max_age=1m", jpn, &fc)
	if len(fc.Features) != 1 || fc.Features[0].Properties.MMSI != mOnlyJ {
		t.Errorf("JPN's vessels within a minute of its newest position: %+v, want %d's", fc.Features, mOnlyJ)
	}
	var tr trackReply
	f.getOK(t, "/api/vessels/"+mmsiPath(mDream)+"/track", jpn, &tr)
	if want := f.t0.Add(9*time.Hour + 30*time.Minute + time.Millisecond); !tr.Properties.To.Equal(want) {
		t.Errorf("JPN's default track range ends %v, want %v (just after its newest position)", tr.Properties.To, want)
	}
	// kor-shore hears a vessel two hours later, and JPN's answers stay.
	if err := f.st.Append([]store.Position{{MMSI: mOnlyK, Time: f.t0.Add(11*time.Hour + 30*time.Minute).UnixMilli(), Lat: 35, Lon: 129, Heading: -1, Feeds: fK}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if got := string(f.getOK(t, p, jpn, nil).body); got != before[p] {
			t.Errorf("%s changed for JPN when kor-shore heard a vessel later:\n%.300s\nwas\n%.300s", p, got, before[p])
		}
	}
	// KOR's own view moved on.
	f.getOK(t, "/api/vessels?max_age=1m", f.secrets["kor-viewer"], &fc)
	if len(fc.Features) != 1 || fc.Features[0].Properties.MMSI != mOnlyK {
		t.Errorf("KOR's vessels within a minute of its newest position: %+v", fc.Features)
	}
}

// tagged puts an NMEA 4.0 tag block with a time (c:, Unix seconds) before
// a sentence.
func tagged(at time.Time, sentence string) string {
	body := "c:" + strconv.FormatInt(at.Unix(), 10)
	var sum byte
	for i := 0; i < len(body); i++ {
		sum ^= body[i]
	}
	return fmt.Sprintf("\\%s*%02X\\%s", body, sum, sentence)
}

// TestHostileFutureLine: a line sent to an open receiver stamped half an
// hour ahead of the clock is counted as invalid and not trusted: no
// track, no stored position, no move of anyone's "now"; one stamped a
// minute ahead (a clock a little fast) is taken.
func TestHostileFutureLine(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	var fs feedSender
	fs.f = f
	const ahead, fast = 431700001, 431700002
	fs.send(t, "jpn-coast", tagged(time.Now().Add(30*time.Minute), positionSentence(t, ahead, 34.1, 135.1)))
	fs.send(t, "jpn-coast", tagged(time.Now().Add(time.Minute), positionSentence(t, fast, 34.2, 135.2)))
	if err := f.p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := f.p.Stats(); s.Invalid != 1 {
		t.Errorf("%d reports counted invalid, want the one stamped 30 min ahead", s.Invalid)
	}
	var fc vesselsReply
	f.getOK(t, "/api/vessels?max_age=1d", f.secrets["jpn-viewer"], &fc)
	var got []uint32
	for _, ft := range fc.Features {
		got = append(got, ft.Properties.MMSI)
	}
	if len(got) != 1 || got[0] != fast {
		t.Errorf("JPN's vessels %v, want only %d", got, fast)
	}
	if _, ok := f.st.LatestOf(ahead, store.AllFeeds); ok {
		t.Errorf("the position stamped 30 min ahead was stored")
	}
}
