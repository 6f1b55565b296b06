package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/picket-ais/picket/web/internal/fixture"
)

// TestBrowserLogin runs the login flow in headless Chromium against
// stubAuth, a server that asks for a login: the login screen, failed
// logins (password, token, too many tries), a login that shows the
// partner, the clearance, an export, a session revoked under the live
// stream, a role lowered under an export (403), logging out, and a viewer
// who comes in by a demo link and finds exports and networks locked.
// Screenshots are named login-*.png beside TestBrowser's.
func TestBrowserLogin(t *testing.T) {
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
	auth := newStubAuth(fx.Handler())
	mux := http.NewServeMux()
	mux.Handle("/api/", auth)
	mux.Handle("/test/", auth)
	mux.Handle("/", Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	runBrowser(t, chromium, node, "login.mjs", srv.URL)
}

// stubUser is what /api/me answers.
type stubUser struct {
	User      string   `json:"user"`
	Partner   string   `json:"partner"`
	Role      string   `json:"role"`
	Clearance []string `json:"clearance"`
	Open      bool     `json:"open"`
}

// stubAuth plays the server's side of logins as docs/web.md describes the
// contract: password and token logins, a session cookie, 401 without one,
// 403 for what the role may not use, 429 after three failed tries of a
// user, and 429 to the first /api/events (the server limits the requests
// of a token too). Behind it the fixture serves the data. /test/revoke ends every
// session (and cuts their streams); /test/role?user=&role= changes a
// user's role in their open sessions.
type stubAuth struct {
	api http.Handler

	mu       sync.Mutex
	sessions map[string]*stubUser // by cookie
	fails    map[string]int       // failed logins by user name
	revoke   context.Context      // done when the sessions are revoked
	revoked  context.CancelFunc
	limited  bool // the first /api/events was answered 429
}

var (
	stubPasswords = map[string]string{"ana": "correct horse"}
	stubUsers     = map[string]stubUser{
		"ana": {User: "ana", Partner: "JPN", Role: "analyst", Clearance: []string{"jpn-coast", "sim-kor"}},
	}
	stubTokens = map[string]stubUser{
		"pkt_demo_viewer": {User: "demo", Partner: "KOR", Role: "viewer", Clearance: []string{"sim-kor"}},
	}
)

const stubCookie = "picket_session"

func newStubAuth(api http.Handler) *stubAuth {
	a := &stubAuth{api: api, sessions: map[string]*stubUser{}, fails: map[string]int{}}
	a.revoke, a.revoked = context.WithCancel(context.Background())
	return a
}

func (a *stubAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/login":
		a.login(w, r)
		return
	case "/api/logout":
		if c, err := r.Cookie(stubCookie); err == nil {
			a.mu.Lock()
			delete(a.sessions, c.Value)
			a.mu.Unlock()
		}
		http.SetCookie(w, &http.Cookie{Name: stubCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
		w.WriteHeader(http.StatusNoContent)
		return
	case "/test/revoke":
		a.mu.Lock()
		clear(a.sessions)
		a.revoked()
		a.revoke, a.revoked = context.WithCancel(context.Background())
		a.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case "/test/role":
		a.mu.Lock()
		for _, u := range a.sessions {
			if u.User == r.URL.Query().Get("user") {
				u.Role = r.URL.Query().Get("role")
			}
		}
		a.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	u, revoke := a.session(r)
	if u == nil {
		stubError(w, http.StatusUnauthorized, "not logged in")
		return
	}
	switch {
	case r.URL.Path == "/api/me":
		writeStubJSON(w, u)
	case r.URL.Path == "/api/networks" && u.Role == "viewer":
		stubError(w, http.StatusForbidden, "networks need the analyst role")
	case strings.HasPrefix(r.URL.Path, "/api/export/"):
		if u.Role == "viewer" {
			stubError(w, http.StatusForbidden, "exports need the analyst role")
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="events.csv"`)
		w.Write([]byte("id,type,mmsi\n687592807717d178,encounter,414054143\n"))
	case r.URL.Path == "/api/events" && a.firstEvents():
		w.Header().Set("Retry-After", "1")
		stubError(w, http.StatusTooManyRequests, "rate limit")
	case r.URL.Path == "/api/stream":
		// A revoked session's stream ends, as the server's does.
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(revoke, cancel)
		defer stop()
		a.api.ServeHTTP(w, r.WithContext(ctx))
	default:
		a.api.ServeHTTP(w, r)
	}
}

func (a *stubAuth) firstEvents() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	first := !a.limited
	a.limited = true
	return first
}

func (a *stubAuth) session(r *http.Request) (*stubUser, context.Context) {
	c, err := r.Cookie(stubCookie)
	if err != nil {
		return nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.sessions[c.Value]
	if u == nil {
		return nil, nil
	}
	cp := *u
	return &cp, a.revoke
}

func (a *stubAuth) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		stubError(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	var req struct {
		User     string `json:"user"`
		Password string `json:"password"`
		Token    string `json:"token"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		stubError(w, http.StatusBadRequest, "login: "+err.Error())
		return
	}
	a.mu.Lock()
	var u stubUser
	ok := false
	switch {
	case req.Token != "":
		u, ok = stubTokens[req.Token]
	case a.fails[req.User] >= 3:
		a.mu.Unlock()
		w.Header().Set("Retry-After", "3")
		stubError(w, http.StatusTooManyRequests, "too many attempts")
		return
	default:
		if pw, known := stubPasswords[req.User]; known && pw == req.Password {
			u, ok = stubUsers[req.User], true
		}
	}
	if !ok {
		if req.Token == "" {
			a.fails[req.User]++
		}
		a.mu.Unlock()
		stubError(w, http.StatusUnauthorized, "login failed")
		return
	}
	delete(a.fails, req.User)
	var b [16]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	a.sessions[id] = &u
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: stubCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	writeStubJSON(w, u)
}

func stubError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func writeStubJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
