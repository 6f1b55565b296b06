package detect

import (
	"fmt"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/track"
)

// SpoofingOptions configures spoofed-position detection. The tracker has
// already split an MMSI into segments where a fix would need more than its
// MaxSpeedKn (50 kn, AISdb) to join; this detector reads how those
// segments behave afterwards.
type SpoofingOptions struct {
	// MinJumpM ignores jumps shorter than this: satellite clock jumps and
	// GPS glitches make short impossible hops. Default 20 km.
	MinJumpM float64
	// SharedSwitches is how many times reports must alternate between two
	// segments before they are two transmitters at once. Default 3.
	SharedSwitches int
	// SharedMinFixes is the least fixes the newer segment must have to be a
	// transmitter rather than a glitch. Default 3.
	SharedMinFixes int
	// SettleMs is how long after the last alternation a jump waits before
	// it is judged (the clone may come back). Default 6 h.
	SettleMs int64
}

func (o *SpoofingOptions) defaults() {
	if o.MinJumpM <= 0 {
		o.MinJumpM = 20_000
	}
	if o.SharedSwitches <= 0 {
		o.SharedSwitches = 3
	}
	if o.SharedMinFixes <= 0 {
		o.SharedMinFixes = 3
	}
	if o.SettleMs <= 0 {
		o.SettleMs = 6 * hourMs
	}
}

// jump is a segment that began with an impossible jump from another.
type jump struct {
	from, to         *track.Segment
	at               int64 // time of the first fix of to
	lat, lon         float64
	fromLat, fromLon float64
	jumpKn, jumpM    float64
	last             *track.Segment // which of the two reported last
	lastTime         int64
	switches         int
	toFixes          int
	shared           bool // already emitted as shared_mmsi
}

// SpoofingDetector finds impossible position jumps and MMSIs used by
// several transmitters at once.
type SpoofingDetector struct {
	opts  SpoofingOptions
	emit  Emitter
	jumps map[uint32][]*jump
}

// NewSpoofingDetector returns a spoofing detector.
func NewSpoofingDetector(opts SpoofingOptions, emit Emitter) *SpoofingDetector {
	opts.defaults()
	return &SpoofingDetector{opts: opts, emit: emit, jumps: make(map[uint32][]*jump)}
}

func (d *SpoofingDetector) Position(o *Obs) {
	mmsi := o.Vessel.MMSI
	f := &o.Fix
	js := d.jumps[mmsi]
	for i := 0; i < len(js); {
		j := js[i]
		if o.Segment == j.from || o.Segment == j.to {
			if o.Segment != j.last {
				j.switches++
				j.last = o.Segment
			}
			j.lastTime = f.Time
			if o.Segment == j.to {
				j.toFixes++
			}
			if !j.shared && j.switches >= d.opts.SharedSwitches && j.toFixes >= d.opts.SharedMinFixes {
				d.emitShared(mmsi, j, f.Time)
			}
		} else if f.Time-j.lastTime > d.opts.SettleMs {
			d.judge(mmsi, j)
			js = append(js[:i], js[i+1:]...)
			continue
		}
		i++
	}
	if o.NewSegment && o.From != nil && o.JumpM >= d.opts.MinJumpM {
		js = append(js, &jump{from: o.From, to: o.Segment, at: f.Time, lat: f.Lat, lon: f.Lon,
			fromLat: o.From.Last.Lat, fromLon: o.From.Last.Lon,
			jumpKn: o.JumpKn, jumpM: o.JumpM, last: o.Segment, lastTime: f.Time, switches: 1, toFixes: 1})
	}
	if len(js) > 0 {
		d.jumps[mmsi] = js
	} else {
		delete(d.jumps, mmsi)
	}
}

// judge decides a settled jump: two transmitters at once were already
// reported; otherwise the vessel (or someone using its MMSI) reported a
// position no ship could reach.
func (d *SpoofingDetector) judge(mmsi uint32, j *jump) {
	if j.shared {
		return
	}
	kn := j.jumpKn
	d.emit(event.Event{
		Type: event.Spoofing, Subtype: event.ImpossibleSpeed, MMSI: mmsi, Segment: segName(mmsi, j.to.N),
		Start: tm(j.at), End: tm(j.at), Lat: j.lat, Lon: j.lon,
		Confidence: clamp01(0.6 + 0.4*ramp(j.jumpM, d.opts.MinJumpM, 10*d.opts.MinJumpM)),
		Summary:    fmt.Sprintf("%d jumped %.0f km (%.0f kn implied)", mmsi, j.jumpM/1000, kn),
		Details:    map[string]float64{"jump_km": j.jumpM / 1000, "implied_kn": kn, "from_lat": j.fromLat, "from_lon": j.fromLon},
	})
}

func (d *SpoofingDetector) emitShared(mmsi uint32, j *jump, now int64) {
	j.shared = true
	d.emit(event.Event{
		Type: event.Spoofing, Subtype: event.SharedMMSI, MMSI: mmsi, Segment: segName(mmsi, j.to.N),
		Start: tm(j.at), End: tm(now), Lat: j.lat, Lon: j.lon,
		Confidence: clamp01(0.7 + 0.05*float64(j.switches)),
		Summary: fmt.Sprintf("%d is used by two transmitters at once, %.0f km apart (segments %d and %d)",
			mmsi, j.jumpM/1000, j.from.N, j.to.N),
		Details: map[string]float64{"distance_km": j.jumpM / 1000, "other_lat": j.fromLat, "other_lon": j.fromLon},
	})
}

func (d *SpoofingDetector) Static(*StaticObs) {}

func (d *SpoofingDetector) Finish(int64) {
	for mmsi, js := range d.jumps {
		for _, j := range js {
			d.judge(mmsi, j)
		}
	}
	d.jumps = map[uint32][]*jump{}
}
