package casefile

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const run = "testdata/marinecadastre_run"

var made = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func render(t *testing.T, c *Case) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGolden renders a vessel's case from a real run and compares it with
// the file kept in testdata (-update rewrites it).
func TestGolden(t *testing.T) {
	c, err := FromAnalysis(AnalysisOptions{Dir: run, MMSI: 538008297, Version: "test", Now: made})
	if err != nil {
		t.Fatal(err)
	}
	got := render(t, c)
	golden := filepath.Join("testdata", "case-538008297.html")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the case differs from %s (go test -update to accept):\n%s", golden, firstDiff(got, string(want)))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n got  " + clip(al[i]) + "\n want " + clip(bl[i])
		}
	}
	return "lengths differ"
}

func clip(s string) string { return s[:min(len(s), 300)] }
func itoa(i int) string    { return strconv.Itoa(i) }

// TestVesselCase checks what the vessel's case holds, fact by fact.
func TestVesselCase(t *testing.T) {
	c, err := FromAnalysis(AnalysisOptions{Dir: run, MMSI: 538008297, Version: "test", Now: made})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Vessels) != 1 || c.Vessels[0].Name != "ELLI" && c.Vessels[0].MMSI != 538008297 {
		t.Fatalf("vessels %+v", c.Vessels)
	}
	v := c.Vessels[0]
	if len(v.Track) != 7 || len(v.Identity) == 0 {
		t.Errorf("track %d fixes, identity %d values; want 7 and some", len(v.Track), len(v.Identity))
	}
	types := map[event.Type]int{}
	for _, e := range c.Events {
		types[e.Type]++
	}
	if types[event.Watchlist] != 1 || types[event.PortVisit] != 1 || len(c.Events) != 2 {
		t.Errorf("events %v", types)
	}
	m := c.Entries()
	if len(m) != 1 || m[0].Entry.List != "EU designated" || m[0].Entry.IMO != 9382073 || m[0].Entry.By != "imo" {
		t.Errorf("entries %+v", m)
	}
	// The manifest: the archive analysed (from manifest.json) and each
	// file of the run read, with its SHA-256.
	names := map[string]string{}
	for _, in := range c.Manifest.Inputs {
		names[in.Name] = in.SHA256
		if len(in.SHA256) != 64 || in.Bytes <= 0 {
			t.Errorf("input %+v", in)
		}
	}
	for _, n := range []string{"marinecadastre_us_2022-01-03_sample99999.csv.gz", "events.jsonl", "vessels.jsonl", "tracks.geojson"} {
		if names[n] == "" {
			t.Errorf("manifest lacks %s: %+v", n, c.Manifest.Inputs)
		}
	}
	if names["marinecadastre_us_2022-01-03_sample99999.csv.gz"] != "583e23a6a488a292c0e04dea3c4a6fe732c404a943da856b317844ad95931d05" {
		t.Error("the archive's SHA-256 is not the one analyze recorded")
	}
	if c.Marking.Text != "NOT MARKED" || len(c.Notes) != 1 {
		t.Errorf("marking %q notes %q", c.Marking.Text, c.Notes)
	}
	html := render(t, c)
	for _, want := range []string{
		`<div class="marking top" id="marking">NOT MARKED</div>`, `<div class="marking bottom">NOT MARKED</div>`,
		`Everdine`, `EU 833/2014`, `called at Pasadena`, `marinecadastre_us_2022-01-03_sample99999.csv.gz`,
		`29.72545°N 95.21991°W`, `<path class="land"`, `<path class="track" data-mmsi="538008297"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the file does not show %q", want)
		}
	}
}

// TestEventAndNetworkCases: an event's case has its vessels' watchlist
// hits and their tracks around it; a network's has its members.
func TestEventAndNetworkCases(t *testing.T) {
	c, err := FromAnalysis(AnalysisOptions{Dir: run, EventID: "97bf4330eb689402", Now: made, TrackMargin: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "event 97bf4330eb689402" || len(c.Events) != 2 || c.Events[1].Type != event.PortVisit && c.Events[0].Type != event.PortVisit {
		t.Errorf("event case: %q, %d events", c.Subject, len(c.Events))
	}
	// The port call lasted 00:00:23-00:21:26; a minute either side leaves
	// out the fixes after 00:22:26.
	for _, p := range c.Vessels[0].Track {
		if p.Time.After(time.Date(2022, 1, 3, 0, 22, 26, 0, time.UTC)) {
			t.Errorf("fix at %s, outside the event and its margin", p.Time)
		}
	}
	if len(c.Vessels[0].Track) == 0 {
		t.Error("no track around the event")
	}
	c, err = FromAnalysis(AnalysisOptions{Dir: run, NetworkID: "net-db2a57e3b6e9", Now: made})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Vessels) != 1 || c.Vessels[0].MMSI != 211002010 || !strings.Contains(c.Summary, "shared MMSI") {
		t.Errorf("network case: %+v %q", c.Vessels, c.Summary)
	}
	// Its link, the shared MMSI, is listed; the event behind it is not in
	// the run's events.jsonl (cut for the test), so none is named.
	var page bytes.Buffer
	c.Marking = Marking{Text: "NOT MARKED"}
	if err := Write(&page, c); err != nil {
		t.Fatal(err)
	}
	if len(c.Links) != 1 || c.Links[0].Kind != "shared_mmsi" || c.Links[0].A != 211002010 || c.Links[0].B != 211002010 ||
		len(c.Links[0].Events) != 0 || len(c.Links[0].Numbers) != 0 {
		t.Errorf("network case links: %+v", c.Links)
	}
	if !strings.Contains(page.String(), `<tr data-kind="shared_mmsi"><td>shared_mmsi</td><td><a href="#vessel-211002010">211002010</a></td><td><a href="#vessel-211002010">211002010</a></td><td>—</td></tr>`) {
		t.Error("the network case's page lists no link")
	}
	for _, o := range []AnalysisOptions{{Dir: run, MMSI: 1}, {Dir: run, EventID: "nope"}, {Dir: run, NetworkID: "net-x"}} {
		if _, err := FromAnalysis(o); !errors.Is(err, ErrNotFound) {
			t.Errorf("%+v: %v, want ErrNotFound", o, err)
		}
	}
	if _, err := FromAnalysis(AnalysisOptions{Dir: run, MMSI: 538008297, EventID: "97bf4330eb689402"}); err == nil {
		t.Error("two subjects at once: no error")
	}
	if _, err := FromAnalysis(AnalysisOptions{Dir: t.TempDir(), MMSI: 538008297}); err == nil || !strings.Contains(err.Error(), "events.jsonl") {
		t.Errorf("an empty directory: %v", err)
	}
}

// TestNoTracks: a run made without --tracks says so in the file.
func TestNoTracks(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"events.jsonl", "vessels.jsonl"} {
		b, _ := os.ReadFile(filepath.Join(run, n))
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	c, err := FromAnalysis(AnalysisOptions{Dir: dir, MMSI: 538008297, Marking: "REL TO GBR", Now: made})
	if err != nil {
		t.Fatal(err)
	}
	html := render(t, c)
	if !strings.Contains(html, "without --tracks") || !strings.Contains(html, `id="marking">REL TO GBR<`) || strings.Contains(html, `class="track"`) {
		t.Error("a case without tracks: no note, or a track drawn, or the marking lost")
	}
}

// TestSelfContained: the file names no other file or host, and what a
// list or a ship says is text, never markup.
func TestSelfContained(t *testing.T) {
	c := &Case{Title: `Vessel 1 <script>alert(1)</script>`, Subject: "vessel 1", Marking: Marking{Text: `REL TO "X" & <Y>`},
		Vessels: []Vessel{{MMSI: 1, Name: `<img src=x onerror=alert(1)>`, Track: []Point{{made, 37.5, 126.5}, {made.Add(time.Hour), 37.6, 126.4}}}},
		Events: []event.Event{{ID: "e1", Type: event.Watchlist, MMSI: 1, Start: made, End: made, Lat: 37.5, Lon: 126.5, Confidence: 0.9,
			Summary: `matches "</style><script>"`, Entry: &event.Entry{List: "UN 1718", Name: `A<b>`, By: "mmsi"}}},
		Manifest: Manifest{Version: "test", Generated: made}}
	html := render(t, c)
	if strings.Contains(html, "<script") || strings.Contains(html, "<img") || strings.Contains(html, "<b>") {
		t.Error("markup from the data reached the file")
	}
	for _, re := range []string{`(?i)\s(src|href)\s*=\s*["']`, `(?i)url\(`, `(?i)@import`, `https?://[^"]*`} {
		for _, m := range regexp.MustCompile(re).FindAllString(html, -1) {
			if m != "http://www.w3.org/2000/svg" {
				t.Errorf("the file refers elsewhere: %q", m)
			}
		}
	}
	if err := Write(&bytes.Buffer{}, &Case{Title: "x"}); err == nil {
		t.Error("a case without a marking was written")
	}
}
