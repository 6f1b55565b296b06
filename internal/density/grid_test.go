package density

import (
	"strings"
	"testing"
)

const hourMs = 3_600_000

func TestVesselHours(t *testing.T) {
	g, err := NewGrid(0.1, Box{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180})
	if err != nil {
		t.Fatal(err)
	}
	t0 := int64(1_780_000_000_000) / hourMs * hourMs
	// Vessel 1 reports every 2 s for two hours in one cell: 2 vessel-hours.
	for ms := int64(0); ms < 2*hourMs; ms += 2000 {
		g.Add(1, t0+ms, 35.05, 129.05)
	}
	// Vessel 2 passes the same cell in one hour, leaves for the next cell
	// and comes back in the same hour: 1 vessel-hour there, 1 next door.
	g.Add(2, t0+10*60_000, 35.01, 129.01)
	g.Add(2, t0+20*60_000, 35.01, 129.11)
	g.Add(2, t0+30*60_000, 35.01, 129.09)
	// Vessel 3, once, far away; vessel 4 there a millisecond before 1970,
	// in the hour from 23:00 on 31 December 1969.
	g.Add(3, t0, -33.95, 151.25)
	g.Add(4, -1, -33.95, 151.25)
	if h := t0 / hourMs % 24; h != 20 {
		t.Fatalf("t0 is at %d h UTC, the test wants 20 h", h)
	}

	cells := g.Cells()
	want := []Cell{
		{Lon: 129, Lat: 35, VesselHours: 3, Vessels: 2, Positions: 3600 + 2, ByHour: byHour(20, 2, 21, 1)},
		{Lon: 129.1, Lat: 35, VesselHours: 1, Vessels: 1, Positions: 1, ByHour: byHour(20, 1)},
		{Lon: 151.2, Lat: -34, VesselHours: 2, Vessels: 2, Positions: 2, ByHour: byHour(20, 1, 23, 1)},
	}
	if len(cells) != len(want) {
		t.Fatalf("cells %+v, want %+v", cells, want)
	}
	for i := range want {
		if cells[i] != want[i] {
			t.Errorf("cell %d: %+v, want %+v", i, cells[i], want[i])
		}
	}
}

// byHour is an hour-of-day profile from pairs of hour and vessel-hours.
func byHour(hourCount ...int) [24]int {
	var out [24]int
	for i := 0; i < len(hourCount); i += 2 {
		out[hourCount[i]] = hourCount[i+1]
	}
	return out
}

func TestBox(t *testing.T) {
	// A box across the antimeridian keeps both sides and nothing between.
	g, err := NewGrid(1, Box{MinLat: -20, MinLon: 170, MaxLat: 20, MaxLon: -170})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		lat, lon float64
		in       bool
	}{{0, 175, true}, {0, -175, true}, {0, 0, false}, {30, 175, false}, {0, 180, true}} {
		if got := g.Add(uint32(i+1), 0, c.lat, c.lon); got != c.in {
			t.Errorf("Add(%v, %v) = %v, want %v", c.lat, c.lon, got, c.in)
		}
	}
	cells := g.Cells()
	if len(cells) != 3 {
		t.Fatalf("cells %+v, want 3", cells)
	}
	// 180 falls in the last column, not a 361st.
	if c := cells[len(cells)-1]; c.Lon != 179 || c.Lat != 0 {
		t.Errorf("the cell of lon 180: %+v, want the one at 179", c)
	}
}

func TestNewGridErrors(t *testing.T) {
	world := Box{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}
	for _, c := range []struct {
		size float64
		box  Box
		want string
	}{
		{0, world, "cell size"},
		{20, world, "cell size"},
		{1, Box{MinLat: 10, MinLon: 0, MaxLat: 5, MaxLon: 1}, "not within"},
		{1, Box{MinLat: 0, MinLon: 0, MaxLat: 91, MaxLon: 1}, "not within"},
	} {
		if _, err := NewGrid(c.size, c.box); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewGrid(%g, %+v): %v, want %q", c.size, c.box, err, c.want)
		}
	}
}
