package pipeline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/track"
)

// WriteFileAtomic writes a file through a temporary file renamed into
// place, so that a crash never leaves a half-written output behind.
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteEvents writes events as NDJSON, one per line.
func WriteEvents(w io.Writer, events []event.Event) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return err
		}
	}
	return nil
}

// CountByType counts events per type (and spoofing subtype).
func CountByType(events []event.Event) map[string]int {
	m := map[string]int{}
	for i := range events {
		k := string(events[i].Type)
		if events[i].Subtype != "" {
			k += "/" + events[i].Subtype
		}
		m[k]++
	}
	return m
}

// WriteSummary prints counts per event type for people.
func WriteSummary(w io.Writer, res *AnalyzeResult) {
	fmt.Fprintf(w, "reports   %d (%d duplicates removed, %d out of order)\n", res.Reports, res.Duplicates, res.OutOfOrder)
	fmt.Fprintf(w, "positions %d glitches (one coordinate corrupted), %d re-delivered (an earlier position under a later time): not tracked as moves\n",
		res.Tracker.Glitches(), res.Tracker.Redelivered())
	if res.Tally.Lines > 0 {
		fmt.Fprintf(w, "nmea      %d lines, %d sentences, %d accounted for\n", res.Tally.Lines, res.Tally.Sentences, res.Tally.Accounted())
	}
	if res.CSVRows > 0 {
		fmt.Fprintf(w, "csv       %d rows, %d not understood\n", res.CSVRows, res.CSVBad)
		writeCSVBad(w, res.Inputs)
	}
	fmt.Fprintf(w, "vessels   %d\n", res.Tracker.Len())
	writeStations(w, res.Tracker)
	if res.Last > 0 {
		fmt.Fprintf(w, "span      %s .. %s\n", tmUTC(res.First), tmUTC(res.Last))
	}
	counts := CountByType(res.Events)
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "events    %d\n", len(res.Events))
	for _, k := range keys {
		fmt.Fprintf(w, "  %-28s %d\n", k, counts[k])
	}
}

// WriteWarnings tells people what of their inputs was not analysed: the
// messages without a time (and how to place them), and any input most of
// which was not used, with the reasons. It writes nothing when every
// input was used; `picket analyze` prints it even when quiet.
func WriteWarnings(w io.Writer, res *AnalyzeResult) {
	for i := range res.Inputs {
		in := &res.Inputs[i]
		if n := in.Tally.Notes["no_time"]; n > 0 {
			fmt.Fprintf(w, "picket: %s: %d messages without a time were not analysed; give --assume-times START/SPAN to place them in time\n", in.Name, n)
		}
		unused, total := in.Unused()
		if total == 0 || unused*2 <= total {
			continue
		}
		if in.Rows > 0 {
			fmt.Fprintf(w, "picket: warning: %s: %d of %d rows (%.0f%%) were not understood%s\n", in.Name, unused, total, 100*float64(unused)/float64(total), csvHint(in.BadRows))
			continue
		}
		var why []string
		for _, r := range nmea.Reasons() {
			if n := in.Tally.ByReason[r]; n > 0 && r != nmea.Decoded && r != nmea.Blank && r != nmea.Comment && r != nmea.Metadata {
				why = append(why, fmt.Sprintf("%s %d", r, n))
			}
		}
		if n := in.Tally.Notes["no_time"]; n > 0 {
			why = append(why, fmt.Sprintf("no_time %d", n))
		}
		fmt.Fprintf(w, "picket: warning: %s: %d of %d lines (%.0f%%) were not analysed: %s\n", in.Name, unused, total, 100*float64(unused)/float64(total), strings.Join(why, ", "))
	}
}

// writeCSVBad says, per CSV input, why rows were not understood: each
// reason with its count and first row.
func writeCSVBad(w io.Writer, inputs []InputSummary) {
	for i := range inputs {
		for _, b := range inputs[i].BadRows {
			fmt.Fprintf(w, "  %s: %s\n", inputs[i].Name, b.String())
		}
	}
}

// csvHint names the main reason rows were not understood, and the flag
// that would read them.
func csvHint(bad []fuse.CSVBad) string {
	if len(bad) == 0 {
		return ""
	}
	top := 0
	for k, b := range bad {
		if b.Rows > bad[top].Rows {
			top = k
		}
	}
	hint := ": " + bad[top].String()
	switch bad[top].First.Field {
	case fuse.ColTime:
		hint += "; give the times' layout with --csv-time-format (e.g. '%d/%m/%Y %H:%M')"
	case fuse.ColMMSI:
		hint += "; map the vessel column with --csv-columns mmsi=HEADER, or id=HEADER for an identifier that is not an MMSI"
	case "position":
		hint += "; map the position columns with --csv-columns lat=HEADER,lon=HEADER"
	}
	return hint
}

// stationWords names transmitter classes for people, in the order printed.
var stationWords = []struct {
	s    identity.Station
	what string
}{
	{identity.StationAtoN, "AtoNs"},
	{identity.StationBase, "base stations"},
	{identity.StationSARAircraft, "SAR aircraft"},
	{identity.StationGear, "fishing gear"},
	{identity.StationDistress, "distress beacons"},
	{identity.StationInland, "inland vessels"},
}

// writeStations says how many transmitters are not ships (and get no ship
// rule) and how many are inland vessels (no IMO number expected), so that
// nobody wonders why a buoy never goes dark.
func writeStations(w io.Writer, tr *track.Tracker) {
	if tr == nil {
		return
	}
	n := map[identity.Station]int{}
	tr.Vessels(func(v *track.Vessel) { n[v.Transmitter().Station]++ })
	var parts []string
	for _, sw := range stationWords {
		if c := n[sw.s]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, sw.what))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  of which %s (docs/detection.md: which rules apply to each)\n", strings.Join(parts, ", "))
	}
}
