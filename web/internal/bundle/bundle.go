package bundle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Basemap is the world-atlas TopoJSON file the page loads: Natural Earth
// 1:50m countries (750 KB), detailed enough for straits and archipelagos at
// the zooms a watch works at, a fifth of the 1:10m file.
const Basemap = "countries-50m.json"

// Build returns the files of dist/ by name, built from dir (the web
// folder, with src/ and an installed node_modules/). The same inputs give
// the same bytes.
func Build(dir string) (map[string][]byte, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "node_modules", "maplibre-gl", "package.json")); err != nil {
		return nil, errors.New("bundle: node_modules missing: run npm ci in web/ first")
	}
	res := api.Build(api.BuildOptions{
		AbsWorkingDir:     abs,
		EntryPoints:       []string{"src/main.ts"},
		EntryNames:        "app",
		Outdir:            "dist",
		Bundle:            true,
		Write:             false,
		Format:            api.FormatESModule,
		Target:            api.ES2022,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		LegalComments:     api.LegalCommentsEndOfFile,
		Charset:           api.CharsetUTF8,
		LogLevel:          api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, fmt.Errorf("bundle: esbuild: %s", strings.Join(msgs, "\n"))
	}
	out := map[string][]byte{}
	for _, f := range res.OutputFiles {
		rel, err := filepath.Rel(filepath.Join(abs, "dist"), f.Path)
		if err != nil {
			return nil, err
		}
		out[filepath.ToSlash(rel)] = f.Contents
	}
	copies := map[string]string{
		"index.html":              "src/index.html",
		"favicon.svg":             "src/favicon.svg",
		"maplibre-gl-worker.mjs":  "node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs",
		Basemap:                   "node_modules/world-atlas/" + Basemap,
		"LICENSE-world-atlas.txt": "node_modules/world-atlas/LICENSE",
	}
	for name, src := range copies {
		b, err := os.ReadFile(filepath.Join(abs, src))
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		out[name] = b
	}
	return out, nil
}

// Write replaces the files of dir (dist/) with files, removing those no
// longer built.
func Write(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range old {
		if _, ok := files[e.Name()]; !ok {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Diff compares built files with those of dir and describes each
// difference; none means dir is fresh.
func Diff(dir string, files map[string][]byte) ([]string, error) {
	var diffs []string
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		want, ok := files[rel]
		if !ok {
			diffs = append(diffs, rel+": no longer built")
			return nil
		}
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if string(got) != string(want) {
			diffs = append(diffs, fmt.Sprintf("%s: differs (%d bytes committed, %d built)", rel, len(got), len(want)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name := range files {
		if !seen[name] {
			diffs = append(diffs, name+": missing")
		}
	}
	return diffs, nil
}
