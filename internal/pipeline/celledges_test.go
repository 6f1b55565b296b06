package pipeline

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/golang/geo/s2"

	"github.com/picket-ais/picket/internal/cell"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
)

// writeCellEdges writes a constructed MarineCadastre CSV (the open
// Atlantic, no ports, no shore within 500 nm) of ships placed for the
// encounter detector split by cell (internal/detect/encountersplit.go):
//
//   - pairs anchored astride the four corners of one S2 cell (each corner
//     shared by three or four cells) and astride the middle of its edges;
//   - two ships drifting together at 1.5 kn for 10 h, across some twenty
//     cells, out of any halo around where they met;
//   - two ships anchored together for 3 h, then one drifts off at 3 kn
//     while the other sails ahead at 9 kn (out of the detector's index)
//     and comes back to it 8 km and several cells away 1.5 h later, where
//     they lie together 3 h more: one encounter, merged across the gap,
//     found again in another cell;
//   - 24 ships anchored in 1.2 km around another cell's corner: some 100
//     pairs over four cells.
//
// It returns the file and the MMSIs of the drifting pair and of the pair
// found again.
func writeCellEdges(t *testing.T, dir string) (path string, drift, again [2]uint32) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 5))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type row struct {
		at       time.Time
		mmsi     int
		lat, lon float64
		sog, cog float64
	}
	var rows []row
	mmsi := 211_000_000
	next := func() int { mmsi++; return mmsi }
	// jitter keeps an anchored ship's positions distinct (the tracker
	// takes a repeated position for a re-delivery).
	jitter := func(lat, lon float64) (float64, float64) {
		return geo.Destination(lat, lon, rng.Float64()*360, 5+rng.Float64()*10)
	}
	// anchored reports a ship at (lat, lon) every 2 min over [from, to).
	anchored := func(m int, lat, lon float64, from, to time.Duration) {
		off := time.Duration(rng.IntN(120)) * time.Second
		for d := from + off; d < to; d += 2 * time.Minute {
			la, lo := jitter(lat, lon)
			rows = append(rows, row{t0.Add(d), m, la, lo, 0.1, float64(rng.IntN(360))})
		}
	}
	// sailing reports a ship from (lat, lon) at kn on cog every 2 min
	// over [from, to) and returns where it ends.
	sailing := func(m int, lat, lon, kn, cog float64, from, to time.Duration) (float64, float64) {
		for d := from; d < to; d += 2 * time.Minute {
			la, lo := geo.Destination(lat, lon, cog, kn*1852*(d-from).Hours())
			rows = append(rows, row{t0.Add(d), m, la, lo, kn, cog})
		}
		return geo.Destination(lat, lon, cog, kn*1852*(to-from).Hours())
	}
	astride := func(lat, lon, bearing, gapM float64, from, to time.Duration) {
		alat, alon := geo.Destination(lat, lon, bearing, gapM/2)
		blat, blon := geo.Destination(lat, lon, bearing+180, gapM/2)
		anchored(next(), alat, alon, from, to)
		anchored(next(), blat, blon, from, to)
	}
	id := cell.Of(20.0, -40.0)
	c := s2.CellFromCellID(s2.CellID(id))
	for k := range 4 {
		v := s2.LatLngFromPoint(c.Vertex(k))
		astride(v.Lat.Degrees(), v.Lng.Degrees(), 45+90*float64(k), 300, 0, 5*time.Hour)
		mid := s2.LatLngFromPoint(s2.Point{Vector: c.Vertex(k).Add(c.Vertex((k + 1) % 4).Vector).Normalize()})
		astride(mid.Lat.Degrees(), mid.Lng.Degrees(), 90*float64(k), 200, time.Hour, 6*time.Hour)
	}
	// Drifting together across cells.
	a, b := next(), next()
	dlat, dlon := 20.05, -40.05
	sailing(a, dlat, dlon, 1.5, 90, 0, 10*time.Hour)
	blat, blon := geo.Destination(dlat, dlon, 0, 200)
	sailing(b, blat, blon, 1.5, 90, 30*time.Second, 10*time.Hour+30*time.Second)
	// Met, parted, found again elsewhere.
	cm, dm := next(), next()
	plat, plon := 19.95, -39.9
	anchored(cm, plat, plon, 0, 3*time.Hour)
	qlat, qlon := geo.Destination(plat, plon, 90, 150)
	anchored(dm, qlat, qlon, 0, 3*time.Hour)
	clat, clon := sailing(cm, plat, plon, 3, 90, 3*time.Hour, 4*time.Hour+30*time.Minute)
	xlat, xlon := sailing(dm, qlat, qlon, 9, 90, 3*time.Hour, 4*time.Hour)
	sailing(dm, xlat, xlon, 9, 270, 4*time.Hour, 4*time.Hour+30*time.Minute)
	anchored(cm, clat, clon, 4*time.Hour+30*time.Minute, 7*time.Hour+30*time.Minute)
	rlat, rlon := geo.Destination(clat, clon, 200, 180)
	anchored(dm, rlat, rlon, 4*time.Hour+30*time.Minute, 7*time.Hour+30*time.Minute)
	if cell.Of(plat, plon) == cell.Of(clat, clon) {
		t.Fatal("the pair is found again in the cell it met in: move it further")
	}
	// A crowd around another cell's corner.
	v := s2.LatLngFromPoint(s2.CellFromCellID(s2.CellID(cell.Of(20.2, -40.2))).Vertex(0))
	for range 24 {
		la, lo := geo.Destination(v.Lat.Degrees(), v.Lng.Degrees(), rng.Float64()*360, rng.Float64()*600)
		anchored(next(), la, lo, 0, 6*time.Hour)
	}
	slices.SortStableFunc(rows, func(x, y row) int { return x.at.Compare(y.at) })
	path = filepath.Join(dir, "celledges.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass")
	for _, r := range rows {
		fmt.Fprintf(w, "%d,%s,%.6f,%.6f,%.1f,%.1f,511,SHIP %d,,,70,0,120,20,8,70,A\n", r.mmsi, r.at.Format("2006-01-02T15:04:05"), r.lat, r.lon, r.sog, r.cog, r.mmsi)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, [2]uint32{uint32(a), uint32(b)}, [2]uint32{uint32(cm), uint32(dm)}
}

// checkCellEdges checks that the constructed case holds what it is made
// for: the drifting pair's one encounter of some 10 h, and one encounter
// of the pair found again, merged across its vessel's absence.
func checkCellEdges(t *testing.T, evs []event.Event, drift, again [2]uint32) {
	t.Helper()
	span := func(p [2]uint32) (n int, hours float64) {
		for _, e := range evs {
			if e.Type == event.Encounter && e.MMSI == p[0] && e.OtherMMSI == p[1] {
				n++
				hours = e.End.Sub(e.Start).Hours()
			}
		}
		return n, hours
	}
	if n, h := span(drift); n != 1 || h < 9 {
		t.Errorf("drifting pair %v: %d encounters, the last %.1f h; want one of about 10 h", drift, n, h)
	}
	if n, h := span(again); n != 1 || h < 7 {
		t.Errorf("pair found again %v: %d encounters, the last %.1f h; want one of about 7.5 h", again, n, h)
	}
}
