package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// The partner's own zones and watchlists, made on the map (package
// alert). Viewers read them; analysts change them. Each route answers
// for the principal's own partner only: another partner's zone or list is
// not found, as one that does not exist.

// routeLibrary registers the routes of the partners' zones and
// watchlists, and of a rule's edit.
func (s *Server) routeLibrary(api, change func(string, access.Role, string, func(http.ResponseWriter, *http.Request) error)) {
	change("PUT /api/rules/{id}", access.Analyst, access.ActionRule, s.updateRule)
	api("/api/zones", access.Viewer, "read", s.zoneList)
	change("POST /api/zones", access.Analyst, access.ActionZone, s.addZone)
	change("PUT /api/zones/{id}", access.Analyst, access.ActionZone, s.renameZone)
	change("DELETE /api/zones/{id}", access.Analyst, access.ActionZone, s.deleteZone)
	api("/api/watchlists", access.Viewer, "read", s.watchlists)
	change("POST /api/watchlists", access.Analyst, access.ActionWatchlist, s.addWatchlist)
	change("DELETE /api/watchlists/{id}", access.Analyst, access.ActionWatchlist, s.deleteWatchlist)
	change("POST /api/watchlists/{id}/entries", access.Analyst, access.ActionWatchlist, s.addEntry)
	change("DELETE /api/watchlists/{id}/entries/{entry}", access.Analyst, access.ActionWatchlist, s.deleteEntry)
}

// libraryError maps the desk's errors to answers: a zone or list a rule
// uses is a conflict.
func libraryError(err error) error {
	if errors.Is(err, alert.ErrInUse) {
		return &httpError{code: http.StatusConflict, msg: strings.TrimPrefix(err.Error(), alert.ErrInUse.Error()+": ")}
	}
	return alertError(err)
}

// updateRule: PUT /api/rules/{id} — the rule as it is to be (a JSON
// alert.Rule: name, area, triggers, filters, webhooks, disabled); the
// answer is the rule kept. The audit log says what changed.
func (s *Server) updateRule(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	var rule alert.Rule
	if err := readJSON(r, &rule); err != nil {
		return err
	}
	id := r.PathValue("id")
	got, changed, err := s.alerts.UpdateRule(v.who.Partner, v.who.User, id, rule)
	if err != nil {
		return alertError(err)
	}
	what := "nothing"
	if len(changed) > 0 {
		what = strings.Join(changed, ", ")
	}
	note(r, "rule "+got.ID+" changed: "+what)
	return writeJSON(w, "", got)
}

// zoneProps are the properties of a zone in GET /api/zones: a node's
// zone has only its name; the partner's own its id and who made it.
type zoneProps struct {
	Name      string `json:"name"`
	Own       bool   `json:"own"`
	ID        string `json:"id,omitempty"`
	CreatedBy string `json:"created_by,omitempty"`
	Created   string `json:"created,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

// zoneList: GET /api/zones — the zones the partner's rules may name, as
// GeoJSON: the node's zones file's, then the partner's own.
func (s *Server) zoneList(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	fc := featureCollection{Type: "FeatureCollection", Features: []geoFeature{}}
	for _, z := range s.alerts.ZoneShapes(v.who.Partner) {
		p := zoneProps{Name: z.Name, Own: z.ID != "", ID: z.ID, CreatedBy: z.CreatedBy, UpdatedBy: z.UpdatedBy}
		if p.Own {
			p.Created = z.Created.Format("2006-01-02T15:04:05Z")
		}
		fc.Features = append(fc.Features, geoFeature{Type: "Feature", Geometry: geometry{Type: "MultiPolygon", Coordinates: z.Shape}, Properties: p})
	}
	return writeJSON(w, "application/geo+json", fc)
}

// zoneRequest is the body of POST /api/zones (name and polygon) and PUT
// /api/zones/{id} (name).
type zoneRequest struct {
	Name    string       `json:"name"`
	Polygon [][2]float64 `json:"polygon,omitempty"`
}

// addZone: POST /api/zones — a zone drawn on the map; the answer is the
// zone kept (201).
func (s *Server) addZone(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	var req zoneRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	z, err := s.alerts.AddZone(v.who.Partner, v.who.User, alert.Zone{Name: req.Name, Polygon: req.Polygon})
	if err != nil {
		return libraryError(err)
	}
	note(r, "zone "+z.ID+" drawn: "+z.Name)
	return created(w, "/api/zones/"+z.ID, z)
}

// renameZone: PUT /api/zones/{id} — {"name": "..."}; the partner's rules
// that name the zone follow it.
func (s *Server) renameZone(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	var req zoneRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.Polygon != nil {
		return badParam("polygon", "a zone is renamed, not redrawn: draw a new one")
	}
	z, old, err := s.alerts.RenameZone(v.who.Partner, v.who.User, r.PathValue("id"), req.Name)
	if err != nil {
		return libraryError(err)
	}
	note(r, "zone "+z.ID+" renamed: "+strconv.Quote(old)+" to "+strconv.Quote(z.Name))
	return writeJSON(w, "", z)
}

// deleteZone: DELETE /api/zones/{id} — 409 while a rule names it.
func (s *Server) deleteZone(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	z, err := s.alerts.DeleteZone(v.who.Partner, r.PathValue("id"))
	if err != nil {
		return libraryError(err)
	}
	note(r, "zone "+z.ID+" deleted: "+z.Name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// watchlists: GET /api/watchlists — the partner's watchlists with their
// entries.
func (s *Server) watchlists(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, "", map[string]any{"watchlists": s.alerts.Watchlists(viewOf(r).who.Partner)})
}

// addWatchlist: POST /api/watchlists — {"name": "..."}; the answer is the
// empty list (201).
func (s *Server) addWatchlist(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	var req struct {
		Name string `json:"name"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	l, err := s.alerts.AddWatchlist(v.who.Partner, v.who.User, req.Name)
	if err != nil {
		return libraryError(err)
	}
	note(r, "watchlist "+l.ID+" made: "+l.Name)
	return created(w, "/api/watchlists/"+l.ID, l)
}

// deleteWatchlist: DELETE /api/watchlists/{id} — 409 while a rule keeps
// vessels of it.
func (s *Server) deleteWatchlist(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	l, err := s.alerts.DeleteWatchlist(v.who.Partner, r.PathValue("id"))
	if err != nil {
		return libraryError(err)
	}
	note(r, "watchlist "+l.ID+" deleted: "+l.Name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// addEntry: POST /api/watchlists/{id}/entries — {"imo", "mmsi", "name",
// "note"}; the answer is the entry kept (201).
func (s *Server) addEntry(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	var req struct {
		IMO  int    `json:"imo"`
		MMSI int    `json:"mmsi"`
		Name string `json:"name"`
		Note string `json:"note"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	e, list, err := s.alerts.AddEntry(v.who.Partner, v.who.User, r.PathValue("id"), alert.ListEntry{IMO: req.IMO, MMSI: req.MMSI, Name: req.Name, Note: req.Note})
	if err != nil {
		return libraryError(err)
	}
	note(r, "watchlist "+clip(r.PathValue("id"))+" ("+list+"): entry "+e.ID+" added: "+entryText(e))
	return created(w, "/api/watchlists/"+clip(r.PathValue("id"))+"/entries/"+e.ID, e)
}

// deleteEntry: DELETE /api/watchlists/{id}/entries/{entry}.
func (s *Server) deleteEntry(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	e, list, err := s.alerts.DeleteEntry(v.who.Partner, r.PathValue("id"), r.PathValue("entry"))
	if err != nil {
		return libraryError(err)
	}
	note(r, "watchlist "+clip(r.PathValue("id"))+" ("+list+"): entry "+e.ID+" taken out: "+entryText(e))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// created answers 201 with what was made and where it is.
func created(w http.ResponseWriter, location string, v any) error {
	w.Header().Set("Location", location)
	w.WriteHeader(http.StatusCreated)
	return writeJSON(w, "", v)
}

// entryText is an entry's keys for the audit log.
func entryText(e alert.ListEntry) string {
	var parts []string
	if e.IMO != 0 {
		parts = append(parts, "IMO "+strconv.Itoa(e.IMO))
	}
	if e.MMSI != 0 {
		parts = append(parts, "MMSI "+strconv.Itoa(e.MMSI))
	}
	if e.Name != "" {
		parts = append(parts, strconv.Quote(e.Name))
	}
	return strings.Join(parts, " ")
}

// listHits returns the entries of the view's partner's watchlists a
// vessel matches, by its MMSI and the IMO numbers and names recs hold
// (what the partner's feeds heard it say).
func (s *Server) listHits(v *view, mmsi uint32, recs []store.IdentityRecord) []alert.ListHit {
	var imos []int
	var names []string
	for _, r := range recs {
		switch r.Field {
		case event.FieldIMO:
			if n, err := strconv.Atoi(r.Value); err == nil {
				imos = append(imos, n)
			}
		case event.FieldName:
			names = append(names, r.Value)
		}
	}
	return s.alerts.ListHits(v.who.Partner, mmsi, imos, names)
}

// listNames returns the names of the lists of hits, once each.
func listNames(hits []alert.ListHit) []string {
	var out []string
	for _, h := range hits {
		if len(out) == 0 || out[len(out)-1] != h.List {
			out = append(out, h.List)
		}
	}
	return out
}
