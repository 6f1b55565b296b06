package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/access"
)

// TestTrackExport: a track export holds, for each vessel asked, exactly
// the positions /api/vessels/{mmsi}/track gives the same partner, and
// nothing of a vessel the partner may not see.
func TestTrackExport(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	f.seed()
	all := []uint32{mOnlyJ, mOnlyG, mOnlyK, mSays, mDream, mJK, mNoPos, mUnknown}
	q := ""
	for i, m := range all {
		if i > 0 {
			q += ","
		}
		q += mmsiPath(m)
	}
	window := "&from=" + f.t0.Format("2006-01-02T15:04:05Z07:00") + "&to=" + f.t0.Add(24*3600e9).Format("2006-01-02T15:04:05Z07:00")
	for _, p := range []string{"JPN", "GBR", "USA", "KOR", "AUS"} {
		tok := f.secrets[userName(p, access.Analyst)]
		r := f.get(t, "/api/export/tracks.csv?mmsi="+q+window, tok)
		if r.code != http.StatusOK || r.hdr.Get("Content-Disposition") != `attachment; filename="tracks.csv"` {
			t.Fatalf("%s: %d %s", p, r.code, r.body)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, row := range rows[1:] {
			got[row[0]]++
		}
		for _, m := range all {
			var tf struct {
				Properties struct {
					Count int `json:"count"`
				} `json:"properties"`
			}
			tr := f.get(t, "/api/vessels/"+mmsiPath(m)+"/track?"+window[1:], tok)
			if tr.code == http.StatusOK {
				json.Unmarshal(tr.body, &tf)
			}
			if n := got[strconv.Itoa(int(m))]; n != tf.Properties.Count {
				t.Errorf("%s, vessel %d: %d rows exported, %d positions in its track", p, m, n, tf.Properties.Count)
			}
		}
		if p == "JPN" && (got[strconv.Itoa(mOnlyJ)] == 0 || got[strconv.Itoa(mOnlyG)] != 0) {
			t.Errorf("JPN: rows %v: its own vessel's positions, none of GBR's", got)
		}
		if p == "AUS" && len(rows) != 1 {
			t.Errorf("AUS, cleared for nothing, exported %d rows", len(rows)-1)
		}
	}
	tok := f.secrets[userName("JPN", access.Analyst)]
	for _, bad := range []string{"", "?mmsi=x", "?mmsi=" + mmsiPath(mOnlyJ) + "&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"} {
		if r := f.get(t, "/api/export/tracks.kml"+bad, tok); r.code != http.StatusBadRequest {
			t.Errorf("tracks.kml%s: %d, want 400", bad, r.code)
		}
	}
	if r := f.get(t, "/api/export/tracks.csv?mmsi="+mmsiPath(mOnlyJ), f.secrets[userName("JPN", access.Viewer)]); r.code != http.StatusForbidden {
		t.Errorf("a viewer: %d", r.code)
	}

	// NVG carries the marking of what it holds in its classification.
	r := f.get(t, "/api/export/tracks.nvg?mmsi="+mmsiPath(mOnlyJ)+","+mmsiPath(mOnlyG)+window, tok)
	if r.code != http.StatusOK || !strings.Contains(string(r.body), `classification="REL TO JPN, OPS, USA"`) ||
		!strings.Contains(string(r.body), "urn:picket:track:431100001") || strings.Contains(string(r.body), "232200002") {
		t.Errorf("JPN's tracks.nvg: %d %.300s", r.code, r.body)
	}
	r = f.get(t, "/api/export/events.nvg?type=encounter", f.secrets[userName("USA", access.Analyst)])
	if r.code != http.StatusOK || !strings.Contains(string(r.body), "urn:picket:event:evt-enc-jg") || !strings.Contains(string(r.body), `classification="REL TO OPS, USA"`) {
		t.Errorf("USA's events.nvg: %d %.300s", r.code, r.body)
	}
}
