package pipeline

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readLines reads the lines of a testdata log, gzip or not.
func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r = bufio.NewReader(f)
	var sc *bufio.Scanner
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		sc = bufio.NewScanner(zr)
	} else {
		sc = bufio.NewScanner(r)
	}
	var out []string
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// TestWarnsOfUntimedMessages: a log in which most messages carry no time
// (as receivers that stamp only some lines write) was analysed on the
// few timed ones without a word. The summary now says how many were left
// out and how to place them, and warns that most of the input was not
// used; a clean log gets no warning.
func TestWarnsOfUntimedMessages(t *testing.T) {
	timed := readLines(t, "aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4")[:100]
	untimed := readLines(t, "aivdm/aishub_global_3min_2015.nmea.gz")[:3000]
	dir := t.TempDir()
	mixed := filepath.Join(dir, "mixed.nmea")
	var b bytes.Buffer
	for i, l := range untimed {
		b.WriteString(l + "\n")
		if i%30 == 0 && i/30 < len(timed) {
			b.WriteString(timed[i/30] + "\n")
		}
	}
	if err := os.WriteFile(mixed, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Analyze([]string{mixed}, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	noTime := res.Inputs[0].Tally.Notes["no_time"]
	if noTime < 2900 {
		t.Fatalf("%d messages without a time counted, the file has about 2,990", noTime)
	}
	var w bytes.Buffer
	WriteWarnings(&w, res)
	out := w.String()
	if !strings.Contains(out, strconv.FormatInt(noTime, 10)+" messages without a time were not analysed; give --assume-times") {
		t.Errorf("no word of the untimed messages:\n%s", out)
	}
	if !strings.Contains(out, "warning: "+mixed+":") || !strings.Contains(out, "no_time "+strconv.FormatInt(noTime, 10)) {
		t.Errorf("no warning that most of the input was not used:\n%s", out)
	}

	clean := analyzeFiles(t, AnalyzeOptions{}, "aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4")
	w.Reset()
	WriteWarnings(&w, clean)
	if w.Len() != 0 {
		t.Errorf("warnings for a log that was used whole:\n%s", w.String())
	}
}

// TestAssumeTimesByLine: --assume-times spreads the untimed lines of a
// compressed input by line number. Spread by bytes read, the AISHub
// sample's 85,000 lines (gzip, read in large blocks) got a handful of
// distinct times, and every ship "jumped" at infinite speed.
func TestAssumeTimesByLine(t *testing.T) {
	tr := NewTracks()
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute, Tracks: tr}, "aivdm/aishub_global_3min_2015.nmea.gz")
	times := map[int64]bool{}
	for _, s := range tr.segs {
		for _, tm := range s.times {
			times[tm] = true
		}
	}
	// 85,187 lines over 180,000 ms: nearly every line its own millisecond.
	if len(times) < 40_000 {
		t.Errorf("%d distinct times over %d tracked fixes", len(times), res.Tracked)
	}
	if first, last := time.UnixMilli(res.First).UTC(), time.UnixMilli(res.Last).UTC(); first.Before(start) || last.After(start.Add(3*time.Minute)) || last.Sub(first) < 170*time.Second {
		t.Errorf("span %v .. %v, want the 3 minutes", first, last)
	}
}
