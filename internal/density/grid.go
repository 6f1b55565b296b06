package density

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Cell is one non-empty cell of a grid.
type Cell struct {
	// Lon and Lat are the cell's south-west corner, in degrees.
	Lon, Lat float64
	// VesselHours is the number of distinct (vessel, UTC hour) pairs with
	// a position in the cell.
	VesselHours int
	// Vessels is the number of distinct vessels with a position in it.
	Vessels int
	// Positions is the number of positions in it.
	Positions int
	// ByHour is VesselHours by the UTC hour of day (0 to 23) of each
	// hour counted: the cell's traffic at each time of day over the
	// window, so that a vessel where traffic seldom goes at that hour
	// stands out even where it often goes at another.
	ByHour [24]int
}

// Box is an area in degrees; MinLon > MaxLon crosses the antimeridian.
type Box struct {
	MinLat, MinLon, MaxLat, MaxLon float64
}

// Grid counts positions in square cells of Size degrees aligned on
// (-180, -90), so that the same cell has the same corner whatever box is
// asked for.
type Grid struct {
	Size  float64
	box   Box
	cells map[uint64]*count
	// last is, per cell, the last vessel and hour counted in it.
	last map[uint64]vesselHour
	seen map[uint64]uint32 // per cell, the last vessel counted in Vessels
}

type count struct {
	hours, vessels, positions int
	byHour                    [24]int
}

type vesselHour struct {
	mmsi uint32
	hour int64
}

// NewGrid returns an empty grid of cells of size degrees over box. size
// must be from 0.001 to 10 degrees. Only non-empty cells take memory.
func NewGrid(size float64, box Box) (*Grid, error) {
	if !(size >= 0.001 && size <= 10) {
		return nil, fmt.Errorf("density: cell size %g: want 0.001 to 10 degrees", size)
	}
	if !(box.MinLat >= -90 && box.MaxLat <= 90 && box.MinLat <= box.MaxLat &&
		box.MinLon >= -180 && box.MinLon <= 180 && box.MaxLon >= -180 && box.MaxLon <= 180) {
		return nil, fmt.Errorf("density: box %+v is not within -180..180, -90..90", box)
	}
	return &Grid{Size: size, box: box, cells: map[uint64]*count{}, last: map[uint64]vesselHour{}, seen: map[uint64]uint32{}}, nil
}

func (g *Grid) inBox(lat, lon float64) bool {
	b := g.box
	if lat < b.MinLat || lat > b.MaxLat {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return lon >= b.MinLon && lon <= b.MaxLon
	}
	return lon >= b.MinLon || lon <= b.MaxLon
}

func (g *Grid) key(lat, lon float64) uint64 {
	nx := int64(math.Ceil(360 / g.Size))
	ny := int64(math.Ceil(180 / g.Size))
	x := min(int64(math.Floor((lon+180)/g.Size)), nx-1)
	y := min(int64(math.Floor((lat+90)/g.Size)), ny-1)
	return uint64(x)<<32 | uint64(y)
}

// Add counts a position of vessel mmsi at time t (Unix ms). A vessel's
// positions must come together (all of one vessel, then the next), as a
// track reads them; positions outside the box, or not a place on Earth,
// are left out and reported false.
func (g *Grid) Add(mmsi uint32, t int64, lat, lon float64) bool {
	if math.IsNaN(lat) || math.IsNaN(lon) || !g.inBox(lat, lon) {
		return false
	}
	k := g.key(lat, lon)
	c := g.cells[k]
	if c == nil {
		c = &count{}
		g.cells[k] = c
	}
	c.positions++
	hour := floorDiv(t, 3_600_000)
	vh := vesselHour{mmsi, hour}
	if l, ok := g.last[k]; !ok || l != vh {
		// Positions of one vessel come in time order, so an hour seen
		// before in this cell is the one just counted.
		c.hours++
		c.byHour[hour-24*floorDiv(hour, 24)]++
		g.last[k] = vh
	}
	if v, ok := g.seen[k]; !ok || v != mmsi {
		c.vessels++
		g.seen[k] = mmsi
	}
	return true
}

// Cells returns the non-empty cells, west to east then south to north.
func (g *Grid) Cells() []Cell {
	keys := make([]uint64, 0, len(g.cells))
	for k := range g.cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	out := make([]Cell, 0, len(keys))
	for _, k := range keys {
		c := g.cells[k]
		x, y := float64(k>>32), float64(uint32(k))
		out = append(out, Cell{Lon: round9(x*g.Size - 180), Lat: round9(y*g.Size - 90), VesselHours: c.hours, Vessels: c.vessels, Positions: c.positions, ByHour: c.byHour})
	}
	return out
}

// floorDiv is a / b rounded down (b > 0): the hour of a time before 1970
// is the one it falls in, not the next.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a < 0 && a%b != 0 {
		q--
	}
	return q
}

// round9 takes the float noise of x*size off a corner (0.1*1301-180 is
// not 130.1 exactly).
func round9(v float64) float64 { return math.Round(v*1e9) / 1e9 }
