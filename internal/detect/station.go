package detect

import (
	"fmt"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/track"
)

// txCache is a vessel's transmitter class, worked out again only when what
// it depends on may have changed: a static report, a new message type.
type txCache struct {
	sent    identity.Messages
	known   bool
	statics int
	tx      identity.Transmitter
}

// transmitterOf classifies v, from the cache in vs when still good.
func transmitterOf(v *track.Vessel, vs *vesselState) *identity.Transmitter {
	c := &vs.tx
	if !c.known || c.statics != v.Statics || c.sent != v.Sent {
		c.known, c.statics, c.sent = true, v.Statics, v.Sent
		c.tx = v.Transmitter()
	}
	return &c.tx
}

// Transmitter says what the fix's vessel is: ship rules (gaps, loitering,
// encounters, port visits) apply to ships only.
// It is worked out once per fix: every ship rule asks (a fifth of the
// detectors' time went to asking again, profiling analyze on ten
// simulated days).
func (o *Obs) Transmitter() *identity.Transmitter {
	if o.tx == nil {
		if o.vs == nil {
			o.vs = vstate(o.Vessel) // an Obs made by hand, in tests
		}
		o.tx = transmitterOf(o.Vessel, o.vs)
	}
	return o.tx
}

// notShip reports whether the fix is of an AtoN, base station, SAR
// aircraft, fishing gear or distress beacon: the guard at the top of each
// detector whose rule is about ships.
func (o *Obs) notShip() bool { return !o.Transmitter().Station.Ship() }

// mooredPleasure reports whether the fix is of a pleasure craft or sailing
// boat within shoreM of the shore: in a marina or at a mooring field,
// where yachts lie side by side for days.
func (o *Obs) mooredPleasure(shoreM float64) bool {
	return o.Transmitter().Station == identity.StationPleasure && o.ShoreM() < shoreM
}

// invalidWaitMs is how long the invalid-identity check waits for a name
// from a Class B transmitter whose number is not a valid MMSI: net buoys
// number themselves as they like and say what they are in their name
// (type 24, every 6 minutes).
const invalidWaitMs = 30 * minuteMs

// mmsiCheckDue reports whether the vessel's number is to be judged now:
// at its first fix, or for a Class B with an invalid number and no name
// yet, at its first name or invalidWaitMs later.
func (o *Obs) mmsiCheckDue() bool {
	v := o.Vessel
	if o.vs.mmsiChecked {
		return false
	}
	classB := v.Sent.Has(18) || v.Sent.Has(19)
	if classB && len(v.ID.Names.Values) == 0 && o.Fix.Time-v.First < invalidWaitMs && identity.Classify(int(v.MMSI)).Err != nil {
		return false
	}
	o.vs.mmsiChecked = true
	return true
}

// invalidMMSI is the invalid-identity event of a vessel's number, at its
// first fix.
func invalidMMSI(v *track.Vessel, err error) event.Event {
	var f track.Fix
	if segs, _ := v.Segments(); len(segs) > 0 {
		f = segs[0].First
	}
	return event.Event{
		Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: v.MMSI,
		Start: tm(f.Time), End: tm(f.Time), Lat: f.Lat, Lon: f.Lon,
		Confidence: 0.9,
		Summary:    fmt.Sprintf("%d is not a valid ship MMSI: %v", v.MMSI, err),
		Field:      "mmsi",
	}
}
