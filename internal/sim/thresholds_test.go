package sim

import (
	"testing"

	"github.com/picket-ais/picket/internal/detect"
)

// TestThresholdsFollowDetectorDefaults: the staging respects the
// detectors' defaults (a staged intentional gap must be one by picket's
// definition, a staged dark rendezvous must be out of the fixed bounds
// the hard cases test, a staged queue and outage must be what the
// detectors rule out); if a default moves, the staging must move with it.
func TestThresholdsFollowDetectorDefaults(t *testing.T) {
	d := detect.DefaultOptions()
	if gapShoreM != d.Gap.MinShoreNM*nm || gapMinMs != d.Gap.IntentionalMin.Milliseconds() {
		t.Errorf("intentional gaps staged >= %.0f nm, >= %d ms; the gap detector wants %.0f nm, %d ms",
			gapShoreM/nm, gapMinMs, d.Gap.MinShoreNM, d.Gap.IntentionalMin.Milliseconds())
	}
	if outageMinMs < d.Gap.MinGap.Milliseconds() || outageMinMs < d.Gap.FeedOutage.Milliseconds() {
		t.Errorf("a staged outage of %d ms makes no gap or no outage (gaps from %d ms, outages from %d ms)", outageMinMs, d.Gap.MinGap.Milliseconds(), d.Gap.FeedOutage.Milliseconds())
	}
	if 2*satDarkFromM <= d.DarkRendezvous.NearNM*nm {
		t.Errorf("satellite-only meetings go dark %.0f nm apart at least, within NearNM (%.0f nm): they do not test reach", 2*satDarkFromM/nm, d.DarkRendezvous.NearNM)
	}
	if queueMoveMaxM >= d.DarkRendezvous.StayPutM || queueMoveMaxM >= d.DarkRendezvous.MinPortM {
		t.Errorf("queued ships re-anchor up to %.0f m away; StayPutM is %.0f m", queueMoveMaxM, d.DarkRendezvous.StayPutM)
	}
	if darkApartM <= 2*d.DarkRendezvous.NearNM*nm {
		t.Errorf("staged dark periods %.0f km apart can pair within NearNM (%.0f nm)", darkApartM/1000, d.DarkRendezvous.NearNM)
	}
}
