package profile

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/track"
)

// Reason codes, one per rule of the model.
const (
	CodeWatchlistIMO     = "watchlist_imo"
	CodeWatchlistMMSI    = "watchlist_mmsi"
	CodeWatchlistName    = "watchlist_name"
	CodeEncounter        = "encounter"
	CodeDarkRendezvous   = "dark_rendezvous"
	CodeLoitering        = "loitering"
	CodeIntentionalGap   = "intentional_gap"
	CodeCoverageGap      = "coverage_gap"
	CodeSharedMMSI       = "shared_mmsi"
	CodeImpossibleSpeed  = "impossible_speed"
	CodeInvalidMMSI      = "invalid_mmsi"
	CodeInvalidIMO       = "invalid_imo"
	CodeSharedIMO        = "shared_imo"
	CodeFlagChange       = "flag_change"
	CodeNameChange       = "name_change"
	CodeIMOChange        = "imo_change"
	CodeCallSignChange   = "callsign_change"
	CodeShipTypeChange   = "shiptype_change"
	CodeWatchlistContact = "watchlist_contact"
	CodeNoIMO            = "no_imo"
	CodeDarkVesselLead   = "dark_vessel_candidate"
	CodeDarkEncounter    = "dark_encounter"
	CodeUnseenByRadar    = "unseen_by_radar"
)

// Watchlist match strengths, strongest first.
const (
	byIMO = iota
	byMMSI
	byName     // a name or alias with the call sign or an agreeing ship type
	byNameOnly // a name or alias alone: a weak lead, no risk
)

// strength reads how a watchlist event matched from its entry's By
// ("imo", "mmsi", "name", "alias", "callsign", "type", or several joined
// by "+").
func strength(e *event.Event) int {
	if e.Entry == nil {
		return byNameOnly
	}
	switch by := e.Entry.By; {
	case strings.Contains(by, "imo"):
		return byIMO
	case strings.Contains(by, "mmsi"):
		return byMMSI
	case strings.Contains(by, "callsign") || strings.Contains(by, "type"):
		return byName
	}
	return byNameOnly
}

// scorer computes risks. It holds what crosses vessels: which vessels are
// listed, for the one-hop contact rule.
type scorer struct {
	w      *Options
	events []event.Event
	// listed holds, per MMSI on a watchlist by IMO or MMSI, its watchlist
	// events.
	listed map[uint32][]int32

	// scratch, reused across vessels
	b bucket
}

func (s *scorer) init(w *Options, events []event.Event) {
	s.w, s.events = w, events
	s.listed = make(map[uint32][]int32)
	for i := range events {
		e := &events[i]
		if e.Type == event.Watchlist && strength(e) <= byMMSI {
			s.listed[e.MMSI] = append(s.listed[e.MMSI], int32(i))
		}
	}
}

// fork returns a scorer sharing s's read-only state with scratch of its
// own, for another goroutine.
func (s *scorer) fork() *scorer { return &scorer{w: s.w, events: s.events, listed: s.listed} }

// bucket sorts one vessel's events by the rule they feed.
type bucket struct {
	watch         [4][]int32
	encounter     []int32
	dark          []int32
	loiter        []int32
	darkSeen      []int32 // dark_vessel detections it is a candidate for
	darkMet       []int32 // dark_encounter events: alongside a vessel only a sensor saw
	intentional   []int32
	coverage      []int32
	intentionalH  float64
	coverageH     float64
	shared        []int32
	sharedIMO     []int32
	jumps         []int32
	unseen        []int32 // spoofing/unseen_by_radar events
	badMMSI       []int32
	badIMO        []int32
	changes       map[string][]int32
	contacts      []uint32 // listed vessels met, in order first met
	contactEvents map[uint32][]int32
}

func (b *bucket) reset() {
	for i := range b.watch {
		b.watch[i] = b.watch[i][:0]
	}
	b.encounter, b.dark, b.loiter = b.encounter[:0], b.dark[:0], b.loiter[:0]
	b.darkSeen = b.darkSeen[:0]
	b.darkMet = b.darkMet[:0]
	b.intentional, b.coverage = b.intentional[:0], b.coverage[:0]
	b.intentionalH, b.coverageH = 0, 0
	b.shared, b.jumps, b.badMMSI, b.badIMO = b.shared[:0], b.jumps[:0], b.badMMSI[:0], b.badIMO[:0]
	b.sharedIMO = b.sharedIMO[:0]
	b.unseen = b.unseen[:0]
	if b.changes == nil {
		b.changes = make(map[string][]int32)
		b.contactEvents = make(map[uint32][]int32)
	}
	for k, v := range b.changes {
		b.changes[k] = v[:0]
	}
	b.contacts = b.contacts[:0]
	clear(b.contactEvents)
}

// score returns the risk of a vessel (v may be nil) from its events evs.
// A segment line has no identity of its own, so the rules that read the
// identity rather than events are skipped for it.
func (s *scorer) score(mmsi uint32, v *track.Vessel, evs []int32, segLine bool) Risk {
	b := &s.b
	b.reset()
	for _, i := range evs {
		e := &s.events[i]
		own := e.MMSI == mmsi
		switch e.Type {
		case event.Watchlist:
			if own {
				st := strength(e)
				b.watch[st] = append(b.watch[st], i)
			}
		case event.Encounter, event.DarkRendezvous:
			if e.Type == event.Encounter {
				b.encounter = append(b.encounter, i)
			} else {
				b.dark = append(b.dark, i)
			}
			other := e.OtherMMSI
			if !own {
				other = e.MMSI
			}
			if other != 0 && other != mmsi && s.listed[other] != nil {
				if b.contactEvents[other] == nil {
					b.contacts = append(b.contacts, other)
				}
				b.contactEvents[other] = append(b.contactEvents[other], i)
			}
		case event.Loitering:
			if own {
				b.loiter = append(b.loiter, i)
			}
		case event.DarkVessel:
			if slices.Contains(e.Candidates, mmsi) {
				b.darkSeen = append(b.darkSeen, i)
			}
		case event.DarkEncounter:
			if own {
				b.darkMet = append(b.darkMet, i)
			}
		case event.Gap:
			if own {
				h := e.End.Sub(e.Start).Hours()
				if e.Intentional != nil && *e.Intentional {
					b.intentional = append(b.intentional, i)
					b.intentionalH += h
				} else {
					b.coverage = append(b.coverage, i)
					b.coverageH += h
				}
			}
		case event.Spoofing:
			if e.Subtype == event.SharedIMO {
				// Both MMSIs; not two transponders side by side (one ship).
				if km, ok := e.Details["distance_km"]; !ok || km >= 1 {
					b.sharedIMO = append(b.sharedIMO, i)
				}
				break
			}
			if !own {
				break
			}
			switch e.Subtype {
			case event.SharedMMSI:
				b.shared = append(b.shared, i)
			case event.ImpossibleSpeed:
				b.jumps = append(b.jumps, i)
			case event.UnseenByRadar:
				b.unseen = append(b.unseen, i)
			case event.InvalidIdentity:
				if e.Field == "imo" {
					if n, err := strconv.Atoi(e.To); err == nil && identity.PlaceholderIMO(n) {
						break // "not available": nothing against the vessel
					}
					b.badIMO = append(b.badIMO, i)
				} else {
					b.badMMSI = append(b.badMMSI, i)
				}
			}
		case event.IdentityChange:
			if own || (e.Field == event.FieldFlag && e.PreviousMMSI() == mmsi) {
				b.changes[e.Field] = append(b.changes[e.Field], i)
			}
		}
	}

	var r []Reason
	// add appends a reason worth points; the sentence is only written then,
	// since most rules do not fire for most vessels.
	add := func(code string, w Weight, n float64, evs []int32, text func() string) {
		if w.Points <= 0 || n <= 0 {
			return
		}
		p := int(math.Round(math.Min(w.Cap, w.Points*n)))
		if p <= 0 {
			return
		}
		r = append(r, Reason{Code: code, Reason: text(), Points: p, Events: s.ids(evs)})
	}
	w := s.w

	// Watchlist: only the strongest kind of match counts; weaker matches
	// of the same vessel are the same fact, and their events are listed
	// with it.
	for st, code := range [...]string{CodeWatchlistIMO, CodeWatchlistMMSI, CodeWatchlistName} {
		if len(b.watch[st]) == 0 {
			continue
		}
		// A name alone (b.watch[byNameOnly]) counts nothing: FREEDOM,
		// AMBER and PATRIOT are OFAC entries and yachts off the US alike.
		all := s.sortByTime(slices.Concat(b.watch[:]...))
		wt := [...]Weight{w.WatchlistIMO, w.WatchlistMMSI, w.WatchlistName}[st]
		by := [...]string{"IMO", "MMSI", "name with call sign or ship type"}[st]
		add(code, wt, 1, all, func() string { return "on a watchlist by " + by + ": " + s.entries(b.watch[st]) })
		break
	}
	if len(b.contacts) > 0 {
		add(CodeWatchlistContact, w.WatchlistContact, float64(len(b.contacts)), s.contactEvents(b), func() string { return s.contactText(b) })
	}
	add(CodeDarkRendezvous, w.DarkRendezvous, float64(len(b.dark)), b.dark, func() string {
		return plural(len(b.dark), "dark rendezvous", "dark rendezvous") + ": a meeting made plausible while both vessels were dark"
	})
	add(CodeEncounter, w.Encounter, float64(len(b.encounter)), b.encounter, func() string {
		return plural(len(b.encounter), "encounter", "encounters") + " at sea with another vessel (possible ship-to-ship transfer)"
	})
	add(CodeDarkEncounter, w.DarkEncounter, float64(len(b.darkMet)), b.darkMet, func() string {
		return plural(len(b.darkMet), "encounter", "encounters") + " at sea with a vessel no AIS explains, seen by radar or satellite (a transfer with a dark partner)"
	})
	add(CodeDarkVesselLead, w.DarkVesselLead, float64(len(b.darkSeen)), b.darkSeen, func() string {
		return "could have been " + plural(len(b.darkSeen), "sensor detection", "sensor detections") + " no AIS vessel explains, while its AIS was silent (a lead)"
	})
	add(CodeLoitering, w.Loitering, float64(len(b.loiter)), b.loiter, func() string {
		return "loitered at sea " + plural(len(b.loiter), "time", "times")
	})
	add(CodeIntentionalGap, w.IntentionalGap, b.intentionalH, b.intentional, func() string {
		return fmt.Sprintf("dark %.0f h in %s judged intentional (good reception around)", b.intentionalH, plural(len(b.intentional), "gap", "gaps"))
	})
	add(CodeCoverageGap, w.CoverageGap, b.coverageH, b.coverage, func() string {
		return fmt.Sprintf("dark %.0f h in %s put down to poor reception", b.coverageH, plural(len(b.coverage), "gap", "gaps"))
	})
	// A placeholder MMSI (0, 123456789, ...) is typed into many unrelated
	// transponders: that their positions disagree is expected, not a
	// clone, and invalid_mmsi already says what is wrong.
	if !placeholder(mmsi) {
		add(CodeSharedMMSI, w.SharedMMSI, once(b.shared), b.shared, func() string { return "MMSI used by several transmitters at once" })
		add(CodeImpossibleSpeed, w.ImpossibleSpeed, float64(len(b.jumps)), b.jumps, func() string {
			return plural(len(b.jumps), "position jump", "position jumps") + " no ship can make"
		})
	}
	add(CodeUnseenByRadar, w.UnseenByRadar, float64(len(b.unseen)), b.unseen, func() string {
		return plural(len(b.unseen), "time", "times") + " reported where a radar covering the place saw nothing (position spoofed)"
	})
	add(CodeSharedIMO, w.SharedIMO, once(b.sharedIMO), b.sharedIMO, func() string {
		e := &s.events[b.sharedIMO[0]]
		other := e.OtherMMSI
		if other == mmsi {
			other = e.MMSI
		}
		return fmt.Sprintf("IMO %.0f broadcast at the same time by %d", e.Details["imo"], other)
	})
	add(CodeInvalidIMO, w.InvalidIMO, once(b.badIMO), b.badIMO, func() string {
		return "broadcasts IMO " + s.events[b.badIMO[0]].To + ", which fails its check digit"
	})
	if len(b.badMMSI) > 0 || !segLine {
		if err := mmsiProblem(mmsi, v); err != nil {
			add(CodeInvalidMMSI, w.InvalidMMSI, 1, b.badMMSI, func() string {
				return "MMSI is not a valid ship identity: " + strings.TrimPrefix(err.Error(), "identity: ")
			})
		}
	}
	for _, c := range [...]struct {
		field, code, what string
		w                 Weight
	}{
		{event.FieldFlag, CodeFlagChange, "flag", w.FlagChange},
		{event.FieldIMO, CodeIMOChange, "IMO number", w.IMOChange},
		{event.FieldName, CodeNameChange, "name", w.NameChange},
		{event.FieldCallSign, CodeCallSignChange, "call sign", w.CallSignChange},
		{event.FieldShipType, CodeShipTypeChange, "ship type", w.ShipTypeChange},
	} {
		evs := b.changes[c.field]
		add(c.code, c.w, float64(len(evs)), evs, func() string {
			return "changed " + c.what + " " + plural(len(evs), "time", "times") + ": " + s.transitions(evs)
		})
	}
	if !segLine && v != nil {
		if kind := noIMO(v); kind != "" {
			add(CodeNoIMO, w.NoIMO, 1, nil, func() string { return "Class A " + kind + " that never broadcast an IMO number" })
		}
	}

	slices.SortStableFunc(r, func(a, b Reason) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	risk := Risk{Reasons: r}
	for _, x := range r {
		risk.Total += x.Points
	}
	risk.Score = min(100, risk.Total)
	if risk.Reasons == nil {
		risk.Reasons = []Reason{}
	}
	return risk
}

// noIMO returns "tanker" or "cargo ship" for a Class A vessel of that type
// that never broadcast an IMO number, else "".
func noIMO(v *track.Vessel) string {
	if v.Class != fuse.ClassA || len(v.ID.IMOs.Values) > 0 {
		return ""
	}
	// Inland vessels carry an ENI instead; AtoNs, base stations and gear
	// have no IMO number to give.
	if v.Transmitter().Station != identity.StationVessel {
		return ""
	}
	st, ok := v.ID.ShipTypes.Current()
	if !ok {
		return ""
	}
	n, err := strconv.Atoi(st)
	switch {
	case err != nil:
		return ""
	case n >= 70 && n <= 79:
		return "cargo ship"
	case n >= 80 && n <= 89:
		return "tanker"
	}
	return ""
}

func (s *scorer) ids(evs []int32) []string {
	out := make([]string, len(evs))
	for k, i := range evs {
		out[k] = s.events[i].ID
	}
	return out
}

// sortByTime orders events by start then id, each once.
func (s *scorer) sortByTime(evs []int32) []int32 {
	slices.SortFunc(evs, func(a, b int32) int {
		return event.Compare(&s.events[a], &s.events[b])
	})
	return slices.CompactFunc(evs, func(a, b int32) bool { return same(s.events, a, b) })
}

// contactEvents lists the meetings with listed vessels and those vessels'
// watchlist events: together they are the evidence.
func (s *scorer) contactEvents(b *bucket) []int32 {
	if len(b.contacts) == 0 {
		return nil
	}
	var all []int32
	for _, m := range b.contacts {
		all = append(all, b.contactEvents[m]...)
		all = append(all, s.listed[m]...)
	}
	return s.sortByTime(all)
}

func (s *scorer) contactText(b *bucket) string {
	parts := make([]string, 0, 3)
	for k, m := range b.contacts {
		if k == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(b.contacts)-3))
			break
		}
		e := &s.events[s.listed[m][0]]
		parts = append(parts, fmt.Sprintf("%d (%s)", m, entryLabel(e)))
	}
	return "met " + plural(len(b.contacts), "listed vessel", "listed vessels") + ": " + strings.Join(parts, ", ")
}

// entries describes up to three watchlist entries.
func (s *scorer) entries(evs []int32) string {
	parts := make([]string, 0, 3)
	seen := make(map[string]bool, len(evs))
	for _, i := range evs {
		l := entryLabel(&s.events[i])
		if seen[l] {
			continue
		}
		seen[l] = true
		if len(parts) == 3 {
			parts = append(parts, "and more")
			break
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, ", ")
}

func entryLabel(e *event.Event) string {
	if e.Entry == nil {
		return "unnamed entry"
	}
	if e.Entry.Name == "" {
		return e.Entry.List
	}
	return fmt.Sprintf("%s %q", e.Entry.List, e.Entry.Name)
}

// transitions describes up to three identity changes as "A -> B".
func (s *scorer) transitions(evs []int32) string {
	parts := make([]string, 0, 4)
	for k, i := range evs {
		if k == 3 {
			parts = append(parts, "...")
			break
		}
		e := &s.events[i]
		parts = append(parts, orNone(e.From)+" -> "+orNone(e.To))
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// mmsiProblem is why the MMSI is not a valid identity, nil when it is:
// from the number alone, or from what its transmitter sent when known (a
// coast-station number sending ship positions; fishing gear numbers
// itself as it likes).
func mmsiProblem(mmsi uint32, v *track.Vessel) error {
	if v == nil {
		return identity.Classify(int(mmsi)).Err
	}
	return v.Transmitter().Err
}

func placeholder(mmsi uint32) bool {
	return errors.Is(identity.Classify(int(mmsi)).Err, identity.ErrPlaceholder)
}

// once is 1 when there is any evidence: for rules counted once per vessel.
func once(evs []int32) float64 {
	if len(evs) == 0 {
		return 0
	}
	return 1
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
