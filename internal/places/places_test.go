package places

import (
	"testing"

	"github.com/picket-ais/picket/internal/detect"
)

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

// TestBuiltinWatchlists: the built-in lists are named, not pathed, and
// each is matched by every MMSI and name the list gives.
func TestBuiltinWatchlists(t *testing.T) {
	p, err := Load(Options{Watchlists: []string{"un1718", "eu", "ofac"}})
	if err != nil {
		t.Fatal(err)
	}
	// CHONG CHON GANG (IMO 7937317) heard under its former name and the
	// second MMSI the UN lists; OFAC lists it by IMO and name only.
	got := p.Watch(detect.WatchQuery{MMSI: 445117000, Name: "TONG HUNG SAN"})
	if len(got) != 1 || got[0].List != "UN 1718" || got[0].IMO != 7937317 || got[0].By != "mmsi+alias" {
		t.Errorf("former name and MMSI: %+v", got)
	}
	got = p.Watch(detect.WatchQuery{IMO: 7937317})
	if len(got) != 2 {
		t.Errorf("by IMO: %+v, want the UN and the OFAC entry", got)
	}
	if got := p.Watch(detect.WatchQuery{IMO: 9249130}); len(got) != 1 || got[0].List != "EU designated" {
		t.Errorf("EU by IMO: %+v", got)
	}
	if _, err := Load(Options{Watchlists: []string{"un1719"}}); err == nil {
		t.Error("a list that is neither built in nor a file: no error")
	}
}
