package pipeline

import (
	"bytes"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/track"
)

// Positions that do not move a vessel, on the real logs: one corrupted
// coordinate (a glitch), an earlier position re-delivered under a later
// time, and MMSIs several transmitters use. Each fact below was checked
// against the decoded fixes (picket decode) of the log.

// The AISHub sample: 244690991, moored in Rotterdam at 51.9102,4.4146,
// reports once lon 0.007125; 244700196, moored in Antwerp at
// 51.287108,4.258235, once lat -2.889317. 111111111 and 412123456 are
// each two places heard again and again, interleaved (49.29,-124.09 and
// 23.19,116.66; 37.60,121.39 and 24.47,118.06). 268, 200804300 and
// 808663857 are several places heard once or twice each in 3 minutes:
// no jump of one transmitter.
func TestAnalyzeAISHubGlitchesAndTransmitters(t *testing.T) {
	start := time.Date(2015, 10, 6, 0, 0, 0, 0, time.UTC)
	res := analyzeFiles(t, AnalyzeOptions{AssumeStart: start, AssumeSpan: 3 * time.Minute}, "aivdm/aishub_global_3min_2015.nmea.gz")
	for _, mmsi := range []uint32{244690991, 244700196} {
		if v := res.Tracker.Vessel(mmsi); v == nil || v.Glitches != 1 {
			t.Errorf("%d: glitches %v, want 1", mmsi, v)
		}
	}
	var glitched int
	res.Tracker.Vessels(func(v *track.Vessel) {
		if v.Glitches > 0 {
			glitched++
		}
	})
	if glitched < 48 {
		t.Errorf("%d vessels with a glitch; the sample has at least 48", glitched)
	}
	shared := eventsOf(res, event.Spoofing, event.SharedMMSI)
	for _, mmsi := range []uint32{111111111, 412123456} {
		if len(shared[mmsi]) != 1 {
			t.Errorf("%d: %d shared_mmsi events, want 1", mmsi, len(shared[mmsi]))
		}
	}
	// 3080 broadcasts IMO 29 (failing its check digit) before any position:
	// its event has none, and events.jsonl writes none, not 0,0.
	var buf bytes.Buffer
	if err := WriteEvents(&buf, res.Events); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte(`"lat":0,"lon":0,`)); n != 0 {
		t.Errorf("%d events at 0,0 in events.jsonl", n)
	}
	var unplaced bool
	for _, e := range eventsOf(res, event.Spoofing, event.InvalidIdentity)[3080] {
		unplaced = unplaced || !e.HasPosition()
	}
	if !unplaced {
		t.Error("3080's invalid IMO is placed: the check checks nothing")
	}
	// Three minutes cannot show a position that jumped and stayed: every
	// one of the 78 jumps reported before was a glitch, a re-delivery or
	// a second transmitter.
	for _, e := range res.Events {
		if e.Subtype == event.ImpossibleSpeed {
			t.Errorf("impossible_speed: %s", e.Summary)
		}
	}
}

// The MarineCadastre day stamps positions from before it 00:00:00:
// CMA CGM MARCO POLO (311000923) is at 31.40,-118.05 from 00:00:01 to
// 23:59, and five rows at 00:00:00 lie along its earlier passage from
// -121.19 (at 12.5 kn). 367650000 reports lat 7.63452 once among fixes
// at 47.6345,-122.328. Neither jumped. 211002010 is two Class B units,
// off Santa Barbara and in the Gulf of Mexico.
func TestAnalyzeMarineCadastreStaleAndGlitch(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{}, "csv/marinecadastre_us_2022-01-03_sample99999.csv.gz")
	if v := res.Tracker.Vessel(367650000); v == nil || v.Glitches != 1 {
		t.Errorf("367650000: glitches %v, want 1", v)
	}
	if len(eventsOf(res, event.Spoofing, event.SharedMMSI)[211002010]) != 1 {
		t.Errorf("211002010 not found shared")
	}
	// The 42 jumps reported before were stale rows stamped at the start
	// of the day, glitches, and Class B MMSIs of two units.
	for _, e := range res.Events {
		if e.Subtype == event.ImpossibleSpeed {
			t.Errorf("impossible_speed: %s", e.Summary)
		}
		if e.Subtype == event.SharedMMSI && e.MMSI != 211002010 {
			t.Errorf("shared_mmsi: %s", e.Summary)
		}
	}
}

// exactEarth via AMSA re-delivers positions under the time it forwarded
// them: 477728800 at -36.2998,175.0016 at 11:44:08 on 2 Feb 2012 is where
// it was at 09:58 (-36.3018,175.0016, same 17.5 kn, 179°); 351613000
// reports at 11:46-11:53 the positions of 10:01-10:11; 636091160 at 11:48
// a place 30 km astern on its course. None jumped; 477728800 and
// 308484000 (re-deliveries alternating with fresh fixes) are one
// transmitter each.
func TestAnalyzeExactEarthRedeliveries(t *testing.T) {
	res := analyzeFiles(t, AnalyzeOptions{}, "aivdm/amsa_exactearth_2012/exact-earth-augmented.nmea",
		"aivdm/amsa_exactearth_2012/exact-earth-augmented-2.nmea", "aivdm/amsa_exactearth_2012/exact-earth-augmented-3.nmea")
	for _, mmsi := range []uint32{477728800, 351613000, 636091160} {
		if v := res.Tracker.Vessel(mmsi); v == nil || v.Redelivered == 0 {
			t.Errorf("%d: no re-delivery counted", mmsi)
		}
	}
	if res.Tracker.Redelivered() == 0 {
		t.Error("no re-deliveries counted")
	}
	shared := eventsOf(res, event.Spoofing, event.SharedMMSI)
	for _, mmsi := range []uint32{477728800, 308484000} {
		if len(shared[mmsi]) != 0 {
			t.Errorf("%d flagged shared: %s", mmsi, shared[mmsi][0].Summary)
		}
	}
	for _, e := range res.Events {
		if e.Subtype == event.ImpossibleSpeed {
			t.Errorf("impossible_speed: %s", e.Summary)
		}
	}
}
