package access

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const goodPassword = "correct horse battery staple"

// people adds users to the coalition: kim (KOR analyst, password), ann
// (GBR viewer, token only).
func people(t *testing.T) *Registry {
	t.Helper()
	r := coalition(t)
	if err := r.AddUser("kim", "KOR", Analyst, goodPassword); err != nil {
		t.Fatal(err)
	}
	if err := r.AddUser("ann", "GBR", Viewer, ""); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAddUserErrors(t *testing.T) {
	r := people(t)
	for _, tc := range []struct {
		err  error
		is   error
		says string
	}{
		{r.AddUser("kim", "KOR", Viewer, ""), ErrExists, "user kim"},
		{r.AddUser("lee", "PRK", Viewer, ""), ErrNotFound, `partner "PRK"`},
		{r.AddUser("lee", "KOR", "root", ""), ErrInvalid, `role "root"`},
		{r.AddUser("lee", "KOR", Viewer, "short"), ErrInvalid, "password too short"},
		{r.AddUser("lee", "KOR", Viewer, strings.Repeat("x", 300)), ErrInvalid, "password too long"},
		{r.AddUser("lee", "KOR", Viewer, "a long password\nwith a newline"), ErrInvalid, "line break"},
		{r.AddUser("", "KOR", Viewer, ""), ErrInvalid, "user name"},
		{r.AddUser("lee kim", "KOR", Viewer, ""), ErrInvalid, `"lee kim"`},
	} {
		if tc.err == nil || !errors.Is(tc.err, tc.is) || !strings.Contains(tc.err.Error(), tc.says) {
			t.Errorf("%v: want %v saying %q", tc.err, tc.is, tc.says)
		}
	}
	u, _ := r.LookupUser("kim")
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(u.PasswordHash, goodPassword) {
		t.Errorf("password hash %q", u.PasswordHash)
	}
	if u, _ := r.LookupUser("ann"); u.PasswordHash != "" {
		t.Errorf("token-only user has a password hash")
	}
}

func TestAuthenticate(t *testing.T) {
	r := people(t)
	secret, tok, err := r.CreateToken("kim", "ops laptop", 24*time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "pkt_") || len(secret) != 4+43 || len(tok.ID) != 8 || !validTokenID(tok.ID) {
		t.Fatalf("secret %q, token %+v", secret, tok)
	}
	if !tok.Expires.Equal(t0.Add(24*time.Hour)) || tok.Label != "ops laptop" || tok.User != "kim" {
		t.Errorf("token %+v", tok)
	}
	forever, _, err := r.CreateToken("ann", "", 0, t0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Authenticate(secret, t0.Add(time.Hour))
	if want := (Principal{User: "kim", Partner: "KOR", Role: Analyst, TokenID: tok.ID}); err != nil || p != want {
		t.Fatalf("Authenticate = %+v, %v; want %+v", p, err, want)
	}
	if p, err := r.Authenticate(forever, t0.Add(10*365*24*time.Hour)); err != nil || p.User != "ann" {
		t.Errorf("token without expiry, ten years on: %+v, %v", p, err)
	}

	flip := func(s string) string { // the same shape, another secret
		b := []byte(s)
		if b[10] == 'A' {
			b[10] = 'B'
		} else {
			b[10] = 'A'
		}
		return string(b)
	}
	for _, tc := range []struct {
		name   string
		change func(r *Registry) // on a copy of r
		secret string
		at     time.Time
		says   string
	}{
		{"wrong secret", nil, flip(secret), t0, "unknown token"},
		{"empty", nil, "", t0, "not a picket token"},
		{"a password", nil, goodPassword, t0, "not a picket token"},
		{"the hash itself", nil, tok.Hash, t0, "not a picket token"},
		{"expired", nil, secret, t0.Add(24 * time.Hour), "expired"},
		{"revoked", func(r *Registry) { r.RevokeToken(tok.ID, t0.Add(time.Minute)) }, secret, t0.Add(time.Hour), "revoked"},
		{"revoked, clock behind", func(r *Registry) { r.RevokeToken(tok.ID, t0.Add(2*time.Hour)) }, secret, t0.Add(time.Hour), "revoked"},
		{"disabled user", func(r *Registry) { r.SetDisabled("kim", true) }, secret, t0, "disabled"},
		{"user gone", func(r *Registry) { r.Users = r.Users[1:] }, secret, t0, "user kim gone"},
		{"partner gone", func(r *Registry) { r.Partners = r.Partners[2:] }, secret, t0, "partner KOR gone"},
	} {
		c := clone(t, r)
		if tc.change != nil {
			tc.change(c)
		}
		p, err := c.Authenticate(tc.secret, tc.at)
		if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), tc.says) || p != (Principal{}) {
			t.Errorf("%s: %+v, %v; want ErrUnauthorized saying %q", tc.name, p, err, tc.says)
		}
	}

	for _, tc := range []struct {
		user  string
		ttl   time.Duration
		label string
		is    error
	}{
		{"nobody", time.Hour, "", ErrNotFound},
		{"kim", -time.Hour, "", ErrInvalid},
		{"kim", time.Hour, "tab\there", ErrInvalid},
		{"kim", time.Hour, strings.Repeat("x", 65), ErrInvalid},
	} {
		if _, _, err := r.CreateToken(tc.user, tc.label, tc.ttl, t0); !errors.Is(err, tc.is) {
			t.Errorf("CreateToken(%q, %q, %v): %v, want %v", tc.user, tc.label, tc.ttl, err, tc.is)
		}
	}
	r.SetDisabled("ann", true)
	if _, _, err := r.CreateToken("ann", "", time.Hour, t0); !errors.Is(err, ErrInvalid) {
		t.Errorf("token for a disabled user: %v", err)
	}
	if err := r.RevokeToken("00000000", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
}

// clone copies a registry through JSON, as Save and Load would.
func clone(t *testing.T, r *Registry) *Registry {
	t.Helper()
	dir := t.TempDir()
	if err := r.Save(dir); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLogin(t *testing.T) {
	r := people(t)
	if p, err := r.Login("kim", goodPassword, t0); err != nil || p != (Principal{User: "kim", Partner: "KOR", Role: Analyst}) {
		t.Errorf("good password: %+v, %v", p, err)
	}
	disabled := clone(t, r)
	disabled.SetDisabled("kim", true)
	for _, tc := range []struct {
		name, user, password string
		r                    *Registry
	}{
		{"wrong password", "kim", goodPassword + "!", r},
		{"empty password", "kim", "", r},
		{"unknown user", "lee", goodPassword, r},
		{"token-only user", "ann", "", r},
		{"token-only user, some password", "ann", goodPassword, r},
		{"oversized password", "kim", strings.Repeat("x", 10000), r},
		{"disabled user, good password", "kim", goodPassword, disabled},
	} {
		p, err := tc.r.Login(tc.user, tc.password, t0)
		if !errors.Is(err, ErrUnauthorized) || p != (Principal{}) {
			t.Errorf("%s: %+v, %v; want ErrUnauthorized", tc.name, p, err)
		}
	}
	for _, h := range []string{"", "$argon2id$v=19$m=19456,t=2,p=1$", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "plain text"} {
		if verifyPassword(h, "") {
			t.Errorf("malformed hash %q verifies", h)
		}
	}
}

// TestSaveLoad: a round trip keeps everything, the file is 0600 and
// holds no secret; a missing file is an empty registry; a corrupt one is
// an error naming it.
func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	r := people(t)
	secret, tok, err := r.CreateToken("kim", "", time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	r.RevokeToken(tok.ID, t0.Add(time.Minute))
	if _, _, err := r.CreateToken("ann", "feed robot", 0, t0); err != nil {
		t.Fatal(err)
	}
	if err := r.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
	}
	path := filepath.Join(dir, File)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), secret) || strings.Contains(string(b), strings.TrimPrefix(secret, "pkt_")) || strings.Contains(string(b), goodPassword) {
		t.Errorf("the file holds a secret:\n%s", b)
	}
	if !strings.Contains(string(b), tok.Hash) {
		t.Errorf("the file lacks the token's hash")
	}
	if strings.Contains(string(b), `"expires": "0001`) {
		t.Errorf("a zero time is written out:\n%s", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}

	if r, err := Load(t.TempDir()); err != nil || len(r.Partners)+len(r.Users)+len(r.Tokens) != 0 {
		t.Errorf("missing file: %+v, %v", r, err)
	}
	for body, says := range map[string]string{
		`{"partners": [`:                "unexpected EOF",
		`[]`:                            "cannot unmarshal",
		`{} {}`:                         "data after",
		`{"partners": [{"name": "A"}]}`: `partner name "A"`,
		`{"partners": [{"name": "AB", "members": ["CD"]}, {"name": "CD", "members": ["AB"]}]}`: "cycle: AB -> CD -> AB",
		`{"users": [{"name": "x", "partner": "JPN", "role": "boss"}]}`:                         `role "boss"`,
		`{"tokens": [{"id": "zz", "hash": ""}]}`:                                               "token id",
		`{"partners": [{"name": "JPN"}, {"name": "JPN"}]}`:                                     "listed twice",
	} {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, File), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(d)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(d, File)) || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: %v; want an error naming the file and saying %q", body, err, says)
		}
	}
	// Save refuses what Load would.
	bad := coalition(t)
	bad.Partners[0].Members = []string{"WIDE"} // JPN in WIDE, WIDE in JPN
	if err := bad.Save(t.TempDir()); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("Save of a cycle: %v", err)
	}
}

func TestPrune(t *testing.T) {
	r := people(t)
	_, old, _ := r.CreateToken("kim", SessionLabel, time.Hour, t0)
	_, revoked, _ := r.CreateToken("kim", SessionLabel, 12*time.Hour, t0)
	r.RevokeToken(revoked.ID, t0.Add(time.Hour))
	_, live, _ := r.CreateToken("kim", SessionLabel, 12*time.Hour, t0.Add(2*time.Hour))
	_, api, _ := r.CreateToken("kim", "api", time.Hour, t0)
	if n := r.Prune(t0.Add(3 * time.Hour)); n != 2 {
		t.Errorf("pruned %d, want 2", n)
	}
	for _, id := range []string{old.ID, revoked.ID} {
		if _, ok := r.LookupToken(id); ok {
			t.Errorf("ended session %s kept", id)
		}
	}
	for _, id := range []string{live.ID, api.ID} {
		if _, ok := r.LookupToken(id); !ok {
			t.Errorf("token %s pruned", id)
		}
	}
}
