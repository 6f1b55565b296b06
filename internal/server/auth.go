package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/access"
)

// SessionCookie is the cookie a web login sets: the session token's
// secret, HttpOnly, SameSite=Strict (so another site cannot make the
// browser send it), Secure over TLS.
const SessionCookie = "picket_session"

// route is what the server knows of a route before its handler runs:
// the role it needs and what the audit log calls it.
type route struct {
	role   access.Role // "" for a public route
	action string      // audit action; "" not audited
	// whole: the route's answer covers every feed (counts, feed states):
	// it needs a partner cleared for every feed.
	whole bool
}

// viewKey is the request context key of a request's view.
type viewKey struct{}

// viewOf returns the view a request was authorised with.
func viewOf(r *http.Request) *view {
	if v, ok := r.Context().Value(viewKey{}).(*view); ok {
		return v
	}
	return openView
}

// secretOf returns the token a request carries: "Authorization: Bearer"
// first, then the session cookie.
func secretOf(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return "\x00" // another scheme: never a valid token
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// authorize authenticates a request for a route, rate-limits it and
// checks its role. It writes the error response and returns nil when
// the request may not go on, with who made it when that is known (for
// the audit log).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, rt route) (*view, access.Principal) {
	if s.opts.Access == nil {
		return openView, openView.who // an open server: one partner, every feed
	}
	secret := secretOf(r)
	if secret == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="picket"`)
		writeError(w, http.StatusUnauthorized, "authentication required: log in, or send an API token as \"Authorization: Bearer <token>\"")
		return nil, access.Principal{}
	}
	p, err := s.opts.Access.Authenticate(secret)
	if err != nil {
		if !errors.Is(err, access.ErrUnauthorized) {
			s.log.Error("authentication failed", "err", err)
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="picket", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "token not valid, expired or revoked")
		return nil, access.Principal{}
	}
	if ok, wait := s.limiter.Allow(p.TokenID); !ok {
		secs := max(1, int(wait.Round(time.Second)/time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, "rate limit: more than "+strconv.FormatFloat(s.opts.RatePerSecond, 'f', -1, 64)+
			" requests a second with this token; retry in "+strconv.Itoa(secs)+" s")
		return nil, p
	}
	if !p.Role.Allows(rt.role) {
		writeError(w, http.StatusForbidden, string(rt.role)+" role needed (you are "+string(p.Role)+")")
		return nil, p
	}
	v := s.viewFor(p)
	if rt.whole && !v.full {
		writeError(w, http.StatusForbidden, "this covers every feed: it needs a partner cleared for every feed ("+p.Partner+" is not)")
		return nil, p
	}
	return v, p
}

// audit records a request in the audit log.
func (s *Server) audit(r *http.Request, v *view, action string, code int, n int64) {
	if s.opts.Audit == nil || action == "" {
		return
	}
	if action == "denied" && (v == nil || v.who.User == "") {
		// Refusals of requests without a valid token cost nothing to
		// send: a few per client address, and per second in all, are
		// logged, the rest counted (picket_audit_suppressed_total).
		ok, _ := s.anonDenials.Allow(clientKey(addrOf(r.RemoteAddr)).String())
		if ok {
			ok, _ = s.anonDenialsAll.Allow("")
		}
		if !ok {
			s.auditSuppressed.Inc()
			return
		}
	}
	e := access.AuditEntry{Time: time.Now().UTC(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Status: code, Bytes: n, Remote: r.RemoteAddr, Action: action}
	if v != nil {
		e.User, e.Partner, e.Role, e.TokenID = v.who.User, v.who.Partner, v.who.Role, v.who.TokenID
	}
	if d, ok := r.Context().Value(noteKey{}).(*string); ok && code < 300 {
		e.Detail = *d
	}
	s.opts.Audit.Record(e)
}

// me is the answer of /api/me and /api/login.
type me struct {
	User      string      `json:"user"`
	Partner   string      `json:"partner"`
	Role      access.Role `json:"role"`
	Clearance []string    `json:"clearance"` // names of the feeds the partner may see
	Open      bool        `json:"open"`      // the server has no access control
}

func (s *Server) meOf(v *view) me {
	m := me{User: v.who.User, Partner: v.who.Partner, Role: v.who.Role, Clearance: []string{}, Open: v.all}
	if v.all {
		for _, f := range s.live.Stats().Feeds {
			m.Clearance = append(m.Clearance, f.Name)
		}
		return m
	}
	s.clearMu.Lock()
	defer s.clearMu.Unlock()
	for _, f := range s.feedLabels {
		if v.clearance&(1<<f.Index) != 0 {
			m.Clearance = append(m.Clearance, f.Name)
		}
	}
	return m
}

// me: GET /api/me — who the request is made by, and what it may see.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, "", s.meOf(viewOf(r)))
}

// loginRequest is the body of POST /api/login: a user and password, or
// a token.
type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Token    string `json:"token"`
}

// login: POST /api/login — checks a password (opening a session) or a
// token, and sets the session cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.opts.Access == nil {
		writeJSON(w, "", s.meOf(openView))
		return
	}
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "login: cross-site request refused")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		// A form another site posts cannot set this type without a
		// preflight the server does not grant.
		writeError(w, http.StatusUnsupportedMediaType, "login: want Content-Type: application/json")
		return
	}
	// Logins are limited per client address, so that passwords cannot be
	// guessed fast, and wrong passwords per account (below), so that
	// they cannot be guessed fast from many addresses either.
	if ok, wait := s.loginLimiter.Allow(clientKey(addrOf(r.RemoteAddr)).String()); !ok {
		tooManyLogins(w, wait)
		return
	}
	var req loginRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "request body over "+strconv.FormatInt(mbe.Limit, 10)+" bytes")
			return
		}
		writeError(w, http.StatusBadRequest, "login: want a JSON object {\"user\", \"password\"} or {\"token\"}")
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, "login: one JSON object expected")
		return
	}
	var (
		p      access.Principal
		secret string
		err    error
	)
	switch {
	case req.Token != "" && req.User == "" && req.Password == "":
		secret = req.Token
		p, err = s.opts.Access.Authenticate(secret)
	case req.Token == "" && req.User != "":
		if ok, wait := s.accounts.Allow(req.User); !ok {
			tooManyLogins(w, wait)
			return
		}
		p, secret, err = s.opts.Access.Login(req.User, req.Password)
		if errors.Is(err, access.ErrUnauthorized) {
			s.accounts.Fail(req.User)
		} else if err == nil {
			s.accounts.Succeed(req.User)
		}
	default:
		writeError(w, http.StatusBadRequest, "login: give a user and password, or a token")
		return
	}
	if err != nil {
		if !errors.Is(err, access.ErrUnauthorized) {
			s.log.Error("login failed", "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		s.audit(r, &view{who: access.Principal{User: req.User}}, "login_failed", http.StatusUnauthorized, 0)
		if req.Token != "" {
			writeError(w, http.StatusUnauthorized, "token not valid, expired or revoked")
		} else {
			writeError(w, http.StatusUnauthorized, "wrong user name or password")
		}
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: int(access.SessionTTL / time.Second)})
	v := s.viewFor(p)
	s.audit(r, v, "login", http.StatusOK, 0)
	writeJSON(w, "", s.meOf(v))
}

func tooManyLogins(w http.ResponseWriter, wait time.Duration) {
	secs := strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second)))
	w.Header().Set("Retry-After", secs)
	writeError(w, http.StatusTooManyRequests, "too many login attempts; retry in "+secs+" s")
}

// addrOf parses a request's RemoteAddr.
func addrOf(remote string) net.Addr {
	a, err := net.ResolveTCPAddr("tcp", remote)
	if err != nil {
		return &net.TCPAddr{}
	}
	return a
}

// sameOrigin reports whether a request that changes state (a login, a
// logout) comes from the map's own pages, or from no browser page at all
// (curl, scripts): a browser says where a request comes from in
// Sec-Fetch-Site and Origin, and another site's page must not log a
// browser in (login CSRF) or out.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// logout: POST /api/logout — ends a web session and clears its cookie.
// A request with an API token (not a session) only clears the cookie:
// tokens are revoked with picket token revoke.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "logout: cross-site request refused")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	if s.opts.Access != nil {
		if p, err := s.opts.Access.Authenticate(secretOf(r)); err == nil {
			if err := s.opts.Access.Logout(p.TokenID); err != nil && !errors.Is(err, access.ErrInvalid) {
				s.log.Warn("logout", "err", err)
			}
			s.audit(r, s.viewFor(p), "logout", http.StatusNoContent, 0)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// withView returns r with v in its context.
func withView(r *http.Request, v *view) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), viewKey{}, v))
}
