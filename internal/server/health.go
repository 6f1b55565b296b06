package server

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/store"
)

// health is the answer of /healthz.
type health struct {
	Status string            `json:"status"`
	Time   time.Time         `json:"time"`
	Store  storeHealth       `json:"store"`
	Queues map[string][2]int `json:"queues"` // depth, capacity
	Feeds  []live.FeedStats  `json:"feeds"`
}

// healthz: GET /healthz — 200 while the server runs, the store answers,
// takes writes and has found no damage on its disk, and the audit log
// writes; 503 otherwise, with the reason as the status; the body says
// what the pipeline is doing.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	st := s.live.Stats()
	ss := s.st.Stats()
	h := health{Status: "ok", Time: time.Now().UTC(), Feeds: st.Feeds,
		Store: storeHealth{Vessels: ss.Vessels, HeadPositions: ss.HeadPositions, SealedPositions: ss.SealedPositions,
			Segments: ss.Segments, SegmentBytes: ss.SegmentBytes, Positions: st.Stored, Events: st.Events},
		Queues: map[string][2]int{
			"reports":    {st.ReportQueue, st.ReportQueueCap},
			"store":      {st.StoreQueue, st.StoreQueueCap},
			"provenance": {st.Held, 0},
			"reorder":    {st.Reordering, 0},
			"ahead":      {st.Ahead, 0},
		}}
	if ss.Watermark > 0 {
		t := time.UnixMilli(ss.Watermark).UTC()
		h.Store.Watermark = &t
	}
	code := http.StatusOK
	switch err := s.st.Latest(world, 1<<62, func(store.Position) bool { return false }); {
	case err != nil:
		h.Status, code = "store: "+err.Error(), http.StatusServiceUnavailable
	case s.st.Health() != nil:
		// The store answers without the damaged parts (the API degrades,
		// it does not fail), but data on its disk is lost or wrong: an
		// operator should look (the logs name the file and offset).
		h.Status, code = "store: "+s.st.Health().Error(), http.StatusServiceUnavailable
	case st.StoreErrs > 0:
		// A failed write of the store's log is sticky: data is not being
		// kept (see the logs and picket_store_errors_total).
		h.Status, code = "store writes failing", http.StatusServiceUnavailable
	}
	if s.opts.Audit != nil && code == http.StatusOK {
		if err := s.opts.Audit.Err(); err != nil {
			// Reads go on; what they were is not being recorded.
			h.Status, code = "audit log not writing: "+err.Error(), http.StatusServiceUnavailable
		}
	}
	h.Store.Errors = st.StoreErrs
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if s.opts.Access != nil {
		// Counts and feed states tell what every feed hears: only an
		// admin of a partner cleared for every feed gets them; anyone
		// gets the status.
		if p, err := s.opts.Access.Authenticate(secretOf(r)); err != nil || !p.Role.Allows(access.Admin) || !s.viewFor(p).full {
			json.NewEncoder(w).Encode(struct {
				Status string    `json:"status"`
				Time   time.Time `json:"time"`
			}{h.Status, h.Time})
			return
		}
	}
	json.NewEncoder(w).Encode(h)
}

type storeHealth struct {
	Vessels         int        `json:"vessels"`
	HeadPositions   int        `json:"head_positions"`
	SealedPositions uint64     `json:"sealed_positions"`
	Segments        int        `json:"segments"`
	SegmentBytes    int64      `json:"segment_bytes"`
	Watermark       *time.Time `json:"newest_position,omitempty"`
	// Positions and Events count what this process wrote.
	Positions int64 `json:"positions_written"`
	Events    int64 `json:"events_detected"`
	// Errors counts failed store writes since start.
	Errors int64 `json:"write_errors"`
}
