package live

import (
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/detection"
)

// DarkEncounterOptions are the dark encounters' thresholds from the
// detectors' encounter options (distance, duration, speed) and the
// places' ports (an episode near one is vessels moored, dropped): those
// of the live radar correlator and of the server's satellite detections.
func DarkEncounterOptions(d detect.Options, pl detect.Places) detection.EncounterOptions {
	enc := d.Encounter
	eo := detection.EncounterOptions{MaxDistanceM: enc.MaxDistanceM, MinDuration: enc.MinDuration, MaxSpeedKn: enc.MaxSpeedKn}
	if np := pl.NearestPort; np != nil {
		minPort := enc.MinPortM
		if minPort <= 0 {
			minPort = 10_000
		}
		eo.NearPort = func(lat, lon float64) bool { _, _, ok := np(lat, lon, minPort); return ok }
	}
	return eo
}
