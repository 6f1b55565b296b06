package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/picket-ais/picket/internal/access"
)

// picket runs a command line of the access commands in-process, as main
// would, and returns what it wrote.
func picket(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := &cobra.Command{Use: "picket", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(accessCommands()...)
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	err = root.Execute()
	return out.String(), errOut.String(), err
}

// mustPicket runs a command that must succeed.
func mustPicket(t *testing.T, stdin string, args ...string) (stdout, stderr string) {
	t.Helper()
	out, errOut, err := picket(t, stdin, args...)
	if err != nil {
		t.Fatalf("picket %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out, errOut
}

// TestAccessCommands: partners, a group, users, a token that
// authenticates through the saved store, its revocation.
func TestAccessCommands(t *testing.T) {
	dir := t.TempDir()
	data := "--data=" + dir
	for _, p := range []string{"JPN", "GBR", "USA", "NOR"} {
		mustPicket(t, "", "partner", "add", p, data)
	}
	mustPicket(t, "", "partner", "add", "NATO", "--members", "GBR,USA", data)
	mustPicket(t, "", "partner", "set", "NATO", "--members", "GBR,USA,NOR", data)
	out, _ := mustPicket(t, "", "partner", "list", data)
	if !strings.Contains(out, "NATO") || !strings.Contains(out, "GBR,NATO,NOR,USA") {
		t.Errorf("partner list:\n%s", out)
	}

	const pw = "a long enough passphrase"
	mustPicket(t, pw+"\n", "user", "add", "kim", "--partner", "JPN", "--role", "analyst", "--password-stdin", data)
	mustPicket(t, "", "user", "add", "ann", "--partner", "GBR", "--role", "viewer", data)
	out, _ = mustPicket(t, "", "user", "list", data)
	for _, want := range []string{"kim", "JPN", "analyst", "password, tokens", "ann", "GBR", "viewer"} {
		if !strings.Contains(out, want) {
			t.Errorf("user list lacks %q:\n%s", want, out)
		}
	}

	out, errOut := mustPicket(t, "", "token", "create", "--user", "ann", "--ttl", "30d", "--label", "feed robot", data)
	secret := strings.TrimSuffix(out, "\n")
	if !strings.HasPrefix(secret, access.SecretPrefix) || strings.Contains(secret, "\n") || strings.Contains(secret, " ") {
		t.Fatalf("token create printed %q on stdout: want the secret alone on one line", out)
	}
	if strings.Contains(errOut, secret) || !strings.Contains(errOut, "shown this once") {
		t.Errorf("token create stderr: %q", errOut)
	}

	r, err := access.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	p, err := r.Authenticate(secret, now)
	if err != nil || p.User != "ann" || p.Partner != "GBR" || p.Role != access.Viewer {
		t.Fatalf("Authenticate: %+v, %v", p, err)
	}
	tok, _ := r.LookupToken(p.TokenID)
	if d := tok.Expires.Sub(tok.Created); d != 30*24*time.Hour || tok.Label != "feed robot" {
		t.Errorf("token %+v: lifetime %v", tok, d)
	}
	if p, err := r.Login("kim", pw, now); err != nil || p.Role != access.Analyst {
		t.Errorf("password from stdin: %+v, %v", p, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, access.File))
	if strings.Contains(string(b), secret) || strings.Contains(string(b), pw) {
		t.Error("the store holds a secret")
	}

	out, _ = mustPicket(t, "", "token", "list", data)
	if !strings.Contains(out, p.TokenID) || !strings.Contains(out, "feed robot") || strings.Contains(out, tok.Hash) {
		t.Errorf("token list:\n%s", out)
	}
	mustPicket(t, "", "token", "revoke", p.TokenID, data)
	r, _ = access.Load(dir)
	if _, err := r.Authenticate(secret, now); !errors.Is(err, access.ErrUnauthorized) {
		t.Errorf("revoked token: %v", err)
	}

	mustPicket(t, "", "user", "disable", "kim", data)
	r, _ = access.Load(dir)
	if _, err := r.Login("kim", pw, now); !errors.Is(err, access.ErrUnauthorized) {
		t.Errorf("disabled user: %v", err)
	}

	// --config: the data: directory of serve's config, relative to it.
	cfg := filepath.Join(dir, "picket.yaml")
	if err := os.WriteFile(cfg, []byte("data: .\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = mustPicket(t, "", "user", "list", "--config", cfg)
	if !strings.Contains(out, "kim") || !strings.Contains(out, "disabled") {
		t.Errorf("user list --config:\n%s", out)
	}
}

// TestAccessCommandErrors: bad input says what is wrong, and where;
// mistakes in the command line are usage errors (exit 2).
func TestAccessCommandErrors(t *testing.T) {
	dir := t.TempDir()
	data := "--data=" + dir
	mustPicket(t, "", "partner", "add", "JPN", data)
	mustPicket(t, "", "user", "add", "kim", "--partner", "JPN", "--role", "viewer", data)
	noData := filepath.Join(t.TempDir(), "nodata.yaml")
	os.WriteFile(noData, []byte("listen: 127.0.0.1:0\n"), 0o644)
	store := filepath.Join(dir, access.File)

	for _, tc := range []struct {
		stdin string
		args  []string
		usage bool
		says  []string
	}{
		{"", []string{"user", "add", "lee", "--partner", "XYZ", "--role", "viewer", data}, false, []string{store, `partner "XYZ" is not a partner`}},
		{"", []string{"user", "add", "lee", "--partner", "JPN", "--role", "boss", data}, true, []string{`role "boss"`, "viewer, analyst or admin"}},
		{"", []string{"user", "add", "kim", "--partner", "JPN", "--role", "viewer", data}, false, []string{store, "already exists: user kim"}},
		{"", []string{"user", "add", "lee", "--role", "viewer", data}, true, []string{"--partner is required"}},
		{"short\n", []string{"user", "add", "lee", "--partner", "JPN", "--role", "viewer", "--password-stdin", data}, false, []string{"password too short"}},
		{"", []string{"user", "add", "lee", "--partner", "JPN", "--role", "viewer", "--password-stdin", data}, true, []string{"no password"}},
		{"", []string{"user", "disable", "nobody", data}, false, []string{store, "user nobody"}},
		{"", []string{"partner", "add", "NATO", "--members", "GBR", data}, false, []string{"member GBR is not a partner"}},
		{"", []string{"partner", "add", "jpn", data}, false, []string{`partner name "jpn"`}},
		{"", []string{"partner", "add", "JPN", data}, false, []string{"already exists: partner JPN"}},
		{"", []string{"token", "create", "--user", "nobody", data}, false, []string{store, "user nobody"}},
		{"", []string{"token", "create", "--user", "kim", "--ttl", "soon", data}, true, []string{"--ttl", `"soon"`}},
		{"", []string{"token", "create", data}, true, []string{"--user is required"}},
		{"", []string{"token", "revoke", "deadbeef", data}, false, []string{store, "token deadbeef"}},
		{"", []string{"token", "list"}, true, []string{"--data DIR or --config FILE"}},
		{"", []string{"user", "list", "--config", noData}, true, []string{noData, "no data directory"}},
	} {
		out, _, err := picket(t, tc.stdin, tc.args...)
		var ue usageError
		if err == nil || errors.As(err, &ue) != tc.usage || out != "" {
			t.Errorf("picket %s: %v (usage error: %v, stdout %q); want usage error %v", strings.Join(tc.args, " "), err, errors.As(err, &ue), out, tc.usage)
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("picket %s: %q does not say %q", strings.Join(tc.args, " "), err, s)
			}
		}
	}
	// Nothing above changed the store.
	r, err := access.Load(dir)
	if err != nil || len(r.Partners) != 1 || len(r.Users) != 1 || len(r.Tokens) != 0 {
		t.Errorf("store after refused commands: %+v, %v", r, err)
	}
}
