//go:build !windows

package durable

import "os"

// SyncDir makes the creations, renames and removals in dir durable. Its
// error names dir.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
