package detect

// EncounterOptions configures encounter detection (being written).
type EncounterOptions struct{}

// EncounterDetector finds two vessels close and slow together at sea.
type EncounterDetector struct{ emit Emitter }

// NewEncounterDetector returns an encounter detector.
func NewEncounterDetector(opts EncounterOptions, emit Emitter) *EncounterDetector {
	return &EncounterDetector{emit: emit}
}

func (d *EncounterDetector) Position(o *Obs)   {}
func (d *EncounterDetector) Static(*StaticObs) {}
func (d *EncounterDetector) Finish(now int64)  {}
