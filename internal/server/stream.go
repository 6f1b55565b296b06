package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/picket-ais/picket/internal/alert"
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
// "position", "alert" (every event type) and "rule_alert" (the alerts
// of the partner's rules, wantsRuleAlerts). No types: everything.
func parseStreamFilter(r *http.Request) (live.Filter, error) {
	q := r.URL.Query()
	box, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return live.Filter{}, err
	}
	types, words, err := parseTypes("types", q.Get("types"), "position", "alert", ruleAlert)
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

// ruleAlert is the live stream's word for the alerts of the partner's
// rules (package alert).
const ruleAlert = "rule_alert"

// wantsRuleAlerts reports whether a stream's types (parsed without error
// by parseStreamFilter) select the alerts of the partner's rules.
func wantsRuleAlerts(r *http.Request) bool {
	v := r.URL.Query().Get("types")
	return v == "" || slices.Contains(strings.Split(strings.ReplaceAll(v, " ", ""), ","), ruleAlert)
}

// stream: GET /api/stream?bbox=&types=&min_interval= — Server-Sent Events:
//
//	event: position   data: a livePosition
//	event: alert      data: an event of the contract
//	event: rule_alert data: an alert of one of the partner's rules (alert.Alert),
//	                  when raised and after each action on it
//	event: dropped    data: {"dropped": n} when the client lagged and lost n messages
//	event: closed     data: {"reason": "..."} before the server ends the stream
//
// A stream is held to what its principal may see now, not when it
// opened: the token is checked again before every batch written and at
// least every StreamRecheck, so that a revoked or expired token, a
// disabled user or a partner gone ends the stream, and a clearance that
// changed (a partner taken out of a group, a label changed) narrows or
// widens it, from the next message on, as it would a new request.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	f, err := parseStreamFilter(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, message(err))
		return
	}
	v := viewOf(r)
	release, refusal := s.streams.acquire(v, s.opts)
	if refusal != "" {
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusTooManyRequests, refusal)
		return
	}
	defer release()
	bw := bufio.NewWriterSize(w, 32<<10)
	rc := http.NewResponseController(w)
	// A stream outlasts the server's read and write timeouts: no
	// deadline on reading (the request is read; a read timeout would
	// cancel the stream), and one per write (a client that stops reading
	// is cut off, not waited for).
	rc.SetReadDeadline(time.Time{})
	flush := func() error {
		rc.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
		if err := bw.Flush(); err != nil {
			return err
		}
		return rc.Flush()
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	f.Clearance = v.storeClearance()
	sub := s.live.Hub().Subscribe(f)
	defer func() { sub.Close() }()
	// The partner's rule alerts: a channel that never delivers when the
	// stream does not want them.
	var rules <-chan alert.Alert
	var asub *alert.Subscription
	if wantsRuleAlerts(r) {
		asub = s.alerts.Subscribe(v.who.Partner, v.storeClearance())
		rules = asub.C
	}
	defer func() {
		if asub != nil {
			asub.Close()
		}
	}()
	bw.WriteString("retry: 3000\n: picket live stream\n\n")
	if flush() != nil {
		return
	}
	hb := time.NewTicker(s.opts.Heartbeat)
	defer hb.Stop()
	recheck := time.NewTicker(s.opts.StreamRecheck)
	defer recheck.Stop()
	secret := secretOf(r)
	// current checks the principal again; false ends the stream. A view
	// of another clearance replaces the subscription: what waits in the
	// old one was chosen for the old clearance and is dropped.
	current := func() bool {
		if s.opts.Access == nil {
			return true
		}
		p, err := s.opts.Access.Authenticate(secret)
		if err != nil {
			bw.WriteString("event: closed\ndata: {\"reason\":\"token not valid, expired or revoked\"}\n\n")
			return false
		}
		nv := s.viewFor(p)
		if nv.clearance != v.clearance {
			sub.Close()
			f.Clearance = nv.storeClearance()
			sub = s.live.Hub().Subscribe(f)
			if asub != nil {
				asub.Close()
				asub = s.alerts.Subscribe(nv.who.Partner, nv.storeClearance())
				rules = asub.C
			}
		}
		v = nv
		return true
	}
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
			e := *m.Alert // shared by every subscriber: redact a copy
			s.scope(v).redactCandidates(&e)
			buf, _ = json.Marshal(&e)
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
		case <-recheck.C:
			if !current() {
				flush()
				return
			}
			continue
		case <-hb.C:
			if !current() {
				flush()
				return
			}
			bw.WriteString(": keep-alive\n\n")
		case a := <-rules:
			old := asub
			if !current() {
				flush()
				return
			}
			if asub != old {
				continue // a was chosen for the clearance of before
			}
			buf, _ = json.Marshal(a)
			bw.WriteString("event: rule_alert\ndata: ")
			bw.Write(buf)
			bw.WriteString("\n\n")
		case m, ok := <-sub.C:
			if !ok {
				flush()
				return
			}
			old := sub
			if !current() {
				flush()
				return
			}
			if sub != old {
				continue // m was chosen for the clearance of before
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
		if flush() != nil {
			return
		}
	}
}

// streamCounts counts the open live streams, in total, per user and per
// token, so that one client cannot open enough of them to slow ingest
// for everyone (each is a subscriber the pipeline publishes to).
type streamCounts struct {
	mu      sync.Mutex
	total   int
	byUser  map[string]int
	byToken map[string]int
}

// acquire counts a new stream of v, or says why it is refused (a 429).
// release uncounts it.
func (c *streamCounts) acquire(v *view, o Options) (release func(), refusal string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byUser == nil {
		c.byUser, c.byToken = map[string]int{}, map[string]int{}
	}
	user, token := v.who.User, v.who.TokenID
	switch {
	case c.total >= o.MaxStreams:
		return nil, "too many live streams open on this server (" + strconv.Itoa(o.MaxStreams) + "); retry later"
	case !v.all && c.byUser[user] >= o.MaxStreamsPerUser:
		return nil, "too many live streams open for user " + user + " (" + strconv.Itoa(o.MaxStreamsPerUser) + "); close one first"
	case !v.all && c.byToken[token] >= o.MaxStreamsPerToken:
		return nil, "too many live streams open with this token (" + strconv.Itoa(o.MaxStreamsPerToken) + "); close one first"
	}
	c.total++
	if !v.all {
		c.byUser[user]++
		c.byToken[token]++
	}
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total--
		if !v.all {
			if c.byUser[user]--; c.byUser[user] == 0 {
				delete(c.byUser, user)
			}
			if c.byToken[token]--; c.byToken[token] == 0 {
				delete(c.byToken, token)
			}
		}
	}, ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
