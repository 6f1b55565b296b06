package access

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Guard is what a server holds: the registry of dir/access.json, kept
// current. It looks at the file's identity, size and mtime at most once
// per second, on the next call that needs the registry, and reloads it
// when it changed, so that a change made by the CLI (a revoked token, a
// disabled user) holds from about a second later without a restart. A
// file that no longer loads is logged once and the last good registry
// kept; a file that was removed is an empty registry: nobody gets in.
//
// Guard is safe for concurrent use. Checks never make a caller wait for
// another caller's reload: it goes on with the current snapshot.
type Guard struct {
	dir      string
	logger   *slog.Logger
	interval time.Duration    // between checks of the file: 1 s
	now      func() time.Time // the clock; tests replace it

	cur       atomic.Pointer[snapshot]
	gen       atomic.Uint64
	nextCheck atomic.Int64 // unix ns before which no check is due
	checking  sync.Mutex   // one check at a time
	failed    fs.FileInfo  // the file version that last failed to load (under checking)
}

// snapshot is one loaded registry with its indexes; never changed after
// it is published.
type snapshot struct {
	reg      *Registry
	info     fs.FileInfo // nil: there was no file
	byHash   map[string]*Token
	users    map[string]*User
	partners map[string]bool
}

func newSnapshot(r *Registry, info fs.FileInfo) *snapshot {
	s := &snapshot{reg: r, info: info,
		byHash: make(map[string]*Token, len(r.Tokens)), users: make(map[string]*User, len(r.Users)),
		partners: make(map[string]bool, len(r.Partners))}
	for i := range r.Tokens {
		s.byHash[r.Tokens[i].Hash] = &r.Tokens[i]
	}
	for i := range r.Users {
		s.users[r.Users[i].Name] = &r.Users[i]
	}
	for _, p := range r.Partners {
		s.partners[p.Name] = true
	}
	return s
}

// OpenGuard loads dir/access.json (an error if it does not load; a
// missing file is an empty registry, and logged).
func OpenGuard(dir string, logger *slog.Logger) (*Guard, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	g := &Guard{dir: dir, logger: logger, interval: time.Second, now: time.Now}
	info, err := g.stat()
	if err != nil {
		return nil, err
	}
	r, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if info == nil {
		logger.Warn("no access registry yet: nobody can sign in until users are added (picket user add)", "file", g.path())
	}
	g.publish(r, info)
	g.nextCheck.Store(g.now().Add(g.interval).UnixNano())
	return g, nil
}

func (g *Guard) path() string { return filepath.Join(g.dir, File) }

// stat returns the file's info, nil if there is no file.
func (g *Guard) stat() (fs.FileInfo, error) {
	info, err := os.Stat(g.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("access: %w", err)
	}
	return info, nil
}

func (g *Guard) publish(r *Registry, info fs.FileInfo) {
	g.cur.Store(newSnapshot(r, info))
	g.gen.Add(1)
}

// sameFile: Save renames a new file into place, so a new inode means a
// new version; size and mtime catch an edit in place.
func sameFile(a, b fs.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// maybeReload checks the file if a check is due and no other caller is
// checking.
func (g *Guard) maybeReload() {
	now := g.now()
	if now.UnixNano() < g.nextCheck.Load() || !g.checking.TryLock() {
		return
	}
	defer g.checking.Unlock()
	if now.UnixNano() < g.nextCheck.Load() {
		return // another caller checked while this one was getting the lock
	}
	g.nextCheck.Store(now.Add(g.interval).UnixNano())
	if err := g.check(); err != nil {
		g.logger.Error("access registry not reloaded: keeping the last good one", "err", err)
	}
}

// Reload checks the file now, and reloads it if it changed.
func (g *Guard) Reload() error {
	g.checking.Lock()
	defer g.checking.Unlock()
	g.nextCheck.Store(g.now().Add(g.interval).UnixNano())
	return g.check()
}

// check reloads the file if it changed; under g.checking. A version that
// failed to load is reported once.
func (g *Guard) check() error {
	info, err := g.stat()
	if err != nil {
		return err
	}
	if sameFile(info, g.cur.Load().info) || g.failed != nil && sameFile(info, g.failed) {
		return nil
	}
	r, err := Load(g.dir)
	if err != nil {
		g.failed = info
		return err
	}
	g.failed = nil
	g.publish(r, info)
	g.logger.Info("access registry reloaded", "generation", g.gen.Load(), "partners", len(r.Partners),
		"users", len(r.Users), "tokens", len(r.Tokens))
	return nil
}

// Registry returns the current registry. It is shared: read it, never
// change it (change the file with Update).
func (g *Guard) Registry() *Registry {
	g.maybeReload()
	return g.cur.Load().reg
}

// Generation is a number that grows on every reload: a clearance cached
// with the generation it was computed at is stale when it differs.
func (g *Guard) Generation() uint64 {
	g.maybeReload()
	return g.gen.Load()
}

// Authenticate returns who holds a token secret; see
// Registry.Authenticate.
func (g *Guard) Authenticate(secret string) (Principal, error) {
	g.maybeReload()
	if !wellFormedSecret(secret) {
		return Principal{}, fmt.Errorf("%w: not a picket token", ErrUnauthorized)
	}
	s := g.cur.Load()
	t := s.byHash[tokenHash(secret)]
	if t == nil {
		return Principal{}, fmt.Errorf("%w: unknown token", ErrUnauthorized)
	}
	u := s.users[t.User]
	return tokenPrincipal(t, u, u != nil && s.partners[u.Partner], g.now())
}

// SessionTTL is how long a login's session token lasts.
const SessionTTL = 12 * time.Hour

// Login checks a password and opens a session: a token labelled
// SessionLabel, expiring SessionTTL from now, written with Update (which
// also prunes sessions that ended a day ago or more). It returns the
// principal, with the session's TokenID, and the session's secret for
// the client to present from then on. ErrUnauthorized as
// Registry.Login.
func (g *Guard) Login(user, password string) (Principal, string, error) {
	now := g.now()
	p, err := g.Registry().Login(user, password, now)
	if err != nil {
		return Principal{}, "", err
	}
	var secret string
	err = Update(g.dir, func(r *Registry) error {
		r.Prune(now.Add(-24 * time.Hour))
		var err error
		if secret, _, err = r.CreateToken(user, SessionLabel, SessionTTL, now); err != nil {
			return err
		}
		// The file may have changed since the snapshot (the user
		// disabled, moved to another partner): the principal is what
		// the registry being written says.
		p, err = r.Authenticate(secret, now)
		return err
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
		return Principal{}, "", fmt.Errorf("%w: %v", ErrUnauthorized, err)
	}
	if err != nil {
		return Principal{}, "", err
	}
	if err := g.Reload(); err != nil {
		return Principal{}, "", err
	}
	return p, secret, nil
}

// Logout revokes a session token (one made by Login; other tokens are
// revoked with the CLI) and takes it out of use at once in this Guard.
func (g *Guard) Logout(tokenID string) error {
	err := Update(g.dir, func(r *Registry) error {
		t, ok := r.LookupToken(tokenID)
		if !ok {
			return fmt.Errorf("%w: token %s", ErrNotFound, tokenID)
		}
		if t.Label != SessionLabel {
			return fmt.Errorf("%w: token %s is not a session (revoke it with picket token revoke)", ErrInvalid, tokenID)
		}
		return r.RevokeToken(tokenID, g.now())
	})
	if err != nil {
		return err
	}
	return g.Reload()
}
