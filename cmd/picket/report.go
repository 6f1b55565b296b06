package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/picket-ais/picket/internal/casefile"
	"github.com/picket-ais/picket/internal/pipeline"
)

func reportCommand() *cobra.Command {
	var (
		mmsi              uint32
		eventID, network  string
		marking, out, dir string
	)
	c := &cobra.Command{
		Use:   "report [flags] --mmsi N | --event ID | --network ID [DIR]",
		Short: "Write an evidence package (one HTML file) about a vessel, an event or a network of an analysis",
		Long: `Report reads the files 'picket analyze' wrote into DIR (default: the
current directory) and writes one self-contained HTML file about a vessel, an
event or a network: a map of the tracks and events, each vessel's identity
timeline, each event with the fixes it rests on and where they came from, the
watchlist entries matched, the releasability marking and a manifest with the
SHA-256 of every input and picket's version. The file loads nothing from the
network: it opens offline and prints with the marking on every page.

Run analyze with --tracks for the tracks to be drawn; its manifest.json names
the archives analysed, with their SHA-256.`,
		Example: `  picket analyze --out out/ --tracks --watchlist un1718 feed.nmea
  picket report --mmsi 445117000 out/
  picket report --event 3f2a9c0e1b7d4a55 --marking "REL TO JPN, USA" -o case.html out/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir = "."
			if len(args) == 1 {
				dir = args[0]
			}
			n := 0
			for _, set := range []bool{mmsi != 0, eventID != "", network != ""} {
				if set {
					n++
				}
			}
			if n != 1 {
				return usageError{errors.New("say what the case is about: one of --mmsi, --event or --network")}
			}
			c, err := casefile.FromAnalysis(casefile.AnalysisOptions{Dir: dir, MMSI: mmsi, EventID: eventID, NetworkID: network,
				Marking: marking, Version: casefile.Version(version)})
			if err != nil {
				return err
			}
			if out == "" {
				name := "case-" + network + eventID
				if mmsi != 0 {
					name = "case-" + strconv.FormatUint(uint64(mmsi), 10)
				}
				out = filepath.Join(dir, name+".html")
			}
			if err := pipeline.WriteFileAtomic(out, func(w io.Writer) error { return casefile.Write(w, c) }); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "wrote %s: %d vessel(s), %d event(s), marked %s\n", out, len(c.Vessels), len(c.Events), c.Marking.Text)
			return nil
		},
	}
	f := c.Flags()
	f.Uint32Var(&mmsi, "mmsi", 0, "the vessel the case is about, with every event it is in and the vessels it met")
	f.StringVar(&eventID, "event", "", "the event the case is about (its id in events.jsonl), with its vessels' tracks around it")
	f.StringVar(&network, "network", "", "the network the case is about (its id in networks.json)")
	f.StringVar(&marking, "marking", "", `releasability marking to print, e.g. "REL TO JPN, USA" (default: NOT MARKED)`)
	f.StringVarP(&out, "output", "o", "", "file to write (default DIR/case-<mmsi|event|network>.html)")
	return c
}
