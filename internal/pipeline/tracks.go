package pipeline

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/track"
)

// Tracks keeps every tracked fix of a batch run by segment (one
// transmitter of an MMSI), so that an investigator can open the tracks
// next to the events they explain (WriteGeoJSON). It costs 24 bytes a
// fix: `picket analyze` keeps it only when asked (--tracks).
type Tracks struct {
	segs map[*track.Segment]*segTrack
}

type segTrack struct {
	mmsi     uint32
	n        int
	times    []int64 // Unix ms
	lat, lon []float64
}

// NewTracks returns an empty track log.
func NewTracks() *Tracks { return &Tracks{segs: make(map[*track.Segment]*segTrack)} }

// Add records a tracked position (an ingest.Options.Tracked hook).
func (t *Tracks) Add(u *track.Update) {
	s := t.segs[u.Segment]
	if s == nil {
		s = &segTrack{mmsi: u.Segment.MMSI, n: u.Segment.N}
		t.segs[u.Segment] = s
	}
	s.times = append(s.times, u.Fix.Time)
	s.lat = append(s.lat, u.Fix.Lat)
	s.lon = append(s.lon, u.Fix.Lon)
}

// WriteGeoJSON writes the tracks as a GeoJSON FeatureCollection: a
// LineString per segment (a Point for a segment of one fix), in MMSI then
// segment order, with the segment's id as events name it ("mmsi-n"), its
// first and last time, its number of fixes, and "times", the Unix second
// of each vertex, so that a GIS can play the track in time.
func (t *Tracks) WriteGeoJSON(w io.Writer) error {
	segs := make([]*segTrack, 0, len(t.segs))
	for _, s := range t.segs {
		segs = append(segs, s)
	}
	slices.SortFunc(segs, func(a, b *segTrack) int {
		if a.mmsi != b.mmsi {
			return int(int64(a.mmsi) - int64(b.mmsi))
		}
		return a.n - b.n
	})
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	var b []byte
	for i, s := range segs {
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n"+`{"type":"Feature","geometry":{"type":`...)
		coord := func(k int) {
			b = append(b, '[')
			b = strconv.AppendFloat(b, s.lon[k], 'f', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, s.lat[k], 'f', -1, 64)
			b = append(b, ']')
		}
		if len(s.times) == 1 {
			b = append(b, `"Point","coordinates":`...)
			coord(0)
		} else {
			b = append(b, `"LineString","coordinates":[`...)
			for k := range s.times {
				if k > 0 {
					b = append(b, ',')
				}
				coord(k)
			}
			b = append(b, ']')
		}
		b = append(b, `},"properties":{"mmsi":`...)
		b = strconv.AppendUint(b, uint64(s.mmsi), 10)
		b = append(b, `,"segment":"`...)
		b = strconv.AppendUint(b, uint64(s.mmsi), 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(s.n), 10)
		b = append(b, `","start":"`...)
		b = time.UnixMilli(s.times[0]).UTC().AppendFormat(b, time.RFC3339)
		b = append(b, `","end":"`...)
		b = time.UnixMilli(s.times[len(s.times)-1]).UTC().AppendFormat(b, time.RFC3339)
		b = append(b, `","fixes":`...)
		b = strconv.AppendInt(b, int64(len(s.times)), 10)
		b = append(b, `,"times":[`...)
		for k, tm := range s.times {
			if k > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, tm/1000, 10)
		}
		b = append(b, "]}}"...)
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// Points calls fn with each segment's MMSI and its fixes' times (Unix
// ms) and positions, in MMSI then segment order: what the track exports
// need (export.Track), without this package knowing their formats.
func (t *Tracks) Points(fn func(mmsi uint32, times []int64, lat, lon []float64)) {
	segs := make([]*segTrack, 0, len(t.segs))
	for _, s := range t.segs {
		segs = append(segs, s)
	}
	slices.SortFunc(segs, func(a, b *segTrack) int {
		if a.mmsi != b.mmsi {
			return int(int64(a.mmsi) - int64(b.mmsi))
		}
		return a.n - b.n
	})
	for _, s := range segs {
		fn(s.mmsi, s.times, s.lat, s.lon)
	}
}
