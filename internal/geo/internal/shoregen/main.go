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
	"sync"
	"sync/atomic"
	"time"

	"github.com/picket-ais/picket/internal/geo/topojson"
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
