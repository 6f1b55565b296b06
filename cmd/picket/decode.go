package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/source"
)

func decodeCommand() *cobra.Command {
	var (
		stats bool
		tz    string
	)
	c := &cobra.Command{
		Use:   "decode [flags] [FILE|-]...",
		Short: "Decode AIS NMEA to gpsd-style JSON, one object per message",
		Long: `Decode reads AIS NMEA 0183 (!AIVDM/!AIVDO) from files, plain or gzip, or
from standard input ("-" or no argument), and prints one JSON object per
decoded message, with gpsd's field names, in degrees and knots. Values the
standard marks "not available" are left out. Each object carries rx_time
(RFC 3339, UTC) when the input gives a time, and source when it names the
receiving station.

Understood per line: NMEA 4.0 tag blocks, USCG trailers, Gatehouse $PGHP
lines, Unix epoch prefixes and "YYYY-MM-DD HH:MM:SS," prefixes (read in
--tz). Multi-sentence messages are reassembled, also when interleaved.`,
		Example: `  picket decode testdata/aivdm/aishub_sample.nmea.gz
  picket decode --stats --tz Europe/Paris ais_vernon_20160331.log.gz > out.ndjson
  nc feed.example 5631 | picket decode -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := pipeline.DecodeOptions{}
			if tz != "" {
				loc, err := time.LoadLocation(tz)
				if err != nil {
					return usageError{fmt.Errorf("--tz %q: unknown time zone (want an IANA name such as Europe/Paris)", tz)}
				}
				opts.Location = loc
			}
			if len(args) == 0 {
				args = []string{"-"}
			}
			return runDecode(args, opts, stats)
		},
	}
	c.Flags().BoolVar(&stats, "stats", false, "print counts to stderr: lines, sentences, messages by type, and every line that gave no message under its reason")
	c.Flags().StringVar(&tz, "tz", "", "time zone of log lines stamped with a local date-time (IANA name, e.g. Europe/Paris); default UTC")
	return c
}

func runDecode(paths []string, opts pipeline.DecodeOptions, stats bool) error {
	d := pipeline.NewDecoder(os.Stdout, opts)
	var errs []error
	for _, p := range paths {
		f, err := source.Open(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := d.Input(f); err != nil {
			errs = append(errs, err)
		}
		f.Close()
	}
	if err := d.Flush(); err != nil {
		errs = append(errs, fmt.Errorf("writing output: %w", err))
	}
	if stats {
		d.Tally().WriteTo(os.Stderr)
	}
	return errors.Join(errs...)
}
