//go:build !unix

package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockDir only creates dir/LOCK where flock(2) is not available: keeping
// two processes off one directory is then up to the operator.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return f, nil
}

func unlockDir(f *os.File) { f.Close() }
