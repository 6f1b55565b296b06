package track

import (
	"testing"

	"github.com/picket-ais/picket/internal/geo"
)

// A ship moored at Rotterdam reports once with its longitude corrupted
// (244690991 in the AISHub sample: lon 0.007125 among fixes at 4.414588):
// the fix is a glitch, counted and closed, and the track goes on as one
// segment.
func TestGlitchInTrack(t *testing.T) {
	tr := New(Options{})
	const mmsi = 244690991
	var glitched *Segment
	for i := 0; i < 20; i++ {
		lon := 4.414588
		if i == 7 {
			lon = 0.007125
		}
		u, ok := tr.Position(pos(mmsi, int64(i)*10_000, 51.9102, lon, 0, 0))
		if !ok {
			t.Fatalf("fix %d not tracked", i)
		}
		if u.Glitch != nil {
			if i != 8 || glitched != nil {
				t.Fatalf("glitch found at fix %d", i)
			}
			glitched = u.Glitch
			if u.Segment.N != 1 {
				t.Errorf("track went on in segment %d", u.Segment.N)
			}
		}
	}
	v := tr.Vessel(mmsi)
	if glitched == nil || !glitched.Glitch || !glitched.Closed || glitched.Fixes != 1 {
		t.Fatalf("glitch segment %+v", glitched)
	}
	if v.Glitches != 1 || tr.Glitches() != 1 || len(v.Open()) != 1 {
		t.Errorf("glitches %d (tracker %d), open %d", v.Glitches, tr.Glitches(), len(v.Open()))
	}
}

// The glitch is the vessel's first fix: the track "jumps" from it, and is
// recognised on the track's second fix.
func TestGlitchFirstFix(t *testing.T) {
	tr := New(Options{})
	tr.Position(pos(1, 0, 51.910213, 0.007125, 0, 68.7))
	u, _ := tr.Position(pos(1, 11_000, 51.910207, 4.414588, 0, 0))
	if !u.NewSegment || u.From == nil {
		t.Fatalf("second fix: new %v from %v", u.NewSegment, u.From)
	}
	u, _ = tr.Position(pos(1, 20_000, 51.9102, 4.414587, 0, 0))
	if u.Glitch == nil || u.Glitch.N != 1 || u.Segment.N != 2 {
		t.Fatalf("third fix: glitch %+v in segment %d", u.Glitch, u.Segment.N)
	}
}

// A second transmitter heard once, far away in both coordinates, is not
// a glitch.
func TestNoGlitchWhenBothCoordinatesDiffer(t *testing.T) {
	tr := New(Options{})
	for i := 0; i < 10; i++ {
		lat, lon := 51.9102, 4.414588
		if i == 4 {
			lat, lon = 53.5, 8.5
		}
		if u, _ := tr.Position(pos(2, int64(i)*10_000, lat, lon, 0, 0)); u.Glitch != nil {
			t.Fatalf("fix %d: glitch", i)
		}
	}
	if v := tr.Vessel(2); v.Glitches != 0 {
		t.Errorf("glitches %d", v.Glitches)
	}
}

// A satellite feed re-delivers positions an hour and a half old under new
// times (exactEarth via AMSA): they repeat the trail and are not tracked.
func TestRedeliveryOnTrail(t *testing.T) {
	tr := New(Options{})
	lat, lon := -36.0, 175.0
	var past [][2]float64
	t0 := int64(0)
	for i := 0; i < 120; i++ { // 2 h at 1 min, 17.5 kn south
		u, ok := tr.Position(pos(3, t0+int64(i)*minute, lat, lon, 17.5, 180))
		if !ok || u.NewSegment && i > 0 {
			t.Fatalf("fix %d", i)
		}
		past = append(past, [2]float64{lat, lon})
		lat, lon = geo.Destination(lat, lon, 180, 17.5*1852/60)
	}
	// Positions 100-110 min old come back, stamped now, between fresh ones
	// (course 90 in the old reports: the trail, not the course, matches).
	for k := 0; k < 10; k++ {
		now := t0 + int64(120+k)*minute
		p := past[10+k]
		u, ok := tr.Position(pos(3, now, p[0]+0.0005, p[1], 17.5, 90))
		if ok || !u.Redelivered {
			t.Fatalf("stale fix %d tracked (segment %d)", k, u.Segment.N)
		}
		if _, ok := tr.Position(pos(3, now+30_000, lat, lon, 17.5, 180)); !ok {
			t.Fatalf("fresh fix %d not tracked", k)
		}
		lat, lon = geo.Destination(lat, lon, 180, 17.5*1852/60)
	}
	v := tr.Vessel(3)
	if _, n := v.Segments(); n != 1 || v.Redelivered != 10 || tr.Redelivered() != 10 {
		t.Errorf("segments %d, redelivered %d (tracker %d)", n, v.Redelivered, tr.Redelivered())
	}
}

// A re-delivered position the log never held lies on the vessel's wake,
// with its speed and course.
func TestRedeliveryBehind(t *testing.T) {
	tr := New(Options{})
	lat, lon := -32.2, 168.75
	for i := 0; i < 30; i++ {
		tr.Position(pos(4, int64(i)*minute, lat, lon, 18, 116))
		lat, lon = geo.Destination(lat, lon, 116, 18*1852/60)
	}
	blat, blon := geo.Destination(lat, lon, 296, 28_000) // 28 km astern
	if u, ok := tr.Position(pos(4, 30*minute, blat, blon, 18.1, 117)); ok || !u.Redelivered {
		t.Errorf("fix astern tracked")
	}
	// The same place with another course is a jump, not the wake.
	if u, ok := tr.Position(pos(4, 31*minute, blat, blon, 10, 30)); !ok || !u.NewSegment {
		t.Errorf("fix with another course: ok %v new %v", ok, u.NewSegment)
	}
}

// Two transmitters on one meridian alternate: the second one's first fix
// looks like a corrupted latitude, but its place is heard again, so it is
// a transmitter, not a glitch.
func TestGlitchHeardAgainIsATransmitter(t *testing.T) {
	tr := New(Options{})
	for i := 0; i < 12; i++ {
		lat := 10.0 + float64(i/2)*0.01
		if i%2 == 1 {
			lat += 5
		}
		tr.Position(pos(5, int64(i)*30*minute, lat, 60, 0, 0))
	}
	v := tr.Vessel(5)
	if v.Glitches != 0 || tr.Glitches() != 0 || len(v.Open()) != 2 {
		t.Errorf("glitches %d (tracker %d), open %d", v.Glitches, tr.Glitches(), len(v.Open()))
	}
}
