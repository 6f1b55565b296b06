package places

import (
	"fmt"
	"os"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/ports"
	"github.com/picket-ais/picket/internal/watchlist"
	"github.com/picket-ais/picket/internal/zone"
)

// Options says where the user's places are. The zero value means the
// built-in coastline and world port list, no zones and no watchlist.
type Options struct {
	// Ports is a CSV of ports (name,lat,lon[,radius_km]) used instead of
	// the built-in world list of ports and anchorages.
	Ports string
	// Zones is a GeoJSON FeatureCollection of polygons with a "name"
	// property (EEZs, territorial seas, STS hotspots).
	Zones string
	// Watchlists are built-in list names (un1718, eu, ofac: see
	// watchlist.Builtin) or paths of watchlist CSVs or OFAC SDN extracts,
	// merged.
	Watchlists []string
	// Warn, when set, is told of each watchlist row that was skipped
	// (with the file it is in); rows are never skipped silently.
	Warn func(path string, err error)
}

// portEnterM is the port-visit entry distance (Global Fishing Watch: 3 km);
// a port given with a larger radius_km is entered within that radius.
const portEnterM = 3000

// Load loads everything opts names. An error names the file it is about.
func Load(opts Options) (detect.Places, error) {
	var p detect.Places
	shore := geo.DefaultShore()
	// The grid's distance is signed (negative inland); the detectors'
	// contract is 0 on land (a gap on the Seine read "-5 nm from shore").
	p.ShoreM = func(lat, lon float64) float64 { return max(0, shore.DistanceToShore(lat, lon)) }
	np, err := loadPorts(opts.Ports)
	if err != nil {
		return p, err
	}
	p.NearestPort = np
	if opts.Zones != "" {
		z, err := zone.LoadFile(opts.Zones)
		if err != nil {
			return p, err
		}
		p.Zones = z.Contains
	}
	if len(opts.Watchlists) > 0 {
		wl, err := loadWatchlists(opts.Watchlists, opts.Warn)
		if err != nil {
			return p, err
		}
		p.Watch = wl
	}
	return p, nil
}

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

// loadWatchlists loads and merges watchlists into the detectors' Watch.
func loadWatchlists(paths []string, warn func(string, error)) (func(q detect.WatchQuery) []event.Entry, error) {
	var lists []*watchlist.List
	for _, path := range paths {
		l, err := watchlist.Open(path, watchlist.Options{})
		if err != nil {
			return nil, err
		}
		if warn != nil {
			for _, w := range l.Warnings() {
				warn(path, w)
			}
		}
		lists = append(lists, l)
	}
	wl := watchlist.Merge(lists...)
	return func(q detect.WatchQuery) []event.Entry {
		hits := wl.MatchVessel(nil, watchlist.Vessel{IMO: int(q.IMO), MMSI: int(q.MMSI), Name: q.Name, CallSign: q.CallSign, ShipType: int(q.ShipType)})
		if len(hits) == 0 {
			return nil
		}
		out := make([]event.Entry, 0, len(hits))
		for _, h := range hits {
			e := h.Entry
			out = append(out, event.Entry{List: e.List, ID: e.ID, Name: e.Name, IMO: e.IMO, MMSI: e.MMSI, Program: e.Programs, By: h.By.String()})
		}
		return out
	}, nil
}
