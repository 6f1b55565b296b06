package export

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

// A dark vessel (no MMSI of its own) is exported with its sensor, scene
// and candidates.
func TestDarkVesselColumns(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 23, 21, 0, time.UTC)
	e := event.Event{Type: event.DarkVessel, Start: at, End: at, Lat: 37.5, Lon: 124.7, Confidence: 0.8,
		Sensor: "sar", Scene: "S1A_X", Candidates: []uint32{412000001, 413000002}, Summary: "dark"}
	e.SetID()
	var b bytes.Buffer
	if err := WriteCSV(&b, []event.Event{e}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%v %v", rows, err)
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	if got["type"] != "dark_vessel" || got["sensor"] != "sar" || got["scene"] != "S1A_X" || got["candidates"] != "412000001 413000002" || got["lat"] != "37.5" {
		t.Errorf("row %v", got)
	}
}
