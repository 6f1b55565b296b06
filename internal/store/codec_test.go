package store

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// samePos compares two positions field by field, NaN equal to NaN, with
// coordinates within tol degrees.
func samePos(a, b Position, tol float64) bool {
	eq32 := func(x, y float32) bool { return x == y || (x != x && y != y) }
	return a.MMSI == b.MMSI && a.Time == b.Time &&
		math.Abs(a.Lat-b.Lat) <= tol && math.Abs(a.Lon-b.Lon) <= tol &&
		eq32(a.SOG, b.SOG) && eq32(a.COG, b.COG) &&
		a.Heading == b.Heading && a.Status == b.Status && a.Feeds == b.Feeds
}

func TestCodecRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := int64(1_700_000_000_000)
	track := func(n int, gen func(i int) Position) []Position {
		ps := make([]Position, n)
		for i := range ps {
			ps[i] = gen(i)
			ps[i].MMSI = 366_123_456
		}
		return ps
	}
	tests := []struct {
		name string
		ps   []Position
		tol  float64 // 0: bit-exact
	}{
		{"one position", track(1, func(int) Position {
			return Position{Time: base, Lat: 51.5, Lon: -0.1, SOG: 12.3, COG: 45.6, Heading: 44, Feeds: 1}
		}), 0},
		{"AIS grid, underway, whole seconds", track(300, func(i int) Position {
			return Position{Time: base + int64(i)*10_000, Lat: float64(30_000_000+i*90) / 600000, Lon: float64(-72_000_000-i*60) / 600000,
				SOG: float32(140+i%3) / 10, COG: float32(2700+i%7) / 10, Heading: int16(270 + i%3), Status: 0, Feeds: 3}
		}), 0},
		{"decimal degrees with 5 places, ms times", track(100, func(i int) Position {
			return Position{Time: base + int64(i)*997 + int64(i%3), Lat: float64(4307917+i*3) / 1e5, Lon: float64(-7075733+i) / 1e5,
				SOG: 0, COG: 360, Heading: -1, Status: 5, Feeds: 1 << 40}
		}), 0},
		{"arbitrary floats", track(200, func(i int) Position {
			return Position{Time: base + int64(i)*rng.Int64N(200_000), Lat: rng.Float64()*180 - 90, Lon: rng.Float64()*360 - 180,
				SOG: rng.Float32() * 30, COG: rng.Float32() * 360, Heading: int16(rng.IntN(512) - 1), Status: uint8(rng.IntN(16)), Feeds: rng.Uint64()}
		}), 5e-8},
		{"not available", track(50, func(i int) Position {
			return Position{Time: base + int64(i)*180_000, Lat: 1.25, Lon: 103.75, SOG: nan32, COG: nan32, Heading: -1, Status: 15}
		}), 0},
		{"mixed NaN and tenths", track(50, func(i int) Position {
			s := float32(i) / 10
			if i%4 == 0 {
				s = nan32
			}
			return Position{Time: base + int64(i)*60_000, Lat: -33.9, Lon: 18.4, SOG: s, COG: s, Heading: int16(i), Feeds: uint64(i / 10)}
		}), 0},
		{"equal times and jumps across the antimeridian", track(40, func(i int) Position {
			lon := 179.99995
			if i%2 == 1 {
				lon = -179.99995
			}
			return Position{Time: base + int64(i/4)*1000, Lat: -16.5, Lon: lon, SOG: 10, COG: 90, Heading: 90}
		}), 0},
		{"extremes", track(4, func(i int) Position {
			return []Position{{Time: 1, Lat: -90, Lon: -180}, {Time: 2, Lat: 90, Lon: 180, SOG: 102.2, COG: 359.9, Heading: 511},
				{Time: 1 << 50, Lat: 0, Lon: 0, SOG: float32(math.Inf(1)), Heading: math.MinInt16},
				{Time: 1<<50 + 1, Lat: 1e-9, Lon: -1e-9, SOG: -1, COG: 1e30, Heading: math.MaxInt16, Status: 255, Feeds: math.MaxUint64}}[i]
		}), 5e-8},
	}
	var enc encoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := enc.encode(nil, tt.ps)
			got, err := decode(nil, b, tt.ps[0].MMSI)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.ps) {
				t.Fatalf("got %d positions, want %d", len(got), len(tt.ps))
			}
			for i := range got {
				if !samePos(got[i], tt.ps[i], tt.tol) {
					t.Fatalf("position %d: got %+v, want %+v", i, got[i], tt.ps[i])
				}
				if tt.tol == 0 && (got[i].Lat != tt.ps[i].Lat || got[i].Lon != tt.ps[i].Lon) {
					t.Fatalf("position %d not bit-exact: got %v,%v want %v,%v", i, got[i].Lat, got[i].Lon, tt.ps[i].Lat, tt.ps[i].Lon)
				}
			}
			t.Logf("%d positions in %d bytes: %.2f B/position", len(tt.ps), len(b), float64(len(b))/float64(len(tt.ps)))
		})
	}
}

// A cut or damaged block is an error, never a panic or a wrong answer
// that looks right.
func TestCodecCorrupt(t *testing.T) {
	f := newFleet(1, 7, 1_700_000_000_000)
	ps := f.next(nil, 100)
	var enc encoder
	b := enc.encode(nil, ps)
	for n := 0; n < len(b); n++ {
		if _, err := decode(nil, b[:n], ps[0].MMSI); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("block cut to %d of %d bytes: err %v, want ErrCorrupt", n, len(b), err)
		}
	}
	if _, err := decode(nil, append(b, 0), ps[0].MMSI); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("trailing byte: err %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	fl := newFleet(3, 9, 1_700_000_000_000)
	var enc encoder
	f.Add(enc.encode(nil, fl.next(nil, 1)))
	f.Add(enc.encode(nil, fl.next(nil, 50)))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := decode(nil, b, 1)
		if err == nil && len(ps) == 0 {
			t.Fatal("no error and no positions")
		}
	})
}
