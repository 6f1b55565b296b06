package detection

import (
	"fmt"
	"strings"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// DarkSummary is a dark vessel's summary: head (what was seen, where and
// by which sensor), then the candidates of e it could be, each named from
// its last fix before e (role event.LastBefore in e.Evidence): how long it
// had been silent at e's start and how far that fix was from e. Only the
// candidates seen lets through are named (nil: all); when e has
// candidates and none is let through, the summary is head alone, since
// saying that no vessel could have been there would be false.
func DarkSummary(head string, e *event.Event, seen func(mmsi uint32) bool) string {
	if len(e.Candidates) == 0 {
		return head + "; no vessel in an AIS gap could have been there"
	}
	var names []string
	for _, m := range e.Candidates {
		if seen != nil && !seen(m) {
			continue
		}
		names = append(names, candidateSaid(e, m))
	}
	if len(names) == 0 {
		return head
	}
	return head + "; could be " + strings.Join(names, ", ")
}

// candidateSaid names candidate m of e as its summary does.
func candidateSaid(e *event.Event, m uint32) string {
	for _, f := range e.Evidence {
		if f.MMSI == m && f.Role == event.LastBefore {
			return fmt.Sprintf("%d (silent %s, last %.0f km away)", m, hours(e.Start.UnixMilli()-f.Time.UnixMilli()),
				geo.Distance(f.Lat, f.Lon, e.Lat, e.Lon)/1000)
		}
	}
	return fmt.Sprint(m)
}

// SummaryFor is dark vessel e's summary for a reader who may see only the
// candidates seen lets through. It is built from e's candidates, never by
// cutting the text: e's summary gives the head only when it ends exactly
// as DarkSummary ends it for all of e's candidates; any other summary (a
// reordered or edited one, or one grown after the candidates) is not
// trusted to hold no candidate, and the head is made anew from e's
// position, sensor and scene.
func SummaryFor(e *event.Event, seen func(mmsi uint32) bool) string {
	head, ok := strings.CutSuffix(e.Summary, DarkSummary("", e, nil))
	if !ok {
		head = fmt.Sprintf("dark vessel at %.4f,%.4f", e.Lat, e.Lon)
		if e.Sensor != "" || e.Scene != "" {
			head += " (" + strings.TrimSpace(e.Sensor+" "+e.Scene) + ")"
		}
		if e.Withdrawn() {
			head += "; withdrawn"
		}
	}
	return DarkSummary(head, e, seen)
}
