package main

import (
	"runtime/debug"
	"strings"
)

// version is picket's release, set at build time with
// -ldflags "-X main.version=v1.2.3"; a development build says "dev".
var version = "dev"

// versionString is what `picket --version` prints: the release, and the
// commit and Go version the binary was built from when the build knows
// them.
func versionString() string {
	parts := []string{version}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+modified"
				}
			}
		}
		if rev != "" {
			parts = append(parts, "commit "+rev[:min(12, len(rev))]+dirty)
		}
		parts = append(parts, bi.GoVersion)
	}
	return strings.Join(parts, ", ")
}
