package sim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// MatchOptions set how close a detection must be to a truth event to count
// as finding it. The zero value means the defaults.
type MatchOptions struct {
	// Slack widens an instantaneous event (start == end) by this much on
	// each side before times are compared. Default 15 minutes.
	Slack time.Duration
	// MaxDistanceM is how far apart the two events' positions may be.
	// Default 25 km.
	MaxDistanceM float64
}

func (o *MatchOptions) defaults() {
	if o.Slack <= 0 {
		o.Slack = 15 * time.Minute
	}
	if o.MaxDistanceM <= 0 {
		o.MaxDistanceM = 25e3
	}
}

// Row is the score of one event type, or of one subtype of it.
type Row struct {
	Type    event.Type
	Subtype string // "" for the row of the whole type
	TP      int    // truth events found
	FP      int    // detections matching no truth event
	FN      int    // truth events not found
}

// Precision is TP / (TP + FP), 1 when there were no detections.
func (r Row) Precision() float64 {
	if r.TP+r.FP == 0 {
		return 1
	}
	return float64(r.TP) / float64(r.TP+r.FP)
}

// Recall is TP / (TP + FN), 1 when there was nothing to find.
func (r Row) Recall() float64 {
	if r.TP+r.FN == 0 {
		return 1
	}
	return float64(r.TP) / float64(r.TP+r.FN)
}

// Pair is a truth event and the detection that found it (indices into the
// slices given to Match).
type Pair struct{ Truth, Detected int }

// Report is the outcome of Match.
type Report struct {
	// Rows has one row per event type present in either list, followed
	// by its subtypes when it has any, in event.Types order.
	Rows []Row
	// Total sums every type.
	Total Row
	// Matched pairs truth and detections; Missed and Extra list the
	// indices of truth events not found and of detections that found
	// nothing.
	Matched []Pair
	Missed  []int
	Extra   []int
}

// Row returns the row of typ (and subtype, "" for the whole type).
func (r *Report) Row(typ event.Type, subtype string) Row {
	for _, row := range r.Rows {
		if row.Type == typ && row.Subtype == subtype {
			return row
		}
	}
	return Row{Type: typ, Subtype: subtype}
}

// subtypeOf is what must agree beyond the type: the spoofing subtype, or
// the field of an identity change.
func subtypeOf(e *event.Event) string {
	if e.Type == event.IdentityChange {
		return e.Field
	}
	return e.Subtype
}

// Match scores detections against the truth with the default options.
func Match(truth, detected []event.Event) Report {
	return MatchWith(truth, detected, MatchOptions{})
}

// MatchWith scores detections against the truth. A detection finds a truth
// event when they have the same type and subtype (for identity changes, the
// same field), the same vessel (MMSI) or for two-vessel events the same
// unordered pair, overlapping times (an instantaneous event widened by
// Slack on each side) and positions within MaxDistanceM. Each truth event
// is found by at most one detection and each detection finds at most one
// truth event; among the possible pairings the largest is kept.
func MatchWith(truth, detected []event.Event, opts MatchOptions) Report {
	opts.defaults()
	// Candidate detections for each truth event, best (nearest in time)
	// first.
	cand := make([][]int, len(truth))
	for i := range truth {
		t := &truth[i]
		for j := range detected {
			if matches(t, &detected[j], &opts) {
				cand[i] = append(cand[i], j)
			}
		}
		slices.SortStableFunc(cand[i], func(a, b int) int {
			return cmp.Compare(startGap(t, &detected[a]), startGap(t, &detected[b]))
		})
	}
	// Maximum bipartite matching by augmenting paths (Kuhn), truth in
	// time order so that ties go the natural way.
	owner := make([]int, len(detected))
	for j := range owner {
		owner[j] = -1
	}
	var seen []bool
	var try func(i int) bool
	try = func(i int) bool {
		for _, j := range cand[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if owner[j] < 0 || try(owner[j]) {
				owner[j] = i
				return true
			}
		}
		return false
	}
	found := make([]int, len(truth))
	for i := range found {
		found[i] = -1
	}
	for i := range truth {
		if len(cand[i]) == 0 {
			continue
		}
		seen = make([]bool, len(detected))
		try(i)
	}
	for j, i := range owner {
		if i >= 0 {
			found[i] = j
		}
	}

	var rep Report
	rows := map[[2]string]*Row{}
	row := func(typ event.Type, sub string) *Row {
		k := [2]string{string(typ), sub}
		r := rows[k]
		if r == nil {
			r = &Row{Type: typ, Subtype: sub}
			rows[k] = r
		}
		return r
	}
	count := func(e *event.Event, f func(*Row)) {
		f(row(e.Type, ""))
		if sub := subtypeOf(e); sub != "" {
			f(row(e.Type, sub))
		}
		f(&rep.Total)
	}
	for i := range truth {
		if j := found[i]; j >= 0 {
			rep.Matched = append(rep.Matched, Pair{i, j})
			count(&truth[i], func(r *Row) { r.TP++ })
		} else {
			rep.Missed = append(rep.Missed, i)
			count(&truth[i], func(r *Row) { r.FN++ })
		}
	}
	for j := range detected {
		if owner[j] < 0 {
			rep.Extra = append(rep.Extra, j)
			count(&detected[j], func(r *Row) { r.FP++ })
		}
	}
	for _, r := range rows {
		rep.Rows = append(rep.Rows, *r)
	}
	order := func(t event.Type) int {
		if i := slices.Index(event.Types, t); i >= 0 {
			return i
		}
		return len(event.Types)
	}
	slices.SortFunc(rep.Rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(order(a.Type), order(b.Type)), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Subtype, b.Subtype))
	})
	return rep
}

// matches applies the matching rule to one truth event and one detection.
func matches(t, d *event.Event, o *MatchOptions) bool {
	if t.Type != d.Type || subtypeOf(t) != subtypeOf(d) {
		return false
	}
	if t.Pair() || d.Pair() {
		a1, b1 := min(t.MMSI, t.OtherMMSI), max(t.MMSI, t.OtherMMSI)
		a2, b2 := min(d.MMSI, d.OtherMMSI), max(d.MMSI, d.OtherMMSI)
		if a1 != a2 || b1 != b2 {
			return false
		}
	} else if t.MMSI != d.MMSI {
		return false
	}
	ts, te := t.Start, t.End
	if !ts.Before(te) {
		ts, te = ts.Add(-o.Slack), te.Add(o.Slack)
	}
	ds, de := d.Start, d.End
	if !ds.Before(de) {
		ds, de = ds.Add(-o.Slack), de.Add(o.Slack)
	}
	if ts.After(de) || ds.After(te) {
		return false
	}
	return geo.Distance(t.Lat, t.Lon, d.Lat, d.Lon) <= o.MaxDistanceM
}

func startGap(a, b *event.Event) time.Duration {
	d := a.Start.Sub(b.Start)
	if d < 0 {
		d = -d
	}
	return d
}

// Table renders the report as a fixed-width text table: one line per type
// and subtype with TP, FP, FN, precision and recall, then the total.
func (r *Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-34s %5s %5s %5s %9s %7s\n", "type", "TP", "FP", "FN", "precision", "recall")
	line := func(name string, row Row) {
		fmt.Fprintf(&b, "%-34s %5d %5d %5d %9.2f %7.2f\n", name, row.TP, row.FP, row.FN, row.Precision(), row.Recall())
	}
	for _, row := range r.Rows {
		name := string(row.Type)
		if row.Subtype != "" {
			name = "  " + name + "/" + row.Subtype
		}
		line(name, row)
	}
	line("total", r.Total)
	return b.String()
}
