// Command gen builds web/dist from web/src and web/node_modules. It runs
// from `go generate ./web` (in the web folder) after `npm ci`.
package main

import (
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/picket-ais/picket/web/internal/bundle"
)

func main() {
	start := time.Now()
	files, err := bundle.Build(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := bundle.Write("dist", files); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	names := make([]string, 0, len(files))
	total := 0
	for n, b := range files {
		names = append(names, n)
		total += len(b)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("  dist/%-26s %8d bytes\n", n, len(files[n]))
	}
	fmt.Printf("web: %d files, %d bytes in %v\n", len(files), total, time.Since(start).Round(time.Millisecond))
}
