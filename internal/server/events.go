package server

import (
	"net/http"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/export"
	"github.com/picket-ais/picket/internal/store"
)

// queryEvents returns the events q selects, in its order, at most its
// limit.
func (s *Server) queryEvents(q *eventQuery, v *view) ([]event.Event, error) {
	f := q.store
	exact := q.bbox == nil && q.minConf == 0
	if exact && !q.desc {
		f.Limit = q.limit // the store's order is ours: let it stop early
	}
	var out []event.Event
	err := s.scope(v).Events(f, func(e event.Event) bool {
		if q.match(&e) {
			out = append(out, e)
			if !q.desc && len(out) >= q.limit {
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if q.desc {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		if len(out) > q.limit {
			out = out[:q.limit]
		}
	}
	if out == nil {
		out = []event.Event{}
	}
	return out, nil
}

// events: GET /api/events?type=&from=&to=&bbox=&mmsi=&min_confidence=&limit=&order=
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	q, err := parseEventQuery(r.URL.Query(), s.opts.DefaultLimit, s.opts.MaxLimit)
	if err != nil {
		return err
	}
	evs, err := s.queryEvents(q, viewOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, "", evs)
}

func (s *Server) exportQuery(r *http.Request) ([]event.Event, error) {
	q, err := parseEventQuery(r.URL.Query(), s.opts.MaxExport, s.opts.MaxExport)
	if err != nil {
		return nil, err
	}
	return s.queryEvents(q, viewOf(r))
}

func attachment(w http.ResponseWriter, ctype, name string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

// exportHandler serves one export format (package export) at
// /api/export/events.<ext>, with the filters of /api/events.
func (s *Server) exportHandler(f export.Format) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		evs, err := s.exportQuery(r)
		if err != nil {
			return err
		}
		if f.WriteMarked != nil {
			marking, err := s.eventsMarking(r, evs)
			if err != nil {
				return err
			}
			attachment(w, f.ContentType, f.File)
			return f.WriteMarked(w, evs, marking)
		}
		attachment(w, f.ContentType, f.File)
		return f.Write(w, evs)
	}
}

// eventsMarking is the releasability of exported events: whom every one
// of them is released to, by the feeds it rests on (marking).
func (s *Server) eventsMarking(r *http.Request, evs []event.Event) (string, error) {
	v := viewOf(r)
	want := make(map[string]bool, len(evs))
	for i := range evs {
		want[evs[i].ID] = true
	}
	q, err := parseEventQuery(r.URL.Query(), s.opts.MaxExport, s.opts.MaxExport)
	if err != nil {
		return "", err
	}
	f := q.store
	f.Limit = 0
	records := map[uint64]bool{}
	err = s.scope(v).EventsProv(f, func(e event.Event, p store.Provenance) bool {
		if want[e.ID] {
			for _, feeds := range []uint64{p.Feeds, p.OtherFeeds} {
				if f := feeds & v.clearance; f != 0 {
					records[f] = true
				}
			}
		}
		return true
	})
	return s.marking(v, records).Text, err
}
