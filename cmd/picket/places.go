package main

import (
	"fmt"
	"os"

	"github.com/picket-ais/picket/internal/ports"
)

// portEnterM is the port-visit entry distance (Global Fishing Watch: 3 km);
// a port given with a larger radius_km is entered within that radius.
const portEnterM = 3000

// loadPorts returns the nearest-port lookup: the built-in world list of
// ports and anchorages, or the user's CSV (name,lat,lon[,radius_km]).
func loadPorts(path string) (func(lat, lon, maxM float64) (string, float64, bool), error) {
	ix := ports.Default()
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		list, err := ports.Load(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if ix, err = ports.New(list, ports.Options{}); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return func(lat, lon, maxM float64) (string, float64, bool) {
		p, d, ok := ix.Nearest(lat, lon)
		if !ok {
			return "", 0, false
		}
		// A port drawn larger than the default entry distance counts as
		// entered anywhere inside its radius.
		if r := p.RadiusKm * 1000; r > portEnterM {
			d = max(0, d-(r-portEnterM))
		}
		if d > maxM {
			return "", 0, false
		}
		return p.Name, d, true
	}, nil
}
