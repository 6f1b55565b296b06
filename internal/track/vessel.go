package track

import (
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/identity"
)

// Fix is one position of a segment.
type Fix struct {
	Time    int64 // Unix milliseconds
	Lat     float64
	Lon     float64
	SOG     float32 // knots, NaN when not available
	COG     float32 // degrees, NaN when not available
	Heading int16   // -1 when not available
	Status  uint8
	Heard   uint8 // receivers that heard it
	// Feed is the input or feed that delivered it (fuse.Report.Feed): the
	// detectors measure coverage per feed and cite it as evidence.
	Feed uint16
}

// Segment is the track of one transmitter under an MMSI.
type Segment struct {
	MMSI        uint32
	N           int // 1-based, in order of appearance within the MMSI
	First, Last Fix
	Fixes       int
	Closed      bool
	// Glitch is set on a one-fix segment found to be a corrupted
	// coordinate (glitch.go), not a transmitter.
	Glitch bool
	// Ext is state another stage keeps with the segment (the detectors'),
	// so that it needs no lookup of its own per fix.
	Ext any
}

func (s *Segment) add(f Fix) {
	s.Last = f
	s.Fixes++
}

// maxRemembered bounds the segments a vessel keeps a summary of.
const maxRemembered = 32

// Vessel is everything known about one MMSI. Its fields are laid out so
// that it takes 320 bytes: a vessel's state is most of the tracker's
// memory, and with a fleet of hundreds of thousands every word counts
// (docs/benchmarks.md).
type Vessel struct {
	MMSI      uint32
	Class     fuse.Class
	ENI       bool   // sent inland static data with an ENI
	trailNext uint8  // where the trail's next point goes once it is full
	trailWide bool   // the trail's points take four words (trail.go)
	segments  uint32 // segments started
	// Sent is the AIS message types heard from the MMSI (none from CSV
	// rows); with ENI, what identity.ClassifyTransmitter needs besides
	// the identity.
	Sent        identity.Messages
	First, Last int64 // Unix ms of the first and last report
	Positions   int
	Statics     int
	// Glitches counts fixes with one corrupted coordinate (glitch.go) and
	// Redelivered fixes that repeated an earlier position under a later
	// time (redelivery.go): neither moved the vessel.
	Glitches, Redelivered int32
	ID                    Identity
	// Ext is state another stage keeps with the vessel (the detectors').
	Ext any

	open     []*Segment
	all      []*Segment  // the first maxRemembered segments
	glitched *glitchList // recent glitches, reopened if their place is heard again; nil until the first
	trail    []uint32    // where it has been, for re-deliveries (redelivery.go, trail.go)
}

// Open returns the open segments.
func (v *Vessel) Open() []*Segment { return v.open }

// Segments returns the segments remembered (the first 32) and how many
// there were in all.
func (v *Vessel) Segments() ([]*Segment, int) { return v.all, int(v.segments) }

func (v *Vessel) remember(s *Segment) {
	if len(v.all) < maxRemembered {
		v.all = append(v.all, s)
	}
}

func (v *Vessel) closeAt(i int) *Segment {
	s := v.open[i]
	s.Closed = true
	v.open = append(v.open[:i], v.open[i+1:]...)
	return s
}

// Flag is the ISO 3166 alpha-2 code of the flag the MMSI's MID stands
// for, or "" when it stands for none.
func (v *Vessel) Flag() string { return identity.FlagOf(v.MMSI) }

// Identity is what a vessel has said about itself over time.
type Identity struct {
	Names, CallSigns, IMOs, ShipTypes, Destinations History
	Length, Beam                                    uint16
	Draught                                         float32
}

// Value is one value of an identity field and when it was heard.
type Value struct {
	V           string
	First, Last int64
	Count       int
}

// History is the values a field has taken, in order of first appearance.
// Current is the value heard last.
type History struct {
	Values []Value
	cur    int
}

// maxValues bounds a field's history: a placeholder MMSI shared by many
// transmitters would otherwise grow it without end.
const maxValues = 16

// Observe records val at time t and returns how often it has been heard.
func (h *History) Observe(val string, t int64) int {
	for i := range h.Values {
		if h.Values[i].V == val {
			v := &h.Values[i]
			if t > v.Last {
				v.Last = t
			}
			v.Count++
			h.cur = i
			return v.Count
		}
	}
	if len(h.Values) >= maxValues {
		h.cur = len(h.Values) - 1
		h.Values[h.cur] = Value{V: val, First: t, Last: t, Count: 1}
		return 1
	}
	h.Values = append(h.Values, Value{V: val, First: t, Last: t, Count: 1})
	h.cur = len(h.Values) - 1
	return 1
}

// Current returns the value heard last.
func (h *History) Current() (string, bool) {
	if len(h.Values) == 0 {
		return "", false
	}
	return h.Values[h.cur].V, true
}
