package access

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestRedactQuery(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"bbox=1,2,3,4&since=2026-01-01", "bbox=1,2,3,4&since=2026-01-01"},
		{"token=pkt_abc&bbox=1,2", "token=REDACTED&bbox=1,2"},
		{"bbox=1&TOKEN=abc", "bbox=1&TOKEN=REDACTED"},
		{"password=hunter2&user=kim", "password=REDACTED&user=kim"},
		{"access_token=x&client-secret=y", "access_token=REDACTED&client-secret=REDACTED"},
		{"to%6Ben=x", "to%6Ben=REDACTED"},           // escaped key
		{"q=pkt_abcdef", "q=REDACTED"},              // a picket token anywhere
		{"q=pkt%5Fabcdef", "q=REDACTED"},            // escaped
		{"token&tokens=1", "token&tokens=1"},        // no value; not a secret's name
		{"a=1&&secret=s;x", "a=1&&secret=REDACTED"}, // odd separators kept
	} {
		if got := RedactQuery(tc.in); got != tc.want {
			t.Errorf("RedactQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAudit: entries from many goroutines come out as valid JSON Lines,
// with secrets redacted, in a 0600 file; Close flushes.
func TestAudit(t *testing.T) {
	path := filepath.Join(t.TempDir(), AuditFile)
	a, err := OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "pkt_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2Vj"
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				a.Record(AuditEntry{User: "kim", Partner: "KOR", Role: Analyst, TokenID: "0a1b2c3d", Method: "GET",
					Path: "/api/events.csv", Query: "token=" + secret + "&bbox=1,2,3,4&password=hunter2hunter2",
					Status: 200, Bytes: int64(g*1000 + i), Remote: "192.0.2.7:4711", Action: ActionExport})
			}
		})
	}
	wg.Wait()
	a.Record(AuditEntry{Time: t0, Action: ActionLoginFailed, User: "lee", Status: 401})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	a.Record(AuditEntry{Action: ActionRead}) // after Close: dropped, remembered
	if a.Err() == nil {
		t.Error("a record after Close is not reported")
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	for _, s := range []string{secret, strings.TrimPrefix(secret, "pkt_"), "hunter2"} {
		if strings.Contains(string(b), s) {
			t.Errorf("the audit log holds a secret %q", s)
		}
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	n := 0
	for sc.Scan() {
		var e AuditEntry
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("line %d: %v: %s", n+1, err, sc.Text())
		}
		n++
		if n <= 400 && (e.Query != "token=REDACTED&bbox=1,2,3,4&password=REDACTED" || e.Time.IsZero() || e.Action != ActionExport) {
			t.Errorf("line %d: %+v", n, e)
		}
		if n == 401 && (!e.Time.Equal(t0) || e.Action != ActionLoginFailed) {
			t.Errorf("last line: %+v", e)
		}
	}
	if n != 401 {
		t.Errorf("%d lines, want 401", n)
	}
}

// TestAuditFlushes: an entry reaches the file within about a second,
// without Close.
func TestAuditFlushes(t *testing.T) {
	path := filepath.Join(t.TempDir(), AuditFile)
	a, err := OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Record(AuditEntry{User: "kim", Action: ActionStream})
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if b, _ := os.ReadFile(path); strings.Contains(string(b), `"action":"stream"`) {
			return
		}
	}
	t.Error("the entry was not flushed within 5 s")
}

// switchWriter fails while full is set, as a full disk does.
type switchWriter struct {
	full bool
	w    io.Writer
}

func (s *switchWriter) Write(b []byte) (int, error) {
	if s.full {
		return 0, syscall.ENOSPC
	}
	return s.w.Write(b)
}

// TestAuditRetries: a write that fails (a full disk) is reported by Err,
// with the entries lost, and auditing resumes once writes succeed again
// (it used to stop for good).
func TestAuditRetries(t *testing.T) {
	path := filepath.Join(t.TempDir(), AuditFile)
	a, err := OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	sw := &switchWriter{full: true, w: a.f}
	a.mu.Lock()
	a.out = sw
	a.w.Reset(sw)
	a.mu.Unlock()
	flush := func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.flushLocked()
	}
	a.Record(AuditEntry{Action: ActionRead, User: "lost-one"})
	a.Record(AuditEntry{Action: ActionRead, User: "lost-two"})
	flush()
	if err := a.Err(); !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "2 entries lost") {
		t.Errorf("Err with the disk full: %v", err)
	}
	sw.full = false
	a.Record(AuditEntry{Action: ActionRead, User: "kept"})
	flush()
	if err := a.Err(); err != nil {
		t.Errorf("Err once writes succeed: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"user":"kept"`) || strings.Contains(string(b), "lost-") {
		t.Errorf("the log after the disk had room again: %s", b)
	}
}

// TestAuditClips: an entry repeats a bounded part of a request, however
// long its query, path or claimed user name.
func TestAuditClips(t *testing.T) {
	path := filepath.Join(t.TempDir(), AuditFile)
	a, err := OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 1<<20)
	a.Record(AuditEntry{Action: ActionLoginFailed, User: long, Method: long, Path: "/" + long, Query: "q=" + long + "&token=pkt_x", Remote: long})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 2048 {
		t.Errorf("a %d-byte entry for a 1 MiB request", len(b))
	}
	var e AuditEntry
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(e.Query, "...") || !strings.HasSuffix(e.User, "...") {
		t.Errorf("clipped fields are not marked: %q %q", e.Query[len(e.Query)-10:], e.User[len(e.User)-10:])
	}
}
