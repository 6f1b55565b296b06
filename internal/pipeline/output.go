package pipeline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/picket-ais/picket/internal/event"
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
	if res.Tally.Lines > 0 {
		fmt.Fprintf(w, "nmea      %d lines, %d sentences, %d accounted for\n", res.Tally.Lines, res.Tally.Sentences, res.Tally.Accounted())
	}
	if res.CSVRows > 0 {
		fmt.Fprintf(w, "csv       %d rows, %d not understood\n", res.CSVRows, res.CSVBad)
	}
	fmt.Fprintf(w, "vessels   %d\n", res.Tracker.Len())
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
