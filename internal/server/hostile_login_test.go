package server

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// clientFrom returns an HTTP client whose connections come from a
// loopback address of choice.
func clientFrom(local string) *http.Client {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
	}}
}

// TestHostileLogins: a login from another site's page is refused (its
// Origin, its Sec-Fetch-Site, a form's content type); wrong passwords
// for one account from twenty addresses lock the account out after a
// few, the right password included, while other accounts go on.
func TestHostileLogins(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6, LoginFreeFailures: 3})
	tokenLogin := `{"token":"` + f.secrets["jpn-viewer"] + `"}`
	for _, c := range []struct {
		name string
		hdr  []string
		want int
	}{
		{"a form", []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"plain text", []string{"Content-Type", "text/plain"}, http.StatusUnsupportedMediaType},
		{"no type", nil, http.StatusUnsupportedMediaType},
		{"another origin", []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, http.StatusForbidden},
		{"a cross-site fetch", []string{"Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"a same-site fetch", []string{"Content-Type", "application/json", "Sec-Fetch-Site", "same-site"}, http.StatusForbidden},
		{"the map's own page", []string{"Content-Type", "application/json", "Origin", f.base, "Sec-Fetch-Site", "same-origin"}, http.StatusOK},
		{"a script", []string{"Content-Type", "application/json; charset=utf-8"}, http.StatusOK},
	} {
		r := f.do(t, http.MethodPost, "/api/login", "", strings.NewReader(tokenLogin), c.hdr...)
		if r.code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, r.code, r.body, c.want)
		}
		if c.want != http.StatusOK && r.hdr.Get("Set-Cookie") != "" {
			t.Errorf("%s: a cookie was set", c.name)
		}
	}
	if r := f.do(t, http.MethodPost, "/api/logout", "", nil, "Origin", "https://evil.example"); r.code != http.StatusForbidden {
		t.Errorf("a cross-site logout: %d", r.code)
	}

	login := func(from, user, password string) reply {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.base+"/api/login",
			strings.NewReader(`{"user":"`+user+`","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := clientFrom(from).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return reply{code: resp.StatusCode, hdr: resp.Header}
	}
	var codes []int
	for i := range 20 {
		codes = append(codes, login("127.0.0."+strconv.Itoa(i+1), testPasswordUser, "guess number "+strconv.Itoa(i)+", long enough").code)
	}
	// Three wrong passwords are free; the fourth locks the account out.
	want := []int{401, 401, 401, 401}
	for range 16 {
		want = append(want, 429)
	}
	if !slicesEqual(codes, want) {
		t.Errorf("20 guesses from 20 addresses: %v, want %v", codes, want)
	}
	r := login("127.0.0.99", testPasswordUser, testPassword)
	if r.code != http.StatusTooManyRequests || r.hdr.Get("Set-Cookie") != "" {
		t.Errorf("the right password while locked out: %d, cookie %q", r.code, r.hdr.Get("Set-Cookie"))
	}
	if n, err := strconv.Atoi(r.hdr.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("Retry-After %q", r.hdr.Get("Retry-After"))
	}
	if r := login("127.0.0.1", "nobody-else", "a guess for another, long enough"); r.code != http.StatusUnauthorized {
		t.Errorf("another account: %d, want 401", r.code)
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestClientKey: limits count an IPv6 client by its /64 (one host
// usually holds one whole), an IPv4 client by its address.
func TestClientKey(t *testing.T) {
	key := func(s string) string { return clientKey(addrOf(s)).String() }
	for _, c := range []struct{ a, b string }{
		{"[2001:db8:1:2::1]:5000", "[2001:db8:1:2:ffff:ffff:ffff:9]:80"},
		{"[::ffff:192.0.2.7]:1", "192.0.2.7:2"},
	} {
		if key(c.a) != key(c.b) {
			t.Errorf("%s and %s: %s and %s, want one key", c.a, c.b, key(c.a), key(c.b))
		}
	}
	for _, c := range []struct{ a, b string }{
		{"[2001:db8:1:2::1]:5000", "[2001:db8:1:3::1]:5000"},
		{"192.0.2.7:1", "192.0.2.8:1"},
	} {
		if key(c.a) == key(c.b) {
			t.Errorf("%s and %s: one key %s", c.a, c.b, key(c.a))
		}
	}
}
