package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
)

// TestHostileAudit: 500 requests without a token, each with an 8 KiB
// query, cost the audit log a bounded number of short entries (they
// used to write 4 MiB); the refusals of known users are all kept.
func TestHostileAudit(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	began := time.Now()
	query := "?bbox=" + strings.Repeat("9", 8<<10)
	for range 500 {
		if r := f.get(t, "/api/events"+query, ""); r.code != http.StatusUnauthorized {
			t.Fatalf("%d", r.code)
		}
	}
	for range 30 {
		if r := f.get(t, "/api/feeds", f.secrets["jpn-viewer"]); r.code != http.StatusForbidden {
			t.Fatalf("%d", r.code)
		}
	}
	elapsed := time.Since(began)
	f.close()
	file, err := os.Open(filepath.Join(f.dir, access.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	info, _ := file.Stat()
	var anonymous, known int
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e access.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		switch {
		case e.Action == "denied" && e.User == "":
			anonymous++
		case e.Action == "denied" && e.User == "jpn-viewer":
			known++
		}
	}
	// 20 at once, then one a second (from one address).
	if bound := 20 + int(elapsed/time.Second) + 1; anonymous > bound || anonymous == 0 {
		t.Errorf("%d refusals without a token logged, want 1 to %d", anonymous, bound)
	}
	if known != 30 {
		t.Errorf("%d refusals of jpn-viewer logged, want all 30", known)
	}
	if info.Size() > 64<<10 {
		t.Errorf("the audit log is %d bytes after 530 refusals", info.Size())
	}
}

// TestHealthAudit: an audit log that does not write (a full disk) makes
// /healthz say so, with 503 (it said ok).
func TestHealthAudit(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	f := newFixture(t, Options{})
	full, err := access.OpenAudit("/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	srv := New(f.p, Options{Access: f.guard, Audit: full}, nil, nil)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h struct{ Status string }
		json.NewDecoder(resp.Body).Decode(&h)
		return resp.StatusCode, h.Status
	}
	if code, status := get("/healthz", ""); code != http.StatusOK {
		t.Fatalf("/healthz before: %d %s", code, status)
	}
	get("/api/events", f.secrets["jpn-viewer"]) // an entry to write
	waitFor(t, "the audit log's flush", func() bool { return full.Err() != nil })
	code, status := get("/healthz", "")
	if code != http.StatusServiceUnavailable || !strings.Contains(status, "audit log") {
		t.Errorf("/healthz with the audit log failing: %d %q", code, status)
	}
}
