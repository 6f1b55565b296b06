package detect

import (
	"fmt"
	"slices"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/track"
)

// IdentityOptions configures identity-change and invalid-identity
// detection.
type IdentityOptions struct {
	// Confirmations is how many static reports must carry a new value
	// before it counts as a change: a value that flips back at once is two
	// transmitters or a typo, not a new identity. Default 2.
	Confirmations int
}

func (o *IdentityOptions) defaults() {
	if o.Confirmations <= 0 {
		o.Confirmations = 2
	}
}

type pendingChange struct {
	ch       track.Change
	lat, lon float64
}

// IdentityDetector finds identity changes (name, call sign, IMO, ship
// type; flag when the same IMO reappears under an MMSI of another country)
// and invalid identities (an MMSI whose MID is unallocated or a
// placeholder, an IMO failing its check digit).
type IdentityDetector struct {
	opts    IdentityOptions
	emit    Emitter
	pending map[uint32]map[string]*pendingChange
	waiting map[uint32]*event.Event // events waiting for a position
	// unjudged holds vessels whose number's check waits for a name.
	unjudged map[uint32]*track.Vessel
}

// NewIdentityDetector returns an identity detector.
func NewIdentityDetector(opts IdentityOptions, emit Emitter) *IdentityDetector {
	opts.defaults()
	return &IdentityDetector{opts: opts, emit: emit, pending: make(map[uint32]map[string]*pendingChange), waiting: make(map[uint32]*event.Event), unjudged: make(map[uint32]*track.Vessel)}
}

var changeFields = map[string]bool{
	event.FieldName: true, event.FieldCallSign: true, event.FieldIMO: true, event.FieldShipType: true, event.FieldFlag: true,
}

func (d *IdentityDetector) Position(o *Obs) {
	mmsi := o.Vessel.MMSI
	vs := o.vs
	if !vs.hasPos && len(d.waiting) > 0 {
		if ev := d.waiting[mmsi]; ev != nil {
			ev.Lat, ev.Lon = o.Fix.Lat, o.Fix.Lon
			d.emit(*ev)
			delete(d.waiting, mmsi)
		}
	}
	vs.lastLat, vs.lastLon, vs.hasPos = o.Fix.Lat, o.Fix.Lon, true
	if o.mmsiCheckDue() {
		delete(d.unjudged, mmsi)
		if tx := o.Transmitter(); tx.Err != nil {
			d.emit(invalidMMSI(o.Vessel, tx.Err))
		}
	} else if !vs.mmsiChecked {
		d.unjudged[mmsi] = o.Vessel
	}
}

func (d *IdentityDetector) Static(s *StaticObs) {
	mmsi := s.Vessel.MMSI
	vs := vstate(s.Vessel)
	pos := [2]float64{vs.lastLat, vs.lastLon}
	if info := s.Report.Info; info != nil && info.IMO != 0 && !vs.badIMO && !identity.ValidIMO(int(info.IMO)) {
		vs.badIMO = true
		ev := event.Event{
			Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: mmsi,
			Start: tm(s.Report.Time), End: tm(s.Report.Time), Lat: pos[0], Lon: pos[1],
			Confidence: 0.8, Field: "imo", To: fmt.Sprint(info.IMO),
			Summary: fmt.Sprintf("%d broadcasts IMO %d, which fails its check digit", mmsi, info.IMO),
		}
		if vs.hasPos {
			d.emit(ev)
		} else {
			// Static reports carry no position: the event waits for the
			// vessel's first fix to say where it was.
			d.waiting[mmsi] = &ev
		}
	}
	p := d.pending[mmsi]
	// A report that repeats a pending value confirms it.
	if p != nil && s.Report.Info != nil {
		for field, pc := range p {
			if cur, ok := currentOf(s.Vessel, field); ok && cur == pc.ch.To && !changed(s.Changes, field) {
				if cnt := countOf(s.Vessel, field, pc.ch.To); cnt >= d.opts.Confirmations {
					d.emitChange(mmsi, pc, 0.9)
					delete(p, field)
				}
			}
		}
	}
	for _, ch := range s.Changes {
		if !changeFields[ch.Field] {
			continue
		}
		pc := &pendingChange{ch: ch, lat: pos[0], lon: pos[1]}
		if ch.Field == event.FieldFlag || d.opts.Confirmations <= 1 {
			d.emitChange(mmsi, pc, 0.9)
			continue
		}
		if p == nil {
			p = make(map[string]*pendingChange)
			d.pending[mmsi] = p
		}
		if old, ok := p[ch.Field]; ok && old.ch.From == ch.To {
			delete(p, ch.Field) // flipped back: not a change
			continue
		}
		if old, ok := p[ch.Field]; ok {
			pc.ch.From = old.ch.From
		}
		p[ch.Field] = pc
	}
}

func changed(chs []track.Change, field string) bool {
	for _, c := range chs {
		if c.Field == field {
			return true
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
	return nil
}

func currentOf(v *track.Vessel, field string) (string, bool) {
	if h := historyOf(v, field); h != nil {
		return h.Current()
	}
	return "", false
}

func countOf(v *track.Vessel, field, val string) int {
	if h := historyOf(v, field); h != nil {
		for _, x := range h.Values {
			if x.V == val {
				return x.Count
			}
		}
	}
	return 0
}

func (d *IdentityDetector) emitChange(mmsi uint32, pc *pendingChange, conf float64) {
	ch := pc.ch
	ev := event.Event{
		Type: event.IdentityChange, MMSI: mmsi, Field: ch.Field, From: ch.From, To: ch.To,
		Start: tm(ch.Time), End: tm(ch.Time), Lat: pc.lat, Lon: pc.lon,
		Confidence: conf,
		Summary:    fmt.Sprintf("%d changed %s from %q to %q", mmsi, ch.Field, ch.From, ch.To),
	}
	if ch.Field == event.FieldFlag {
		ev.Details = map[string]float64{"previous_mmsi": float64(ch.OtherMMSI)}
		ev.Summary = fmt.Sprintf("%d took over the IMO number of %d: flag %s -> %s", mmsi, ch.OtherMMSI, ch.From, ch.To)
	}
	d.emit(ev)
}

// Finish reports the changes heard only once before the data ended: the
// new value was never contradicted, so it stands, with less confidence.
func (d *IdentityDetector) Finish(int64) {
	for m, ev := range d.waiting {
		d.emit(*ev) // never placed: no position was ever heard
		delete(d.waiting, m)
	}
	for m, v := range d.unjudged {
		if tx := transmitterOf(v, vstate(v)); tx.Err != nil {
			d.emit(invalidMMSI(v, tx.Err)) // never named in time
		}
		delete(d.unjudged, m)
	}
	mmsis := make([]uint32, 0, len(d.pending))
	for m := range d.pending {
		mmsis = append(mmsis, m)
	}
	slices.Sort(mmsis)
	for _, m := range mmsis {
		p := d.pending[m]
		fields := make([]string, 0, len(p))
		for f := range p {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			d.emitChange(m, p[f], 0.6)
		}
	}
	d.pending = map[uint32]map[string]*pendingChange{}
}
