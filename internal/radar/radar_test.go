package radar

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/nmea"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli()

func clock(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	return fmt.Sprintf("%02d%02d%05.2f", t.Hour(), t.Minute(), float64(t.Second())+float64(t.Nanosecond())/1e9)
}

func dm(deg float64, digits int, pos, neg string) string {
	h := pos
	if deg < 0 {
		h, deg = neg, -deg
	}
	d := math.Floor(deg)
	return fmt.Sprintf("%0*d%08.5f,%s", digits, int(d), (deg-d)*60, h)
}

func rmc(ms int64, lat, lon, kn, course float64) string {
	t := time.UnixMilli(ms).UTC()
	return nmea.Checksummed(fmt.Sprintf("GPRMC,%s,A,%s,%s,%.1f,%.1f,%02d%02d%02d,,,A", clock(ms), dm(lat, 2, "N", "S"), dm(lon, 3, "E", "W"), kn, course, t.Day(), t.Month(), t.Year()%100))
}

func ttm(n int, ms int64, rangeNM, bearing float64, ref string, kn, course float64, status string) string {
	return nmea.Checksummed(fmt.Sprintf("RATTM,%02d,%.3f,%.1f,%s,%.1f,%.1f,T,,,N,,%s,,%s,A", n, rangeNM, bearing, ref, kn, course, status, clock(ms)))
}

func tll(n int, ms int64, lat, lon float64, status string) string {
	return nmea.Checksummed(fmt.Sprintf("RATLL,%02d,%s,%s,,%s,%s,", n, dm(lat, 2, "N", "S"), dm(lon, 3, "E", "W"), clock(ms), status))
}

func read(opts Options, lines []string) *Reader {
	r := NewReader(opts)
	for _, l := range lines {
		r.Line([]byte(l))
	}
	return r
}

// A radar on a ship under way: TTM ranges and bearings are placed from
// the ship's fix carried on to the report's time; a TLL of the same
// update refines the plot; a lost target ends its track; a number reused
// after TrackGap is a new track; every line is counted.
func TestReaderOnAShip(t *testing.T) {
	own := [2]float64{35, 125}
	var lines []string
	lines = append(lines, "$RATTM,01,1.0,090.0,T,10.0,000.0,T,,,N,,T,,,A*00") // before any date: bad checksum
	lines = append(lines, ttm(1, t0, 1, 90, "T", 10, 0, "T"))                 // before any fix
	for s := int64(0); s <= 120; s += 10 {
		ms := t0 + s*1000
		la, lo := geo.Destination(own[0], own[1], 0, geo.KnotsToMetresPerSecond(12)*float64(s))
		lines = append(lines, rmc(ms, la, lo, 12, 0))
		lines = append(lines, ttm(1, ms+500, 2, 90, "T", 10, 0, "T"))
	}
	// The ship's heading 0: relative 90 is true 90.
	lines = append(lines, ttm(2, t0+120_000, 3, 90, "R", 5, 180, "T"))
	la, lo := geo.Destination(own[0], own[1], 45, 4000)
	lines = append(lines, tll(2, t0+120_400, la, lo, "T"))
	lines = append(lines, ttm(1, t0+125_000, 2, 90, "T", 10, 0, "L"))
	lines = append(lines, ttm(2, t0+125_000+6*60_000, 3, 90, "R", 5, 180, "T")) // fix too old
	lines = append(lines, "garbage", "", "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26")
	r := read(Options{Feed: "bridge"}, lines)
	if r.Total() != int64(len(lines)) {
		t.Fatalf("%d lines counted of %d: %v", r.Total(), len(lines), r.Lines)
	}
	want := map[string]int64{BadChecksum: 1, NoTime: 1, NoOwnPosition: 1, OwnPosition: 13, Used: 15, Lost: 1, NotRadar: 2, Blank: 1}
	for k, v := range want {
		if r.Lines[k] != v {
			t.Errorf("%s: %d lines, want %d (%v)", k, r.Lines[k], v, r.Lines)
		}
	}
	tracks := r.Tracks()
	if len(tracks) != 2 {
		t.Fatalf("%d tracks, want 2: %+v", len(tracks), tracks)
	}
	a := tracks[0]
	if a.ID != "bridge/1/1" || len(a.Plots) != 13 {
		t.Fatalf("track 1: %s with %d plots", a.ID, len(a.Plots))
	}
	for i, p := range a.Plots {
		s := float64(i * 10)
		la, lo := geo.Destination(own[0], own[1], 0, geo.KnotsToMetresPerSecond(12)*(s+0.5))
		wla, wlo := geo.Destination(la, lo, 90, 2*1852)
		if d := geo.Distance(p.Lat, p.Lon, wla, wlo); d > 5 || p.Time != t0+int64(s)*1000+500 || p.SpeedKn != 10 {
			t.Errorf("plot %d: %+v, %.1f m from where it is", i, p, d)
		}
	}
	b := tracks[1]
	if len(b.Plots) != 1 || geo.Distance(b.Plots[0].Lat, b.Plots[0].Lon, la, lo) > 2 || b.Plots[0].Course != 180 {
		t.Errorf("track 2 (TTM refined by TLL): %+v", b.Plots)
	}
}

// A coast station: ranges and bearings from its site; its own GPS
// sentences, if any, are counted and not used; no date, no plots.
func TestReaderFixedSite(t *testing.T) {
	site := [2]float64{37.5, 126.5}
	r := read(Options{Feed: "coast", Site: site, HasSite: true}, []string{
		ttm(5, t0, 4, 270, "T", 8, 100, "T"),
	})
	if r.Lines[NoTime] != 1 {
		t.Errorf("no date: %v", r.Lines)
	}
	day := time.UnixMilli(t0).UTC()
	zda := nmea.Checksummed(fmt.Sprintf("GPZDA,%s,%02d,%02d,%d,00,00", clock(t0), day.Day(), day.Month(), day.Year()))
	r = read(Options{Feed: "coast", Site: site, HasSite: true}, []string{
		zda, rmc(t0, 10, 10, 0, 0), ttm(5, t0+3000, 4, 270, "T", 8, 100, "T"), ttm(5, t0+6000, 4, 270, "R", 8, 100, "T"),
	})
	tr := r.Tracks()
	wla, wlo := geo.Destination(site[0], site[1], 270, 4*1852)
	if len(tr) != 1 || len(tr[0].Plots) != 1 || geo.Distance(tr[0].Plots[0].Lat, tr[0].Plots[0].Lon, wla, wlo) > 1 || tr[0].Plots[0].Time != t0+3000 {
		t.Fatalf("tracks %+v", tr)
	}
	if r.Lines[SiteFixed] != 1 || r.Lines[NoHeading] != 1 {
		t.Errorf("lines %v: want the RMC ignored and the relative bearing without heading counted", r.Lines)
	}
}

// sailing is an AIS track heading east at kn knots from (lat, lon) at t0,
// a fix every 30 s from `from` to `to` minutes.
func sailing(mmsi uint32, lat, lon, kn float64, from, to int64) detection.Track {
	tr := detection.Track{MMSI: mmsi}
	for s := from * 60; s <= to*60; s += 30 {
		la, lo := geo.Destination(lat, lon, 90, geo.KnotsToMetresPerSecond(kn)*float64(s))
		tr.Times = append(tr.Times, t0+s*1000)
		tr.Lat = append(tr.Lat, la)
		tr.Lon = append(tr.Lon, lo)
	}
	return tr
}

// radarTrack follows a vessel heading east at kn from (lat, lon), offset
// by off metres to the north, a plot every 3 s for `mins` minutes.
func radarTrack(id string, lat, lon, kn, off float64, mins int64) Track {
	tr := Track{ID: id, Feed: "coast"}
	for s := int64(0); s <= mins*60; s += 3 {
		la, lo := geo.Destination(lat, lon, 90, geo.KnotsToMetresPerSecond(kn)*float64(s))
		la, lo = geo.Destination(la, lo, 0, off)
		tr.Plots = append(tr.Plots, Plot{Time: t0 + s*1000, Lat: la, Lon: lo, SpeedKn: kn, Course: 90})
	}
	return tr
}

// A track that follows an AIS vessel is that vessel; of two hulls side by
// side, only the nearer takes its identity (one AIS vessel per sweep);
// a track far from any AIS is dark, with the vessel silent nearby as a
// candidate.
func TestCorrelateTracks(t *testing.T) {
	ais := []detection.Track{
		sailing(111, 35, 125, 1, -30, 240),
		sailing(222, 35.2, 125, 10, -30, 240),
		sailing(333, 35.5, 125, 10, -300, -120), // silent since two hours before
	}
	tracks := []Track{
		radarTrack("coast/1/1", 35, 125, 1, 100, 180),    // 111, 100 m off
		radarTrack("coast/2/1", 35, 125, 1, 250, 180),    // alongside 111: dark
		radarTrack("coast/3/1", 35.2, 125, 10, -200, 60), // 222
		radarTrack("coast/4/1", 35.6, 124.8, 2, 0, 30),   // nobody; 333 could be it
	}
	m := Correlate(tracks, ais, CorrelateOptions{})
	want := []uint32{111, 0, 222, 0}
	for k := range m {
		if m[k].MMSI != want[k] {
			t.Errorf("track %s: %+v, want MMSI %d", tracks[k].ID, m[k], want[k])
		}
	}
	if m[0].Share < 0.9 || m[0].DistanceM > 150 || m[0].Samples != 181 {
		t.Errorf("match of track 1: %+v", m[0])
	}
	if len(m[3].Candidates) != 1 || m[3].Candidates[0].MMSI != 333 || len(m[1].Candidates) != 0 {
		t.Errorf("candidates: %+v / %+v", m[3].Candidates, m[1].Candidates)
	}
	evs := DarkVessels(tracks, m)
	if len(evs) != 2 || evs[0].Sensor != "radar" || evs[0].Scene != "coast/2/1" || evs[1].Candidates[0] != 333 || evs[0].MMSI != 0 {
		t.Fatalf("dark_vessel events %+v", evs)
	}
	if evs[0].End.Sub(evs[0].Start) != 3*time.Hour || evs[0].Confidence != 0.95 || !strings.Contains(evs[0].Summary, "coast/2/1") {
		t.Errorf("first event %+v", evs[0])
	}
	// The dark hull 250 m from 111 for three hours at 1 kn is a dark
	// encounter; the dark one far away is alongside nobody.
	enc := detection.DarkEncounters(Darks(tracks, m, 0), ais, detection.EncounterOptions{}, detection.Options{})
	if len(enc) != 1 || enc[0].Type != event.DarkEncounter || enc[0].MMSI != 111 || enc[0].Scene != "coast/2/1" || enc[0].Sensor != "radar" {
		t.Fatalf("dark encounters %+v", enc)
	}
	if d := enc[0].Details["median_distance_m"]; d < 200 || d > 300 || enc[0].Duration() != 3*time.Hour || len(enc[0].Evidence) != 4 {
		t.Errorf("dark encounter %+v", enc[0])
	}
}
