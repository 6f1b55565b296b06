package detect

import (
	"strconv"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/track"
)

// Pairs is the engine's pair side: the detectors that measure vessels
// against each other or against every feed (dark periods with the
// coverage and reception they are judged on, encounters, dark rendezvous,
// IMO numbers shared between MMSIs). It takes the PairFix copies the
// vessel sides make (Engine.PositionVessel, StaticVessel,
// UntrackedVessel), one vessel side or several in shards by MMSI, in the
// order the reports were tracked, on one goroutine, which may be another
// than the vessel sides'.
//
// Of the tracker's vessels and segments it reads only what never changes
// (MMSI, segment number). The shared-IMO detector reads more of a vessel
// (its IMO numbers, when it was last heard, its last position): the pair
// side keeps its own copy of those, a mirror, for the vessels that
// broadcast a hull's IMO number, brought up to date by every report of
// theirs in order, so that it reads them as they were when the report
// was tracked, whichever shard tracks the vessel.
type Pairs struct {
	places    Places
	detectors []Detector
	now       int64
	obs       Obs
	upd       track.Update
	gaps      *GapDetector // shared with the dark-rendezvous detector
	enc       *EncounterDetector
	owners    []*EncounterOwner // the encounter detector's, when split by cell (SplitEncounters)
	shared    *sharedIMODetector
	mirrors   map[uint32]*imoMirror
	imos      *track.IMOIndex
	outbox
}

func newPairs(opts Options, places Places, opens bool) *Pairs {
	p := &Pairs{places: places, outbox: newOutbox(), mirrors: make(map[uint32]*imoMirror)}
	p.obs.places = &p.places
	p.gaps = NewGapDetector(opts.Gap, func(ev event.Event) { p.emit(ev, final) })
	p.enc = newEncounterDetector(opts.Encounter, p.emit, opens)
	p.detectors = []Detector{
		p.gaps,
		p.enc,
		newDarkRendezvousDetector(opts.DarkRendezvous, p.gaps, p.emit, opens),
	}
	p.shared = newSharedIMODetector(opts.Identity, p.emit, opens)
	p.imos = track.NewIMOIndex(func(mmsi uint32) (int64, bool) {
		m := p.mirrors[mmsi]
		if m == nil {
			return 0, false
		}
		return m.Last, true
	})
	return p
}

// Pairs returns the engine's pair side.
func (e *Engine) Pairs() *Pairs { return e.pairs }

// What a PairFix is.
const (
	pairPosition = iota + 1 // a tracked position
	pairStatic              // a static report
	pairHeard               // a position not tracked, of a mirrored vessel
)

// PairFix is what the pair side needs of one report, copied by the vessel
// side so that the pair side reads nothing the tracker and the vessel
// side go on changing: of the vessel and segment, only their MMSI and
// number, which never change; of the segment's detector state, only the
// positions counted per hour for the gap detector, which only the pair
// side touches; what the transmitter is, and the shore and port
// distances if the vessel side looked them up; and, for a vessel the
// pair side mirrors, when it was last heard and its IMO number.
type PairFix struct {
	kind                uint8
	hasPrev             bool
	shoreDone, portDone bool
	mirrored            bool // the vessel is mirrored (the report's vessel state says so)
	hasIMO              bool
	imo                 uint32
	vessel              *track.Vessel
	segment             *track.Segment
	ss                  *segState
	fix, prev           track.Fix // a static report's time is fix.Time
	last                int64     // the vessel's Last
	tx                  identity.Transmitter
	shoreM, portM       float64
	portName            string
	start               *mirrorStart // the vessel's first hull IMO: its mirror starts
}

// mirrorStart is what a mirror starts from.
type mirrorStart struct {
	imos     track.History
	hasPos   bool
	lat, lon float64
}

// Take runs the pair side's detectors on one report, copied by a vessel
// side.
func (p *Pairs) Take(pf *PairFix) {
	var m *imoMirror
	if pf.mirrored {
		m = p.mirror(pf)
	}
	switch pf.kind {
	case pairPosition:
		if pf.fix.Time > p.now {
			p.now = pf.fix.Time
		}
		p.upd = track.Update{Vessel: pf.vessel, Segment: pf.segment, Fix: pf.fix, Prev: pf.prev, HasPrev: pf.hasPrev}
		p.obs = Obs{Update: &p.upd, places: &p.places, ss: pf.ss, tx: &pf.tx,
			shoreDone: pf.shoreDone, shoreM: pf.shoreM, portDone: pf.portDone, portName: pf.portName, portM: pf.portM}
		for _, d := range p.detectors {
			d.Position(&p.obs)
		}
		p.shared.position(m, fixAt{pf.fix.Time, pf.fix.Lat, pf.fix.Lon, true})
		if m != nil {
			m.lat, m.lon, m.hasPos = pf.fix.Lat, pf.fix.Lon, true
		}
	case pairStatic:
		t := pf.fix.Time
		var share *track.IMOShare
		var other *imoMirror
		if m != nil && pf.hasIMO {
			if pf.start == nil {
				m.IMOs.Observe(strconv.FormatUint(uint64(pf.imo), 10), t) // as the tracker did
			}
			if share = p.imos.Use(m.MMSI, pf.imo, t); share != nil {
				other = p.mirrors[share.OtherMMSI]
			}
		}
		p.shared.static(m, t, share, other)
	}
}

// mirror returns the pair side's copy of a mirrored vessel, brought up to
// the report.
func (p *Pairs) mirror(pf *PairFix) *imoMirror {
	mmsi := pf.vessel.MMSI
	m := p.mirrors[mmsi]
	if m == nil {
		m = &imoMirror{MMSI: mmsi}
		if st := pf.start; st != nil {
			m.IMOs = st.imos
			m.hasPos, m.lat, m.lon = st.hasPos, st.lat, st.lon
		}
		p.mirrors[mmsi] = m
	}
	m.Last = pf.last
	return m
}

// Close closes what the pair side holds open, as at the end of the data
// (now: the last event time the engine saw). With the encounter detector
// split by cell, the owners' goroutines must be done: Close hands them
// what is still routed and closes them on the caller's goroutine.
func (p *Pairs) Close(now int64) {
	now = max(now, p.now)
	for _, d := range p.detectors {
		d.Finish(now)
	}
	if p.owners != nil {
		p.enc.split.finish(p.owners, now)
	}
	p.shared.Finish(now)
}

// TakeEvents returns what the pair side emitted since the last call
// (Engine.TakeEvents takes both sides' on one goroutine), the encounter
// owners' included, on the goroutine that took their batches last.
func (p *Pairs) TakeEvents() []Emission {
	out := p.take()
	for _, o := range p.owners {
		out = append(out, o.take()...)
	}
	return out
}

// Coverage returns each input or feed's coverage so far (Engine.Coverage).
func (p *Pairs) Coverage() Coverage { return p.gaps.Coverage() }

// Empty reports whether pf carries nothing for the pair side (a position
// not tracked, of a vessel not mirrored).
func (pf *PairFix) Empty() bool { return pf.kind == 0 }

// Tracked returns the tracked position pf copies, as a tracker's update
// with its vessel, segment and fix (only their MMSI and segment number
// may be read off the vessel and segment); ok is false when pf is no
// tracked position.
func (pf *PairFix) Tracked() (u track.Update, ok bool) {
	if pf.kind != pairPosition {
		return u, false
	}
	return track.Update{Vessel: pf.vessel, Segment: pf.segment, Fix: pf.fix, Prev: pf.prev, HasPrev: pf.hasPrev}, true
}
