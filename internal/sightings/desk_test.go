package sightings

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// The test's AIS: feed 0 (bit 1) is the owner's, feed 1 (bit 2) is not
// released to it. The detections feed is bit 5.
const (
	ownFeed   = uint64(1) << 0
	otherFeed = uint64(1) << 1
	detBit    = 5

	mSeen    = 412000001 // heard by the owner's feed, at the first detection
	mHidden  = 412000002 // heard by the other feed only, at the second
	mSilent  = 412000003 // the owner's, silent from 3 h before the third
	mAlong   = 412000004 // the owner's, anchored beside two dark passes
	sceneID  = "S1A_TEST_SCENE"
	sceneWKT = "POLYGON ((124 37, 126 37, 126 39, 124 39, 124 37))"
)

var t0 = time.Now().Add(-48 * time.Hour).Truncate(time.Hour)

func ms(d time.Duration) int64 { return t0.Add(d).UnixMilli() }

func positions() []store.Position {
	var ps []store.Position
	add := func(m uint32, d time.Duration, lat, lon float64, feeds uint64) {
		ps = append(ps, store.Position{MMSI: m, Time: ms(d), Lat: lat, Lon: lon, SOG: 0, COG: 0, Heading: -1, Status: 15, Feeds: feeds})
	}
	for m := -30 * time.Minute; m <= 30*time.Minute; m += 5 * time.Minute {
		add(mSeen, 10*time.Hour+m, 37.5, 124.5, ownFeed)
		add(mHidden, 10*time.Hour+m, 38.0, 125.0, otherFeed)
	}
	add(mSilent, 7*time.Hour, 38.4, 125.6, ownFeed) // 3 h before, ~20 km away
	for h := time.Duration(0); h <= 14*time.Hour; h += 30 * time.Minute {
		add(mAlong, h, 37.2, 125.8, ownFeed)
	}
	slices.SortFunc(ps, func(a, b store.Position) int { return int(a.Time - b.Time) })
	return ps
}

func csvTime(d time.Duration) string { return t0.Add(d).UTC().Format("2006-01-02 15:04:05") + " UTC" }

// delivery is a GFW SAR file: a detection on each of mSeen, mHidden,
// mAlong, one near mSilent's last fix, one 350 m from mAlong (which
// explains one detection of a scene only: the nearer), and two bad rows.
func delivery(at time.Duration, extra string) []byte {
	var b strings.Builder
	b.WriteString("scene_id,detect_id,detect_timestamp,detect_lat,detect_lon,presence_score,length_m,footprint_wkt\n")
	row := func(id string, lat, lon, score float64) {
		fmt.Fprintf(&b, "%s,%s,%s,%.5f,%.5f,%.2f,120,\"%s\"\n", sceneID, id, csvTime(at), lat, lon, score, sceneWKT)
	}
	row("d-seen", 37.5005, 124.5005, 0.9)
	row("d-hidden", 38.0005, 125.0005, 0.9)
	row("d-silent", 38.5, 125.7, 0.9)
	row("d-along", 37.2010, 125.8010, 0.9)
	row("d-beside", 37.2025, 125.8025, 0.9) // 350 m from mAlong: the dark partner
	fmt.Fprintf(&b, "%s,d-badlat,%s,97.1,124.7,0.5,50,\n", sceneID, csvTime(at))
	fmt.Fprintf(&b, "%s,d-outside,%s,36.0,124.7,0.5,50,\n", sceneID, csvTime(at))
	b.WriteString(extra)
	return []byte(b.String())
}

func open(t *testing.T, dir string) (*store.Store, *Desk) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(Options{Dir: dir, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return st, d
}

func TestTake(t *testing.T) {
	dir := t.TempDir()
	st, desk := open(t, dir)
	if err := st.Append(positions()); err != nil {
		t.Fatal(err)
	}
	feed := Feed{Name: "kor-sar", Bit: detBit, Partner: "KOR"}
	dl := Delivery{Feed: feed, Name: "pass1.csv", Body: delivery(10*time.Hour, ""), Format: "gfw-sar", Clearance: ownFeed | 1<<detBit}
	rep, evs, err := desk.Take(dl)
	if err != nil {
		t.Fatal(err)
	}
	// Seven rows: five used, one latitude out of range, one outside the
	// scene's footprint.
	if rep.Rows != 7 || rep.Used != 5 || rep.Bad != 2 || len(rep.BadRows) != 2 {
		t.Fatalf("report %+v", rep)
	}
	for _, b := range rep.BadRows {
		if b.Rows != 1 || b.FirstLine == 0 || !strings.Contains(b.Reason, "lat") && !strings.Contains(b.Reason, "position") {
			t.Errorf("bad row %+v", b)
		}
	}
	// mSeen and mAlong explain theirs; mHidden's is dark for this owner
	// (it may not see the feed that heard it); so is mSilent's, whose
	// candidate is mSilent, and the one beside mAlong.
	if rep.Matched != 2 || rep.Dark != 3 || rep.DarkVessels != 3 || rep.Scenes != 1 || rep.DarkEncounters != 0 {
		t.Fatalf("report %+v", rep)
	}
	byID := map[string]Detection{}
	desk.Detections(Filter{Clearance: store.AllFeeds}, func(k Detection) bool { byID[k.ID] = k; return true })
	if k := byID["d-seen"]; k.MMSI != mSeen || k.DistanceM > 200 {
		t.Errorf("d-seen kept as %+v", k)
	}
	if k := byID["d-hidden"]; !k.Dark() || k.Event == "" {
		t.Errorf("d-hidden: the owner may not see mHidden, so it is dark: %+v", k)
	}
	if k := byID["d-silent"]; !k.Dark() || !slices.Equal(k.Candidates, []uint32{mSilent}) {
		t.Errorf("d-silent: candidates %v, want mSilent", k.Candidates)
	}
	if k := byID["d-beside"]; !k.Dark() {
		t.Errorf("d-beside: %+v", k)
	}
	if len(evs) != 3 {
		t.Fatalf("%d events", len(evs))
	}
	for _, e := range evs {
		if e.Event.Type != event.DarkVessel || e.Prov.Feeds != 1<<detBit || e.Prov.OtherFeeds != 0 {
			t.Errorf("event %s %+v", e.Event.Type, e.Prov)
		}
	}
	// The events are in the store, for a partner cleared for the feed.
	n := 0
	st.Events(store.EventFilter{Clearance: 1 << detBit}, func(event.Event, store.Provenance) bool { n++; return true })
	if n != 3 {
		t.Errorf("%d events stored", n)
	}

	// A second pass four hours later: mAlong has a dark hull beside it
	// again, a dark encounter (two sightings over 4 h, anchored).
	second := strings.ReplaceAll(string(delivery(14*time.Hour, "")), "d-", "e-")
	rep2, evs2, err := desk.Take(Delivery{Feed: feed, Name: "pass2.csv", Body: []byte(second), Clearance: ownFeed | 1<<detBit})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.DarkEncounters != 1 {
		t.Fatalf("second pass: %+v", rep2)
	}
	var enc *store.EventWithProvenance
	for i := range evs2 {
		if evs2[i].Event.Type == event.DarkEncounter {
			enc = &evs2[i]
		}
	}
	if enc == nil || enc.Event.MMSI != mAlong || enc.Event.Sensor != "sar" || enc.Prov.Feeds != ownFeed || enc.Prov.OtherFeeds != 1<<detBit ||
		enc.Event.End.Sub(enc.Event.Start) != 4*time.Hour {
		t.Fatalf("dark encounter %+v", enc)
	}

	// Filters.
	count := func(f Filter) int {
		n := 0
		desk.Detections(f, func(Detection) bool { n++; return true })
		return n
	}
	if n := count(Filter{Clearance: ownFeed}); n != 0 {
		t.Errorf("a partner not cleared for the detections feed sees %d detections", n)
	}
	nScenes := 0
	desk.Scenes(Filter{Clearance: ownFeed | otherFeed}, func(Scene) bool { nScenes++; return true })
	if nScenes != 0 {
		t.Errorf("a partner not cleared for the detections feed sees %d scenes", nScenes)
	}
	if n := count(Filter{Clearance: 1 << detBit, Status: StatusDark, From: ms(9 * time.Hour), To: ms(11 * time.Hour)}); n != 3 {
		t.Errorf("dark in the first pass: %d", n)
	}
	box := store.BBox{MinLat: 37.4, MinLon: 124.4, MaxLat: 37.6, MaxLon: 124.6}
	if n := count(Filter{Clearance: 1 << detBit, Box: &box}); n != 2 {
		t.Errorf("in the box: %d, want d-seen and e-seen", n)
	}

	// Restart: everything acknowledged is there, and the same bytes are
	// taken once.
	before := count(Filter{Clearance: store.AllFeeds})
	desk.Close()
	st.Close()
	st, desk = open(t, dir)
	defer st.Close()
	defer desk.Close()
	if n := count(Filter{Clearance: store.AllFeeds}); n != before || n != 10 {
		t.Errorf("after a restart %d detections, before %d", n, before)
	}
	again, evs3, err := desk.Take(dl)
	if err != nil || !again.Duplicate || again.Delivery != rep.Delivery || len(evs3) != 0 {
		t.Errorf("the same file again: %+v, %d events, %v", again, len(evs3), err)
	}
	if n := count(Filter{Clearance: store.AllFeeds}); n != 10 {
		t.Errorf("after a duplicate %d detections", n)
	}
	nScenes = 0
	desk.Scenes(Filter{Clearance: 1 << detBit}, func(s Scene) bool {
		nScenes++
		if len(s.Footprint) != 1 || math.Abs(s.Footprint.Bound().Max.Lat()-39) > 1e-9 {
			t.Errorf("scene %+v", s)
		}
		return true
	})
	if nScenes != 1 {
		t.Errorf("%d scenes after a restart", nScenes)
	}
}

// TestTornRecord: a record cut short by a crash is not read, and what
// follows it is written after the last whole one.
func TestTornRecord(t *testing.T) {
	dir := t.TempDir()
	st, desk := open(t, dir)
	defer st.Close()
	feed := Feed{Name: "f", Bit: 1}
	if _, _, err := desk.Take(Delivery{Feed: feed, Name: "a.csv", Body: delivery(time.Hour, ""), Clearance: store.AllFeeds}); err != nil {
		t.Fatal(err)
	}
	desk.Close()
	path := filepath.Join(dir, File)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"key":"f/torn","report":{"delivery":"to`)
	f.Close()
	desk, err = Open(Options{Dir: dir, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := desk.Take(Delivery{Feed: feed, Name: "b.csv", Body: delivery(2*time.Hour, ""), Clearance: store.AllFeeds}); err != nil {
		t.Fatal(err)
	}
	desk.Close()
	desk, err = Open(Options{Dir: dir, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	n := 0
	desk.Detections(Filter{Clearance: store.AllFeeds}, func(Detection) bool { n++; return true })
	if n != 10 {
		t.Errorf("%d detections after a torn record, want both deliveries' 10", n)
	}
}

// TestFormat: a file whose layout is not the feed's is refused whole.
func TestFormat(t *testing.T) {
	st, desk := open(t, t.TempDir())
	defer st.Close()
	defer desk.Close()
	viirs := "id_Key,Date_Mscan,Lon_DNB,Lat_DNB,QF_Detect,File_DNB\nV1,2024/03/05 17:21:43.000,124.6,37.4,1,G1\n"
	_, _, err := desk.Take(Delivery{Feed: Feed{Name: "f"}, Name: "v.csv", Body: []byte(viirs), Format: "gfw-sar", Clearance: store.AllFeeds})
	if !errors.Is(err, ErrBadFile) || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "viirs") {
		t.Errorf("a VIIRS file to a gfw-sar feed: %v", err)
	}
	_, _, err = desk.Take(Delivery{Feed: Feed{Name: "f"}, Name: "x.csv", Body: []byte("a,b\n1,2\n"), Clearance: store.AllFeeds})
	if !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "x.csv") {
		t.Errorf("a file without positions: %v", err)
	}
}
