package detect

// DarkRendezvousOptions configures dark-rendezvous detection (being written).
type DarkRendezvousOptions struct{}

// DarkRendezvousDetector finds two vessels dark at the same time that could
// have met.
type DarkRendezvousDetector struct {
	gaps *GapDetector
	emit Emitter
}

// NewDarkRendezvousDetector returns a dark-rendezvous detector reading the
// gaps found by gaps.
func NewDarkRendezvousDetector(opts DarkRendezvousOptions, gaps *GapDetector, emit Emitter) *DarkRendezvousDetector {
	return &DarkRendezvousDetector{gaps: gaps, emit: emit}
}

func (d *DarkRendezvousDetector) Position(o *Obs)   {}
func (d *DarkRendezvousDetector) Static(*StaticObs) {}
func (d *DarkRendezvousDetector) Finish(now int64)  {}
