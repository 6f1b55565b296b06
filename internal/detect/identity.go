package detect

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/track"
)

// IdentityOptions configures identity-change, shared-IMO and
// invalid-identity detection.
type IdentityOptions struct {
	// Confirmations is how many static reports must carry a new value
	// (a new name, or an IMO number under a new MMSI) before it can be a
	// change: never from a single report, which may be another
	// transmitter's or a corrupted one. Default 2.
	Confirmations int
	// Settle is how long a new value must stand, the old one not heard
	// again, before it is a change. Two transmitters on one MMSI send
	// their type 5 reports in turn, and satellites hear one of them only
	// every pass or two; 6 h covers several passes. A live run emits a
	// change once settled (and withdraws it if the old value comes back);
	// a batch run decides at the end of the data. Default 6 h.
	Settle time.Duration
	// FlagSilence is how long the MMSI an IMO number was heard under must
	// have been silent before another MMSI broadcasting the number is the
	// same hull under a new flag. Less than that, and both are alive at
	// once: a shared IMO, not a flag change. Default 24 h.
	FlagSilence time.Duration
}

func (o *IdentityOptions) defaults() {
	if o.Confirmations <= 0 {
		o.Confirmations = 2
	}
	if o.Settle <= 0 {
		o.Settle = 6 * time.Hour
	}
	if o.FlagSilence <= 0 {
		o.FlagSilence = 24 * time.Hour
	}
}

// changeCand is a field that took a new value, waiting to be judged.
type changeCand struct {
	v              *track.Vessel
	field          string
	from, to       string // as heard: the old value last, the new one first
	fromKey, toKey string // compared after normalising
	t              int64  // first report of the new value
	lat, lon       float64
	sent           bool // emitted open (live), to withdraw if the old value returns
}

// IdentityDetector finds identity changes (name, call sign, IMO, ship
// type) and invalid identities (an MMSI whose MID is unallocated or a
// placeholder, an IMO failing its check digit). A change is a value that
// replaces the old one for good: heard in Confirmations reports, the old
// one not heard again after it, and not while the MMSI is used by several
// transmitters at once (each sends its own type 5 reports).
type IdentityDetector struct {
	opts    IdentityOptions
	emit    emitFunc
	opens   bool // emit changes once settled, before the data ends
	pending map[uint32]map[string]*changeCand
	due     []dueChange              // live: candidates in order of settling
	held    []dueChange              // live: changes sent, in order of finishing
	waiting map[uint32][]event.Event // events waiting for a position
	// unjudged holds vessels whose number's check waits for a name.
	unjudged map[uint32]*track.Vessel
}

type dueChange struct {
	at   int64
	cand *changeCand
}

// NewIdentityDetector returns an identity detector that decides every
// change at the end of the data.
func NewIdentityDetector(opts IdentityOptions, emit Emitter) *IdentityDetector {
	return newIdentityDetector(opts, finalOnly(emit), false)
}

// newIdentityDetector returns an identity detector; with opens, it emits a
// change as soon as it has settled, and withdraws it if the old value is
// heard again.
func newIdentityDetector(opts IdentityOptions, emit emitFunc, opens bool) *IdentityDetector {
	opts.defaults()
	return &IdentityDetector{opts: opts, emit: emit, opens: opens, pending: make(map[uint32]map[string]*changeCand), waiting: make(map[uint32][]event.Event), unjudged: make(map[uint32]*track.Vessel)}
}

var changeFields = map[string]bool{
	event.FieldName: true, event.FieldCallSign: true, event.FieldIMO: true, event.FieldShipType: true,
}

// valueKey is a field's value as compared: names and call signs after
// normalising spacing and punctuation (MINGYANGZHOU 9 is MING YANG ZHOU
// 9); "" for an IMO that cannot stand for a hull (a placeholder or a
// number failing its check digit), which is no identity to change from or
// to.
func valueKey(field, v string) string {
	switch field {
	case event.FieldName, event.FieldCallSign:
		return identity.NameKey(v)
	case event.FieldIMO:
		n, err := strconv.Atoi(v)
		if err != nil || !identity.HullIMO(n) {
			return ""
		}
	}
	return v
}

func (d *IdentityDetector) Position(o *Obs) {
	mmsi := o.Vessel.MMSI
	vs := o.vs
	if !vs.hasPos && len(d.waiting) > 0 {
		for _, ev := range d.waiting[mmsi] {
			ev.Lat, ev.Lon = o.Fix.Lat, o.Fix.Lon
			d.emit(ev, final)
		}
		delete(d.waiting, mmsi)
	}
	if o.mmsiCheckDue() {
		delete(d.unjudged, mmsi)
		if tx := o.Transmitter(); tx.Err != nil {
			d.emit(invalidMMSI(o.Vessel, tx.Err), final)
		}
	} else if !vs.mmsiChecked {
		d.unjudged[mmsi] = o.Vessel
	}
	d.settle(o.Fix.Time)
}

// place emits an event at the vessel's last position, or, when none was
// heard yet (static reports carry none), holds it for the first fix.
func (d *IdentityDetector) place(vs *vesselState, ev event.Event) {
	if vs.hasPos {
		ev.Lat, ev.Lon = vs.lastLat, vs.lastLon
		d.emit(ev, final)
		return
	}
	d.waiting[ev.MMSI] = append(d.waiting[ev.MMSI], ev)
}

func (d *IdentityDetector) Static(s *StaticObs) {
	mmsi := s.Vessel.MMSI
	vs := vstate(s.Vessel)
	if info := s.Report.Info; info != nil && info.IMO != 0 && !vs.badIMO && !identity.ValidIMO(int(info.IMO)) {
		vs.badIMO = true
		ev := event.Event{
			Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: mmsi,
			Start: tm(s.Report.Time), End: tm(s.Report.Time), Lat: vs.lastLat, Lon: vs.lastLon,
			Confidence: 0.8, Field: "imo", To: fmt.Sprint(info.IMO),
			Summary: fmt.Sprintf("%d broadcasts IMO %d, which fails its check digit", mmsi, info.IMO),
		}
		if identity.PlaceholderIMO(int(info.IMO)) {
			// All ones is the field's "not available": true, and no sign
			// of anything.
			ev.Confidence = 0.3
			ev.Summary = fmt.Sprintf("%d broadcasts IMO %d, a placeholder (not available), not an IMO number", mmsi, info.IMO)
		}
		d.place(vs, ev)
	}
	for _, ch := range s.Changes {
		if changeFields[ch.Field] {
			d.note(s.Vessel, vs, ch)
		}
	}
	// A value heard once when its window passed stands at its second
	// report.
	if d.opens {
		for _, c := range d.pending[mmsi] {
			if !c.sent && s.Report.Time >= c.t+d.opts.Settle.Milliseconds() && d.stands(s.Vessel, c) {
				d.send(c, s.Report.Time)
			}
		}
	}
	d.settle(s.Report.Time)
}

// note takes in a field's new value.
func (d *IdentityDetector) note(v *track.Vessel, vs *vesselState, ch track.Change) {
	fromKey, toKey := valueKey(ch.Field, ch.From), valueKey(ch.Field, ch.To)
	p := d.pending[v.MMSI]
	c := p[ch.Field]
	switch {
	case fromKey == toKey:
		return // the same value spelt otherwise
	case c != nil && toKey == c.fromKey:
		// The old value is back: two transmitters, or a typo put right.
		d.drop(v.MMSI, c)
		return
	case c != nil && toKey == c.toKey:
		return
	case c != nil && (c.sent || (ch.Time >= c.t+d.opts.Settle.Milliseconds() && d.stands(v, c))):
		// A settled change is followed by another: it stands.
		d.emit(d.changeEvent(v, c), final)
	case c != nil:
		// A third value before the second settled: the change is from
		// the value held before both.
		ch.From, fromKey = c.from, c.fromKey
		if fromKey == toKey {
			d.drop(v.MMSI, c)
			return
		}
	}
	if fromKey == "" || toKey == "" {
		// From or to a number that is no IMO number: a placeholder
		// filled in or a typo, no identity.
		if c != nil {
			delete(p, ch.Field)
		}
		return
	}
	if p == nil {
		p = make(map[string]*changeCand)
		d.pending[v.MMSI] = p
	}
	c = &changeCand{v: v, field: ch.Field, from: ch.From, to: ch.To, fromKey: fromKey, toKey: toKey, t: ch.Time, lat: vs.lastLat, lon: vs.lastLon}
	p[ch.Field] = c
	if d.opens {
		d.due = append(d.due, dueChange{at: ch.Time + d.opts.Settle.Milliseconds(), cand: c})
	}
}

// drop forgets a candidate, withdrawing it if it was emitted.
func (d *IdentityDetector) drop(mmsi uint32, c *changeCand) {
	if c.sent {
		// Withdrawn; the vessel and field name the event.
		ev := event.Event{Type: event.IdentityChange, MMSI: mmsi, Field: c.field, From: c.from, To: c.to,
			Start: tm(c.t), End: tm(c.t), Lat: c.lat, Lon: c.lon,
			Summary: fmt.Sprintf("withdrawn: %d sent %s %q again after %q", mmsi, c.field, c.from, c.to)}
		d.emit(ev, withdrawn)
	}
	delete(d.pending[mmsi], c.field)
}

// settle emits, in a live run, the candidates whose settle window has
// passed and that stand.
func (d *IdentityDetector) settle(now int64) {
	for len(d.due) > 0 && d.due[0].at <= now {
		c := d.due[0].cand
		d.due = d.due[1:]
		if d.pending[c.v.MMSI][c.field] != c {
			continue // dropped or replaced since
		}
		if d.stands(c.v, c) {
			d.send(c, now)
		} else if d.count(c.v, c) >= d.opts.Confirmations {
			d.drop(c.v.MMSI, c) // several transmitters
		}
		// A value heard once waits for a second report.
	}
	if len(d.due) == 0 && cap(d.due) > 1024 {
		d.due = nil
	}
	// A change sent a day ago (FlagSilence) whose old value never came
	// back is final: a server running for months holds none open.
	for len(d.held) > 0 && d.held[0].at <= now {
		c := d.held[0].cand
		d.held = d.held[1:]
		if d.pending[c.v.MMSI][c.field] == c {
			d.emit(d.changeEvent(c.v, c), final)
			delete(d.pending[c.v.MMSI], c.field)
		}
	}
	if len(d.held) == 0 && cap(d.held) > 1024 {
		d.held = nil
	}
}

// send emits a settled change, open: it is withdrawn if the old value
// comes back within a day.
func (d *IdentityDetector) send(c *changeCand, now int64) {
	c.sent = true
	d.emit(d.changeEvent(c.v, c), open)
	d.held = append(d.held, dueChange{at: now + d.opts.FlagSilence.Milliseconds(), cand: c})
}

// stands reports whether a candidate is a change: heard in Confirmations
// reports, never before the old value's last report, and the MMSI not
// used by several transmitters around it.
func (d *IdentityDetector) stands(v *track.Vessel, c *changeCand) bool {
	if d.count(v, c) < d.opts.Confirmations {
		return false
	}
	// The new value first heard after the old one last: values of two
	// transmitters interleave.
	var fromLast, toFirst int64 = -1 << 62, 1 << 62
	for _, x := range historyOf(v, c.field).Values {
		switch valueKey(c.field, x.V) {
		case c.fromKey:
			fromLast = max(fromLast, x.Last)
		case c.toKey:
			toFirst = min(toFirst, x.First)
		}
	}
	if toFirst <= fromLast {
		return false
	}
	return !severalTransmitters(v, vstate(v), c.t-d.opts.Settle.Milliseconds(), c.t+d.opts.Settle.Milliseconds())
}

// count is how many reports carried the new value.
func (d *IdentityDetector) count(v *track.Vessel, c *changeCand) int {
	n := 0
	for _, x := range historyOf(v, c.field).Values {
		if valueKey(c.field, x.V) == c.toKey {
			n += x.Count
		}
	}
	return n
}

// severalTransmitters reports whether the MMSI was used by several
// transmitters at once during [from, to]: a shared-MMSI episode found by
// the spoofing detector, or two segments of some length that overlap in
// time there. Their type 5 reports make identity "changes" that are two
// ships taking turns.
func severalTransmitters(v *track.Vessel, vs *vesselState, from, to int64) bool {
	if sharedMMSIOpen(vs) {
		return true
	}
	segs, _ := v.Segments()
	for i, a := range segs {
		if a.Fixes < 3 || a.Last.Time < from || a.First.Time > to {
			continue
		}
		for _, b := range segs[i+1:] {
			if b.Fixes < 3 || b.Last.Time < from || b.First.Time > to {
				continue
			}
			if a.First.Time <= b.Last.Time && b.First.Time <= a.Last.Time {
				return true
			}
		}
	}
	return false
}

func historyOf(v *track.Vessel, field string) *track.History {
	switch field {
	case event.FieldName:
		return &v.ID.Names
	case event.FieldCallSign:
		return &v.ID.CallSigns
	case event.FieldIMO:
		return &v.ID.IMOs
	case event.FieldShipType:
		return &v.ID.ShipTypes
	}
	return &track.History{}
}

// changeEvent is a candidate's event, at the new value's first report.
func (d *IdentityDetector) changeEvent(v *track.Vessel, c *changeCand) event.Event {
	return event.Event{
		Type: event.IdentityChange, MMSI: v.MMSI, Field: c.field, From: c.from, To: c.to,
		Start: tm(c.t), End: tm(c.t), Lat: c.lat, Lon: c.lon,
		Confidence: 0.9,
		Summary:    fmt.Sprintf("%d changed %s from %q to %q", v.MMSI, c.field, strings.TrimSpace(c.from), strings.TrimSpace(c.to)),
		Details:    map[string]float64{"reports": float64(d.count(v, c))},
	}
}

// Finish decides every change still pending: a new value heard once, or
// whose old value came back, or sent while several transmitters shared
// the MMSI, is no change.
func (d *IdentityDetector) Finish(int64) {
	for m, evs := range d.waiting {
		for _, ev := range evs {
			d.emit(ev, final) // never placed: no position was ever heard
		}
		delete(d.waiting, m)
	}
	for m, v := range d.unjudged {
		if tx := transmitterOf(v, vstate(v)); tx.Err != nil {
			d.emit(invalidMMSI(v, tx.Err), final) // never named in time
		}
		delete(d.unjudged, m)
	}
	type item struct {
		mmsi  uint32
		field string
	}
	var items []item
	d.due, d.held = nil, nil
	for m, p := range d.pending {
		for f := range p {
			items = append(items, item{m, f})
		}
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.mmsi != b.mmsi {
			return int(int64(a.mmsi) - int64(b.mmsi))
		}
		return strings.Compare(a.field, b.field)
	})
	for _, it := range items {
		c := d.pending[it.mmsi][it.field]
		v := c.v
		if d.stands(v, c) {
			d.emit(d.changeEvent(v, c), final)
		} else {
			d.drop(it.mmsi, c)
		}
	}
	d.pending = map[uint32]map[string]*changeCand{}
}
