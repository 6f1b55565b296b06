package sim

import (
	"bytes"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// Night passes draw from a source of their own: the feed and the other
// truth are the same bytes with them or without. Their detections are at
// night (01:30 local time), and flares and recurring lights are flagged
// as not boats, with no truth.
func TestVIIRSLeavesTheScenarioAsItWas(t *testing.T) {
	opts := Options{Seed: 5, Region: "korea", Vessels: 60, Hours: 26}
	var plain, with bytes.Buffer
	a, err := Generate(opts, &plain)
	if err != nil {
		t.Fatal(err)
	}
	opts.VIIRS = true
	b, err := Generate(opts, &with)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain.Bytes(), with.Bytes()) {
		t.Error("the feed changed with VIIRS staged")
	}
	var rest []event.Event
	dark := 0
	for _, e := range b.Truth {
		if e.Sensor == "viirs" {
			dark++
			continue
		}
		rest = append(rest, e)
	}
	if len(rest) != len(a.Truth) || dark == 0 || b.VIIRS == nil {
		t.Fatalf("truth: %d events besides %d of viirs, %d without", len(rest), dark, len(a.Truth))
	}
	qf := map[int]int{}
	for _, d := range b.VIIRS.Detections {
		qf[d.QF]++
		// Korea is UTC+8-9 by longitude: 01:30 local is about 16:30 UTC.
		if h := time.UnixMilli(d.Time).UTC().Hour(); h < 15 || h > 18 {
			t.Errorf("detection at %v UTC: not night in Korea", time.UnixMilli(d.Time).UTC())
		}
	}
	if qf[1] == 0 || qf[4] == 0 || qf[8] == 0 {
		t.Errorf("quality flags %v: want boats, flares and recurring lights", qf)
	}
	var csv bytes.Buffer
	if _, err := b.VIIRS.WriteTo(&csv); err != nil || bytes.Count(csv.Bytes(), []byte("\n")) != len(b.VIIRS.Detections)+1 {
		t.Errorf("viirs.csv: %d lines for %d detections (%v)", bytes.Count(csv.Bytes(), []byte("\n")), len(b.VIIRS.Detections), err)
	}
}
