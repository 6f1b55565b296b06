package access

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The actions of the audit log.
const (
	ActionRead        = "read"         // an API read
	ActionExport      = "export"       // a download (GeoJSON, KML, CSV, Parquet)
	ActionStream      = "stream"       // a live stream opened
	ActionLogin       = "login"        // a password login that opened a session
	ActionLoginFailed = "login_failed" // a login refused
	ActionAdmin       = "admin"        // a change of partners, users or tokens
	ActionRule        = "rule"         // an alert rule added, changed or deleted
	ActionAlert       = "alert"        // an alert acknowledged, assigned or dismissed
	ActionZone        = "zone"         // a partner's zone drawn, renamed or deleted
	ActionWatchlist   = "watchlist"    // a partner's watchlist made or deleted, an entry added or taken out
	ActionUpload      = "upload"       // satellite detections delivered (POST /api/detections)
)

// AuditEntry is one line of the audit log: who did what, and what came
// of it.
type AuditEntry struct {
	Time    time.Time `json:"time"`
	User    string    `json:"user,omitempty"`
	Partner string    `json:"partner,omitempty"`
	Role    Role      `json:"role,omitempty"`
	TokenID string    `json:"token_id,omitempty"`
	Method  string    `json:"method,omitempty"`
	Path    string    `json:"path,omitempty"`
	// Query is the raw query string, secrets redacted by Record.
	Query  string `json:"query,omitempty"`
	Status int    `json:"status,omitempty"`
	Bytes  int64  `json:"bytes"`
	Remote string `json:"remote,omitempty"`
	Action string `json:"action"`
	// Detail says what a change changed (the rule added, the alert
	// assigned and to whom).
	Detail string `json:"detail,omitempty"`
}

// Audit appends AuditEntry records to a JSON Lines file, one object per
// line. Writes are buffered and flushed at least once a second and on
// Close, so a crash loses at most a second of entries. A write that fails
// (a full disk) loses what was buffered, is logged and reported by Err,
// and the next flush tries again: auditing resumes once the disk has
// room. Safe for concurrent use.
type Audit struct {
	mu      sync.Mutex
	f       *os.File
	out     io.Writer // f; tests replace it
	w       *bufio.Writer
	pending int64 // entries in w
	err     error // the last write error; nil once a write succeeds again
	lost    int64 // entries lost to failed writes, since open
	logger  *slog.Logger
	closed  bool
	stop    chan struct{}
	done    chan struct{}
}

// auditFlushInterval bounds how long an entry waits in the buffer.
const auditFlushInterval = time.Second

// Bounds on what one entry repeats of a request (bytes): a client cannot
// make each of its requests cost the audit log more than about 2 KiB.
const (
	maxAuditPath  = 256
	maxAuditQuery = 1024
	maxAuditField = 64 // user, method, remote address
)

// OpenAudit opens (creating it, mode 0600) an audit log for appending.
func OpenAudit(path string) (*Audit, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("access: audit log: %w", err)
	}
	a := &Audit{f: f, out: f, w: bufio.NewWriterSize(f, 64<<10), stop: make(chan struct{}), done: make(chan struct{}),
		logger: slog.New(slog.DiscardHandler)}
	go a.flusher()
	return a, nil
}

// SetLogger sets where write failures are logged (default: nowhere).
func (a *Audit) SetLogger(l *slog.Logger) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if l != nil {
		a.logger = l
	}
}

// flusher is owned by the Audit: it stops on Close.
func (a *Audit) flusher() {
	defer close(a.done)
	t := time.NewTicker(auditFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C:
			a.mu.Lock()
			a.flushLocked()
			a.mu.Unlock()
		}
	}
}

func (a *Audit) flushLocked() {
	if a.w.Buffered() == 0 {
		return
	}
	if err := a.w.Flush(); err != nil {
		a.failLocked(err)
		return
	}
	a.pending = 0
	if a.err != nil {
		a.logger.Info("audit log writes again", "lost", a.lost)
		a.err = nil
	}
}

// failLocked drops what the buffer holds (a bufio.Writer that failed
// stays failed) and remembers the error.
func (a *Audit) failLocked(err error) {
	a.lost += a.pending
	a.pending = 0
	a.w.Reset(a.out)
	if a.err == nil {
		a.logger.Error("audit log write failed: entries are being lost until it writes again", "err", err)
	}
	a.err = err
}

// Record appends an entry (Time now if zero). Secrets never reach the
// file: a query parameter named token, password or secret (any case,
// also as a suffix such as access_token), and any value that is a picket
// token, are written as REDACTED. What an entry repeats of the request
// is clipped (path 256 bytes, query 1 KiB, user, method and address 64).
// A write that fails is reported by Err.
func (a *Audit) Record(e AuditEntry) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC()
	e.Query = clipAudit(RedactQuery(clipAudit(e.Query, 4*maxAuditQuery)), maxAuditQuery)
	e.Path = clipAudit(e.Path, maxAuditPath)
	e.User = clipAudit(e.User, maxAuditField)
	e.Method = clipAudit(e.Method, maxAuditField)
	e.Remote = clipAudit(e.Remote, maxAuditField)
	e.Detail = clipAudit(e.Detail, maxAuditPath)
	b, err := json.Marshal(e)
	if err != nil {
		panic("access: an AuditEntry does not marshal: " + err.Error())
	}
	b = append(b, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		if a.err == nil {
			a.err = errors.New("access: audit log: record after close")
		}
		return
	}
	if _, err := a.w.Write(b); err != nil {
		a.pending++
		a.failLocked(err)
		return
	}
	a.pending++
}

// clipAudit cuts s to n bytes at a character boundary, marked "...".
func clipAudit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// Err returns the error of the last write when it failed, nil once a
// write succeeds again, for health checks: an audit log that does not
// write should be loud.
func (a *Audit) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil && a.lost > 0 {
		return fmt.Errorf("%w (%d entries lost)", a.err, a.lost)
	}
	return a.err
}

// Close flushes and closes the log.
func (a *Audit) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	a.mu.Unlock()
	close(a.stop)
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	a.flushLocked()
	err := a.err
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("access: audit log: %w", err)
	}
	return nil
}

// RedactQuery returns a raw query string with the values of secret
// parameters replaced by REDACTED, in place: the rest of the query, its
// order and its escaping are kept as they came.
func RedactQuery(q string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	changed := false
	for i, p := range parts {
		k, v, hasValue := strings.Cut(p, "=")
		if !hasValue || v == "" {
			continue
		}
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if secretParam(key) || strings.HasPrefix(val, SecretPrefix) {
			parts[i] = k + "=REDACTED"
			changed = true
		}
	}
	if !changed {
		return q
	}
	return strings.Join(parts, "&")
}

func secretParam(key string) bool {
	key = strings.ToLower(key)
	for _, s := range []string{"token", "password", "secret"} {
		if key == s || strings.HasSuffix(key, "_"+s) || strings.HasSuffix(key, "-"+s) {
			return true
		}
	}
	return false
}
