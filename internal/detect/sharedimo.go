package detect

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/track"
)

// imoPair is an IMO number taken up by a second MMSI (b) after another
// (a): a flag change if a had long been silent and stays so, a shared IMO
// if both go on at once, and nothing yet otherwise.
type imoPair struct {
	imo    uint32
	imoStr string
	a, b   *imoMirror
	tB     int64 // b's first report of the number
	aLast  int64 // a's last report (any) before tB
	// Positions last heard of each, for the event's place and the
	// distance between them.
	aPos, bPos fixAt
	at         fixAt   // where b was when it took the number up
	aBack      bool    // a heard at or after tB
	shared     bool    // both heard alive at once, with the number
	end        int64   // last time both were alive at once
	maxKm      float64 // between the two when heard within an hour
	distKnown  bool
	flagSent   bool // emitted open as a flag change (live)
	done       bool // emitted final before the end of the data (live)
	prog       progress
}

type fixAt struct {
	t        int64
	lat, lon float64
	ok       bool
}

// sharedIMODetector finds IMO numbers broadcast by two MMSIs alive at the
// same time (spoofing/shared_imo) and IMO numbers that moved to an MMSI of
// another flag after the old one fell silent for good (identity_change of
// the flag). The tracker reports each MMSI that takes up a number another
// broadcast (track.IMOShare); only numbers that can stand for a hull
// (identity.HullIMO) are reported.
type sharedIMODetector struct {
	opts  IdentityOptions
	emit  emitFunc
	opens bool
	pairs []*imoPair
	due   []*imoPair // live: flag-change candidates in order of settling
	held  []*imoPair // live: flag changes sent, in order of finishing
	calls int
}

func newSharedIMODetector(opts IdentityOptions, emit emitFunc, opens bool) *sharedIMODetector {
	opts.defaults()
	return &sharedIMODetector{opts: opts, emit: emit, opens: opens}
}

// position takes in a tracked position of v, the pair side's mirror of
// its vessel (Pairs), nil when the vessel broadcast no hull's IMO number.
func (d *sharedIMODetector) position(v *imoMirror, f fixAt) {
	d.settle(f.t)
	if v == nil {
		return
	}
	if len(v.pairs) > 0 {
		d.heard(v, v.pairs, f)
	}
}

// static takes in a static report of v at t (a mirror, or nil as for
// position) and the IMO number it took up from another MMSI, if so.
func (d *sharedIMODetector) static(v *imoMirror, t int64, sh *track.IMOShare, other *imoMirror) {
	d.settle(t)
	if v == nil {
		return
	}
	if sh != nil && other != nil && other != v {
		p := &imoPair{imo: sh.IMO, imoStr: strconv.FormatUint(uint64(sh.IMO), 10), a: other, b: v, tB: sh.Time, aLast: sh.OtherLast}
		if v.hasPos {
			p.bPos = fixAt{t, v.lat, v.lon, true}
			p.at = p.bPos
		}
		if other.hasPos {
			p.aPos = fixAt{sh.OtherLast, other.lat, other.lon, true}
		}
		d.pairs = append(d.pairs, p)
		for _, v := range [2]*imoMirror{p.a, p.b} {
			v.pairs = append(v.pairs, p)
		}
		if d.opens && d.flagCandidate(p) {
			d.due = append(d.due, p)
		}
	}
	if len(v.pairs) > 0 {
		f := fixAt{t: t}
		if v.hasPos {
			f = fixAt{t, v.lat, v.lon, true}
		}
		d.heard(v, v.pairs, f)
	}
}

// heard takes in a report of v, one of the MMSIs of pairs.
func (d *sharedIMODetector) heard(v *imoMirror, pairs []*imoPair, f fixAt) {
	silence := d.opts.FlagSilence.Milliseconds()
	for _, p := range pairs {
		if f.t < p.tB {
			continue
		}
		other := p.a
		if v == p.a {
			p.aBack = true
			other = p.b
			if f.ok {
				p.aPos = f
			}
		} else if f.ok {
			p.bPos = f
			if !p.at.ok {
				p.at = f
			}
		}
		if p.aPos.ok && p.bPos.ok && abs64(p.aPos.t-p.bPos.t) <= hourMs {
			p.maxKm = max(p.maxKm, geo.Distance(p.aPos.lat, p.aPos.lon, p.bPos.lat, p.bPos.lon)/1000)
			p.distKnown = true
		}
		// Both alive at once: each claims the number as its current one,
		// the old MMSI has been heard since the new one took it up, and
		// the other was heard not long ago.
		cur, _ := v.IMOs.Current()
		ocur, _ := other.IMOs.Current()
		if !p.aBack || cur != p.imoStr || ocur != p.imoStr || f.t-other.Last > silence {
			if v == p.b && d.opens && !p.flagSent && f.t >= p.tB+d.opts.Settle.Milliseconds() && d.isFlagChange(p) {
				d.sendFlag(p) // its second report came after the window
			}
			continue
		}
		if !p.shared && p.flagSent && !p.done {
			d.emit(d.flagEvent(p), withdrawn)
		}
		p.shared = true
		p.end = max(p.end, f.t)
		if d.opens && p.prog.due(p.end, p.confidence()) {
			p.prog.mark(p.end, p.confidence())
			d.emit(d.sharedEvent(p), open)
		}
	}
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// flagCandidate reports a number taken up under an MMSI of another flag
// after the old MMSI had been silent FlagSilence or more.
func (d *sharedIMODetector) flagCandidate(p *imoPair) bool {
	return p.tB-p.aLast >= d.opts.FlagSilence.Milliseconds() && identity.FlagOf(p.a.MMSI) != identity.FlagOf(p.b.MMSI)
}

// isFlagChange reports whether a candidate stands: the old MMSI never
// came back, and the new one broadcast the number in Confirmations
// reports.
func (d *sharedIMODetector) isFlagChange(p *imoPair) bool {
	if !d.flagCandidate(p) || p.aBack || p.shared {
		return false
	}
	for _, x := range p.b.IMOs.Values {
		if x.V == p.imoStr {
			return x.Count >= d.opts.Confirmations
		}
	}
	return false
}

// settle emits, in a live run, the flag changes whose settle window has
// passed with the old MMSI silent. One whose number was heard once by then
// is judged again at its next report (heard).
func (d *sharedIMODetector) settle(now int64) {
	for len(d.due) > 0 && d.due[0].tB+d.opts.Settle.Milliseconds() <= now {
		p := d.due[0]
		d.due = d.due[1:]
		if !p.flagSent && d.isFlagChange(p) {
			d.sendFlag(p)
		}
	}
	// A flag change sent a day ago (FlagSilence) whose old MMSI stayed
	// silent is final; so is a shared IMO neither MMSI has claimed for a
	// day. A server running for months holds neither open.
	keep := d.opts.FlagSilence.Milliseconds()
	for len(d.held) > 0 && d.held[0].tB+d.opts.Settle.Milliseconds()+keep <= now {
		p := d.held[0]
		d.held = d.held[1:]
		if !p.done && !p.shared && !p.aBack {
			p.done = true
			d.emit(d.flagEvent(p), final)
		}
	}
	if d.calls++; d.opens && d.calls%65536 == 0 {
		kept := d.pairs[:0]
		for _, p := range d.pairs {
			if p.shared && now-p.end > keep {
				d.emit(d.sharedEvent(p), final)
				p.done = true
				for _, v := range [2]*imoMirror{p.a, p.b} {
					v.pairs = slices.DeleteFunc(v.pairs, func(x *imoPair) bool { return x == p })
				}
				continue
			}
			kept = append(kept, p)
		}
		clear(d.pairs[len(kept):])
		d.pairs = kept
	}
}

// sendFlag emits a flag change, open: it is withdrawn if the old MMSI is
// heard again within a day.
func (d *sharedIMODetector) sendFlag(p *imoPair) {
	p.flagSent = true
	d.emit(d.flagEvent(p), open)
	d.held = append(d.held, p)
}

func (p *imoPair) confidence() float64 {
	switch {
	case p.maxKm > 100:
		return 0.9 // two places at once: two ships
	case p.distKnown && p.maxKm < sameShipKm:
		return 0.4 // side by side all along: likely two transponders of one ship
	}
	return 0.75
}

// sameShipKm: two MMSIs with one IMO number never heard farther apart than
// this are most likely two transponders of one ship (MarineCadastre
// 2022-01-03: the yacht GRAN FINALE, 377039000 and 377039001, 27 m apart).
const sameShipKm = 1.0

func (d *sharedIMODetector) sharedEvent(p *imoPair) event.Event {
	ev := event.Event{
		Type: event.Spoofing, Subtype: event.SharedIMO, MMSI: p.b.MMSI, OtherMMSI: p.a.MMSI,
		Start: tm(p.tB), End: tm(p.end), Lat: p.at.lat, Lon: p.at.lon,
		Confidence: p.confidence(),
		Summary:    fmt.Sprintf("%d and %d both broadcast IMO %d at the same time", p.b.MMSI, p.a.MMSI, p.imo),
		Details:    map[string]float64{"imo": float64(p.imo)},
	}
	if p.distKnown {
		ev.Summary += fmt.Sprintf(", up to %.0f km apart", p.maxKm)
		if p.maxKm < sameShipKm {
			ev.Summary = fmt.Sprintf("%d and %d both broadcast IMO %d at the same place: two transponders of one ship?", p.b.MMSI, p.a.MMSI, p.imo)
		}
		ev.Details["distance_km"] = p.maxKm
	}
	return ev
}

func (d *sharedIMODetector) flagEvent(p *imoPair) event.Event {
	from, to := identity.FlagOf(p.a.MMSI), identity.FlagOf(p.b.MMSI)
	return event.Event{
		Type: event.IdentityChange, MMSI: p.b.MMSI, Field: event.FieldFlag, From: from, To: to,
		Start: tm(p.tB), End: tm(p.tB), Lat: p.at.lat, Lon: p.at.lon,
		Confidence: 0.9,
		Summary: fmt.Sprintf("%d took over the IMO number %d of %d, silent %.0f h before: flag %s -> %s",
			p.b.MMSI, p.imo, p.a.MMSI, float64(p.tB-p.aLast)/hourMs, from, to),
		Details: map[string]float64{"previous_mmsi": float64(p.a.MMSI), "imo": float64(p.imo), "silent_hours": float64(p.tB-p.aLast) / hourMs},
	}
}

// Finish decides every pair: shared, a flag change, or neither.
func (d *sharedIMODetector) Finish(int64) {
	for _, p := range d.pairs {
		switch {
		case p.shared:
			d.emit(d.sharedEvent(p), final)
		case p.done:
		case d.isFlagChange(p):
			d.emit(d.flagEvent(p), final)
		case p.flagSent:
			d.emit(d.flagEvent(p), withdrawn)
		}
		for _, v := range [2]*imoMirror{p.a, p.b} {
			v.pairs = nil
		}
	}
	d.pairs, d.due, d.held = nil, nil, nil
}

// imoMirror is the pair side's copy of what the shared-IMO detector
// reads of a vessel that broadcast a hull's IMO number (Pairs): when it
// was last heard (any report), its IMO numbers as the tracker keeps them,
// its last tracked position, and the shares it takes part in.
type imoMirror struct {
	MMSI     uint32
	hasPos   bool
	Last     int64
	lat, lon float64
	IMOs     track.History
	pairs    []*imoPair
}
