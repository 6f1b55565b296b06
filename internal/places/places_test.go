package places

import "testing"

// TestShoreIsZeroOnLand: the detectors are told 0 on land, as
// detect.Places says, not the grid's negative inland distance.
func TestShoreIsZeroOnLand(t *testing.T) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := p.ShoreM(49.07, 1.53); d != 0 { // Vernon, on the Seine, 150 km inland by sea
		t.Errorf("on land: %.0f m", d)
	}
	if d := p.ShoreM(20, 112); d <= 50_000 { // the South China Sea, 100 nm or more out
		t.Errorf("at sea: %.0f m", d)
	}
	if _, _, ok := p.NearestPort(51.95, 4.1, 10_000); !ok { // Rotterdam
		t.Error("no port near Rotterdam")
	}
}
