package server

import (
	"fmt"
	"math"
	"net/http"
	"testing"

	"github.com/picket-ais/picket/internal/access"
)

// TestAccessDensity: a partner's traffic density counts only the
// positions it may see: a position only gbr-sat heard adds nothing to
// JPN's map, and GBR's holds it. The counts are worked out here from the
// fixture's positions and the release rule (clearedFor), not from the
// server's code.
func TestAccessDensity(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	f.seed()
	// Cells of 0.01° put each fixture position (0.17° apart) in a cell of
	// its own; cells of 5° put them all in one or two.
	for _, partner := range testPartners {
		clr := clearedFor(partner)
		tok := f.secrets[userName(partner, access.Viewer)]

		var fine densityMap
		f.getOK(t, "/api/layers/density?cell=0.01", tok, &fine)
		want := map[[2]int64]bool{}
		vessels := map[uint32]bool{}
		for i, p := range fixPositions {
			if p.feeds&clr == 0 {
				continue
			}
			lat, lon := posCoord(i)
			want[cellOf(lat, lon, 0.01)] = true
			vessels[p.mmsi] = true
		}
		got := map[[2]int64]bool{}
		for _, c := range fine.Cells {
			if c.Positions != 1 || c.Vessels != 1 || c.VesselHours != 1 {
				t.Errorf("%s: cell %+v: want one position, vessel and vessel-hour", partner, c)
			}
			got[cellOf(c.Lat+0.005, c.Lon+0.005, 0.01)] = true
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: cells %v, want %v", partner, got, want)
		}
		if fine.Positions != len(want) || fine.Vessels != len(vessels) {
			t.Errorf("%s: %d positions of %d vessels, want %d of %d", partner, fine.Positions, fine.Vessels, len(want), len(vessels))
		}

		// The positions only gbr-sat heard, by name: those of a vessel
		// only it heard, and those of vessels JPN sees by other positions
		// (538400004 at 09:40, 440123000 from 08:00).
		onlyG := 0
		for i, p := range fixPositions {
			if p.feeds != fG {
				continue
			}
			onlyG++
			lat, lon := posCoord(i)
			if got[cellOf(lat, lon, 0.01)] != (clr&fG != 0) {
				t.Errorf("%s: the cell of %d's position %d (only gbr-sat heard it): counted %v", partner, p.mmsi, i, got[cellOf(lat, lon, 0.01)])
			}
		}
		if onlyG < 5 {
			t.Fatalf("the fixture has %d positions only gbr-sat heard", onlyG)
		}

		// Vessel-hours on a coarse grid: distinct (vessel, hour) per cell,
		// and by UTC hour of day.
		var coarse densityMap
		f.getOK(t, "/api/layers/density?cell=5&profile=hour", tok, &coarse)
		wantVH := map[[2]int64]map[string]bool{}
		wantByHour := map[[2]int64]*[24]int{}
		for i, p := range fixPositions {
			if p.feeds&clr == 0 {
				continue
			}
			lat, lon := posCoord(i)
			k := cellOf(lat, lon, 5)
			if wantVH[k] == nil {
				wantVH[k] = map[string]bool{}
			}
			vh := fmt.Sprint(p.mmsi, f.t0.Add(p.at).Unix()/3600)
			if wantByHour[k] == nil {
				wantByHour[k] = &[24]int{}
			}
			if !wantVH[k][vh] {
				wantByHour[k][f.t0.Add(p.at).UTC().Hour()]++
			}
			wantVH[k][vh] = true
		}
		if len(coarse.Cells) != len(wantVH) {
			t.Errorf("%s: %d coarse cells, want %d", partner, len(coarse.Cells), len(wantVH))
		}
		for _, c := range coarse.Cells {
			if n := len(wantVH[cellOf(c.Lat+2.5, c.Lon+2.5, 5)]); c.VesselHours != n {
				t.Errorf("%s: cell %+v: %d vessel-hours, want %d", partner, c, c.VesselHours, n)
			}
			if w := wantByHour[cellOf(c.Lat+2.5, c.Lon+2.5, 5)]; c.ByHour == nil || w == nil || *c.ByHour != *w {
				t.Errorf("%s: cell %+v: by hour %v, want %v", partner, c, c.ByHour, w)
			}
		}
	}
	// The GBR-only position really is in the fixture's window: GBR's map
	// is not empty for want of data.
	var gbr densityMap
	f.getOK(t, "/api/layers/density?cell=0.01", f.secrets[userName("GBR", access.Viewer)], &gbr)
	if gbr.Positions == 0 {
		t.Error("GBR's density is empty")
	}
}

func cellOf(lat, lon, size float64) [2]int64 {
	return [2]int64{int64(math.Floor((lon + 180) / size)), int64(math.Floor((lat + 90) / size))}
}

// TestLayerParams: bad parameters are refused and say which.
func TestLayerParams(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	f.seed()
	tok := f.secrets[userName("USA", access.Viewer)]
	for path, want := range map[string]string{
		"/api/layers/density?cell=0":                                            "cell",
		"/api/layers/density?cell=9":                                            "cell",
		"/api/layers/density?profile=day":                                       "profile",
		"/api/layers/density?bbox=1,2,3":                                        "bbox",
		"/api/layers/density?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z": "to",
		"/api/layers/density?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z": "from",
		"/api/layers/ports?kind=harbour":                                        "kind",
	} {
		r := f.get(t, path, tok)
		if msg := errorOf(t, path, r, http.StatusBadRequest); len(msg) < len(want) || msg[:len(want)] != want {
			t.Errorf("%s: %q, want it to start with %q", path, msg, want)
		}
	}
}

// TestLayerReference: the ports of a box are the built-in list's, of the
// kinds asked; the boundaries come whole, compressed to a client that
// takes gzip.
func TestLayerReference(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	tok := f.secrets[userName("JPN", access.Viewer)]
	var pc struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties portProps `json:"properties"`
		} `json:"features"`
		Truncated bool `json:"truncated"`
	}
	f.getOK(t, "/api/layers/ports?bbox=128.7,34.8,129.2,35.2", tok, &pc)
	kinds := map[string]int{}
	busan := 0
	for _, ft := range pc.Features {
		c := ft.Geometry.Coordinates
		if c[0] < 128.7 || c[0] > 129.2 || c[1] < 34.8 || c[1] > 35.2 {
			t.Errorf("%+v is outside the box", ft)
		}
		kinds[ft.Properties.Kind]++
		if ft.Properties.Name == "BUSAN" {
			busan++
		}
	}
	if kinds["port"] == 0 || kinds["anchorage"] == 0 || busan == 0 || pc.Truncated {
		t.Errorf("Busan's box: %v, %d named BUSAN, truncated %v", kinds, busan, pc.Truncated)
	}
	f.getOK(t, "/api/layers/ports?bbox=128.7,34.8,129.2,35.2&kind=port", tok, &pc)
	for _, ft := range pc.Features {
		if ft.Properties.Kind != "port" {
			t.Errorf("kind=port gave %+v", ft.Properties)
		}
	}
	if len(pc.Features) != kinds["port"] {
		t.Errorf("kind=port: %d, want %d", len(pc.Features), kinds["port"])
	}
	// The world's ports alone fit in one answer.
	f.getOK(t, "/api/layers/ports?kind=port", tok, &pc)
	if len(pc.Features) < 3000 || pc.Truncated {
		t.Errorf("the world's ports: %d, truncated %v", len(pc.Features), pc.Truncated)
	}

	r := f.do(t, http.MethodGet, "/api/layers/boundaries", tok, nil, "Accept-Encoding", "gzip")
	if r.code != http.StatusOK || r.hdr.Get("Content-Encoding") != "gzip" || r.body[0] != 0x1f {
		t.Errorf("boundaries with gzip: %d %q", r.code, r.hdr.Get("Content-Encoding"))
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties struct {
				Kind string `json:"kind"`
			} `json:"properties"`
		} `json:"features"`
	}
	f.getOK(t, "/api/layers/boundaries", tok, &fc)
	n := map[string]int{}
	for _, ft := range fc.Features {
		n[ft.Properties.Kind]++
	}
	if fc.Type != "FeatureCollection" || n["territorial_sea"] == 0 || n["eez"] == 0 {
		t.Errorf("boundaries: %s, %v", fc.Type, n)
	}
}
