package track

// A glitch is one fix whose latitude or longitude alone is corrupted in an
// otherwise steady track (a bit error, a digit dropped by a receiver: in
// the AISHub sample 244690991 reports lon 0.007125 once among fixes at
// 4.414588). It fits no segment, so it starts one of its own; the tracker
// recognises it on the next fix, when the track goes on without it:
//
//   - the one-fix segment lies in time between the fix the track went on
//     from and this one (or just before the track's first fix, when the
//     glitch was the vessel's first fix and the track "jumped" from it);
//   - putting the track's value back in place of one of its coordinates
//     makes it fit the track (the other coordinate was right).
//
// The glitch segment is then closed and marked, counted on the vessel,
// and handed to the detectors (Update.Glitch) so that no jump to or from
// it is reported. A one-fix excursion with both coordinates off is not a
// glitch by this rule: it may be a second transmitter heard once.

// glitchBeside returns the open one-fix segment that the track of s, which
// f has just joined, went on without, after closing it as a glitch; nil
// when there is none.
func (t *Tracker) glitchBeside(v *Vessel, s *Segment, f Fix) *Segment {
	for i, g := range v.open {
		if g == s || g.Fixes != 1 {
			continue
		}
		gt := g.Last.Time
		var ref Fix
		switch {
		case gt >= s.Last.Time && gt <= f.Time:
			// Between the track's last fix and this one.
			ref = s.Last
			if f.Time-gt < gt-s.Last.Time {
				ref = f
			}
		case s.Fixes == 1 && gt <= s.First.Time:
			// Before the track's first fix, which jumped from it.
			ref = s.First
		default:
			continue
		}
		if !t.oneCoordinateOff(ref, g.Last) {
			continue
		}
		v.closeAt(i)
		g.Glitch = true
		v.Glitches++
		t.glitches++
		if v.glitched == nil {
			v.glitched = new(glitchList)
		}
		v.glitched.add(g)
		return g
	}
	return nil
}

// maxGlitched is how many recent glitches a vessel keeps to reopen.
const maxGlitched = 4

// glitchList is a vessel's recent glitches, oldest first: made at its
// first glitch, as few vessels have any.
type glitchList struct {
	g [maxGlitched]*Segment
	n int
}

// add appends g, dropping the oldest when full.
func (l *glitchList) add(g *Segment) {
	if l.n == maxGlitched {
		copy(l.g[:], l.g[1:])
		l.n--
	}
	l.g[l.n] = g
	l.n++
}

// remove drops the i-th glitch.
func (l *glitchList) remove(i int) {
	copy(l.g[i:], l.g[i+1:l.n])
	l.n--
	l.g[l.n] = nil
}

// unglitch reopens the most recent glitch f fits and returns its index in
// v.open, or -1.
func (t *Tracker) unglitch(v *Vessel, f Fix) int {
	l := v.glitched
	if l == nil {
		return -1
	}
	for i := l.n - 1; i >= 0; i-- {
		g := l.g[i]
		if g.Last.Time > f.Time || !t.fits(g.Last, f.Lat, f.Lon, f.Time) {
			continue
		}
		l.remove(i)
		g.Glitch, g.Closed = false, false
		v.Glitches--
		t.glitches--
		v.open = append(v.open, g)
		return len(v.open) - 1
	}
	return -1
}

// oneCoordinateOff reports whether g fits the track at ref once one of its
// coordinates is replaced by the track's.
func (t *Tracker) oneCoordinateOff(ref, g Fix) bool {
	return t.fits(ref, g.Lat, ref.Lon, g.Time) || t.fits(ref, ref.Lat, g.Lon, g.Time)
}

// fits reports whether a vessel at a could be at lat, lon at time ms.
func (t *Tracker) fits(a Fix, lat, lon float64, ms int64) bool {
	d := distance(a.Lat, a.Lon, lat, lon)
	if d <= t.opts.NoiseM {
		return true
	}
	dt := float64(ms-a.Time) / 3.6e6
	if dt < 0 {
		dt = -dt
	}
	return dt > 0 && d/1852/dt <= t.opts.MaxSpeedKn
}

// Glitches counts the fixes recognised as glitches.
func (t *Tracker) Glitches() int64 { return t.glitches }
