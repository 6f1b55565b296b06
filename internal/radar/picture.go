package radar

import "math"

// Fix is an AIS vessel's latest position as a live picture holds it.
type Fix struct {
	MMSI     uint32
	Time     int64 // Unix ms
	Lat, Lon float64
	// SOG (knots) and COG (degrees) as reported; NaN when not.
	SOG, COG float64
	// Feeds are the provenance bits of the feeds that heard it.
	Feeds uint64
	hist  []histFix // the last hour of fixes, oldest first, the latest included
}

// at carries the fix to time t at its reported speed and course (it
// stays put without them).
func (f *Fix) at(t int64) (lat, lon float64) {
	if math.IsNaN(f.SOG) || math.IsNaN(f.COG) || f.SOG == 0 || t == f.Time {
		return f.Lat, f.Lon
	}
	d := f.SOG * 1852 / 3600 * float64(t-f.Time) / 1000
	// Metres to degrees locally: over the minutes a fix is carried, the
	// flat approximation is metres off at most.
	rad := f.COG * math.Pi / 180
	lat = f.Lat + d*math.Cos(rad)/111_320
	lon = f.Lon + d*math.Sin(rad)/(111_320*math.Max(0.01, math.Cos(f.Lat*math.Pi/180)))
	return lat, lon
}

// histMs and histMax bound the recent fixes a picture keeps of each
// vessel, to place it at a plot's time when the radar's output comes a
// little behind or ahead of the AIS: an hour, at most 64 fixes.
const (
	histMs  = 3_600_000
	histMax = 64
)

// place returns where the vessel was at t: interpolated between the
// recent fixes around t, or carried from the nearest within win (ms) at
// its speed and course; ok false when no fix is that near.
func (f *Fix) place(t, win int64) (lat, lon float64, ok bool) {
	h := f.hist
	// Most plots are near the latest fix.
	if len(h) == 0 || t >= f.Time {
		if t-f.Time > win {
			return 0, 0, false
		}
		lat, lon = f.at(t)
		return lat, lon, true
	}
	i := len(h) - 1
	for i > 0 && h[i-1].time > t {
		i--
	}
	b := h[i]
	if i == 0 || h[i-1].time > t {
		if b.time-t > win {
			return 0, 0, false
		}
		return b.lat, b.lon, true
	}
	a := h[i-1]
	if t-a.time > win && b.time-t > win && b.time-a.time > histMs/2 {
		return 0, 0, false
	}
	x := float64(t-a.time) / float64(max(1, b.time-a.time))
	return a.lat + x*(b.lat-a.lat), a.lon + x*(b.lon-a.lon), true
}

type histFix struct {
	time     int64
	lat, lon float64
}

// cellDeg is the size of the picture's grid cells: a vessel near a plot
// is in the plot's cell or one of its eight neighbours, as long as the
// tolerance plus what it may have sailed since its fix stays under a
// cell (0.1 degree: 11 km of latitude).
const cellDeg = 0.1

type cell [2]int32

func cellOf(lat, lon float64) cell {
	return cell{int32(math.Floor(lat / cellDeg)), int32(math.Floor(lon / cellDeg))}
}

// Picture is the live AIS picture a radar's plots are matched against:
// every vessel's latest fix, indexed by grid cell. It is not safe for
// concurrent use.
type Picture struct {
	fixes map[uint32]*Fix
	cells map[cell][]*Fix
}

// NewPicture returns an empty picture.
func NewPicture() *Picture {
	return &Picture{fixes: map[uint32]*Fix{}, cells: map[cell][]*Fix{}}
}

// Len is the number of vessels in the picture.
func (p *Picture) Len() int { return len(p.fixes) }

// Update takes a vessel's new fix (an older one than it has is ignored).
func (p *Picture) Update(f Fix) {
	old := p.fixes[f.MMSI]
	if old != nil {
		if f.Time < old.Time {
			return
		}
		h := append(old.hist, histFix{f.Time, f.Lat, f.Lon})
		k := 0
		for k < len(h)-1 && (f.Time-h[k].time > histMs || len(h)-k > histMax) {
			k++
		}
		if k > 0 {
			h = append(h[:0], h[k:]...)
		}
		f.hist = h
		if c := cellOf(old.Lat, old.Lon); c != cellOf(f.Lat, f.Lon) {
			p.remove(c, old)
			*old = f
			p.cells[cellOf(f.Lat, f.Lon)] = append(p.cells[cellOf(f.Lat, f.Lon)], old)
			return
		}
		*old = f
		return
	}
	f.hist = []histFix{{f.Time, f.Lat, f.Lon}}
	nf := &f
	p.fixes[f.MMSI] = nf
	c := cellOf(f.Lat, f.Lon)
	p.cells[c] = append(p.cells[c], nf)
}

func (p *Picture) remove(c cell, f *Fix) {
	l := p.cells[c]
	for i, x := range l {
		if x == f {
			l[i] = l[len(l)-1]
			l = l[:len(l)-1]
			break
		}
	}
	if len(l) == 0 {
		delete(p.cells, c)
	} else {
		p.cells[c] = l
	}
}

// Near calls fn with every vessel whose fix is in the cell of (lat, lon)
// or one around it.
func (p *Picture) Near(lat, lon float64, fn func(*Fix)) {
	c := cellOf(lat, lon)
	for dy := int32(-1); dy <= 1; dy++ {
		for dx := int32(-1); dx <= 1; dx++ {
			for _, f := range p.cells[cell{c[0] + dy, c[1] + dx}] {
				fn(f)
			}
		}
	}
}

// Each calls fn with every vessel's fix.
func (p *Picture) Each(fn func(*Fix)) {
	for _, f := range p.fixes {
		fn(f)
	}
}

// Forget drops the vessels last heard before t (Unix ms).
func (p *Picture) Forget(t int64) {
	for m, f := range p.fixes {
		if f.Time < t {
			p.remove(cellOf(f.Lat, f.Lon), f)
			delete(p.fixes, m)
		}
	}
}
