package access

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// TestUpdateConcurrent: writers in goroutines and in other processes,
// each adding partners through Update at the same time, lose nothing.
func TestUpdateConcurrent(t *testing.T) {
	dir := t.TempDir()
	const goroutines, procs, each = 6, 3, 8
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	for p := range procs {
		cmd := exec.Command(exe, "-test.run=^TestUpdateHelperProcess$")
		cmd.Env = append(os.Environ(), "PICKET_ACCESS_HELPER_DIR="+dir, "PICKET_ACCESS_HELPER_PREFIX="+fmt.Sprintf("P%d", p),
			"PICKET_ACCESS_HELPER_N="+strconv.Itoa(each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			if err := addMany(dir, fmt.Sprintf("G%d", g), each); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper process: %v", err)
		}
	}
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(r.Partners), (goroutines+procs)*each; got != want {
		t.Errorf("%d partners after %d concurrent additions: writes lost", got, want)
	}
}

func addMany(dir, prefix string, n int) error {
	for i := range n {
		if err := Update(dir, func(r *Registry) error { return r.AddPartner(fmt.Sprintf("%s-%d", prefix, i), nil) }); err != nil {
			return err
		}
	}
	return nil
}

// TestUpdateHelperProcess is a writer in another process for
// TestUpdateConcurrent; alone it does nothing.
func TestUpdateHelperProcess(t *testing.T) {
	dir := os.Getenv("PICKET_ACCESS_HELPER_DIR")
	if dir == "" {
		t.Skip("helper for TestUpdateConcurrent")
	}
	n, _ := strconv.Atoi(os.Getenv("PICKET_ACCESS_HELPER_N"))
	if err := addMany(dir, os.Getenv("PICKET_ACCESS_HELPER_PREFIX"), n); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateError(t *testing.T) {
	dir := t.TempDir()
	if err := Update(dir, func(r *Registry) error { return r.AddPartner("JPN", nil) }); err != nil {
		t.Fatal(err)
	}
	// A failing fn writes nothing, and its error comes back as is.
	err := Update(dir, func(r *Registry) error {
		r.AddPartner("KOR", nil)
		return r.AddPartner("JPN", nil)
	})
	if err == nil || err.Error() != "access: already exists: partner JPN" {
		t.Errorf("Update: %v", err)
	}
	r, _ := Load(dir)
	if _, ok := r.LookupPartner("KOR"); ok {
		t.Error("a failed Update was written")
	}
}
