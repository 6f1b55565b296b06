package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/picket-ais/picket/internal/sim"
)

func simulateCommand() *cobra.Command {
	var (
		opts  sim.Options
		out   string
		start string
	)
	c := &cobra.Command{
		Use:   "simulate --out DIR [flags]",
		Short: "Write a simulated AIS feed with staged behaviours and their ground truth",
		Long: `Simulate writes a realistic AIS feed for a region, with the behaviours of
illicit maritime trade staged in it, and the events picket should find:

  feed.nmea       NMEA 0183 AIVDM sentences behind NMEA 4.0 tag blocks
                  (\s:station,c:unix-seconds*hh\), in time order
  truth.jsonl     the ground truth, one event per line (picket's event contract)
  zones.geojson   the region's zones (known ship-to-ship transfer areas)
  watchlist.csv   a watchlist (imo,mmsi,name) naming some of the vessels
  scenario.json   the options, receivers, fleet and staged behaviours
  detections.csv  with --sar (default): satellite radar detections in Global
                  Fishing Watch's SAR layout, of AIS ships (200-500 m off)
                  and of dark ships (in a staged AIS silence, or never
                  transmitting); their dark_vessel events are in the truth
  scenes.csv      the images' footprints (scene_id, time, footprint_wkt)
  viirs.csv       with --viirs (default): VIIRS boat detections at 01:30 local
                  time each night (NOAA EOG's columns), of lit vessels, lit
                  boats that never transmit, gas flares and recurring lights
  radar_*.nmea    with --radar (default): the output of coast stations' and
                  patrol ships' radars (TTM/TLL every minute or 30 s, 24 or
                  12 nm), tracking AIS ships, ships that never transmit and
                  dark partners alongside slow AIS ships; their dark_vessel
                  and dark_encounter events are in the truth

Ships sail between the region's real ports on routes kept at sea, report at
the ITU-R M.1371-5 intervals (times --rate), and are heard by coastal
receivers and passing satellites. The same flags always give the same bytes.

Run the analysis on the same scenario with
  picket analyze --zones DIR/zones.geojson --watchlist DIR/watchlist.csv \
    --detections DIR/detections.csv --scenes DIR/scenes.csv DIR/feed.nmea
(and, with radars, the --radar flags simulate prints).`,
		Example: `  picket simulate --seed 1 --out sim/
  picket simulate --region gulf --vessels 500 --hours 48 --out gulf/
  picket simulate --vessels 5000 --hours 24 --rate 1 --out load/   # tens of millions of lines`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("--out DIR is required")}
			}
			if _, err := sim.LookupRegion(opts.Region); err != nil {
				return usageError{fmt.Errorf("--region %s: unknown region (have %s)", opts.Region, strings.Join(sim.RegionNames(), ", "))}
			}
			switch {
			case opts.Vessels < 1:
				return usageError{fmt.Errorf("--vessels %d: want at least 1", opts.Vessels)}
			case opts.Hours <= 0:
				return usageError{fmt.Errorf("--hours %g: want more than 0", opts.Hours)}
			case opts.Rate < 0.1 || opts.Rate > 1000:
				return usageError{fmt.Errorf("--rate %g: want 0.1 to 1000", opts.Rate)}
			case opts.Sets < -1 || opts.Sets > 1000:
				return usageError{fmt.Errorf("--sets %d: want -1 (none), 0 (one per 100 vessels) or up to 1000", opts.Sets)}
			}
			if start != "" {
				t, err := time.Parse(time.RFC3339, start)
				if err != nil {
					return usageError{fmt.Errorf("--start %q: want an RFC 3339 time such as 2026-03-01T00:00:00Z", start)}
				}
				opts.Start = t
			}
			began := time.Now()
			res, err := sim.WriteDir(opts, out)
			if err != nil {
				if errors.Is(err, sim.ErrOptions) {
					return usageError{err}
				}
				return err
			}
			el := time.Since(began)
			st := res.Stats
			fmt.Fprintf(os.Stderr, "picket simulate: %s, %d vessels, %g h: %d lines (%.1f MB), %d messages, %d truth events in %s (%.0f lines/s)\n",
				res.Options.Region, res.Options.Vessels, res.Options.Hours, st.Lines, float64(st.Bytes)/1e6, st.Messages, len(res.Truth),
				el.Round(time.Millisecond), float64(st.Lines)/el.Seconds())
			skipped := res.Info.Skipped
			if len(skipped) > 6 {
				fmt.Fprintf(os.Stderr, "picket simulate: left out %d staged behaviours (the region is full or the scenario too short); scenario.json lists them\n", len(skipped))
				skipped = nil
			}
			for _, s := range skipped {
				fmt.Fprintf(os.Stderr, "picket simulate: left out %s\n", s)
			}
			if res.Radar != nil {
				var flags []string
				for i := range res.Radar.Sites {
					flags = append(flags, "--radar "+res.Radar.Sites[i].Flag(out))
				}
				fmt.Fprintf(os.Stderr, "picket simulate: radars: %s\n", strings.Join(flags, " "))
			}
			return nil
		},
	}
	f := c.Flags()
	f.Uint64Var(&opts.Seed, "seed", 1, "random seed: the same seed and flags give the same files")
	f.IntVar(&opts.Vessels, "vessels", 200, "number of vessels")
	f.Float64Var(&opts.Hours, "hours", 24, "length of the scenario in hours (staged dark periods need about 24)")
	f.StringVar(&opts.Region, "region", "korea", "region: "+strings.Join(sim.RegionNames(), ", "))
	f.StringVar(&out, "out", "", "directory to write the files into (created if needed)")
	f.Float64Var(&opts.Rate, "rate", 1, "multiply every reporting interval by this (2 = half as many reports)")
	f.IntVar(&opts.Sets, "sets", 0, "copies of each staged behaviour and confounder: 0 one per 100 vessels, -1 none (ordinary traffic only)")
	f.BoolVar(&opts.SAR, "sar", true, "stage satellite radar passes: detections.csv, scenes.csv and dark_vessel truth (the feed is the same without)")
	f.BoolVar(&opts.VIIRS, "viirs", true, "stage VIIRS night-light boat detections: viirs.csv (NOAA EOG's columns) and dark_vessel truth, sensor viirs (the feed is the same without)")
	f.BoolVar(&opts.Radar, "radar", true, "stage radars on coast stations and patrol ships: radar_*.nmea and their dark_vessel and dark_encounter truth (the feed is the same without)")
	f.StringVar(&start, "start", "", "first instant, RFC 3339 (default 2026-03-01T00:00:00Z)")
	return c
}
