package detection

import (
	"math"
	"math/rand/v2"
	"testing"
)

// assign finds the least total cost, as trying every assignment does.
func TestAssignIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(4)
		m := n + rng.IntN(3)
		c := make([][]float64, n)
		for i := range c {
			c[i] = make([]float64, m)
			for j := range c[i] {
				c[i][j] = math.Inf(1)
				if rng.IntN(3) > 0 || j == i {
					c[i][j] = math.Round(rng.Float64() * 100)
				}
			}
		}
		got := assign(n, m, func(i, j int) float64 { return c[i][j] })
		total, seen := 0.0, map[int]bool{}
		for i, j := range got {
			if seen[j] {
				t.Fatalf("trial %d: column %d given twice: %v", trial, j, got)
			}
			seen[j] = true
			total += c[i][j]
		}
		best := math.Inf(1)
		var try func(i int, used map[int]bool, sum float64)
		try = func(i int, used map[int]bool, sum float64) {
			if i == n {
				best = min(best, sum)
				return
			}
			for j := 0; j < m; j++ {
				if !used[j] && !math.IsInf(c[i][j], 1) {
					used[j] = true
					try(i+1, used, sum+c[i][j])
					used[j] = false
				}
			}
		}
		try(0, map[int]bool{}, 0)
		if total != best {
			t.Fatalf("trial %d: cost %v, best %v (%v)", trial, total, best, c)
		}
	}
}
