package detection

import "math"

// match chooses, among the possible pairs of one scene, those that
// explain it: each detection by at most one track and each track
// explaining at most one detection, at the least total cost, a detection
// left unexplained costing as much as the worst pair within the tolerance
// (so a detection is left dark only when its tracks are better spent on
// others). A tracker's global nearest neighbour: taking pairs nearest
// first instead lets one detection take a track that two others need.
// Pairs are grouped by the detections and tracks they share; a group of
// one pair is taken as it is, a larger one solved as an assignment.
func match(pairs []pair) []pair {
	// Union-find over detections (even ids) and tracks (odd ids).
	parent := map[int]int{}
	var find func(x int) int
	find = func(x int) int {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, p := range pairs {
		if a, b := find(2*p.d), find(2*p.k+1); a != b {
			parent[a] = b
		}
	}
	groups := map[int][]pair{}
	var roots []int
	for _, p := range pairs {
		r := find(2 * p.d)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], p)
	}
	var out []pair
	for _, r := range roots {
		g := groups[r]
		if len(g) == 1 {
			out = append(out, g[0])
			continue
		}
		row, col := map[int]int{}, map[int]int{}
		for _, p := range g {
			if _, ok := row[p.d]; !ok {
				row[p.d] = len(row)
			}
			if _, ok := col[p.k]; !ok {
				col[p.k] = len(col)
			}
		}
		n, nk := len(row), len(col)
		cost, which := make([]float64, n*nk), make([]int, n*nk)
		for i := range cost {
			cost[i] = math.Inf(1)
		}
		for j, p := range g {
			x := row[p.d]*nk + col[p.k]
			cost[x], which[x] = p.c, j
		}
		// Columns past the tracks are "unexplained", one per detection.
		sol := assign(n, nk+n, func(i, j int) float64 {
			if j >= nk {
				return maxPairCost
			}
			return cost[i*nk+j]
		})
		for i, j := range sol {
			if j < nk {
				out = append(out, g[which[i*nk+j]])
			}
		}
	}
	return out
}
