package sim

import (
	"errors"
	"fmt"
	"time"
)

// Errors the options can fail with.
var (
	ErrUnknownRegion = errors.New("unknown region")
	ErrOptions       = errors.New("sim: bad options")
)

// Options describe a scenario. The zero value is the default scenario: seed
// 0, 200 vessels for 24 hours in the korea region from 2026-03-01 00:00 UTC
// at the ITU reporting rates.
type Options struct {
	// Seed makes the scenario: the same options always give the same bytes.
	Seed uint64
	// Vessels is the number of simulated vessels. Default 200. Behaviours
	// need about 20 vessels per set; below that some are left out
	// (Scenario.Skipped says which).
	Vessels int
	// Hours is the scenario's length. Default 24. Intentional gaps and dark
	// rendezvous need at least 20 hours.
	Hours float64
	// Region is one of RegionNames. Default "korea".
	Region string
	// Start is the scenario's first instant. Default 2026-03-01T00:00:00Z.
	Start time.Time
	// Rate multiplies every reporting interval (ITU-R M.1371-5 table 1) to
	// thin the feed: 2 sends half as many reports. Default 1: the
	// standard's intervals. The relative intervals are kept.
	Rate float64
	// Sets is how many instances of each staged behaviour (and of the
	// confounders) to place. Default one per 100 vessels, at least 1;
	// negative: none, a feed of ordinary traffic only.
	Sets int
	// SAR stages satellite radar passes (sar.go): scenes with footprints,
	// detections of the ships in them and of ships that never transmit,
	// and their dark_vessel truth. Default off: the feed and the other
	// truth are the same with it or without.
	SAR bool
	// VIIRS stages night passes of VIIRS boat detections (viirs.go):
	// lit vessels, lit boats that never transmit, gas flares and
	// recurring lights, and their dark_vessel truth (sensor viirs).
	// Default off: the feed and the other truth are the same with it or
	// without.
	VIIRS bool
	// Radar stages radars (radar.go): coast stations and patrol ships
	// writing TTM/TLL for every ship in range, ships that never transmit,
	// dark partners alongside slow AIS ships, ships whose AIS positions
	// are spoofed into a coast radar's coverage (radarspoof.go), and their
	// dark_vessel, dark_encounter and spoofing/unseen_by_radar truth.
	// Default off: the feed and the other truth are the same with it or
	// without, but for the position reports of the spoofed ships.
	Radar bool
}

// withDefaults returns the options with defaults filled in, or an error
// wrapping ErrOptions or ErrUnknownRegion.
func (o Options) withDefaults() (Options, *Region, error) {
	if o.Vessels == 0 {
		o.Vessels = 200
	}
	if o.Hours == 0 {
		o.Hours = 24
	}
	if o.Region == "" {
		o.Region = "korea"
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Rate == 0 {
		o.Rate = 1
	}
	switch {
	case o.Sets == 0:
		o.Sets = max(1, o.Vessels/100)
	case o.Sets < 0:
		o.Sets = -1
	}
	switch {
	case o.Vessels < 0 || o.Vessels > 1_000_000:
		return o, nil, fmt.Errorf("%w: vessels %d: want 1 to 1000000", ErrOptions, o.Vessels)
	case o.Hours < 0 || o.Hours > 24*366:
		return o, nil, fmt.Errorf("%w: hours %g: want more than 0 and at most a year", ErrOptions, o.Hours)
	case o.Rate < 0.1 || o.Rate > 1000:
		return o, nil, fmt.Errorf("%w: rate %g: want 0.1 to 1000", ErrOptions, o.Rate)
	case o.Sets > 1000:
		return o, nil, fmt.Errorf("%w: sets %d: want at most 1000", ErrOptions, o.Sets)
	}
	o.Start = o.Start.UTC().Truncate(time.Second)
	r, err := LookupRegion(o.Region)
	if err != nil {
		return o, nil, err
	}
	o.Region = r.Name
	return o, r, nil
}
