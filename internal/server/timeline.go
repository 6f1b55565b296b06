package server

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// timeline is the answer of /api/vessels/{mmsi}/timeline: a vessel's
// whole history as far back as the store holds it, as the view may see
// it, on one time axis.
type timeline struct {
	MMSI uint32 `json:"mmsi"`
	// First and Last are the first and last positions the view sees (null
	// when none).
	First *time.Time `json:"first"`
	Last  *time.Time `json:"last"`
	// Days are the UTC days it was heard, with the positions of each.
	Days []timelineDay `json:"days"`
	// Identity is every value each field took, oldest first.
	Identity map[string][]identityValue `json:"identity"`
	// Voyages run from leaving one port call to arriving at the next;
	// the first from first heard, the last to last heard when it is not
	// in port.
	Voyages []voyage `json:"voyages"`
	// Events are all its events the view may see, oldest first: port
	// calls, meetings (encounters, dark rendezvous), gaps, identity
	// changes and the rest.
	Events []event.Event `json:"events"`
	// Truncated: more events than MaxLimit; the oldest are left out.
	Truncated bool `json:"truncated"`
}

type timelineDay struct {
	Day   string `json:"day"` // 2006-01-02
	Fixes int    `json:"fixes"`
}

type voyage struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	FromPort string    `json:"from_port,omitempty"`
	ToPort   string    `json:"to_port,omitempty"`
}

// vesselTimeline: GET /api/vessels/{mmsi}/timeline. A vessel the view
// sees nothing of is a 404, as one never heard.
func (s *Server) vesselTimeline(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	mmsi, err := parseMMSI("mmsi", r.PathValue("mmsi"))
	if err != nil {
		return err
	}
	sc := s.scope(v)
	tl := timeline{MMSI: mmsi, Days: []timelineDay{}, Identity: map[string][]identityValue{}, Voyages: []voyage{}, Events: []event.Event{}}
	recs, err := sc.Identities(mmsi)
	if err != nil {
		return err
	}
	slices.SortStableFunc(recs, func(a, b store.IdentityRecord) int { return cmp.Compare(a.First, b.First) })
	for _, rec := range recs {
		tl.Identity[rec.Field] = append(tl.Identity[rec.Field], identityValue{Value: rec.Value, First: time.UnixMilli(rec.First).UTC(), Last: time.UnixMilli(rec.Last).UTC()})
	}
	var first, last int64
	err = sc.Track(mmsi, 0, 1<<62, func(p store.Position) bool {
		if first == 0 {
			first = p.Time
		}
		last = p.Time
		day := time.UnixMilli(p.Time).UTC().Format(time.DateOnly)
		if n := len(tl.Days); n > 0 && tl.Days[n-1].Day == day {
			tl.Days[n-1].Fixes++
		} else {
			tl.Days = append(tl.Days, timelineDay{Day: day, Fixes: 1})
		}
		return true
	})
	if err != nil {
		return err
	}
	if err := sc.Events(store.EventFilter{MMSI: mmsi}, func(e event.Event) bool {
		if !e.Withdrawn() {
			tl.Events = append(tl.Events, e)
		}
		return true
	}); err != nil {
		return err
	}
	if len(recs) == 0 && len(tl.Days) == 0 && len(tl.Events) == 0 {
		return notFound("vessel " + strconv.FormatUint(uint64(mmsi), 10) + " not known")
	}
	slices.SortStableFunc(tl.Events, func(a, b event.Event) int { return event.Compare(&a, &b) })
	if n := len(tl.Events) - s.opts.MaxLimit; n > 0 {
		tl.Events, tl.Truncated = tl.Events[n:], true
	}
	if first != 0 {
		f, l := time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
		tl.First, tl.Last = &f, &l
	}
	tl.Voyages = voyages(mmsi, tl.Events, tl.First, tl.Last)
	return writeJSON(w, "", tl)
}

// voyages are the stretches between the vessel's own port calls: from
// first heard (or leaving a port) to arriving at the next (or last
// heard, when it is not in port then).
func voyages(mmsi uint32, evs []event.Event, first, last *time.Time) []voyage {
	var calls []event.Event
	for _, e := range evs {
		if e.Type == event.PortVisit && e.MMSI == mmsi {
			calls = append(calls, e)
		}
	}
	out := []voyage{}
	if first == nil {
		return out
	}
	at, port := *first, ""
	for _, c := range calls {
		if c.Start.After(at) {
			out = append(out, voyage{From: at, To: c.Start.UTC(), FromPort: port, ToPort: c.Port})
		}
		if c.End.After(at) {
			at = c.End.UTC()
		}
		port = c.Port
	}
	if last.After(at) {
		out = append(out, voyage{From: at, To: *last, FromPort: port})
	}
	return out
}
