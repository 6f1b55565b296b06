package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryPackageHasDocGo: every library package of the tree says what
// it is, how to use it and its concurrency contract in a doc.go, the one
// place a reader looks first. Commands (package main) document themselves
// in their main file.
func TestEveryPackageHasDocGo(t *testing.T) {
	for _, root := range []string{"../../internal", "../../web"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			if name := d.Name(); name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			pkgs, err := parser.ParseDir(token.NewFileSet(), path, func(fi fs.FileInfo) bool {
				return !strings.HasSuffix(fi.Name(), "_test.go")
			}, parser.PackageClauseOnly)
			if err != nil {
				return err
			}
			for name := range pkgs {
				if name == "main" {
					continue
				}
				doc := filepath.Join(path, "doc.go")
				b, err := os.ReadFile(doc)
				switch {
				case err != nil:
					t.Errorf("%s: package %s has no doc.go", path, name)
				case !strings.Contains(string(b), "// Package "+name+" "):
					t.Errorf("%s: does not start with \"// Package %s ...\"", doc, name)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
