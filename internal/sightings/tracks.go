package sightings

import (
	"math"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/store"
)

// picture is the AIS a delivery is correlated against: the tracks of the
// vessels the owner may see, with the feeds of each fix.
type picture struct {
	tracks []detection.Track
	bits   [][]uint64 // parallel to each track's fixes
}

// feeds is the provenance of an AIS vessel over [from, to] (Unix ms): the
// feeds that heard the fixes the owner sees of it then, or around then
// when none falls inside (a satellite pass between two fixes).
func (p *picture) feeds(mmsi uint32, from, to int64) uint64 {
	var f, near uint64
	for k := range p.tracks {
		tr := &p.tracks[k]
		if tr.MMSI != mmsi {
			continue
		}
		for i, t := range tr.Times {
			if t >= from && t <= to {
				f |= p.bits[k][i]
			}
			if t >= from-3_600_000 && t <= to+3_600_000 {
				near |= p.bits[k][i]
			}
		}
	}
	if f == 0 {
		return near
	}
	return f
}

// readTracks reads, from the store, the positions the clearance sees in
// [from, to) inside box, one track per vessel.
func readTracks(st *store.Store, clearance uint64, box store.BBox, from, to int64) (*picture, error) {
	var mmsis []uint32
	world := store.BBox{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}
	if err := st.LatestFor(world, from, clearance, func(p store.Position) bool {
		mmsis = append(mmsis, p.MMSI)
		return true
	}); err != nil {
		return nil, err
	}
	pic := &picture{}
	cur := -1
	err := st.Tracks(mmsis, from, to, func(p store.Position) bool {
		if p.Feeds&clearance == 0 || !box.Contains(p.Lat, p.Lon) {
			return true
		}
		if cur < 0 || pic.tracks[cur].MMSI != p.MMSI {
			pic.tracks = append(pic.tracks, detection.Track{MMSI: p.MMSI})
			pic.bits = append(pic.bits, nil)
			cur = len(pic.tracks) - 1
		}
		tr := &pic.tracks[cur]
		if n := len(tr.Times); n > 0 && tr.Times[n-1] == p.Time {
			return true // one fix a time: the correlator interpolates between distinct times
		}
		tr.Times = append(tr.Times, p.Time)
		tr.Lat = append(tr.Lat, p.Lat)
		tr.Lon = append(tr.Lon, p.Lon)
		pic.bits[cur] = append(pic.bits[cur], p.Feeds&clearance)
		return true
	})
	return pic, err
}

// boxOf is the area of the detections.
func boxOf(sets ...[]detection.Detection) store.BBox {
	b := store.BBox{MinLat: 90, MinLon: 180, MaxLat: -90, MaxLon: -180}
	for _, s := range sets {
		for _, d := range s {
			b.MinLat, b.MaxLat = math.Min(b.MinLat, d.Lat), math.Max(b.MaxLat, d.Lat)
			b.MinLon, b.MaxLon = math.Min(b.MinLon, d.Lon), math.Max(b.MaxLon, d.Lon)
		}
	}
	return b
}

// widen grows b by how far a vessel silent for MaxOpenGap may have sailed
// at MaxSpeedKn (its last fix may be that far from a detection it is a
// candidate for), plus the tolerance; a box that would cross the
// antimeridian or a pole takes every longitude.
func widen(b store.BBox, o detection.Options) store.BBox {
	reach := o.MaxSpeedKn*1852*o.MaxOpenGap.Hours() + o.ToleranceM
	dlat := reach/111_320 + 0.1
	b.MinLat, b.MaxLat = math.Max(-90, b.MinLat-dlat), math.Min(90, b.MaxLat+dlat)
	c := math.Cos(math.Max(math.Abs(b.MinLat), math.Abs(b.MaxLat)) * math.Pi / 180)
	if c < 0.05 {
		b.MinLon, b.MaxLon = -180, 180
		return b
	}
	dlon := dlat / c
	b.MinLon, b.MaxLon = b.MinLon-dlon, b.MaxLon+dlon
	if b.MinLon < -180 || b.MaxLon > 180 {
		b.MinLon, b.MaxLon = -180, 180
	}
	return b
}
