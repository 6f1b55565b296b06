package sim

import (
	"fmt"
	"io"
	"strconv"

	"github.com/picket-ais/picket/internal/identity"
)

// watchEntry is a row of watchlist.csv.
type watchEntry struct {
	IMO  uint32
	MMSI uint32
	Name string
	// by is what the row identifies the vessel by: "imo", "mmsi" or "name".
	by string
}

// makeWatchlist lists some of the vessels with staged behaviours (by IMO
// number, by MMSI and by name) and a few ships that are not in the
// scenario, as a sanctions list would.
func (s *scenario) makeWatchlist() {
	byKind := map[string][]*injection{}
	for _, in := range s.inj {
		byKind[in.kind] = append(byKind[in.kind], in)
	}
	add := func(kind string, by string) {
		for _, in := range byKind[kind] {
			id := s.fleet[in.a].ids[0].id
			e := watchEntry{by: by}
			switch by {
			case "imo":
				if id.IMO == 0 || !identity.ValidIMO(int(id.IMO)) {
					continue
				}
				e.IMO, e.Name = id.IMO, string(id.Name)
			case "mmsi":
				e.MMSI = id.MMSI
			case "name":
				e.Name = string(id.Name)
			}
			s.watch = append(s.watch, e)
		}
	}
	add(injEncounter, "imo")
	add(injDarkRendezvous, "mmsi")
	add(injFlagHop, "imo")
	add(injLoitering, "name")
	for i := 0; i < 3; i++ {
		s.watch = append(s.watch, watchEntry{IMO: s.nm.imo(), Name: s.nm.name(Tanker, 0), by: "imo"})
	}
}

// writeWatchlist writes the plain watchlist CSV picket's watchlist package
// reads (header imo,mmsi,name).
func writeWatchlist(w io.Writer, entries []watchEntry) error {
	if _, err := fmt.Fprintln(w, "imo,mmsi,name"); err != nil {
		return err
	}
	for _, e := range entries {
		var imo, mmsi string
		if e.IMO != 0 {
			imo = strconv.Itoa(int(e.IMO))
		}
		if e.MMSI != 0 {
			mmsi = strconv.Itoa(int(e.MMSI))
		}
		if _, err := fmt.Fprintf(w, "%s,%s,%s\n", imo, mmsi, e.Name); err != nil {
			return err
		}
	}
	return nil
}
