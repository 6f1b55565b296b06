package track

import (
	"math"
	"time"

	"github.com/picket-ais/picket/internal/fuse"
)

// Options configures a Tracker. The zero value means the defaults.
type Options struct {
	// MaxSpeedKn is the fastest a vessel is believed to move between two
	// fixes of one segment. Default 50 kn: AISdb's de-noiser uses 50 kn,
	// and DESIGN.md's impossible-speed rule follows it.
	MaxSpeedKn float64
	// NoiseM is a jump that always fits, whatever the time between fixes:
	// GPS noise, rounding, and satellite clock jumps that put two fixes at
	// nearly the same time. Default 500 m.
	NoiseM float64
	// MaxOpen bounds the open segments of one MMSI (placeholder MMSIs such
	// as 0 or 123456789 are shared by hundreds of transmitters); the one
	// heard least recently is closed to make room. Default 8.
	MaxOpen int
	// Idle closes an open segment not heard for this long when another
	// segment of the same MMSI is heard. Default 72 h.
	Idle time.Duration
}

// Tracker holds every vessel.
type Tracker struct {
	opts     Options
	vessels  map[uint32]*Vessel
	outOfOrd int64
	glitches int64
	redeliv  int64
}

// New returns an empty Tracker.
func New(opts Options) *Tracker {
	if opts.MaxSpeedKn <= 0 {
		opts.MaxSpeedKn = 50
	}
	if opts.NoiseM <= 0 {
		opts.NoiseM = 500
	}
	if opts.MaxOpen <= 0 {
		opts.MaxOpen = 8
	}
	if opts.Idle <= 0 {
		opts.Idle = 72 * time.Hour
	}
	return &Tracker{opts: opts, vessels: make(map[uint32]*Vessel, 1<<12)}
}

// Vessel returns the vessel with mmsi, or nil.
func (t *Tracker) Vessel(mmsi uint32) *Vessel { return t.vessels[mmsi] }

// Vessels calls f for every vessel, in no particular order.
func (t *Tracker) Vessels(f func(*Vessel)) {
	for _, v := range t.vessels {
		f(v)
	}
}

// Len is the number of vessels.
func (t *Tracker) Len() int { return len(t.vessels) }

// OutOfOrder counts positions older than their segment's last fix, which
// were not tracked.
func (t *Tracker) OutOfOrder() int64 { return t.outOfOrd }

func (t *Tracker) vessel(r *fuse.Report) *Vessel {
	v := t.vessels[r.MMSI]
	if v == nil {
		v = &Vessel{MMSI: r.MMSI, First: r.Time}
		t.vessels[r.MMSI] = v
	}
	if r.Class != fuse.ClassUnknown && (v.Class == fuse.ClassUnknown || r.Class == fuse.ClassA) {
		v.Class = r.Class
	}
	if r.Time > v.Last {
		v.Last = r.Time
	}
	if r.Type > 0 && r.Type < 32 {
		v.Sent |= 1 << r.Type
	}
	if r.Info != nil && r.Info.Has&fuse.HasENI != 0 {
		v.ENI = true
	}
	return v
}

// Update is what a position did to a vessel's state.
type Update struct {
	Vessel  *Vessel
	Segment *Segment
	Fix     Fix
	Prev    Fix // the segment's previous fix, valid when HasPrev
	HasPrev bool
	// NewSegment is set when the fix started a segment. From is then the
	// open segment it came closest to fitting (nil for a vessel's first
	// fix), and JumpKn the speed it would have needed to get there.
	NewSegment bool
	From       *Segment
	JumpKn     float64
	JumpM      float64
	// Closed lists segments closed to make room or for idleness.
	Closed []*Segment
	// Glitch is the one-fix segment the fix's track went on without, found
	// a glitch (glitch.go) and closed; nil when none.
	Glitch *Segment
	// Redelivered is set when the fix repeated the vessel's own earlier
	// position under a later time (redelivery.go); it was not tracked.
	Redelivered bool
}

// Position tracks a position report. ok is false when the report was older
// than the last fix of the segment it belongs to, or a re-delivery of an
// earlier position (u.Redelivered): it is counted, not tracked.
func (t *Tracker) Position(r *fuse.Report) (u Update, ok bool) {
	v := t.vessel(r)
	v.Positions++
	f := Fix{Time: r.Time, Lat: r.Lat, Lon: r.Lon, SOG: r.SOG, COG: r.COG, Heading: r.Heading, Status: r.Status, Heard: r.Heard, Feed: r.Feed}
	u.Vessel, u.Fix = v, f

	best, bestCost := -1, math.Inf(1)
	nearest, nearestKn, nearestM := -1, math.Inf(1), 0.0
	for i, s := range v.open {
		dt := float64(f.Time-s.Last.Time) / 3.6e6 // hours
		d := distance(s.Last.Lat, s.Last.Lon, f.Lat, f.Lon)
		if dt < 0 {
			// Older than this segment's last fix: it may still belong here.
			if d <= t.opts.NoiseM || d/1852/(-dt) <= t.opts.MaxSpeedKn {
				if best < 0 {
					t.outOfOrd++
					v.keepLoose(s.N, f)
					return u, false
				}
			}
			continue
		}
		kn := math.Inf(1)
		if dt > 0 {
			kn = d / 1852 / dt
		}
		if kn < nearestKn || nearest < 0 {
			nearest, nearestKn, nearestM = i, kn, d
		}
		if d > t.opts.NoiseM && kn > t.opts.MaxSpeedKn {
			continue
		}
		// Cost: distance from where dead reckoning puts the vessel now.
		cost := d
		if !math.IsNaN(float64(s.Last.SOG)) && !math.IsNaN(float64(s.Last.COG)) && dt > 0 {
			plat, plon := destination(s.Last.Lat, s.Last.Lon, float64(s.Last.COG), float64(s.Last.SOG)*1852*dt)
			cost = distance(plat, plon, f.Lat, f.Lon)
		}
		if cost < bestCost {
			best, bestCost = i, cost
		}
	}
	if best < 0 {
		best = t.unglitch(v, f) // the place heard again: a transmitter after all
	}
	// A fix that fits no segment, or only a young one beside an older, may
	// repeat where the vessel was (redelivery.go).
	var skip uint64
	if best >= 0 {
		skip = 1 << (best & 63)
	}
	if (best < 0 || (v.open[best].Fixes < youngFixes && len(v.open) > 1)) && t.redelivered(v, f, skip) {
		v.Redelivered++
		t.redeliv++
		u.Redelivered = true
		return u, false
	}
	if best >= 0 {
		s := v.open[best]
		u.Segment, u.Prev, u.HasPrev = s, s.Last, true
		u.Glitch = t.glitchBeside(v, s, f)
		s.add(f)
		v.keep(s.N, f)
		u.Closed = t.closeIdle(v, f.Time, s)
		return u, true
	}
	// A new segment.
	s := &Segment{MMSI: v.MMSI, N: int(v.segments) + 1, First: f, Last: f, Fixes: 1}
	v.segments++
	if nearest >= 0 {
		u.From, u.JumpKn, u.JumpM = v.open[nearest], nearestKn, nearestM
	}
	u.Segment, u.NewSegment = s, true
	u.Closed = t.closeIdle(v, f.Time, s)
	if len(v.open) >= t.opts.MaxOpen {
		oldest := 0
		for i, o := range v.open {
			if o.Last.Time < v.open[oldest].Last.Time {
				oldest = i
			}
		}
		u.Closed = append(u.Closed, v.closeAt(oldest))
	}
	v.open = append(v.open, s)
	v.remember(s)
	v.keep(s.N, f)
	return u, true
}

// closeIdle closes the open segments other than keep not heard for Idle.
func (t *Tracker) closeIdle(v *Vessel, now int64, keep *Segment) []*Segment {
	if len(v.open) < 2 {
		return nil
	}
	var closed []*Segment
	for i := 0; i < len(v.open); {
		s := v.open[i]
		if s != keep && now-s.Last.Time > t.opts.Idle.Milliseconds() {
			closed = append(closed, v.closeAt(i))
			continue
		}
		i++
	}
	return closed
}

// Change is one identity field taking a new value.
type Change struct {
	Field    string // event.FieldName, FieldCallSign, FieldIMO, FieldShipType, or "destination"
	From, To string
	Time     int64
	// Seen is how many static reports have carried To so far (a value
	// that flips back and forth between transmitters is not a change of
	// identity).
	Seen int
}

// Static tracks a static report and returns the identity changes it made
// (a field's first value is not a change). IMO numbers taken up by
// another MMSI are found over every vessel by an IMOIndex.
func (t *Tracker) Static(r *fuse.Report) (v *Vessel, changes []Change) {
	v = t.vessel(r)
	v.Statics++
	s := r.Info
	if s == nil {
		return v, nil
	}
	id := &v.ID
	note := func(field string, h *History, val string) {
		if val == "" {
			return
		}
		prev, had := h.Current()
		n := h.Observe(val, r.Time)
		if had && prev != val {
			changes = append(changes, Change{Field: field, From: prev, To: val, Time: r.Time, Seen: n})
		}
	}
	if s.Has&fuse.HasName != 0 {
		note("name", &id.Names, s.Name)
	}
	if s.Has&fuse.HasCallSign != 0 {
		note("callsign", &id.CallSigns, s.CallSign)
	}
	if s.Has&fuse.HasIMO != 0 {
		note("imo", &id.IMOs, uitoa(uint64(s.IMO)))
	}
	if s.Has&fuse.HasShipType != 0 {
		note("shiptype", &id.ShipTypes, uitoa(uint64(s.ShipType)))
	}
	if s.Has&fuse.HasDimensions != 0 {
		id.Length, id.Beam = s.Length, s.Beam
	}
	if s.Has&fuse.HasDraught != 0 {
		id.Draught = s.Draught
	}
	if s.Has&fuse.HasDestination != 0 {
		note("destination", &id.Destinations, s.Destination)
	}
	return v, changes
}

// Absorb takes in the vessels of o, a tracker of other MMSIs (another
// shard's), and its counts: a run tracked in shards is read as one.
func (t *Tracker) Absorb(o *Tracker) {
	for m, v := range o.vessels {
		t.vessels[m] = v
	}
	t.outOfOrd += o.outOfOrd
	t.glitches += o.glitches
	t.redeliv += o.redeliv
	o.vessels = nil
}

func uitoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}
