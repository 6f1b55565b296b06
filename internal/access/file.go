package access

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/picket-ais/picket/internal/durable"
)

// The files of an access store, in the data directory.
const (
	// File holds the Registry as JSON, mode 0600.
	File = "access.json"
	// LockFile is flocked by Update so that writers (the CLI, the server's
	// logins) take turns.
	LockFile = "access.lock"
	// AuditFile is the audit log's usual name.
	AuditFile = "audit.jsonl"
)

// Load reads dir/access.json. A missing file is an empty registry; a
// file that does not parse or does not validate is an error naming it.
func Load(dir string) (*Registry, error) {
	path := filepath.Join(dir, File)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Registry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("access: %w", err)
	}
	var r Registry
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: %s: data after the registry", ErrInvalid, path)
	}
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// Save writes dir/access.json atomically: a temporary file in dir,
// fsynced, renamed over the old one, and the directory fsynced, so a
// reader or a crash sees the old registry or the new one, never a mix.
// The file is mode 0600: it holds password hashes. dir is created (0700)
// if missing. A registry that would not Load (a group cycle, a name
// twice) is refused.
func (r *Registry) Save(dir string) error {
	if err := r.validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+File+".*.tmp")
	if err != nil {
		return fmt.Errorf("access: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, File)); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	ok = true
	if err := durable.SyncDir(dir); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	return nil
}

// Update changes the registry in dir under an exclusive lock on
// dir/access.lock: Load, fn, Save. Writers in other processes (the CLI
// while a server runs, two admins at once) wait for each other, so no
// change is lost. Nothing is written if fn returns an error, which
// Update returns as is.
func Update(dir string, fn func(*Registry) error) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("access: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	lf, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("access: %w", err)
	}
	defer lf.Close()
	if err := lockFile(lf); err != nil {
		return fmt.Errorf("access: lock %s: %w", path, err)
	}
	defer unlockFile(lf)
	r, err := Load(dir)
	if err != nil {
		return err
	}
	if err := fn(r); err != nil {
		return err
	}
	return r.Save(dir)
}
