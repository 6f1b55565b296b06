package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/export"
	"github.com/picket-ais/picket/internal/store"
)

// maxTrackVessels bounds the vessels of one track export.
const maxTrackVessels = 100

// trackExportHandler serves one track export format at
// /api/export/tracks.<ext>?mmsi=N[,M...]&from=&to=: the positions of each
// vessel the view may see in the range (default the 24 hours before the
// newest position it may see), at most MaxTrackPoints in all; a cut
// export says so in the header X-Picket-Truncated.
func (s *Server) trackExportHandler(f export.TrackFormat) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := viewOf(r)
		q := r.URL.Query()
		raw := q.Get("mmsi")
		if raw == "" {
			return badParam("mmsi", "required: the vessels whose tracks to export, separated by commas")
		}
		parts := strings.Split(raw, ",")
		if len(parts) > maxTrackVessels {
			return badParam("mmsi", "%d vessels: at most %d", len(parts), maxTrackVessels)
		}
		var mmsis []uint32
		for _, p := range parts {
			m, err := parseMMSI("mmsi", p)
			if err != nil {
				return err
			}
			mmsis = append(mmsis, m)
		}
		from, to, err := s.trackRange(v, q)
		if err != nil {
			return err
		}
		sc := s.scope(v)
		var tracks []export.Track
		total, truncated := 0, false
		records := map[uint64]bool{} // the visible feeds of each position, for a marked format
		for _, m := range mmsis {
			tr := export.Track{MMSI: m}
			err := sc.Track(m, from.UnixMilli(), to.UnixMilli(), func(p store.Position) bool {
				if total >= s.opts.MaxTrackPoints {
					truncated = true
					return false
				}
				total++
				if f := p.Feeds & v.clearance; f != 0 {
					records[f] = true
				}
				tr.Points = append(tr.Points, export.TrackPoint{Time: time.UnixMilli(p.Time).UTC(), Lat: p.Lat, Lon: p.Lon,
					SOG: float64(p.SOG), COG: float64(p.COG), Heading: int(p.Heading)})
				return true
			})
			if err != nil {
				return err
			}
			if len(tr.Points) == 0 {
				continue // not heard in the range, or not by this view: as one never heard
			}
			if recs, err := sc.Identities(m); err == nil {
				tr.Name = currentIdentity(recs)[event.FieldName]
			}
			tracks = append(tracks, tr)
		}
		attachment(w, f.ContentType, f.File)
		if truncated {
			w.Header().Set("X-Picket-Truncated", strconv.Itoa(s.opts.MaxTrackPoints))
		}
		if f.WriteMarked != nil {
			return f.WriteMarked(w, tracks, s.marking(v, records).Text)
		}
		return f.Write(w, tracks)
	}
}
