package casefile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// Case is what an evidence package shows.
type Case struct {
	// Title heads the file, e.g. "Vessel 445117000 TONG HUNG SAN".
	Title string
	// Subject says what the case was made about: "vessel 445117000",
	// "event 3f2a...", "network 9c1d...".
	Subject string
	// Summary is an optional paragraph under the title (a network's
	// summary, say).
	Summary string
	Vessels []Vessel
	// Events are shown in this order (Sort sorts them by start).
	Events []event.Event
	// Links are a network case's links between its vessels (LinksOf).
	Links []Link
	// Marking is the releasability of the content.
	Marking  Marking
	Manifest Manifest
	// Notes are said plainly in the file: what is missing and why (no
	// tracks in an analysis run without --tracks, a track cut short).
	Notes []string
}

// Vessel is one vessel of a case.
type Vessel struct {
	MMSI uint32
	Name string
	Flag string // ISO 3166 alpha-2 of the MMSI's MID
	// Risk is the vessel's score 0..100 with its reasons, when known.
	Risk    *int
	Reasons []string
	// Identity is every value each identity field took, oldest first.
	Identity []IdentityValue
	// Track is the vessel's positions in time order; it may be empty.
	Track []Point
}

// IdentityValue is one value of one identity field over its time.
type IdentityValue struct {
	Field       string // event.FieldName, FieldCallSign, ...
	Value       string
	First, Last time.Time
	// Count is how many times it was heard, 0 when not known.
	Count int
}

// Point is one position of a track.
type Point struct {
	Time     time.Time
	Lat, Lon float64
}

// Marking is the releasability of a case's content.
type Marking struct {
	// Text is the banner: "REL TO JPN, USA", or a statement that the
	// content carries no label ("NOT MARKED: ...").
	Text string
	// For is who the file was made for: "analyst jdoe of JPN".
	For string
	// Feeds are the feeds the content comes from, with their labels.
	Feeds []Feed
}

// Feed is one source of a case's content.
type Feed struct {
	Name, Owner, Label string
}

// Manifest says what the file was made from, so that it can be checked.
type Manifest struct {
	// Version is picket's version (Version()).
	Version   string
	Generated time.Time
	Inputs    []Input
}

// Input is one input of a case: a file or a part of the store, with the
// SHA-256 of its bytes.
type Input struct {
	Name   string
	Bytes  int64
	SHA256 string
	// About says what it is, e.g. "events of the case, as JSON lines".
	About string
}

// HashBytes returns the Input for b.
func HashBytes(name, about string, b []byte) Input {
	sum := sha256.Sum256(b)
	return Input{Name: name, Bytes: int64(len(b)), SHA256: hex.EncodeToString(sum[:]), About: about}
}

// HashFile returns the Input for a file, named by its base name.
func HashFile(path, about string) (Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return Input{}, fmt.Errorf("casefile: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Input{}, fmt.Errorf("casefile: %s: %w", path, err)
	}
	return Input{Name: filepath.Base(path), Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil)), About: about}, nil
}

// Version returns picket's version as the build knows it: release is
// what the binary was stamped with ("dev" when not), then the commit.
func Version(release string) string {
	if release == "" {
		release = "dev"
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				return release + " (commit " + s.Value[:min(12, len(s.Value))] + ")"
			}
		}
	}
	return release
}

// Sort puts the events in order of start time, then id, and each
// vessel's identity values in order of first heard, so that the same case
// always renders the same.
func (c *Case) Sort() {
	slices.SortStableFunc(c.Events, func(a, b event.Event) int {
		if d := a.Start.Compare(b.Start); d != 0 {
			return d
		}
		return compareStrings(a.ID, b.ID)
	})
	c.numberLinks()
	for i := range c.Vessels {
		slices.SortStableFunc(c.Vessels[i].Identity, func(a, b IdentityValue) int {
			if d := a.First.Compare(b.First); d != 0 {
				return d
			}
			if d := compareStrings(a.Field, b.Field); d != 0 {
				return d
			}
			return compareStrings(a.Value, b.Value)
		})
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Entries returns the watchlist entries the case's events matched, once
// each, with the MMSI that matched them.
func (c *Case) Entries() []MatchedEntry {
	var out []MatchedEntry
	seen := map[string]bool{}
	for _, e := range c.Events {
		if e.Type != event.Watchlist || e.Entry == nil {
			continue
		}
		k := fmt.Sprint(e.MMSI, e.Entry.List, e.Entry.ID)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, MatchedEntry{MMSI: e.MMSI, Entry: *e.Entry, Confidence: e.Confidence})
	}
	return out
}

// MatchedEntry is a watchlist entry a vessel of the case matched.
type MatchedEntry struct {
	MMSI       uint32
	Entry      event.Entry
	Confidence float64
}
