package source

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestDetectionsWatch: a file put in the watched directory is delivered
// once, after a poll that sees it unchanged; a file still growing, a
// hidden one and the scenes file are not; a failed delivery is not
// offered again until the file changes.
func TestDetectionsWatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scenes := filepath.Join(dir, "footprints.csv")
	write("footprints.csv", "scene_id,footprint_wkt\n")
	src, err := New(Config{Name: "sar", Kind: Detections, File: dir, Format: "gfw-sar", Scenes: scenes})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	fail := map[string]bool{"bad.csv": true}
	polls := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := Env{
		State: func(string) {}, Error: func(string) {}, Conns: func(int) {},
		Deliver: func(d Delivery) error {
			if d.Format != "gfw-sar" || d.Scenes != scenes {
				t.Errorf("delivery %+v", d)
			}
			got = append(got, filepath.Base(d.Path))
			if fail[filepath.Base(d.Path)] {
				return os.ErrInvalid
			}
			return nil
		},
		Sleep: func(ctx context.Context, _ time.Duration) error {
			polls++
			switch polls {
			case 1:
				write("a.csv", "x")
				write(".b.csv.tmp", "x")
				write("bad.csv", "x")
			case 2:
				write("c.csv", "x") // appears
			case 3:
				write("c.csv", "xy") // still growing
			case 6:
				write("bad.csv", "changed")
			case 9:
				cancel()
				return ctx.Err()
			}
			return nil
		},
	}
	if err := src.Run(ctx, env); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.csv", "bad.csv", "c.csv", "bad.csv"}
	slices.Sort(got[:2])
	if !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}
