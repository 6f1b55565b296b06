package access

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// writeRegistry writes a registry to dir/access.json as it is, without
// Save's checks (as a hand edit would).
func writeRegistry(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, File), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRefusesHandEdits: a hand-edited access.json whose password
// hash costs more than the bounds (every login would take a gigabyte),
// or whose two tokens share a hash, does not load, and says why.
func TestLoadRefusesHandEdits(t *testing.T) {
	const partner = `{"partners":[{"name":"JPN"}],`
	h := strings.Repeat("a", 64)
	for _, c := range []struct{ name, file, want string }{
		{"a 1 GiB hash", partner + `"users":[{"name":"aiko","partner":"JPN","role":"viewer","created":"2026-01-01T00:00:00Z",
			"password_hash":"$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"}],"tokens":[]}`, "user aiko: "},
		{"16 passes", partner + `"users":[{"name":"aiko","partner":"JPN","role":"viewer","created":"2026-01-01T00:00:00Z",
			"password_hash":"$argon2id$v=19$m=19456,t=16,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"}],"tokens":[]}`, "out of bounds"},
		{"a malformed hash", partner + `"users":[{"name":"aiko","partner":"JPN","role":"viewer","created":"2026-01-01T00:00:00Z",
			"password_hash":"$2y$10$bcryptbcryptbcrypt"}],"tokens":[]}`, "password hash"},
		{"one hash, two tokens", partner + `"users":[{"name":"aiko","partner":"JPN","role":"viewer","created":"2026-01-01T00:00:00Z"},
			{"name":"ben","partner":"JPN","role":"admin","created":"2026-01-01T00:00:00Z"}],
			"tokens":[{"id":"00000001","user":"aiko","hash":"` + h + `","created":"2026-01-01T00:00:00Z"},
			{"id":"00000002","user":"ben","hash":"` + h + `","created":"2026-01-01T00:00:00Z"}]}`, "tokens 00000001 and 00000002 have the same hash"},
	} {
		dir := t.TempDir()
		writeRegistry(t, dir, c.file)
		_, err := Load(dir)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an ErrInvalid saying %q", c.name, err, c.want)
		}
	}
}

// TestPasswordChecksBounded: many logins at once run at most
// cap(argonSlots) password hashes at a time; the rest wait and are
// answered.
func TestPasswordChecksBounded(t *testing.T) {
	old := argonSlots
	argonSlots = make(chan struct{}, 2)
	var inFlight, peak atomic.Int32
	argonHook = func() {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(time.Millisecond) // let the others pile up, if they can
		inFlight.Add(-1)
	}
	t.Cleanup(func() { argonSlots, argonHook = old, nil })
	var r Registry
	if err := r.AddPartner("JPN", nil); err != nil {
		t.Fatal(err)
	}
	if err := r.AddUser("aiko", "JPN", Viewer, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 12 {
		wg.Go(func() {
			if _, err := r.Login("aiko", "a wrong guess, long enough", time.Now()); !errors.Is(err, ErrUnauthorized) {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d logins not refused", failed.Load())
	}
	if p := peak.Load(); p > 2 || p < 1 {
		t.Errorf("%d password checks at once, want 1 to 2", p)
	}
}
