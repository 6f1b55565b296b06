package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// The routes of the watch floor: a partner's alert rules and its alert
// inbox (package alert). Viewers read them; analysts make rules and act
// on alerts. Each route answers for the principal's own partner only,
// and the inbox shows only the alerts the partner's clearance may see
// now.

// rulesReply is the answer of GET /api/rules: the partner's rules, and
// what a new rule may name.
type rulesReply struct {
	Rules      []alert.Rule `json:"rules"`
	Zones      []string     `json:"zones"`
	Webhooks   []string     `json:"webhooks"`
	Categories []string     `json:"ship_types"`
	Events     []event.Type `json:"event_types"`
}

// rules: GET /api/rules.
func (s *Server) rules(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	hooks := s.alerts.Webhooks(v.who.Partner)
	if hooks == nil {
		hooks = []string{}
	}
	return writeJSON(w, "", rulesReply{Rules: s.alerts.Rules(v.who.Partner), Zones: s.alerts.Zones(v.who.Partner), Webhooks: hooks,
		Categories: alert.Categories, Events: event.Types})
}

// addRule: POST /api/rules — a JSON alert.Rule; the answer is the rule
// kept (201), with its id.
func (s *Server) addRule(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	var rule alert.Rule
	if err := readJSON(r, &rule); err != nil {
		return err
	}
	got, err := s.alerts.AddRule(v.who.Partner, v.who.User, rule)
	if err != nil {
		return alertError(err)
	}
	note(r, "rule "+got.ID+" added: "+got.Name)
	return created(w, "/api/rules/"+got.ID, got)
}

// deleteRule: DELETE /api/rules/{id}.
func (s *Server) deleteRule(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	id := r.PathValue("id")
	if err := s.alerts.DeleteRule(v.who.Partner, id); err != nil {
		return alertError(err)
	}
	note(r, "rule "+clip(id)+" deleted")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// alerts: GET /api/alerts?status=&limit= — the partner's inbox, newest
// first.
func (s *Server) alertList(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	q := r.URL.Query()
	status := q.Get("status")
	switch status {
	case "", alert.StatusOpen, alert.StatusAcknowledged, alert.StatusDismissed:
	default:
		return badParam("status", "%q: want open, acknowledged or dismissed", clip(status))
	}
	limit, err := parseIntIn("limit", q.Get("limit"), 1, alert.MaxAlerts, 1000)
	if err != nil {
		return err
	}
	return writeJSON(w, "", map[string]any{"alerts": s.alerts.Alerts(v.who.Partner, v.storeClearance(), alert.Query{Status: status, Limit: limit})})
}

// actRequest is the body of POST /api/alerts/{id}/assign.
type actRequest struct {
	User string `json:"user"`
}

// act: POST /api/alerts/{id}/{action} — acknowledge, dismiss, or assign
// (body {"user": "..."}, a user of the same partner). The audit log
// records who did what to which alert.
func (s *Server) act(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound("no such alert")
	}
	action := r.PathValue("action")
	var to string
	switch action {
	case alert.ActAcknowledge, alert.ActDismiss:
	case alert.ActAssign:
		var req actRequest
		if err := readJSON(r, &req); err != nil {
			return err
		}
		if !s.userOf(req.User, v.who.Partner) {
			return badParam("user", "%q is no user of %s", clip(req.User), v.who.Partner)
		}
		to = req.User
	default:
		return notFound("no such action: acknowledge, assign or dismiss")
	}
	a, err := s.alerts.Act(v.who.Partner, v.storeClearance(), v.who.User, id, action, to)
	if err != nil {
		return alertError(err)
	}
	detail := action + " alert " + strconv.FormatInt(id, 10)
	if to != "" {
		detail += " to " + to
	}
	note(r, detail)
	return writeJSON(w, "", a)
}

// userOf reports whether name is an enabled user of partner (any name on
// an open server).
func (s *Server) userOf(name, partner string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	if s.opts.Access == nil {
		return !strings.ContainsFunc(name, func(c rune) bool { return c < 0x20 || c == 0x7f })
	}
	u, ok := s.opts.Access.Registry().LookupUser(name)
	return ok && !u.Disabled && u.Partner == partner
}

// alertError maps the desk's errors to answers.
func alertError(err error) error {
	switch {
	case errors.Is(err, alert.ErrNotFound):
		return notFound("no such rule or alert")
	case errors.Is(err, alert.ErrInvalid):
		return badParam("body", "%s", strings.TrimPrefix(err.Error(), alert.ErrInvalid.Error()+": "))
	}
	return err
}

// readJSON reads a request's body, one JSON object of known fields, sent
// as application/json (which a form on another site cannot send).
func readJSON(r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return &httpError{code: http.StatusUnsupportedMediaType, msg: "want Content-Type: application/json"}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &httpError{code: http.StatusRequestEntityTooLarge, msg: "request body over " + strconv.FormatInt(mbe.Limit, 10) + " bytes"}
		}
		return badParam("body", "not the JSON object wanted: %s", clip(err.Error()))
	}
	if _, err := dec.Token(); err != io.EOF {
		return badParam("body", "one JSON object expected")
	}
	return nil
}

// clearanceOf is a partner's clearance now, for its alert rules: the one
// its users' requests get (every feed on an open server).
func (s *Server) clearanceOf(partner string) uint64 {
	if s.opts.Access == nil {
		return store.AllFeeds
	}
	return s.viewFor(access.Principal{Partner: partner}).clearance
}

// noteKey is the request context key of the audit note a handler may
// leave (what it changed).
type noteKey struct{}

// note leaves the audit log's detail of a request that changed something.
func note(r *http.Request, detail string) {
	if p, ok := r.Context().Value(noteKey{}).(*string); ok {
		*p = detail
	}
}
