package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/live"
)

// livePosition is a position of the live stream.
type livePosition struct {
	MMSI     uint32    `json:"mmsi"`
	Name     string    `json:"name,omitempty"`
	ShipType *int      `json:"shiptype,omitempty"`
	Time     time.Time `json:"time"`
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	SOG      num       `json:"sog"`
	COG      num       `json:"cog"`
	Heading  *int      `json:"heading"`
	Status   uint8     `json:"status"`
}

// parseStreamFilter reads bbox, min_interval and types: event types,
// "position" and "alert" (every event type). No types: everything.
func parseStreamFilter(r *http.Request) (live.Filter, error) {
	q := r.URL.Query()
	box, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return live.Filter{}, err
	}
	types, words, err := parseTypes("types", q.Get("types"), "position", "alert")
	if err != nil {
		return live.Filter{}, err
	}
	every, err := parseDuration("min_interval", q.Get("min_interval"), 0)
	if err != nil && q.Get("min_interval") != "0" {
		return live.Filter{}, err
	}
	f := live.Filter{BBox: box, MinInterval: every}
	if len(types) == 0 && len(words) == 0 {
		f.Positions, f.Alerts = true, true
		return f, nil
	}
	f.Positions = slices.Contains(words, "position")
	switch {
	case slices.Contains(words, "alert"):
		f.Alerts = true
	case len(types) > 0:
		f.Alerts, f.Types = true, types
	}
	return f, nil
}

// stream: GET /api/stream?bbox=&types=&min_interval= — Server-Sent Events:
//
//	event: position   data: a livePosition
//	event: alert      data: an event of the contract
//	event: dropped    data: {"dropped": n} when the client lagged and lost n messages
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	f, err := parseStreamFilter(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, message(err))
		return
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	f.Clearance = viewOf(r).storeClearance()
	sub := s.live.Hub().Subscribe(f)
	defer sub.Close()
	bw.WriteString("retry: 3000\n: picket live stream\n\n")
	if bw.Flush() != nil || rc.Flush() != nil {
		return
	}
	hb := time.NewTicker(s.opts.Heartbeat)
	defer hb.Stop()
	var buf []byte
	write := func(m live.Message) {
		switch {
		case m.Position != nil:
			p := m.Position
			lp := livePosition{MMSI: p.MMSI, Time: time.UnixMilli(p.Time).UTC(), Lat: p.Lat, Lon: p.Lon,
				SOG: num(p.SOG), COG: num(p.COG), Heading: heading(p.Heading), Status: p.Status}
			if !m.HideName {
				lp.Name = p.Name
			}
			if p.ShipType != 0 && !m.HideShipType {
				st := int(p.ShipType)
				lp.ShipType = &st
			}
			buf, _ = json.Marshal(lp)
			bw.WriteString("event: position\ndata: ")
		case m.Alert != nil:
			buf, _ = json.Marshal(m.Alert)
			bw.WriteString("event: alert\ndata: ")
		}
		bw.Write(buf)
		bw.WriteString("\n\n")
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.stopping:
			return
		case <-hb.C:
			bw.WriteString(": keep-alive\n\n")
		case m, ok := <-sub.C:
			if !ok {
				bw.Flush()
				return
			}
			write(m)
			// Write what else is waiting before one flush.
			for more := true; more && bw.Buffered() < 16<<10; {
				select {
				case m, ok := <-sub.C:
					if !ok {
						more = false
						break
					}
					write(m)
				default:
					more = false
				}
			}
		}
		if n := sub.Dropped(); n > 0 {
			bw.WriteString("event: dropped\ndata: {\"dropped\":")
			bw.WriteString(itoa(n))
			bw.WriteString("}\n\n")
		}
		if bw.Flush() != nil || rc.Flush() != nil {
			return
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
