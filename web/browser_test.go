package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/picket-ais/picket/web/internal/fixture"
)

// TestBrowser loads the map in headless Chromium (driven by playwright-core
// from node_modules) against the fixture API, an open server with no
// /api/me: vessels must be drawn, a vessel's profile, an event, a network
// and a replay must open. Screenshots go to $PICKET_SCREENSHOTS, default
// web/testdata/screenshots.
//
// It skips unless Chromium, node and node_modules are there; web/test.sh
// installs them and runs it.
func TestBrowser(t *testing.T) {
	chromium, node := browserTools(t)
	fx, err := fixture.New(fixture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, last := fx.Span()
	fx, err = fixture.New(fixture.Options{Start: last.Add(-3 * time.Hour), Speed: 60, Tick: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", fx.Handler())
	mux.Handle("/", Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	runBrowser(t, chromium, node, "browser.mjs", srv.URL)
}

// browserTools finds Chromium and node, or skips the test saying what is
// missing.
func browserTools(t *testing.T) (chromium, node string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		for _, c := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(c); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		t.Skip("no chromium: run web/test.sh (apt-get install chromium, npm ci) to run the browser test")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: run web/test.sh to run the browser test")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core", "package.json")); err != nil {
		t.Skip("web/node_modules missing: run web/test.sh (or npm ci in web/) to run the browser test")
	}
	return chromium, node
}

// runBrowser runs the script e2e/<script> against url and fails the test
// with what it reports. Screenshots go to $PICKET_SCREENSHOTS, default
// web/testdata/screenshots.
func runBrowser(t *testing.T, chromium, node, script, url string) {
	t.Helper()
	out := os.Getenv("PICKET_SCREENSHOTS")
	if out == "" {
		out = filepath.Join("testdata", "screenshots")
	}
	out, _ = filepath.Abs(out)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute) // a hang guard: a loaded machine is slow
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("e2e", script), url, out)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res struct {
		OK     bool              `json:"ok"`
		Error  string            `json:"error"`
		Steps  []json.RawMessage `json:"steps"`
		Errors []string          `json:"errors"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(lastLine(stdout.Bytes())), &res); err != nil {
		t.Fatalf("browser run: %v\nstdout: %s\nstderr: %s", runErr, stdout.String(), stderr.String())
	}
	for _, s := range res.Steps {
		t.Logf("step %s", s)
	}
	t.Logf("screenshots in %s", out)
	if !res.OK || runErr != nil {
		t.Fatalf("browser test failed: %s %v (errors: %v)\nstderr: %s", res.Error, runErr, res.Errors, stderr.String())
	}
}

func lastLine(b []byte) []byte {
	b = bytes.TrimRight(b, "\n")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}
