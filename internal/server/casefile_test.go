package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/access"
)

// TestCaseFile: an evidence package holds what the partner may see and no
// more, is refused for what it may not see in the words used for what
// was never heard, and is marked with whom all of its content is
// released to.
func TestCaseFile(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	f.seed()
	tok := func(p string) string { return f.secrets[userName(p, access.Analyst)] }

	// JPN's own vessel: heard by jpn-coast (REL TO JPN, USA, OPS) only,
	// and its encounter with mSays, heard by jpn-coast as JPN sees it.
	r := f.get(t, "/api/case?mmsi="+mmsiPath(mOnlyJ), tok("JPN"))
	if r.code != http.StatusOK || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/html") ||
		!strings.Contains(r.hdr.Get("Content-Disposition"), `filename="case-431100001.html"`) {
		t.Fatalf("JPN's vessel: %d %s %q", r.code, r.hdr.Get("Content-Type"), r.hdr.Get("Content-Disposition"))
	}
	body := string(r.body)
	for _, want := range []string{`id="marking">REL TO JPN, OPS, USA<`, "ONLY-JPN", "evt-enc-says", "jpn-coast", "analyst jpn-analyst of JPN"} {
		if !strings.Contains(body, want) {
			t.Errorf("JPN's case lacks %q", want)
		}
	}
	// evt-enc-jg rests on gbr-sat too, which JPN may not see: not in it,
	// nor anything of the GBR vessel.
	for _, hidden := range []string{"evt-enc-jg", "ONLY-GBR", "gbr-sat", "232200002"} {
		if strings.Contains(body, hidden) {
			t.Errorf("JPN's case shows %q", hidden)
		}
	}

	// The same vessel as GBR: refused as one never heard.
	hidden := f.get(t, "/api/case?mmsi="+mmsiPath(mOnlyJ), tok("GBR"))
	unknown := f.get(t, "/api/case?mmsi="+mmsiPath(mUnknown), tok("GBR"))
	if hidden.code != http.StatusNotFound || unknown.code != http.StatusNotFound ||
		strings.ReplaceAll(string(hidden.body), "431100001", "X") != strings.ReplaceAll(string(unknown.body), "311999999", "X") {
		t.Errorf("GBR: hidden %d %s, unknown %d %s", hidden.code, hidden.body, unknown.code, unknown.body)
	}

	// USA sees both feeds of the JPN-GBR encounter: the case holds both
	// vessels and may go only to whom both labels release it.
	r = f.get(t, "/api/case?event=evt-enc-jg", tok("USA"))
	if r.code != http.StatusOK {
		t.Fatalf("USA's event case: %d %s", r.code, r.body)
	}
	body = string(r.body)
	for _, want := range []string{`id="marking">REL TO OPS, USA<`, "ONLY-JPN", "ONLY-GBR", "jpn-coast", "gbr-sat", "REL TO NATO, OPS"} {
		if !strings.Contains(body, want) {
			t.Errorf("USA's event case lacks %q", want)
		}
	}
	if r := f.get(t, "/api/case?event=evt-enc-jg", tok("JPN")); r.code != http.StatusNotFound {
		t.Errorf("JPN asking for an event resting on gbr-sat: %d", r.code)
	}

	for _, q := range []string{"", "?mmsi=1&event=x", "?event=" + strings.Repeat("a", 65), "?network=a%20b", "?mmsi=abc"} {
		if r := f.get(t, "/api/case"+q, tok("USA")); r.code != http.StatusBadRequest {
			t.Errorf("/api/case%s: %d, want 400", q, r.code)
		}
	}
	if r := f.get(t, "/api/case?mmsi="+mmsiPath(mOnlyJ), f.secrets[userName("JPN", access.Viewer)]); r.code != http.StatusForbidden {
		t.Errorf("a viewer: %d, want 403", r.code)
	}
}
