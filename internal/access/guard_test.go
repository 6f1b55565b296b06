package access

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openTestGuard(t *testing.T, dir string) (*Guard, *fakeClock) {
	t.Helper()
	g, err := OpenGuard(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Now()}
	g.now = clock.Now
	g.nextCheck.Store(clock.Now().Add(g.interval).UnixNano())
	return g, clock
}

// TestGuardReload: a change made through Update by someone else (the
// CLI) holds in the Guard after its check interval, not before; a file
// that stops loading keeps the last good registry; a removed file lets
// nobody in.
func TestGuardReload(t *testing.T) {
	dir := t.TempDir()
	if err := people(t).Save(dir); err != nil {
		t.Fatal(err)
	}
	g, clock := openTestGuard(t, dir)
	gen := g.Generation()

	var secret, id string
	if err := Update(dir, func(r *Registry) error {
		var err error
		var tok Token
		secret, tok, err = r.CreateToken("ann", "cli", time.Hour, time.Now())
		id = tok.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Authenticate(secret); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("a token made a moment ago is seen before the check interval: %v", err)
	}
	clock.Add(1100 * time.Millisecond)
	if p, err := g.Authenticate(secret); err != nil || p.User != "ann" || p.TokenID != id {
		t.Fatalf("after the interval: %+v, %v", p, err)
	}
	if g.Generation() != gen+1 {
		t.Errorf("generation %d, want %d", g.Generation(), gen+1)
	}

	// Revoked by the CLI: refused from the next check on.
	if err := Update(dir, func(r *Registry) error { return r.RevokeToken(id, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	clock.Add(1100 * time.Millisecond)
	if _, err := g.Authenticate(secret); !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("revoked token: %v", err)
	}
	gen = g.Generation()

	// Nothing changed: no reload.
	clock.Add(1100 * time.Millisecond)
	if g.Generation() != gen {
		t.Errorf("reloaded an unchanged file")
	}

	// A broken file: the last good registry stays.
	if err := os.WriteFile(filepath.Join(dir, File), []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	clock.Add(1100 * time.Millisecond)
	if err := g.Reload(); err == nil || !strings.Contains(err.Error(), File) {
		t.Errorf("Reload of a broken file: %v", err)
	}
	if _, ok := g.Registry().LookupUser("kim"); !ok || g.Generation() != gen {
		t.Errorf("a broken file replaced the registry")
	}

	// Removed: an empty registry.
	os.Remove(filepath.Join(dir, File))
	clock.Add(1100 * time.Millisecond)
	if len(g.Registry().Users) != 0 {
		t.Errorf("the registry of a removed file still has users")
	}
}

// TestGuardLogin: a password login opens a session token that
// authenticates at once and ends with Logout.
func TestGuardLogin(t *testing.T) {
	dir := t.TempDir()
	r := people(t)
	_, api, _ := r.CreateToken("kim", "api", 0, time.Now())
	if err := r.Save(dir); err != nil {
		t.Fatal(err)
	}
	g, _ := openTestGuard(t, dir)

	p, secret, err := g.Login("kim", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if p.User != "kim" || p.Partner != "KOR" || p.Role != Analyst || p.TokenID == "" {
		t.Errorf("login principal %+v", p)
	}
	if q, err := g.Authenticate(secret); err != nil || q != p {
		t.Errorf("session: %+v, %v; want %+v", q, err, p)
	}
	tok, ok := g.Registry().LookupToken(p.TokenID)
	if !ok || tok.Label != SessionLabel || tok.Expires.Sub(tok.Created) != SessionTTL {
		t.Errorf("session token %+v", tok)
	}
	for _, tc := range []struct{ user, password string }{
		{"kim", "not the password at all"},
		{"lee", goodPassword},
		{"ann", ""},
	} {
		if _, s, err := g.Login(tc.user, tc.password); !errors.Is(err, ErrUnauthorized) || s != "" {
			t.Errorf("Login(%q, %q): %q, %v", tc.user, tc.password, s, err)
		}
	}
	if err := g.Logout(api.ID); !errors.Is(err, ErrInvalid) {
		t.Errorf("Logout of an API token: %v", err)
	}
	if err := g.Logout("00000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Logout of nothing: %v", err)
	}
	if err := g.Logout(p.TokenID); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Authenticate(secret); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("after logout: %v", err)
	}

	// Disabled between the password check's snapshot and the session's
	// write: no session.
	if err := Update(dir, func(r *Registry) error { return r.SetDisabled("kim", true) }); err != nil {
		t.Fatal(err)
	}
	if _, s, err := g.Login("kim", goodPassword); !errors.Is(err, ErrUnauthorized) || s != "" {
		t.Errorf("login of a user disabled meanwhile: %q, %v", s, err)
	}
}

// TestGuardConcurrent is for the race detector: requests while the file
// changes.
func TestGuardConcurrent(t *testing.T) {
	dir := t.TempDir()
	r := people(t)
	secret, _, _ := r.CreateToken("ann", "", 0, time.Now())
	r.Save(dir)
	g, err := OpenGuard(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.interval = 0 // check on every call
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := g.Authenticate(secret); err != nil {
					t.Error(err)
					return
				}
				_ = g.Registry().Clearance("GBR", nil)
			}
		})
	}
	for i := range 20 {
		if err := Update(dir, func(r *Registry) error { return r.AddPartner("X"+strings.Repeat("Y", i%10)+string(rune('A'+i)), nil) }); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	g.Reload()
	if n := len(g.Registry().Partners); n != len(r.Partners)+20 {
		t.Errorf("%d partners, want %d", n, len(r.Partners)+20)
	}
}
