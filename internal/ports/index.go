package ports

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/picket-ais/picket/internal/geo"
)

// Options tunes an Index. The zero value means defaults.
type Options struct {
	// MaxRadius is how far Nearest looks, in metres. Default 10 km: the largest distance a
	// default detector asks about (encounters must be >= 10 km from any port or anchorage,
	// Global Fishing Watch); port visits use 3 km and 4 km.
	MaxRadius float64
}

const defaultMaxRadius = 10e3

// Index answers "which ports are near this position". It is immutable once built and safe
// for concurrent use.
//
// Ports are bucketed into bands 0.05 degree of latitude high (5.6 km) and sorted by
// longitude within a band. A query visits the bands its radius touches, nearest first, and
// binary-searches each for the longitude window that the radius (for Nearest, the best
// distance so far) allows. Candidates are compared by the chord between unit vectors,
// which orders them exactly as the great circle does, without a trigonometric call.
type Index struct {
	maxRadius float64
	limit2    float64 // squared chord of maxRadius
	limitR    float64 // maxRadius in degrees of great circle
	ports     []Port
	// By band, then longitude: each entry's longitude, unit vector and index in ports.
	lon    []float64
	vec    []vec3
	idx    []int32
	bandAt []int32 // band b holds entries bandAt[b] to bandAt[b+1]
}

const (
	bandDeg = 0.05
	nBands  = int(180/bandDeg) + 1 // the last band holds only latitude 90
	rad     = math.Pi / 180
)

func band(lat float64) int { return int((lat + 90) / bandDeg) }

// bandSec[b] is 1/cos of band b's latitude nearest a pole: how many degrees of longitude
// a degree of great circle spans there, at most.
var bandSec = func() []float64 {
	sec := make([]float64, nBands)
	for b := range sec {
		lo := float64(b)*bandDeg - 90
		sec[b] = 1 / min(math.Cos(lo*rad), math.Cos(min(lo+bandDeg, 90)*rad)) // +Inf at a pole
	}
	return sec
}()

type vec3 [3]float64

func unit(lat, lon float64) vec3 {
	sφ, cφ := math.Sincos(lat * rad)
	sλ, cλ := math.Sincos(lon * rad)
	return vec3{cφ * cλ, cφ * sλ, sφ}
}

func chord2(a, b *vec3) float64 {
	x, y, z := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return x*x + y*y + z*z
}

// chordOf is the chord of the unit sphere subtending a great-circle distance in metres.
func chordOf(metres float64) float64 {
	return 2 * math.Sin(min(metres/geo.EarthRadius, math.Pi)/2)
}

// arcDeg is the great-circle distance in degrees subtending a chord of the unit sphere.
func arcDeg(chord float64) float64 { return 2 * math.Asin(min(chord/2, 1)) / rad }

// New builds an index over ports, which it copies. Every port must have a latitude in
// [-90, 90] and a longitude in [-180, 180]; the error for one that does not wraps
// ErrLatitude or ErrLongitude.
func New(ports []Port, opts Options) (*Index, error) {
	return newIndex(slices.Clone(ports), opts)
}

// newIndex is New without the copy: the index keeps ports.
func newIndex(ports []Port, opts Options) (*Index, error) {
	if opts.MaxRadius <= 0 {
		opts.MaxRadius = defaultMaxRadius
	}
	ix := &Index{maxRadius: opts.MaxRadius, ports: ports}
	c := chordOf(ix.maxRadius)
	ix.limit2, ix.limitR = c*c, arcDeg(c)
	for i, p := range ix.ports {
		if !(p.Lat >= -90 && p.Lat <= 90) {
			return nil, fmt.Errorf("%w %v for port %d %q", ErrLatitude, p.Lat, i, p.Name)
		}
		if !(p.Lon >= -180 && p.Lon <= 180) {
			return nil, fmt.Errorf("%w %v for port %d %q", ErrLongitude, p.Lon, i, p.Name)
		}
		if p.Lon == 180 {
			ix.ports[i].Lon = -180 // one meridian, one place in the sort order
		}
	}
	ix.idx = make([]int32, len(ix.ports))
	for i := range ix.idx {
		ix.idx[i] = int32(i)
	}
	slices.SortFunc(ix.idx, func(a, b int32) int {
		pa, pb := &ix.ports[a], &ix.ports[b]
		return cmp.Or(cmp.Compare(band(pa.Lat), band(pb.Lat)), cmp.Compare(pa.Lon, pb.Lon), cmp.Compare(a, b))
	})
	ix.lon = make([]float64, len(ix.idx))
	ix.vec = make([]vec3, len(ix.idx))
	ix.bandAt = make([]int32, nBands+1)
	for k, i := range ix.idx {
		p := &ix.ports[i]
		ix.lon[k], ix.vec[k] = p.Lon, unit(p.Lat, p.Lon)
		ix.bandAt[band(p.Lat)+1]++
	}
	for b := range nBands {
		ix.bandAt[b+1] += ix.bandAt[b]
	}
	return ix, nil
}

// Len returns the number of ports in the index.
func (ix *Index) Len() int { return len(ix.ports) }

// Ports returns a copy of the indexed ports, in the order given to New.
func (ix *Index) Ports() []Port { return slices.Clone(ix.ports) }

// MaxRadius returns how far Nearest looks, in metres.
func (ix *Index) MaxRadius() float64 { return ix.maxRadius }

// lonWindow is how far in longitude (degrees) a point r degrees of great circle away can
// lie from the query within band b; 180 or more means anywhere.
func lonWindow(r float64, b int) float64 {
	// The meridian spread of a small circle of angular radius r at latitude φ is
	// asin(sin r / cos φ) <= asin(r / cos φ), which is below 1.01·r/cos φ while that is
	// under 0.2 radians (11 degrees): the common case, without a trigonometric call.
	x := r * bandSec[b]
	if x < 11 {
		return 1.01 * x
	}
	if s := math.Sin(r*rad) * bandSec[b]; s < 1 && r < 90 {
		return math.Asin(s) / rad
	}
	return 360
}

// spans returns the longitude ranges within win of lon, split where they cross the
// antimeridian; an empty range has lo > hi.
func spans(lon, win float64) [2][2]float64 {
	switch {
	case win >= 180:
		return [2][2]float64{{-180, 180}, {1, 0}}
	case lon-win < -180:
		return [2][2]float64{{-180, lon + win}, {lon - win + 360, 180}}
	case lon+win > 180:
		return [2][2]float64{{lon - win, 180}, {-180, lon + win - 360}}
	}
	return [2][2]float64{{lon - win, lon + win}, {1, 0}}
}

// search returns the first position in sorted a whose value is at least x. It is
// slices.BinarySearch without the NaN ordering, which New has ruled out.
func search(a []float64, x float64) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// nearestSearch is the state of one Nearest query.
type nearestSearch struct {
	q      vec3
	lon    float64
	best2  float64 // squared chord to the best entry so far, or the search limit
	bestR  float64 // the same as a great-circle distance in degrees
	bestK  int     // sorted position of the best entry, -1 for none yet
	bestID int32   // its index in ports, for ties
}

// consider reports whether entry k is the best so far.
func (s *nearestSearch) consider(ix *Index, k int) bool {
	d2 := chord2(&ix.vec[k], &s.q)
	if d2 < s.best2 || (d2 == s.best2 && s.bestK >= 0 && ix.idx[k] < s.bestID) {
		s.best2, s.bestK, s.bestID = d2, k, ix.idx[k]
		s.bestR = arcDeg(math.Sqrt(d2))
		return true
	}
	return false
}

// Nearest returns the port nearest to (lat, lon) within MaxRadius and its great-circle
// distance in metres; ok is false when there is none, or when the position is not a valid
// one. Ties go to the port given first to New. It does not allocate.
func (ix *Index) Nearest(lat, lon float64) (p Port, distance float64, ok bool) {
	if !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
		return Port{}, 0, false
	}
	s := nearestSearch{q: unit(lat, lon), lon: lon, best2: ix.limit2, bestR: ix.limitR, bestK: -1}
	b0 := band(lat)
	for step := 0; ; step++ {
		up, down := b0+step, b0-step
		upOK := up < nBands && float64(up)*bandDeg-90-lat <= s.bestR
		downOK := step > 0 && down >= 0 && lat-(float64(down+1)*bandDeg-90) <= s.bestR
		if !upOK && !downOK {
			break
		}
		if upOK {
			ix.scanBand(&s, up)
		}
		if downOK {
			ix.scanBand(&s, down)
		}
	}
	if s.bestK < 0 {
		return Port{}, 0, false
	}
	port := &ix.ports[s.bestID]
	return *port, geo.Distance(lat, lon, port.Lat, port.Lon), true
}

// scanBand looks through band b outwards from the query's longitude, narrowing the window
// as closer entries turn up.
func (ix *Index) scanBand(s *nearestSearch, b int) {
	lo, hi := int(ix.bandAt[b]), int(ix.bandAt[b+1])
	if lo == hi {
		return
	}
	win := lonWindow(s.bestR, b)
	if win >= 180 {
		for k := lo; k < hi; k++ {
			s.consider(ix, k)
		}
		return
	}
	p := lo + search(ix.lon[lo:hi], s.lon)
	for k := p; k < hi && ix.lon[k]-s.lon <= win; k++ {
		if s.consider(ix, k) {
			win = lonWindow(s.bestR, b)
		}
	}
	for k := p - 1; k >= lo && s.lon-ix.lon[k] <= win; k-- {
		if s.consider(ix, k) {
			win = lonWindow(s.bestR, b)
		}
	}
	// Across the antimeridian: the band's western end is east of a query near +180, and
	// its eastern end west of a query near -180.
	for k := lo; k < p && ix.lon[k]+360-s.lon <= win; k++ {
		if s.consider(ix, k) {
			win = lonWindow(s.bestR, b)
		}
	}
	for k := hi - 1; k >= p && s.lon-(ix.lon[k]-360) <= win; k-- {
		if s.consider(ix, k) {
			win = lonWindow(s.bestR, b)
		}
	}
}

// Match is a port and its great-circle distance in metres from a query position.
type Match struct {
	Port
	Distance float64
}

// Within returns the ports within radius metres of (lat, lon), nearest first.
func (ix *Index) Within(lat, lon, radius float64) []Match {
	return ix.AppendWithin(nil, lat, lon, radius)
}

// AppendWithin appends the ports within radius metres of (lat, lon) to dst, nearest first
// among those appended, and returns the extended slice; reusing dst avoids allocating.
func (ix *Index) AppendWithin(dst []Match, lat, lon, radius float64) []Match {
	if !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) || !(radius >= 0) {
		return dst
	}
	start := len(dst)
	q := unit(lat, lon)
	c := chordOf(radius)
	c2 := c * c
	r := arcDeg(c)
	for b := max(band(lat-r), 0); b <= min(band(lat+r), nBands-1); b++ {
		lo, hi := int(ix.bandAt[b]), int(ix.bandAt[b+1])
		for _, sp := range spans(lon, lonWindow(r, b)) {
			if sp[0] > sp[1] {
				continue
			}
			for k := lo + search(ix.lon[lo:hi], sp[0]); k < hi && ix.lon[k] <= sp[1]; k++ {
				if chord2(&ix.vec[k], &q) > c2 {
					continue
				}
				port := &ix.ports[ix.idx[k]]
				dst = append(dst, Match{Port: *port, Distance: geo.Distance(lat, lon, port.Lat, port.Lon)})
			}
		}
	}
	slices.SortStableFunc(dst[start:], func(a, b Match) int { return cmp.Compare(a.Distance, b.Distance) })
	return dst
}
