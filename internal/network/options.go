package network

// Options configures Build. The zero value means the defaults; doc.go
// explains the risk they make up. A negative number switches a term off.
type Options struct {
	// SizePoints is added to a network's risk per vessel (distinct MMSI)
	// beyond two: innocent traffic rarely ties many ships together.
	// Default 2.
	SizePoints float64
	// SizeCap bounds the size bonus. Default 10 (seven vessels).
	SizeCap float64

	// Link points, per link, times the link's weight (at most
	// LinkWeightCap). Defaults: DarkRendezvous 4 (a hidden meeting),
	// SharedMMSI 3, SharedIMO 3 and FlagChange 3 (one hull or one identity
	// behind several names), Encounter 1 (meetings at sea are often
	// lawful).
	EncounterPoints      float64
	DarkRendezvousPoints float64
	SharedIMOPoints      float64
	SharedMMSIPoints     float64
	FlagChangePoints     float64
	// LinkWeightCap bounds the weight a single link counts with, so that
	// one pair meeting every day does not outweigh a web of vessels.
	// Default 3.
	LinkWeightCap float64
	// LinkCap bounds the link bonus. Default 20.
	LinkCap float64

	// MaxIMOSharers is the most MMSIs one IMO number may be heard from and
	// still link them: beyond it the number is a default value typed into
	// many transponders (1234567 passes the check digit), not a network.
	// Default 8.
	MaxIMOSharers int
}

func def(v *float64, d float64) {
	switch {
	case *v == 0:
		*v = d
	case *v < 0:
		*v = 0
	}
}

func (o Options) withDefaults() Options {
	def(&o.SizePoints, 2)
	def(&o.SizeCap, 10)
	def(&o.EncounterPoints, 1)
	def(&o.DarkRendezvousPoints, 4)
	def(&o.SharedIMOPoints, 3)
	def(&o.SharedMMSIPoints, 3)
	def(&o.FlagChangePoints, 3)
	def(&o.LinkWeightCap, 3)
	def(&o.LinkCap, 20)
	if o.MaxIMOSharers <= 0 {
		o.MaxIMOSharers = 8
	}
	return o
}

func (o *Options) kindPoints(k Kind) float64 {
	switch k {
	case KindEncounter:
		return o.EncounterPoints
	case KindDarkRendezvous:
		return o.DarkRendezvousPoints
	case KindSharedIMO:
		return o.SharedIMOPoints
	case KindSharedMMSI:
		return o.SharedMMSIPoints
	case KindFlagChange:
		return o.FlagChangePoints
	}
	return 0
}
