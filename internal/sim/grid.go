package sim

import (
	"math"

	"github.com/picket-ais/picket/internal/geo"
)

// grid is the routing grid: cells of GridDeg whose centres are at least
// MarginNM from the coastline are sea. Routes follow shortest-path trees
// towards each port (Dijkstra over the cells), pulled straight where the
// line of sight stays at sea.
type grid struct {
	south, west, step float64
	rows, cols        int
	sea               []bool
	// reach marks the sea cells of the largest connected water body, so
	// that sites are never in a lagoon no route leads to.
	reach []bool
	// edges has bit k set when the step from a cell to its k-th
	// neighbour (see neighbours) stays at sea: cell centres at sea do not
	// make the straight line between them so where a spit reaches out.
	edges  []uint8
	shore  *geo.Shore
	margin float64
}

func newGrid(r *Region, shore *geo.Shore) *grid {
	g := &grid{south: r.South, west: r.West, step: r.GridDeg, shore: shore, margin: r.MarginNM * nm}
	g.rows = int(math.Ceil((r.North - r.South) / g.step))
	g.cols = int(math.Ceil((r.East - r.West) / g.step))
	g.sea = make([]bool, g.rows*g.cols)
	for i := range g.sea {
		c := g.center(i)
		g.sea[i] = shore.DistanceToShore(c.Lat, c.Lon) >= g.margin
	}
	g.edges = make([]uint8, len(g.sea))
	for i := range g.sea {
		if !g.sea[i] {
			continue
		}
		a := g.center(i)
		g.neighbours(i, func(k, nb int) {
			if !g.sea[nb] {
				return
			}
			b := g.center(nb)
			for _, f := range [...]float64{0.25, 0.5, 0.75} {
				if shore.DistanceToShore(a.Lat+f*(b.Lat-a.Lat), a.Lon+f*(b.Lon-a.Lon)) < g.margin/2 {
					return
				}
			}
			g.edges[i] |= 1 << uint(k)
		})
	}
	g.largestBody()
	return g
}

func (g *grid) center(i int) pt {
	return pt{g.south + (float64(i/g.cols)+0.5)*g.step, g.west + (float64(i%g.cols)+0.5)*g.step}
}

func (g *grid) cellOf(lat, lon float64) int {
	r := int((lat - g.south) / g.step)
	c := int((lon - g.west) / g.step)
	if r < 0 || c < 0 || r >= g.rows || c >= g.cols {
		return -1
	}
	return r*g.cols + c
}

// largestBody keeps in reach the sea cells connected to the largest body.
func (g *grid) largestBody() {
	comp := make([]int32, len(g.sea))
	var sizes []int
	var stack []int
	for i := range g.sea {
		if !g.sea[i] || comp[i] != 0 {
			continue
		}
		id := int32(len(sizes) + 1)
		n := 0
		stack = append(stack[:0], i)
		comp[i] = id
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			g.neighbours(c, func(k, nb int) {
				if g.edges[c]&(1<<uint(k)) != 0 && comp[nb] == 0 {
					comp[nb] = id
					stack = append(stack, nb)
				}
			})
		}
		sizes = append(sizes, n)
	}
	best := 0
	for i, s := range sizes {
		if s > sizes[best] {
			best = i
		}
	}
	g.reach = make([]bool, len(g.sea))
	for i := range comp {
		g.reach[i] = comp[i] == int32(best+1)
	}
}

// neighbours calls f with k (0-7) and the index of each of the 8
// neighbours of cell c inside the grid.
func (g *grid) neighbours(c int, f func(k, nb int)) {
	r, col := c/g.cols, c%g.cols
	k := -1
	for dr := -1; dr <= 1; dr++ {
		for dc := -1; dc <= 1; dc++ {
			if dr == 0 && dc == 0 {
				continue
			}
			k++
			nr, nc := r+dr, col+dc
			if nr < 0 || nc < 0 || nr >= g.rows || nc >= g.cols {
				continue
			}
			f(k, nr*g.cols+nc)
		}
	}
}

// attach returns the reachable sea cell nearest to (lat, lon) within maxM,
// or -1.
func (g *grid) attach(lat, lon, maxM float64) int {
	c := g.cellOf(lat, lon)
	if c >= 0 && g.reach[c] {
		return c
	}
	r0 := int((lat - g.south) / g.step)
	c0 := int((lon - g.west) / g.step)
	span := int(maxM/(g.step*111e3)) + 2
	best, bd := -1, maxM
	for r := r0 - span; r <= r0+span; r++ {
		for cc := c0 - span*2; cc <= c0+span*2; cc++ {
			if r < 0 || cc < 0 || r >= g.rows || cc >= g.cols {
				continue
			}
			i := r*g.cols + cc
			if !g.reach[i] {
				continue
			}
			p := g.center(i)
			if d := geo.Distance(lat, lon, p.Lat, p.Lon); d < bd {
				best, bd = i, d
			}
		}
	}
	return best
}

// clear reports whether the straight line from a to b stays at sea,
// at least half the margin from the coastline, sampled every 1 km.
func (g *grid) clear(a, b pt) bool {
	d := geo.Distance(a.Lat, a.Lon, b.Lat, b.Lon)
	n := int(d/1000) + 1
	for i := 0; i <= n; i++ {
		f := float64(i) / float64(n)
		if g.shore.DistanceToShore(a.Lat+f*(b.Lat-a.Lat), a.Lon+f*(b.Lon-a.Lon)) < g.margin/2 {
			return false
		}
	}
	return true
}

// tree is a shortest-path tree over the sea cells towards one cell:
// parent[c] is the next cell from c on the way, -1 at the root, -2 where
// the root cannot be reached.
type tree struct {
	parent []int32
}

// treeTo runs Dijkstra from root over the reachable sea cells.
func (g *grid) treeTo(root int) *tree {
	n := len(g.sea)
	dist := make([]float64, n)
	parent := make([]int32, n)
	for i := range dist {
		dist[i] = math.Inf(1)
		parent[i] = -2
	}
	dist[root] = 0
	parent[root] = -1
	// Step lengths by row: north-south, east-west and diagonal.
	ns := g.step * 111_195
	var pq cellQueue
	pq.push(cellItem{cell: root})
	for len(pq) > 0 {
		it := pq.pop()
		if it.f > dist[it.cell] {
			continue
		}
		r := it.cell / g.cols
		ew := ns * math.Cos((g.south+(float64(r)+0.5)*g.step)*math.Pi/180)
		diag := math.Hypot(ns, ew)
		mask := g.edges[it.cell]
		g.neighbours(it.cell, func(k, nb int) {
			if mask&(1<<uint(k)) == 0 || !g.reach[nb] {
				return
			}
			step := diag
			switch k {
			case 1, 6:
				step = ns
			case 3, 4:
				step = ew
			}
			if d := it.f + step; d < dist[nb] {
				dist[nb] = d
				parent[nb] = int32(it.cell)
				pq.push(cellItem{cell: nb, f: d})
			}
		})
	}
	return &tree{parent: parent}
}

// pathTo returns the cell centres from cell from to the tree's root,
// pulled straight where the line of sight stays at sea.
func (g *grid) pathTo(t *tree, from int) ([]pt, bool) {
	if t.parent[from] == -2 {
		return nil, false
	}
	var pts []pt
	for c := from; c >= 0; c = int(t.parent[c]) {
		pts = append(pts, g.center(c))
	}
	// String pulling: from each kept point go as far along the path as
	// the line of sight stays at sea.
	out := []pt{pts[0]}
	for i := 0; i < len(pts)-1; {
		j := i + 1
		for j+1 < len(pts) && g.clear(pts[i], pts[j+1]) {
			j++
		}
		out = append(out, pts[j])
		i = j
	}
	return out, true
}

type cellItem struct {
	cell int
	f    float64
}

// cellQueue is a binary min-heap on f.
type cellQueue []cellItem

func (q *cellQueue) push(it cellItem) {
	*q = append(*q, it)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].f <= h[i].f {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *cellQueue) pop() cellItem {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	*q = h
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].f < h[l].f {
			m = r
		}
		if h[i].f <= h[m].f {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return top
}
