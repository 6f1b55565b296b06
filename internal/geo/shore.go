package geo

import (
	"bytes"
	"compress/flate"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

//go:generate go run ./internal/shoregen -in testdata/land-10m.json.gz -out shore.grid

// shoreGrid is written by internal/shoregen. Layout: the 8-byte magic "PKSHORE1", rows per
// degree of latitude (uint16, little endian), units per nautical mile (byte) and the stored
// value of the coastline (byte); then a raw DEFLATE stream of every node, row by row from
// the south pole, each byte minus its prediction (see predict). Node values are signed
// distances: value = offset + units × nautical miles, clamped to 0..255.
//
//go:embed shore.grid
var shoreGrid []byte

const shoreMagic = "PKSHORE1"

const (
	// MaxShoreDistance is the largest distance DistanceToShore reports: 100 nautical miles.
	// Farther out the answer is exactly this value, meaning "at least 100 nm".
	MaxShoreDistance = 100 * MetresPerNauticalMile
	// MinShoreDistance is the most negative answer, for points at least 5 nautical miles
	// inland. The grid stores a little depth inside land so that values interpolate
	// smoothly across the coastline.
	MinShoreDistance = -5 * MetresPerNauticalMile
)

// Shore answers distance-to-coastline questions from a precomputed grid of Natural Earth
// 1:10m land. A Shore is immutable and safe for concurrent use.
type Shore struct {
	res    float64 // rows per degree of latitude
	unitM  float64 // metres per stored unit
	offset float64 // stored value of a node on the coastline
	cols   []int32 // nodes in each row
	first  []int32 // index in blocks of each row's first block
	blocks []uint32
	data   []byte
}

// A row is cut into blocks of blockLen nodes. A block whose nodes all hold one value (open
// ocean, deep inland: three quarters of them) is stored in its blocks entry as
// uniformBit|value; any other block's entry is the offset of its nodes in data.
const (
	blockShift = 5
	blockLen   = 1 << blockShift
	uniformBit = 1 << 31
)

var defaultShore = sync.OnceValue(func() *Shore {
	s, err := decodeShore(shoreGrid)
	if err != nil {
		panic(err) // the embedded grid is a build artefact that the tests decode
	}
	return s
})

// DefaultShore returns the Shore built from the embedded grid. The grid is decoded on the
// first call (0.15-0.3 s, 14 MB) and shared afterwards.
func DefaultShore() *Shore { return defaultShore() }

func decodeShore(b []byte) (*Shore, error) {
	if len(b) < 12 || string(b[:8]) != shoreMagic {
		return nil, errors.New("geo: shore grid: bad header")
	}
	res := int(binary.LittleEndian.Uint16(b[8:]))
	unitsPerNM, offset := b[10], b[11]
	if res == 0 || unitsPerNM == 0 {
		return nil, errors.New("geo: shore grid: bad header")
	}
	s := &Shore{
		res:    float64(res),
		unitM:  MetresPerNauticalMile / float64(unitsPerNM),
		offset: float64(offset),
		cols:   make([]int32, 180*res+1),
		first:  make([]int32, 180*res+1),
	}
	zr := flate.NewReader(bytes.NewReader(b[12:]))
	defer zr.Close()
	nodes, nblocks := 0, 0
	for i := range s.cols {
		s.cols[i] = int32(rowCols(res, i))
		nodes += int(s.cols[i])
		nblocks += (int(s.cols[i]) + blockLen - 1) / blockLen
	}
	s.blocks = make([]uint32, 0, nblocks)
	// A quarter of the nodes lie in mixed blocks (coastal waters and a rim inland); sizing
	// data for that once saves ~40 MB of append regrowth while decoding.
	s.data = make([]byte, 0, nodes*27/100)
	prev, row := make([]byte, 0, 360*res), make([]byte, 0, 360*res)
	for i := range s.cols {
		n := int(s.cols[i])
		s.first[i] = int32(len(s.blocks))
		row = row[:n]
		if _, err := io.ReadFull(zr, row); err != nil {
			return nil, fmt.Errorf("geo: shore grid: row %d: %w", i, err)
		}
		unpredict(prev, row)
		for k := 0; k < n; k += blockLen {
			blk := row[k:min(k+blockLen, n)]
			if uniform(blk) {
				s.blocks = append(s.blocks, uniformBit|uint32(blk[0]))
				continue
			}
			s.blocks = append(s.blocks, uint32(len(s.data)))
			s.data = append(s.data, blk...)
		}
		prev, row = row, prev
	}
	if n, _ := zr.Read(make([]byte, 1)); n != 0 {
		return nil, errors.New("geo: shore grid: trailing data")
	}
	return s, nil
}

func uniform(b []byte) bool {
	for _, v := range b[1:] {
		if v != b[0] {
			return false
		}
	}
	return true
}

// rowCols is the number of nodes in row i (latitude -90 + i/res): enough that they are at
// most 1/res degree of latitude apart along the parallel, so the grid does not crowd nodes
// together towards the poles. internal/shoregen computes the same.
func rowCols(res, i int) int {
	lat := -90 + float64(i)/float64(res)
	return max(int(math.Ceil(360*float64(res)*math.Cos(lat*rad)-1e-9)), 1)
}

// unpredict undoes the generator's prediction in place: the generator stored each node
// minus a guess made from the node to its west and the two nearest nodes of the previous
// row, combined by the median edge detector of LOCO-I / JPEG-LS, which is mostly exact on
// a smooth distance field. Node j of a row of n sits at fraction (2j+1)/2n of the circle, so
// the node above it in a previous row of p nodes is (2j+1)·p/2n, rounded down; the index is
// stepped without a division per node.
func unpredict(prev, row []byte) {
	if len(prev) == 0 {
		for j := 1; j < len(row); j++ {
			row[j] += row[j-1]
		}
		return
	}
	row[0] += prev[0]
	p, n2 := len(prev), 2*len(row)
	up, r := p/n2, p%n2 // above node 0
	for j := 1; j < len(row); j++ {
		upLeft := up
		for r += 2 * p; r >= n2; r -= n2 {
			up++
		}
		left, u, ul := row[j-1], prev[up], prev[upLeft]
		hi, lo := max(left, u), min(left, u)
		switch {
		case ul >= hi:
			row[j] += lo
		case ul <= lo:
			row[j] += hi
		default:
			row[j] += left + u - ul
		}
	}
}

// DistanceToShore returns the great-circle distance in metres from (lat, lon) to the
// nearest Natural Earth 1:10m coastline, interpolated bilinearly from the grid. It is
// negative on land (down to MinShoreDistance) and capped at MaxShoreDistance at sea.
// Natural Earth's land has no lakes: the Caspian is sea, the Great Lakes are land.
// Longitudes wrap; a latitude outside [-90, 90] or a NaN gives NaN.
func (s *Shore) DistanceToShore(lat, lon float64) float64 {
	v := s.value(lat, lon)
	return min((v-s.offset)*s.unitM, MaxShoreDistance)
}

// IsLand reports whether (lat, lon) is on land by the grid: whether the interpolated signed
// distance is negative. The coastline it implies is smooth at the grid's resolution, so
// islets and spits narrower than a couple of kilometres read as sea.
func (s *Shore) IsLand(lat, lon float64) bool {
	return s.value(lat, lon) < s.offset
}

// value is the interpolated stored value at (lat, lon).
func (s *Shore) value(lat, lon float64) float64 {
	if !(lat >= -90 && lat <= 90) {
		return math.NaN()
	}
	if !(lon >= -180 && lon <= 180) {
		if lon = NormalizeLon(lon); math.IsNaN(lon) { // NaN or ±Inf
			return lon
		}
	}
	y := (lat + 90) * s.res
	i := int(y)
	if i >= len(s.cols)-1 {
		i = len(s.cols) - 2
	}
	ty := y - float64(i)
	a := s.rowValue(i, lon)
	b := s.rowValue(i+1, lon)
	return a + (b-a)*ty
}

// rowValue interpolates along row i; node j sits at longitude -180 + (j+0.5)·360/cols.
func (s *Shore) rowValue(i int, lon float64) float64 {
	n := int(s.cols[i])
	x := (lon+180)*float64(n)/360 - 0.5
	fx := math.Floor(x)
	t := x - fx
	j0 := int(fx)
	if j0 < 0 {
		j0 += n
	}
	j1 := j0 + 1
	if j1 >= n {
		j1 -= n
	}
	first := int(s.first[i])
	a := s.node(first, j0)
	b := s.node(first, j1)
	return a + (b-a)*t
}

func (s *Shore) node(first, j int) float64 {
	b := s.blocks[first+j>>blockShift]
	if b&uniformBit != 0 {
		return float64(uint8(b))
	}
	return float64(s.data[int(b)+j&(blockLen-1)])
}

// Resolution returns the grid spacing in degrees of latitude (and, at every latitude, the
// largest spacing between nodes along a parallel in degrees of latitude).
func (s *Shore) Resolution() float64 { return 1 / s.res }

// SizeBytes returns the memory the decoded grid holds.
func (s *Shore) SizeBytes() int {
	return 4*(len(s.cols)+len(s.first)+len(s.blocks)) + len(s.data)
}
