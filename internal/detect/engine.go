package detect

import (
	"math"
	"slices"
	"strconv"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/radar"
	"github.com/picket-ais/picket/internal/track"
)

// Options holds every detector's thresholds. The zero value means the
// defaults, each documented on its field.
type Options struct {
	Encounter      EncounterOptions
	Loitering      LoiteringOptions
	Gap            GapOptions
	DarkRendezvous DarkRendezvousOptions
	Spoofing       SpoofingOptions
	Identity       IdentityOptions
	PortVisit      PortVisitOptions
	// UnseenByRadar is spoofing/unseen_by_radar's (a radar's, run where
	// radar plots come in: pipeline and live).
	UnseenByRadar radar.UnseenOptions
}

// Places answers the geographic questions detectors ask. Any field may be
// nil: the questions it answers are then answered "far away".
type Places struct {
	// ShoreM returns the distance to the nearest land in metres (0 on land).
	ShoreM func(lat, lon float64) float64
	// NearestPort returns the nearest port or anchorage within maxM.
	NearestPort func(lat, lon, maxM float64) (name string, distM float64, ok bool)
	// Zones returns the names of the zones containing a point.
	Zones func(lat, lon float64, dst []string) []string
	// Watch matches an identity against the watchlist.
	Watch func(q WatchQuery) []event.Entry
	// FeedName names an input or feed by its number (track.Fix.Feed) in
	// the evidence of events; nil names it by the number.
	FeedName func(feed uint16) string
}

func (p *Places) feedName(feed uint16) string {
	if p.FeedName != nil {
		return p.FeedName(feed)
	}
	return strconv.Itoa(int(feed))
}

// vesselState is what the detectors keep per vessel, hung on the tracker's
// Vessel so that no detector looks it up in a map of its own per fix:
// what every detector may read (the last position, what the transmitter
// is), kept by the engine, and what the detectors with state of their own
// per vessel keep (what it means is in the detector's file). It is kept
// small, flags in one word, as every vessel of the fleet has one
// (docs/benchmarks.md).
type vesselState struct {
	lastLat, lastLon float64
	hasPos           bool
	mmsiChecked      bool // invalid-identity check done
	mirrored         bool // broadcast a hull's IMO number: the pair side keeps a copy (pairs.go)
	badIMO           bool // identity.go: an invalid IMO number reported
	watchChecked     bool // watchlist.go: matched by MMSI alone
	watchHits        bool // watchlist.go: has watchlist hits
	tx               txCache
	spoof            *spoofState // spoofing.go, made at the vessel's second segment
}

// segState is what the detectors keep per segment.
type segState struct {
	recent recent
	loiter *loiterRun
	visit  *visit
}

func vstate(v *track.Vessel) *vesselState {
	if vs, ok := v.Ext.(*vesselState); ok {
		return vs
	}
	vs := &vesselState{}
	v.Ext = vs
	return vs
}

func sstate(s *track.Segment) *segState {
	if ss, ok := s.Ext.(*segState); ok {
		return ss
	}
	ss := &segState{}
	s.Ext = ss
	return ss
}

// Obs is one tracked position with the geography around it, computed once
// and only when a detector asks.
type Obs struct {
	*track.Update
	places *Places
	vs     *vesselState
	ss     *segState

	shoreDone bool
	shoreM    float64
	portDone  bool
	portName  string
	portM     float64
	tx        *identity.Transmitter // what the vessel is, once asked
}

// portSearchM is how far Obs looks for a port: the largest port-related
// threshold (encounters must be 10 km from a port, GFW).
const portSearchM = 10_000

// shoreAt answers ShoreM for any point, +Inf when unknown.
func (p *Places) shoreAt(lat, lon float64) float64 {
	if p.ShoreM == nil {
		return math.Inf(1)
	}
	return p.ShoreM(lat, lon)
}

// ShoreM is the distance from the fix to the nearest land, metres;
// +Inf when unknown.
func (o *Obs) ShoreM() float64 {
	if !o.shoreDone {
		o.shoreDone = true
		o.shoreM = math.Inf(1)
		if o.places.ShoreM != nil {
			o.shoreM = o.places.ShoreM(o.Fix.Lat, o.Fix.Lon)
		}
	}
	return o.shoreM
}

// Port returns the nearest port within 10 km and its distance in metres;
// ok is false when there is none.
func (o *Obs) Port() (name string, distM float64, ok bool) {
	if !o.portDone {
		o.portDone = true
		o.portM = math.Inf(1)
		if o.places.NearestPort != nil {
			if n, d, found := o.places.NearestPort(o.Fix.Lat, o.Fix.Lon, portSearchM); found {
				o.portName, o.portM = n, d
			}
		}
	}
	return o.portName, o.portM, !math.IsInf(o.portM, 1)
}

// PortM is the distance to the nearest port, +Inf beyond 10 km.
func (o *Obs) PortM() float64 {
	_, d, _ := o.Port()
	return d
}

// Detector is one behaviour's detector.
type Detector interface {
	// Position sees every tracked position, in event-time order.
	Position(o *Obs)
	// Static sees every static report with the identity changes it made.
	Static(s *StaticObs)
	// Finish closes what is still open at the end of the data (now is the
	// last event time seen).
	Finish(now int64)
}

// StaticObs is one static report and what it changed.
type StaticObs struct {
	Vessel  *track.Vessel
	Report  *fuse.Report
	Changes []track.Change
}

// Emitter receives events.
type Emitter func(e event.Event)

// Engine runs every detector.
//
// It runs them in two sides. The vessel side (loitering, port visits,
// zones, watchlists, identity, spoofing) reads the tracker's vessels and
// segments, and may be one of several, each for the vessels of one
// shard (Shard). The pair side (Pairs: dark periods with the coverage
// and reception they are judged on, encounters, dark rendezvous, IMO
// numbers shared between MMSIs) measures vessels against each other and
// against what every feed heard, from a copy of each report (PairFix): it
// can run on a goroutine of its own, fed the copies in the order the
// reports were tracked, and finds the same events (ingest.Core does so
// with Options.Workers).
//
// The events the detectors emit wait in the engine until taken
// (TakeEvents, Finish): the engine keeps the latest version of each event
// emitted since the last take, and the IDs of open episodes, nothing
// more, so that a server taking events as they come holds a bounded
// amount however long it runs.
type Engine struct {
	opts      Options
	opens     bool
	places    Places
	detectors []Detector // the vessel side
	now       int64
	obs       Obs
	upd       track.Update // the update being looked at: a copy, so the caller's stays on its stack
	outbox
	pairs *Pairs
}

// outbox holds what detectors emitted and has not been taken.
type outbox struct {
	pending []Emission          // emitted since the last take
	at      map[string]int      // index in pending by event ID
	open    map[string]struct{} // events emitted open and not yet final
}

func newOutbox() outbox {
	return outbox{at: make(map[string]int), open: make(map[string]struct{})}
}

// NewEngine returns an engine running every detector with opts, which
// emits episodes as soon as they qualify and again as they grow: for a
// server, whose analysts watch them go on.
func NewEngine(opts Options, places Places) *Engine { return newEngine(opts, places, true) }

// NewBatchEngine returns an engine running every detector with opts, which
// emits each event once, when it is final: for a run over archived data,
// where nobody watches an episode go on. Its events are those of NewEngine
// (Finish gives the same); emitting open episodes would only cost time:
// 15% more CPU for `picket analyze` on simulated feeds given no port data,
// where every pair of ships moored side by side is an open encounter.
func NewBatchEngine(opts Options, places Places) *Engine { return newEngine(opts, places, false) }

func newEngine(opts Options, places Places, opens bool) *Engine {
	e := newVesselSide(opts, places, opens)
	e.pairs = newPairs(opts, places, opens)
	return e
}

// newVesselSide returns an engine's vessel side, without its pair side.
func newVesselSide(opts Options, places Places, opens bool) *Engine {
	e := &Engine{opts: opts, opens: opens, places: places, outbox: newOutbox()}
	e.obs.places = &e.places
	e.detectors = []Detector{
		newLoiteringDetector(opts.Loitering, e.emit, opens),
		newPortVisitDetector(opts.PortVisit, e.emit, opens),
		newZoneDetector(places.Zones, e.emit, opens),
		newWatchlistDetector(places.Watch, e.emit, opens),
		newIdentityDetector(opts.Identity, e.emit, opens),
		newSpoofingDetector(opts.Spoofing, e.emit, opens),
	}
	return e
}

// Shard returns another vessel side feeding e's pair side, for the
// vessels of another shard (MMSIs by ingest.Partition): each vessel side
// on a goroutine of its own, with a tracker of its own, and every
// PairFix they make handed to the one pair side in tracking order.
func (e *Engine) Shard() *Engine {
	s := newVesselSide(e.opts, e.places, e.opens)
	s.pairs = e.pairs
	return s
}

// Every detector implements Detector: the engine runs them through it
// alone, in the order of the list in newEngine.
var (
	_ Detector = (*GapDetector)(nil)
	_ Detector = (*LoiteringDetector)(nil)
	_ Detector = (*PortVisitDetector)(nil)
	_ Detector = (*ZoneDetector)(nil)
	_ Detector = (*WatchlistDetector)(nil)
	_ Detector = (*IdentityDetector)(nil)
	_ Detector = (*SpoofingDetector)(nil)
	_ Detector = (*EncounterDetector)(nil)
	_ Detector = (*DarkRendezvousDetector)(nil)
)

// emit takes in one emission of a detector.
func (e *outbox) emit(ev event.Event, s state) {
	for k, v := range ev.Details {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			delete(ev.Details, k) // JSON has no infinity: "unknown" is absence
		}
	}
	ev.SetID()
	i, pending := e.at[ev.ID]
	_, wasOpen := e.open[ev.ID]
	if s == open {
		e.open[ev.ID] = struct{}{}
	} else if wasOpen {
		delete(e.open, ev.ID)
	}
	em := Emission{Event: ev, First: !wasOpen, Open: s == open, Withdrawn: s == withdrawn}
	switch {
	case pending && e.pending[i].First && s == withdrawn:
		// Never taken: as if it had never been emitted.
		e.pending[i] = Emission{gone: true}
		delete(e.at, ev.ID)
	case pending:
		em.First = e.pending[i].First
		e.pending[i] = em
	case s == withdrawn && !wasOpen:
		// Nothing of it was emitted.
	default:
		e.at[ev.ID] = len(e.pending)
		e.pending = append(e.pending, em)
	}
}

// Position runs the detectors on a tracked position: the vessel side,
// then the pair side on the copy the vessel side makes.
func (e *Engine) Position(u *track.Update) {
	var pf PairFix
	e.PositionVessel(u, &pf)
	e.pairs.Take(&pf)
}

// PositionVessel runs the vessel side's detectors on a tracked position
// and fills pf with what the pair side needs of it, for Pairs.Take (on
// this goroutine or another, in the order made).
func (e *Engine) PositionVessel(u *track.Update, pf *PairFix) {
	if u.Fix.Time > e.now {
		e.now = u.Fix.Time
	}
	e.upd = *u
	vs := vstate(u.Vessel)
	e.obs = Obs{Update: &e.upd, places: &e.places, vs: vs, ss: sstate(u.Segment)}
	for _, d := range e.detectors {
		d.Position(&e.obs)
	}
	o := &e.obs
	*pf = PairFix{kind: pairPosition, vessel: u.Vessel, segment: u.Segment, ss: o.ss, fix: u.Fix, prev: u.Prev, hasPrev: u.HasPrev,
		tx: *o.Transmitter(), shoreDone: o.shoreDone, shoreM: o.shoreM, portDone: o.portDone, portName: o.portName, portM: o.portM,
		mirrored: vs.mirrored, last: u.Vessel.Last}
	vs.lastLat, vs.lastLon, vs.hasPos = u.Fix.Lat, u.Fix.Lon, true
}

// Untracked tells the detectors of a position the tracker counted but
// did not track (out of order, or a re-delivery): the vessel was heard.
func (e *Engine) Untracked(v *track.Vessel) {
	var pf PairFix
	if e.UntrackedVessel(v, &pf) {
		e.pairs.Take(&pf)
	}
}

// UntrackedVessel is Untracked's vessel side: it fills pf and returns
// true when the pair side is to be told (Pairs.Take).
func (e *Engine) UntrackedVessel(v *track.Vessel, pf *PairFix) bool {
	vs, ok := v.Ext.(*vesselState)
	if !ok || !vs.mirrored {
		return false
	}
	*pf = PairFix{kind: pairHeard, vessel: v, mirrored: true, last: v.Last}
	return true
}

// Static runs the detectors on a static report: the vessel side, then
// the pair side (IMO numbers shared between MMSIs).
func (e *Engine) Static(s *StaticObs) {
	var pf PairFix
	e.StaticVessel(s, &pf)
	e.pairs.Take(&pf)
}

// StaticVessel runs the vessel side's detectors on a static report and
// fills pf for the pair side (Pairs.Take).
func (e *Engine) StaticVessel(s *StaticObs, pf *PairFix) {
	t := s.Report.Time
	if t > e.now {
		e.now = t
	}
	for _, d := range e.detectors {
		d.Static(s)
	}
	v := s.Vessel
	vs := vstate(v)
	*pf = PairFix{kind: pairStatic, vessel: v, last: v.Last}
	pf.fix.Time = t
	if info := s.Report.Info; info != nil && info.Has&fuse.HasIMO != 0 {
		pf.hasIMO, pf.imo = true, info.IMO
		if !vs.mirrored && identity.HullIMO(int(info.IMO)) {
			// From now on the pair side keeps a copy of what the shared
			// IMO detector reads of the vessel.
			vs.mirrored = true
			imos := v.ID.IMOs
			imos.Values = slices.Clone(imos.Values)
			pf.start = &mirrorStart{imos: imos, hasPos: vs.hasPos, lat: vs.lastLat, lon: vs.lastLon}
		}
	}
	pf.mirrored = vs.mirrored
}

// TakeEvents returns what was emitted since the last call, in the order
// first emitted (the vessel side's, then the pair side's), each event in
// its latest version, and forgets it. A server calls it after every
// position or static report and hands each emission to its store (which
// replaces an event by ID) and its subscribers. Both sides must be on
// the caller's goroutine.
func (e *Engine) TakeEvents() []Emission {
	out := e.take()
	if more := e.pairs.TakeEvents(); len(more) > 0 {
		out = append(out, more...)
	}
	return out
}

// TakeVessel returns what the vessel side emitted since the last call,
// for a runner whose pair side runs on another goroutine.
func (e *Engine) TakeVessel() []Emission { return e.take() }

// take returns what was emitted since the last call and forgets it.
func (e *outbox) take() []Emission {
	if len(e.pending) == 0 {
		return nil
	}
	out := e.pending[:0:0]
	for _, em := range e.pending {
		if !em.gone {
			out = append(out, em)
		}
	}
	e.pending = nil
	clear(e.at)
	return out
}

// Coverage returns each input or feed's coverage so far: the times it
// delivered positions and its outages (silences from everyone of at least
// GapOptions.FeedOutage.Milliseconds()), for a runner to show.
func (e *Engine) Coverage() Coverage { return e.pairs.Coverage() }

// Close closes what every detector holds open, as at the end of the data
// (the last event time seen); what they emit is then taken with
// TakeEvents.
func (e *Engine) Close() {
	e.CloseVessel(e.now)
	e.pairs.Close(e.now)
}

// Now is the latest event time the vessel side saw.
func (e *Engine) Now() int64 { return e.now }

// CloseVessel closes what the vessel side holds open, as at the end of
// the data at now: the latest event time of every shard (Now).
func (e *Engine) CloseVessel(now int64) {
	for _, d := range e.detectors {
		d.Finish(now)
	}
}

// Finish closes every detector (Close) and returns the final version of
// every event not taken yet, ordered by start time then id: every event
// of a batch run, each once.
func (e *Engine) Finish() []event.Event {
	e.Close()
	return Final(e.TakeEvents())
}

// sortEvents orders events as events.jsonl does (event.Compare).
func sortEvents(evs []event.Event) { event.Sort(evs) }
