package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/export"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/places"
)

type analyzeFlags struct {
	out        string
	zones      string
	watchlists []string
	ports      string
	csvColumns string
	csvTime    string
	tz         string
	assume     string
	config     string
	print      bool
	quiet      bool
	workers    int
	tracks     bool
	exports    []string
	detections []string
	optical    []string
	scenes     []string
	radars     []string
}

func analyzeCommand() *cobra.Command {
	var fl analyzeFlags
	c := &cobra.Command{
		Use:   "analyze [flags] --out DIR INPUT...",
		Short: "Find encounters, dark periods, spoofing and other illicit-trade behaviours in AIS archives",
		Long: `Analyze reads AIS archives — NMEA logs in every format 'picket decode' reads,
and CSV position exports (NOAA MarineCadastre columns are found automatically,
--csv-columns maps others) — tracks every vessel, runs every detector on the
time the data carries, and writes into --out:

  events.jsonl    every detected event, in picket's event contract
  vessels.jsonl   one line per vessel: identity history, counts, risk and why
  networks.json   groups of vessels linked by encounters, dark rendezvous and shared identities
  events.<ext>    with --export: the events as GeoJSON, KML, CSV, GeoParquet or NVG 2.0
                  (events.nvg, a NATO Vector Graphics overlay, also holds the
                  tracks with --tracks and the zones with --zones)
  tracks.geojson  with --tracks: every track, a line per transmitter, with the time of each fix
  manifest.json   picket's version and the SHA-256 of every input, for 'picket report'

With --detections, satellite vessel detections (CSV; Global Fishing Watch's
SAR layout and NOAA EOG's VIIRS boat detections are read as they are; a
sensor column tells optical rows from SAR ones, and --optical reads a file of
optical detections; --scenes gives their footprints) are matched against
the AIS tracks: each detection no AIS vessel explains is a dark_vessel event.
With --radar, a radar's NMEA output (TTM/TLL tracked targets, placed from the
own ship's GGA/RMC, or from a fixed site given as FILE@LAT,LON) is matched the
same way, track by track. An AIS vessel alongside a dark radar track, or
alongside dark detections in repeated passes, for the encounter duration is
a dark_encounter event.

A summary goes to standard error.`,
		Example: `  picket analyze --out out/ testdata/aivdm/vernon_seine_2016/*.log.gz --tz Europe/Paris
  picket analyze --out out/ --zones zones.geojson --watchlist un1718 --watchlist sdn.csv feed.nmea
  picket analyze --out out/ --assume-times 2015-10-06T00:00:00Z/3m aishub_sample.nmea.gz
  picket analyze --out out/ --detections detections.csv --scenes scenes.csv feed.nmea
  picket analyze --out out/ --radar bridge.nmea --radar coast.nmea@37.5,126.5 feed.nmea`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fl.print {
				return detect.WriteConfig(os.Stdout, detect.DefaultOptions())
			}
			if len(args) == 0 {
				return usageError{errors.New("no input: give NMEA logs or CSV exports to analyze")}
			}
			if fl.out == "" {
				return usageError{errors.New("--out DIR is required")}
			}
			return runAnalyze(args, &fl)
		},
	}
	f := c.Flags()
	f.StringVar(&fl.out, "out", "", "directory to write events.jsonl, vessels.jsonl and networks.json into (created if missing)")
	f.StringVar(&fl.zones, "zones", "", "GeoJSON FeatureCollection of polygons with a \"name\" property (EEZs, STS hotspots)")
	f.StringArrayVar(&fl.watchlists, "watchlist", nil, "built-in sanctions list (un1718: UN 1718 Committee vessels; eu: EU designated vessels; ofac: OFAC SDN vessels), or a watchlist CSV (columns imo, mmsi, name) or OFAC SDN vessel extract; repeatable")
	f.StringVar(&fl.ports, "ports", "", "ports CSV name,lat,lon[,radius_km] instead of the built-in world port and anchorage list")
	f.StringVar(&fl.csvColumns, "csv-columns", "", "map CSV columns: mmsi=MMSI,time=BaseDateTime,lat=LAT,lon=LON,...; id=HEADER for a vessel identifier that is not an MMSI")
	f.StringVar(&fl.csvTime, "csv-time-format", "", "layout of CSV times in strftime form, as pandas takes it (e.g. '%d/%m/%Y %H:%M'); default: epoch s/ms, ISO 8601 with or without seconds and zone, YYYY-MM-DD HH:MM[:SS]")
	f.StringVar(&fl.tz, "tz", "", "time zone of log lines stamped with a local date-time (IANA name); default UTC")
	f.StringVar(&fl.assume, "assume-times", "", "START/SPAN (e.g. 2015-10-06T00:00:00Z/3m): spread input without timestamps evenly over SPAN from START")
	f.StringVar(&fl.config, "config", "", "YAML file of detector thresholds over the defaults (see --print-config and docs/detection.md)")
	f.BoolVar(&fl.print, "print-config", false, "print every detector threshold with its default, as a --config file, and exit")
	f.BoolVar(&fl.quiet, "quiet", false, "no progress bar and no summary")
	f.IntVar(&fl.workers, "workers", 0, "goroutines for tracking and detection: 1 runs them on one; default: the CPUs Go uses (GOMAXPROCS); the events are the same")
	f.StringSliceVar(&fl.exports, "export", nil, "also write the events as events.geojson, events.kml, events.csv, events.parquet (GeoParquet) or events.nvg (NVG 2.0 overlay, with the tracks and zones): --export geojson,csv")
	f.BoolVar(&fl.tracks, "tracks", false, "also write tracks.geojson: every vessel's track, a line per transmitter (segment), to open next to the events in a GIS")
	f.StringArrayVar(&fl.detections, "detections", nil, "satellite vessel detections CSV (time, lat, lon[, length_m, heading, score, scene_id, sensor]; satellite radar unless a sensor column says optical; GFW's SAR and NOAA EOG's VIIRS boat detection columns as published); repeatable")
	f.StringArrayVar(&fl.optical, "optical", nil, "satellite optical vessel detections CSV (Sentinel-2, PlanetScope...: the columns of --detections), sensor optical; repeatable")
	f.StringArrayVar(&fl.scenes, "scenes", nil, "scene footprints CSV for --detections and --optical (scene_id, time, footprint_wkt as WKT or GeoJSON); repeatable")
	f.StringArrayVar(&fl.radars, "radar", nil, "a radar's NMEA output (TTM/TLL with the own ship's GGA/RMC/HDT), FILE, or FILE@LAT,LON for a fixed site; repeatable")
	return c
}

func runAnalyze(inputs []string, fl *analyzeFlags) error {
	opts := pipeline.AnalyzeOptions{Workers: fl.workers}
	if fl.workers < 0 {
		return usageError{fmt.Errorf("--workers %d: want 1 or more (0: the CPUs Go uses)", fl.workers)}
	}
	if fl.tz != "" {
		loc, err := time.LoadLocation(fl.tz)
		if err != nil {
			return usageError{fmt.Errorf("--tz %q: unknown time zone (want an IANA name such as Europe/Paris)", fl.tz)}
		}
		opts.Location = loc
	}
	if fl.assume != "" {
		start, span, ok := strings.Cut(fl.assume, "/")
		st, err1 := time.Parse(time.RFC3339, start)
		sp, err2 := time.ParseDuration(span)
		if !ok || err1 != nil || err2 != nil || sp <= 0 {
			return usageError{fmt.Errorf("--assume-times %q: want START/SPAN such as 2015-10-06T00:00:00Z/3m", fl.assume)}
		}
		opts.AssumeStart, opts.AssumeSpan = st, sp
	}
	if fl.csvColumns != "" {
		m, err := fuse.ParseColumnMapping(fl.csvColumns)
		if err != nil {
			return usageError{fmt.Errorf("--csv-columns: %v", err)}
		}
		opts.CSV.Columns = m
	}
	if fl.csvTime != "" {
		tf, err := fuse.ParseTimeFormat(fl.csvTime)
		if err != nil {
			return usageError{fmt.Errorf("--csv-time-format: %v", err)}
		}
		opts.CSV.TimeFormat = tf
	}
	if fl.config != "" {
		f, err := os.Open(fl.config)
		if err != nil {
			return err
		}
		o, err := detect.LoadConfig(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", fl.config, err)
		}
		opts.Detect = o
	}
	var formats []export.Format
	for _, name := range fl.exports {
		f, err := export.Lookup(name)
		if err != nil {
			return usageError{fmt.Errorf("--export: %v", err)}
		}
		formats = append(formats, f)
	}
	pl, err := loadPlaces(fl)
	if err != nil {
		return err
	}
	opts.Places = pl
	opts.Places.FeedName = func(i uint16) string { return filepath.Base(inputs[i]) }
	if err := os.MkdirAll(fl.out, 0o755); err != nil {
		return err
	}
	tty := !fl.quiet && isTerminal(os.Stderr)
	if tty {
		opts.Progress = progressBar(os.Stderr)
	}
	if fl.tracks {
		opts.Tracks = pipeline.NewTracks()
	}
	if len(fl.scenes) > 0 && len(fl.detections)+len(fl.optical) == 0 {
		return usageError{errors.New("--scenes without --detections or --optical: the footprints are those of detections")}
	}
	opts.Detections, opts.Optical, opts.Scenes = fl.detections, fl.optical, fl.scenes
	for _, r := range fl.radars {
		in, err := parseRadarFlag(r)
		if err != nil {
			return usageError{err}
		}
		opts.Radars = append(opts.Radars, in)
	}
	res, err := pipeline.Analyze(inputs, opts)
	if tty {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if err := pipeline.WriteFileAtomic(filepath.Join(fl.out, "events.jsonl"), func(w io.Writer) error {
		return pipeline.WriteEvents(w, res.Events)
	}); err != nil {
		return err
	}
	for _, f := range formats {
		write := func(w io.Writer) error { return f.Write(w, res.Events) }
		if f.Name == "nvg" {
			overlay, err := nvgOverlay(res.Events, opts.Tracks, fl.zones)
			if err != nil {
				return err
			}
			write = func(w io.Writer) error { return export.WriteNVG(w, overlay) }
		}
		if err := pipeline.WriteFileAtomic(filepath.Join(fl.out, f.File), write); err != nil {
			return err
		}
	}
	if opts.Tracks != nil {
		if err := pipeline.WriteFileAtomic(filepath.Join(fl.out, "tracks.geojson"), opts.Tracks.WriteGeoJSON); err != nil {
			return err
		}
	}
	if err := writeIDs(fl.out, res.IDs); err != nil {
		return err
	}
	if err := writeManifest(fl.out, inputs); err != nil {
		return err
	}
	ps, err := writeProfiles(fl.out, res)
	if err != nil {
		return err
	}
	pipeline.WriteWarnings(os.Stderr, res)
	if !fl.quiet {
		pipeline.WriteSummary(os.Stderr, res)
		pipeline.WriteDetectionSummary(os.Stderr, res)
		pipeline.WriteRadarSummary(os.Stderr, res)
		detect.WriteCoverage(os.Stderr, res.Coverage, opts.Places.FeedName)
		writeTopRisk(os.Stderr, ps)
		fmt.Fprintf(os.Stderr, "wrote     %s\n", fl.out)
	}
	return nil
}

// loadPlaces loads the geography and lists detectors ask about.
func loadPlaces(fl *analyzeFlags) (detect.Places, error) {
	return places.Load(places.Options{Ports: fl.ports, Zones: fl.zones, Watchlists: fl.watchlists,
		Warn: func(path string, err error) { fmt.Fprintf(os.Stderr, "picket: %s: %v\n", path, err) }})
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a one-line progress bar on w.
func progressBar(w io.Writer) func(done, total int64) {
	start := time.Now()
	return func(done, total int64) {
		if total <= 0 {
			return
		}
		frac := float64(done) / float64(total)
		n := int(frac * 30)
		el := time.Since(start)
		eta := ""
		if frac > 0.02 && frac < 1 {
			eta = fmt.Sprintf(" ~%s left", (time.Duration(float64(el)/frac) - el).Round(time.Second))
		}
		fmt.Fprintf(w, "\r\033[K[%s%s] %3.0f%% %s%s", strings.Repeat("#", n), strings.Repeat(".", 30-n), frac*100, el.Round(time.Second), eta)
	}
}

// writeIDs writes ids.csv, the numbers that stand for the vessels CSV
// inputs know by an id column (--csv-columns id=HEADER), when there are
// any: events and vessels.jsonl carry those numbers as their mmsi.
func writeIDs(dir string, ids *fuse.IDTable) error {
	if ids == nil || ids.Len() == 0 {
		return nil
	}
	return pipeline.WriteFileAtomic(filepath.Join(dir, "ids.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"mmsi", "id"})
		for n := uint32(identity.OpaqueMin); ; n++ {
			id, ok := ids.ID(n)
			if !ok {
				break
			}
			cw.Write([]string{strconv.FormatUint(uint64(n), 10), id})
		}
		cw.Flush()
		return cw.Error()
	})
}

// parseRadarFlag reads --radar FILE or FILE@LAT,LON.
func parseRadarFlag(v string) (pipeline.RadarInput, error) {
	file, site, ok := strings.Cut(v, "@")
	in := pipeline.RadarInput{File: file}
	if !ok {
		return in, nil
	}
	la, lo, ok := strings.Cut(site, ",")
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	if !ok || err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return in, fmt.Errorf("--radar %q: the site after @ must be LAT,LON in degrees", v)
	}
	in.Site, in.HasSite = [2]float64{lat, lon}, true
	return in, nil
}
