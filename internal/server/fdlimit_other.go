//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package server

// fdLimit returns the process's limit of open files, 0 if unknown.
func fdLimit() int { return 0 }
