package profile

import (
	"cmp"
	"errors"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/track"
)

// Profile is one line of vessels.jsonl: everything known about one MMSI,
// or about one transmitter of an MMSI that several share. Field order is
// the JSON order.
type Profile struct {
	MMSI uint32 `json:"mmsi"`
	// Segment is set on the extra lines of an MMSI used by several
	// transmitters: "<mmsi>-<n>", as in event.Event.Segment.
	Segment string `json:"segment,omitempty"`
	// Name is the name heard last, for display; Identity has them all.
	Name string `json:"name,omitempty"`
	// Flag is the ISO 3166 alpha-2 code of the MMSI's MID, "" for none.
	Flag        string `json:"flag"`
	MMSIValid   bool   `json:"mmsi_valid"`
	MMSIProblem string `json:"mmsi_problem,omitempty"`
	// Class is the AIS station class: A, B, SAR, A-LR, or "" when unknown.
	Class     string    `json:"class"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Positions int       `json:"positions"`
	Statics   int       `json:"statics"`
	// Glitches counts fixes with one corrupted coordinate, and Redelivered
	// fixes that repeated an earlier position under a later time: data
	// faults, neither a move nor a risk (track/glitch.go, redelivery.go).
	Glitches    int `json:"glitches,omitempty"`
	Redelivered int `json:"redelivered,omitempty"`
	// Identity is nil on segment lines: static reports carry no position,
	// so they cannot be told apart between transmitters.
	Identity *Identity `json:"identity,omitempty"`
	Segments []Segment `json:"segments"`
	// SegmentsTotal is set when the tracker saw more segments than it
	// remembers (Segments then lists the first ones).
	SegmentsTotal int `json:"segments_total,omitempty"`
	// Events counts the events involving the vessel, by type.
	Events map[event.Type]int `json:"events"`
	Risk   Risk               `json:"risk"`
}

// Identity is what a vessel said about itself, each value with when it was
// first and last heard and how often.
type Identity struct {
	Names        []Value `json:"names"`
	CallSigns    []Value `json:"callsigns"`
	IMOs         []Value `json:"imos"`
	ShipTypes    []Value `json:"shiptypes"`
	Destinations []Value `json:"destinations"`
	// Length, Beam (metres) and Draught (metres) as last reported; absent
	// when never reported.
	Length  uint16  `json:"length,omitempty"`
	Beam    uint16  `json:"beam,omitempty"`
	Draught float32 `json:"draught,omitempty"`
}

// Value is one value of an identity field.
type Value struct {
	Value string    `json:"value"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	Count int       `json:"count"`
}

// Segment summarises one track segment (one transmitter).
type Segment struct {
	Segment string    `json:"segment"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
	Fixes   int       `json:"fixes"`
	Start   LatLon    `json:"start"`
	End     LatLon    `json:"end"`
	// Glitch marks a one-fix segment that was a corrupted coordinate, not
	// a transmitter.
	Glitch bool `json:"glitch,omitempty"`
}

// LatLon is a WGS84 position in degrees.
type LatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Risk is a vessel's score and the reasons that make it up.
type Risk struct {
	// Score is Total capped at 100.
	Score int `json:"score"`
	// Total is the uncapped sum of the reasons' points; it orders vessels
	// that all reach 100.
	Total   int      `json:"total"`
	Reasons []Reason `json:"reasons"`
}

// Reason is one term of the score.
type Reason struct {
	// Code names the rule, for filtering: watchlist_imo, encounter, ...
	Code string `json:"code"`
	// Reason is a short sentence for a human.
	Reason string `json:"reason"`
	Points int    `json:"points"`
	// Events are the ids of the events that justify the points, by start
	// time; empty only for reasons read from the identity itself.
	Events []string `json:"events"`
}

// Build returns one profile per MMSI known to the tracker or named by an
// event, plus one per segment of every MMSI with a shared_mmsi event,
// sorted by descending score, then total, then MMSI, then segment. tr may
// be nil. Build does not modify its inputs.
func Build(tr *track.Tracker, events []event.Event, opts Options) []Profile {
	w := opts.withDefaults()
	ix := index(tr, events)
	var sc scorer
	sc.init(&w, events)

	// Vessels are independent: chunks of them go to workers, each with its
	// own scratch, and the final sort makes the order independent of who
	// did what.
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 4096
	chunks := (len(ix.mmsis) + chunk - 1) / chunk
	parts := make([][]Profile, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, chunks) {
		wg.Go(func() {
			sc := sc.fork()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				lo, hi := c*chunk, min((c+1)*chunk, len(ix.mmsis))
				part := make([]Profile, 0, hi-lo)
				for i := lo; i < hi; i++ {
					part = build(part, tr, ix, i, events, sc)
				}
				parts[c] = part
			}
		})
	}
	wg.Wait()
	out := slices.Concat(parts...)
	slices.SortFunc(out, compare)
	return out
}

// build appends the profile of the i-th MMSI of the index, and those of
// its segments when it is shared.
func build(out []Profile, tr *track.Tracker, ix *evIndex, i int, events []event.Event, sc *scorer) []Profile {
	mmsi := ix.mmsis[i]
	var v *track.Vessel
	if tr != nil {
		v = tr.Vessel(mmsi)
	}
	evs := ordered(events, ix.of(i))
	p := vesselProfile(mmsi, v, events, evs)
	p.Risk = sc.score(mmsi, v, evs, false)
	out = append(out, p)
	if v != nil && ix.shared[mmsi] {
		out = appendSegments(out, v, events, evs, sc)
	}
	return out
}

func compare(a, b Profile) int {
	if c := cmp.Compare(b.Risk.Score, a.Risk.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Risk.Total, a.Risk.Total); c != 0 {
		return c
	}
	if c := cmp.Compare(a.MMSI, b.MMSI); c != 0 {
		return c
	}
	// The MMSI line (no segment) first, then segments by number.
	return cmp.Compare(segNum(a.Segment), segNum(b.Segment))
}

// segNum is the n of "<mmsi>-<n>", 0 for "".
func segNum(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '-' {
			n, _ := strconv.Atoi(s[i+1:])
			return n
		}
	}
	return 0
}

func segName(mmsi uint32, n int) string {
	b := strconv.AppendUint(make([]byte, 0, 16), uint64(mmsi), 10)
	b = append(b, '-')
	return string(strconv.AppendInt(b, int64(n), 10))
}

func ms(t int64) time.Time { return time.UnixMilli(t).UTC() }

// vesselProfile fills everything but the risk of an MMSI's line.
func vesselProfile(mmsi uint32, v *track.Vessel, events []event.Event, evs []int32) Profile {
	p := Profile{MMSI: mmsi, Flag: identity.FlagOf(mmsi), Events: counts(events, evs)}
	p.MMSIValid, p.MMSIProblem = mmsiCheck(mmsi, v)
	if v == nil {
		// Known from events only: their span stands for the vessel's.
		for k, i := range evs {
			e := &events[i]
			if k == 0 || e.Start.Before(p.FirstSeen) {
				p.FirstSeen = e.Start.UTC()
			}
			if k == 0 || e.End.After(p.LastSeen) {
				p.LastSeen = e.End.UTC()
			}
		}
		p.Segments = []Segment{}
		return p
	}
	p.Class = className(v.Class)
	p.FirstSeen, p.LastSeen = ms(v.First), ms(v.Last)
	p.Positions, p.Statics = v.Positions, v.Statics
	p.Glitches, p.Redelivered = int(v.Glitches), int(v.Redelivered)
	p.Name, _ = v.ID.Names.Current()
	id := &v.ID
	p.Identity = &Identity{
		Names: values(&id.Names), CallSigns: values(&id.CallSigns), IMOs: values(&id.IMOs),
		ShipTypes: values(&id.ShipTypes), Destinations: values(&id.Destinations),
		Length: id.Length, Beam: id.Beam, Draught: id.Draught,
	}
	segs, total := v.Segments()
	p.Segments = make([]Segment, len(segs))
	for i, s := range segs {
		p.Segments[i] = segment(s)
	}
	if total > len(segs) {
		p.SegmentsTotal = total
	}
	return p
}

// appendSegments adds the lines of each transmitter of a shared MMSI. A
// segment's events are those the detectors attributed to it (its own
// segment field, or Details["other_segment"] on the other side of a pair),
// plus the MMSI's shared_mmsi events, which are the reason the line
// exists.
func appendSegments(out []Profile, v *track.Vessel, events []event.Event, evs []int32, sc *scorer) []Profile {
	segs, _ := v.Segments()
	var mine []int32
	for _, s := range segs {
		if s.Glitch {
			continue // a corrupted coordinate, not a transmitter
		}
		name := segName(v.MMSI, s.N)
		mine = mine[:0]
		for _, i := range evs {
			e := &events[i]
			own := e.MMSI == v.MMSI && e.Segment == name
			// The other side of a pair names its segment in Details, if at all.
			other := e.OtherMMSI == v.MMSI && e.MMSI != v.MMSI && e.Details["other_segment"] == float64(s.N)
			shared := e.MMSI == v.MMSI && e.Type == event.Spoofing && e.Subtype == event.SharedMMSI
			if own || other || shared {
				mine = append(mine, i)
			}
		}
		p := Profile{
			MMSI: v.MMSI, Segment: name, Flag: identity.FlagOf(v.MMSI), Class: className(v.Class),
			FirstSeen: ms(s.First.Time), LastSeen: ms(s.Last.Time), Positions: s.Fixes,
			Segments: []Segment{segment(s)}, Events: counts(events, mine),
		}
		p.Name, _ = v.ID.Names.Current()
		p.MMSIValid, p.MMSIProblem = mmsiCheck(v.MMSI, v)
		p.Risk = sc.score(v.MMSI, v, mine, true)
		out = append(out, p)
	}
	return out
}

func segment(s *track.Segment) Segment {
	return Segment{
		Segment: segName(s.MMSI, s.N), First: ms(s.First.Time), Last: ms(s.Last.Time), Fixes: s.Fixes,
		Start: LatLon{s.First.Lat, s.First.Lon}, End: LatLon{s.Last.Lat, s.Last.Lon}, Glitch: s.Glitch,
	}
}

func values(h *track.History) []Value {
	out := make([]Value, len(h.Values))
	for i, v := range h.Values {
		out[i] = Value{Value: v.V, First: ms(v.First), Last: ms(v.Last), Count: v.Count}
	}
	return out
}

// counts counts events by type. Counting into an array first makes the
// map once per type rather than once per event: a map write per event
// was a third of Build's time.
func counts(events []event.Event, evs []int32) map[event.Type]int {
	var n [16]int
	var other map[event.Type]int
	kinds := 0
	for _, i := range evs {
		t := events[i].Type
		k := typeIndex(t)
		if k < 0 || k >= len(n) {
			if other == nil {
				other = make(map[event.Type]int)
			}
			other[t]++
			continue
		}
		if n[k] == 0 {
			kinds++
		}
		n[k]++
	}
	m := make(map[event.Type]int, kinds+len(other))
	for k, c := range n[:min(len(n), len(event.Types))] {
		if c > 0 {
			m[event.Types[k]] = c
		}
	}
	for t, c := range other {
		m[t] = c
	}
	return m
}

// typeIndex is t's index in event.Types, or -1.
func typeIndex(t event.Type) int {
	for k, x := range event.Types {
		if x == t {
			return k
		}
	}
	return -1
}

func className(c fuse.Class) string {
	if c == fuse.ClassUnknown {
		return ""
	}
	return c.String()
}

// mmsiCheck returns whether the MMSI could have been assigned, and if not
// a short code for why (v, when known, says what its transmitter sent).
func mmsiCheck(mmsi uint32, v *track.Vessel) (bool, string) {
	err := mmsiProblem(mmsi, v)
	switch {
	case err == nil:
		return true, ""
	case errors.Is(err, identity.ErrOutOfRange):
		return false, "out_of_range"
	case errors.Is(err, identity.ErrPlaceholder):
		return false, "placeholder"
	case errors.Is(err, identity.ErrNoFormat):
		return false, "no_format"
	case errors.Is(err, identity.ErrUnallocatedMID):
		return false, "unallocated_mid"
	case errors.Is(err, identity.ErrShipReportFromShore):
		return false, "ship_report_from_shore"
	}
	return false, "invalid"
}
