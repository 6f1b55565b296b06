// Command shoregen builds the distance-to-shore grid that package geo embeds.
//
// It reads Natural Earth land polygons (world-atlas TopoJSON), decides for every grid node
// whether it is on land (scanline parity along its row, seeded by a ray to the north pole),
// and computes the exact great-circle distance from the node to the nearest coastline edge
// (a k-d tree over edge midpoints, edges treated as great-circle arcs). It writes the signed,
// clamped, quantized distances in the format that geo's shore.go documents.
//
// Run it through go generate in internal/geo:
//
//	go generate ./internal/geo
//
// It takes about 80 s on two cores and writes the same bytes every time.
package main

import (
	"bufio"
	"compress/flate"
	"encoding/binary"
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/picket-ais/picket/internal/geo/internal/topojson"
)

// These mirror the constants in geo/shore.go; the header written below carries them so that
// the reader can refuse a grid it does not understand.
const (
	magic        = "PKSHORE1"
	unitsPerNM   = 2  // one stored unit is half a nautical mile
	offsetUnits  = 10 // stored value of a node on the coastline: inland is clamped at -5 nm
	maxUnits     = 255
	earthRadiusM = 6371008.8
	metresPerNM  = 1852
	maxSegmentM  = 2000 // longer coastline edges are split so k-d tree bounds stay tight
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("shoregen: ")
	var (
		in    = flag.String("in", "testdata/land-10m.json.gz", "world-atlas land TopoJSON (.json or .json.gz)")
		out   = flag.String("out", "shore.grid", "output grid file")
		res   = flag.Int("res", 30, "grid rows per degree of latitude")
		pngTo = flag.String("png", "", "also write a preview image of the grid to this file")
		prof  = flag.String("cpuprofile", "", "write a CPU profile to this file")
	)
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}

	start := time.Now()
	topo, err := topojson.ReadFile(*in, "land")
	if err != nil {
		log.Fatal(err)
	}
	segs := coastSegments(topo)
	tree := newKDTree(segs)
	log.Printf("%d arcs, %d polygons, %d coastline pieces (%.1fs)", len(topo.Arcs), len(topo.Polygons), len(segs), time.Since(start).Seconds())

	g := newGrid(*res)
	landStart := time.Now()
	land := landMask(topo, g)
	log.Printf("land mask: %.1fs", time.Since(landStart).Seconds())

	distStart := time.Now()
	rows := make([][]byte, g.rows)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= g.rows {
					return
				}
				rows[i] = g.row(i, land[i], tree)
			}
		})
	}
	wg.Wait()
	log.Printf("distances: %.1fs", time.Since(distStart).Seconds())

	n, err := write(*out, g, rows)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d nodes, %d bytes (%.1fs total)", *out, g.nodes, n, time.Since(start).Seconds())
	stats(rows)
	if *pngTo != "" {
		if err := preview(*pngTo, g, rows); err != nil {
			log.Fatal(err)
		}
	}
}

// grid describes the node layout: row i lies at latitude -90 + i/res and holds cols[i]
// nodes spaced evenly in longitude, node j at -180 + (j+0.5)*360/cols[i]. The column count
// shrinks with cos(latitude), so nodes are about 1/res degree of latitude apart east-west
// too, at every latitude.
type grid struct {
	res   int
	rows  int
	cols  []int
	nodes int
}

func newGrid(res int) *grid {
	g := &grid{res: res, rows: 180*res + 1}
	g.cols = make([]int, g.rows)
	for i := range g.rows {
		lat := g.lat(i)
		n := int(math.Ceil(360*float64(res)*math.Cos(lat*(math.Pi/180)) - 1e-9)) // as geo.rowCols
		g.cols[i] = max(n, 1)
		g.nodes += g.cols[i]
	}
	return g
}

func (g *grid) lat(i int) float64 { return -90 + float64(i)/float64(g.res) }

func (g *grid) lon(i, j int) float64 { return -180 + (float64(j)+0.5)*360/float64(g.cols[i]) }

// row computes the quantized signed distances of row i.
func (g *grid) row(i int, land []bool, tree *kdTree) []byte {
	out := make([]byte, g.cols[i])
	lat := g.lat(i)
	hint := -1
	for j := range out {
		p := unit(lat, g.lon(i, j))
		// Beyond these the stored value saturates, so the search can stop there.
		limitNM := float64(maxUnits-offsetUnits)/unitsPerNM + 1
		if land[j] {
			limitNM = float64(offsetUnits)/unitsPerNM + 1
		}
		d, seg := tree.nearest(p, limitNM*metresPerNM/earthRadiusM, hint)
		if seg >= 0 {
			hint = seg
		}
		nm := d * earthRadiusM / metresPerNM
		if land[j] {
			nm = -nm
		}
		q := math.Round(offsetUnits + nm*unitsPerNM)
		out[j] = byte(min(max(q, 0), maxUnits))
	}
	return out
}

type vec3 [3]float64

func unit(lat, lon float64) vec3 {
	φ, λ := lat*math.Pi/180, lon*math.Pi/180
	return vec3{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
}

func (a vec3) dot(b vec3) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a vec3) sub(b vec3) vec3    { return vec3{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func (a vec3) norm() float64      { return math.Sqrt(a.dot(a)) }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// angle is the great-circle angle between unit vectors, accurate at small angles.
func angle(a, b vec3) float64 { return math.Atan2(a.cross(b).norm(), a.dot(b)) }

// segment is a coastline edge taken as the minor great-circle arc from a to b.
type segment struct {
	a, b, n vec3 // n: unit normal of the arc's plane, zero for a degenerate edge
	mid     vec3
}

func newSegment(a, b vec3) segment {
	s := segment{a: a, b: b, mid: vec3{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2}}
	c := a.cross(b)
	if l := c.norm(); l > 1e-15 {
		s.n = vec3{c[0] / l, c[1] / l, c[2] / l}
	}
	return s
}

// dist is the angle from p to the nearest point of the arc.
func (s *segment) dist(p vec3) float64 {
	if s.n != (vec3{}) && p.cross(s.b).dot(s.n) >= 0 && s.a.cross(p).dot(s.n) >= 0 {
		return math.Asin(min(math.Abs(p.dot(s.n)), 1))
	}
	return min(angle(p, s.a), angle(p, s.b))
}

// coastSegments returns every coastline edge, split into pieces no longer than maxSegmentM.
func coastSegments(t *topojson.Topology) []segment {
	var segs []segment
	for _, arc := range t.Arcs {
		for k := 1; k < len(arc); k++ {
			a, b := arc[k-1], arc[k]
			if topojson.Antimeridian(a, b) {
				continue
			}
			va, vb := unit(a.Lat, a.Lon), unit(b.Lat, b.Lon)
			pieces := int(math.Ceil(angle(va, vb) * earthRadiusM / maxSegmentM))
			prev := va
			for p := 1; p <= pieces; p++ {
				next := vb
				if p < pieces {
					next = slerp(va, vb, float64(p)/float64(pieces))
				}
				segs = append(segs, newSegment(prev, next))
				prev = next
			}
		}
	}
	return segs
}

func slerp(a, b vec3, t float64) vec3 {
	ω := angle(a, b)
	if ω < 1e-15 {
		return a
	}
	sa, sb := math.Sin((1-t)*ω)/math.Sin(ω), math.Sin(t*ω)/math.Sin(ω)
	return vec3{sa*a[0] + sb*b[0], sa*a[1] + sb*b[1], sa*a[2] + sb*b[2]}
}

// kdTree is a static k-d tree over segment midpoints, laid out in place: the node of the
// range [lo,hi) is its middle element, split on axis[mid].
type kdTree struct {
	segs []segment
	mids []vec3 // segs[i].mid, packed for the traversal's cache
	axis []uint8
	// reach bounds the chord from a midpoint to any point of its arc, so a subtree can be
	// skipped when its splitting plane is farther than best+reach.
	reach float64
}

const leafSize = 8

func newKDTree(segs []segment) *kdTree {
	t := &kdTree{segs: segs, axis: make([]uint8, len(segs))}
	for i := range segs {
		t.reach = max(t.reach, segs[i].a.sub(segs[i].b).norm()/2)
	}
	t.reach = t.reach*1.001 + 1e-12 // the arc bulges outward from its chord by a hair
	t.build(0, len(segs))
	t.mids = make([]vec3, len(segs))
	for i := range segs {
		t.mids[i] = segs[i].mid
	}
	return t
}

func (t *kdTree) build(lo, hi int) {
	if hi-lo <= leafSize {
		return
	}
	var mn, mx vec3
	mn, mx = t.segs[lo].mid, t.segs[lo].mid
	for _, s := range t.segs[lo:hi] {
		for k := range 3 {
			mn[k], mx[k] = min(mn[k], s.mid[k]), max(mx[k], s.mid[k])
		}
	}
	ax := 0
	for k := 1; k < 3; k++ {
		if mx[k]-mn[k] > mx[ax]-mn[ax] {
			ax = k
		}
	}
	mid := (lo + hi) / 2
	sub := t.segs[lo:hi]
	slices.SortFunc(sub, func(a, b segment) int {
		switch {
		case a.mid[ax] < b.mid[ax]:
			return -1
		case a.mid[ax] > b.mid[ax]:
			return 1
		}
		return 0
	})
	t.axis[mid] = uint8(ax)
	t.build(lo, mid)
	t.build(mid+1, hi)
}

// nearest returns the angle from p to the nearest segment and that segment's index, or
// (limit, -1) when none is within limit. hint is a segment that was nearest to a
// neighbouring node, which usually makes the first bound tight.
func (t *kdTree) nearest(p vec3, limit float64, hint int) (float64, int) {
	best, bestSeg := limit, -1
	if hint >= 0 {
		if d := t.segs[hint].dist(p); d < best {
			best, bestSeg = d, hint
		}
	}
	// bound is the chord within which a midpoint may still hold a nearer segment.
	bound := 2*math.Sin(best/2) + t.reach
	t.search(0, len(t.segs), p, &best, &bestSeg, &bound)
	return best, bestSeg
}

func (t *kdTree) search(lo, hi int, p vec3, best *float64, bestSeg *int, bound *float64) {
	if hi-lo <= leafSize {
		for i := lo; i < hi; i++ {
			t.consider(i, p, best, bestSeg, bound)
		}
		return
	}
	mid := (lo + hi) / 2
	ax := t.axis[mid]
	diff := p[ax] - t.mids[mid][ax]
	t.consider(mid, p, best, bestSeg, bound)
	nearLo, nearHi, farLo, farHi := lo, mid, mid+1, hi
	if diff > 0 {
		nearLo, nearHi, farLo, farHi = mid+1, hi, lo, mid
	}
	t.search(nearLo, nearHi, p, best, bestSeg, bound)
	// Everything on the far side has a midpoint at least |diff| away.
	if math.Abs(diff) <= *bound {
		t.search(farLo, farHi, p, best, bestSeg, bound)
	}
}

// consider computes the exact distance to segment i only when its midpoint is close enough
// for the segment to beat the best so far; the chord test is much cheaper than dist.
func (t *kdTree) consider(i int, p vec3, best *float64, bestSeg *int, bound *float64) {
	m := p.sub(t.mids[i])
	if m.dot(m) > *bound**bound {
		return
	}
	if d := t.segs[i].dist(p); d < *best {
		*best, *bestSeg = d, i
		*bound = 2*math.Sin(d/2) + t.reach
	}
}

// landMask decides for every node whether it lies on land. Along each row it toggles at
// every crossing of a polygon edge with the row's latitude; the state at the row's western
// end (longitude -180) comes from counting edge crossings on the meridian north of it, since
// the north pole is at sea while the south pole is inside Antarctica's ring.
func landMask(t *topojson.Topology, g *grid) [][]bool {
	crossings := make([][]float64, g.rows)
	startOdd := make([]bool, g.rows)
	var meridian []float64 // latitudes where edges cross the ±180° meridian
	for _, poly := range t.Polygons {
		for _, refs := range poly {
			ring := t.Ring(refs)
			for k := 1; k < len(ring); k++ {
				a, b := ring[k-1], ring[k]
				bl := b.Lon
				if d := bl - a.Lon; d > 180 {
					bl -= 360
				} else if d < -180 {
					bl += 360
				}
				// Crossings of the ±180 meridian, for the start state.
				for _, m := range [2]float64{-180, 180} {
					if (a.Lon <= m) != (bl <= m) {
						lat := a.Lat + (m-a.Lon)/(bl-a.Lon)*(b.Lat-a.Lat)
						meridian = append(meridian, lat)
					}
				}
				// Crossings of row latitudes, half-open so a vertex on a row counts once.
				lo, hi := min(a.Lat, b.Lat), max(a.Lat, b.Lat)
				for i := max(int(math.Floor((lo+90)*float64(g.res))), 0); i < g.rows; i++ {
					lat := g.lat(i)
					if lat >= hi {
						break
					}
					if lat < lo || (a.Lat <= lat) == (b.Lat <= lat) {
						continue
					}
					c := a.Lon + (lat-a.Lat)/(b.Lat-a.Lat)*(bl-a.Lon)
					if c >= 180 {
						c -= 360
					} else if c < -180 {
						c += 360
					}
					if c > -180 { // a crossing on the start meridian is in the start state
						crossings[i] = append(crossings[i], c)
					}
				}
			}
		}
	}
	for i := range g.rows {
		lat := g.lat(i)
		for _, m := range meridian {
			if m > lat {
				startOdd[i] = !startOdd[i]
			}
		}
	}
	mask := make([][]bool, g.rows)
	for i := range g.rows {
		cs := crossings[i]
		slices.Sort(cs)
		row := make([]bool, g.cols[i])
		in, k := startOdd[i], 0
		for j := range row {
			lon := g.lon(i, j)
			for k < len(cs) && cs[k] < lon {
				in = !in
				k++
			}
			row[j] = in
		}
		mask[i] = row
	}
	return mask
}

// write stores the header and the flate-compressed rows, each byte replaced by its
// difference from a prediction (see predict), so the long smooth runs compress well.
func write(path string, g *grid, rows [][]byte) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(f)
	hdr := make([]byte, 0, 16)
	hdr = append(hdr, magic...)
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(g.res))
	hdr = append(hdr, unitsPerNM, offsetUnits)
	bw.Write(hdr)
	zw, err := flate.NewWriter(bw, flate.BestCompression)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 0, 360*g.res)
	var prev []byte
	for _, row := range rows {
		buf = buf[:0]
		for j := range row {
			buf = append(buf, row[j]-predict(prev, row, j))
		}
		if _, err := zw.Write(buf); err != nil {
			return 0, err
		}
		prev = row
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}

// predict guesses row[j] from already decoded neighbours: the node to the west and the two
// nearest nodes of the previous row, combined by the median edge detector of LOCO-I.
// geo/shore.go has the same function; they must agree.
func predict(prev, row []byte, j int) byte {
	if j == 0 {
		if prev == nil {
			return 0
		}
		return prev[0]
	}
	left := row[j-1]
	if prev == nil {
		return left
	}
	// Node j of this row sits at fraction (j+0.5)/len(row) of the circle.
	up := prev[(2*j+1)*len(prev)/(2*len(row))]
	upLeft := prev[(2*j-1)*len(prev)/(2*len(row))]
	return med(left, up, upLeft)
}

func med(a, b, c byte) byte {
	mx, mn := max(a, b), min(a, b)
	switch {
	case c >= mx:
		return mn
	case c <= mn:
		return mx
	}
	return byte(int(a) + int(b) - int(c))
}

func stats(rows [][]byte) {
	for _, bs := range []int{16, 32, 64} {
		var blocks, mixed int
		for _, row := range rows {
			for s := 0; s < len(row); s += bs {
				blk := row[s:min(s+bs, len(row))]
				blocks++
				for _, v := range blk[1:] {
					if v != blk[0] {
						mixed++
						break
					}
				}
			}
		}
		log.Printf("block %d: %d blocks, %d mixed, %.1f MB", bs, blocks, mixed, float64(mixed*bs+blocks*4)/1e6)
	}
}

func preview(path string, g *grid, rows [][]byte) error {
	const w, h = 2160, 1080
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		lat := 90 - (float64(y)+0.5)*180/h
		i := int(math.Round((lat + 90) * float64(g.res)))
		for x := range w {
			lon := -180 + (float64(x)+0.5)*360/w
			j := int((lon + 180) / 360 * float64(g.cols[i]))
			v := rows[i][min(j, g.cols[i]-1)]
			var c color.RGBA
			switch {
			case v < offsetUnits:
				c = color.RGBA{120, 100, 60, 255}
			case v == maxUnits:
				c = color.RGBA{10, 20, 60, 255}
			default:
				t := float64(v-offsetUnits) / float64(maxUnits-offsetUnits)
				c = color.RGBA{uint8(200 * (1 - t)), uint8(220 * (1 - t)), uint8(255 - 150*t), 255}
			}
			img.Set(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		return err
	}
	return f.Close()
}
