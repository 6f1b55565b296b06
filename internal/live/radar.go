package live

import (
	"math"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/radar"
	"github.com/picket-ais/picket/internal/store"
)

// Radar feeds: a radar's lines go to a radar stream (a radar.Reader per
// connection or file) instead of the AIS framer; its plots are handed to
// the detect goroutine, which matches them against the live AIS picture
// it keeps (radar.Live: every vessel's latest tracked fix, with the
// feeds that heard it) and stores and publishes the dark_vessel and
// dark_encounter events that makes, with their provenance:
//
//   - dark_vessel: the radar feed's bit. Its candidates are AIS vessels
//     other feeds heard: the server shows a partner only the candidates
//     it sees a position of (server.scope), and the live stream the same.
//   - dark_encounter: the feeds that heard the AIS vessel while it lay
//     alongside, and the radar feed's bit as the other input: a partner
//     must be cleared for both to see it.

// radarBatch is how many plots a radar stream hands over at once.
const radarBatch = 64

type radarPlot struct {
	track string
	plot  radar.Plot
}

// radarStream reads one connection's or file's radar output.
type radarStream struct {
	p     *Pipeline
	f     *feedState
	r     *radar.Reader
	cur   radarPlot
	ok    bool
	batch []radarPlot
	seen  int64 // lines counted into the feed's metrics
}

func (p *Pipeline) newRadarStream(f *feedState) *radarStream {
	o := radar.Options{Feed: f.cfg.Name, Location: f.cfg.Location}
	if f.cfg.Site != nil {
		o.Site, o.HasSite = *f.cfg.Site, true
	}
	return &radarStream{p: p, f: f, r: radar.NewReader(o)}
}

// Frame reads a line; a plot it makes waits for Emit.
func (s *radarStream) Frame(b []byte, long bool) (int64, bool, bool) {
	if long {
		s.r.Lines[radar.Malformed]++
		s.ok = false
		return 0, false, false
	}
	plot, tr := s.r.Line(b)
	if plot == nil {
		s.ok = false
		return 0, false, false
	}
	s.cur, s.ok = radarPlot{track: tr.ID, plot: *plot}, true
	return plot.Time, true, true
}

// Emit hands the plot to the batch at t (a replay's rebased time).
func (s *radarStream) Emit(t int64) {
	if !s.ok {
		return
	}
	s.ok = false
	s.cur.plot.Time = t
	s.batch = append(s.batch, s.cur)
	if len(s.batch) >= radarBatch {
		s.Flush()
	}
}

// Flush hands the batch to the detect goroutine (waiting while it is
// busy: back-pressure, as for AIS) and counts the lines.
func (s *radarStream) Flush() {
	if n := s.r.Total(); n > s.seen {
		s.f.lines.Add(n - s.seen)
		s.f.fm.lines.Add(float64(n - s.seen))
		s.seen = n
	}
	if len(s.batch) == 0 {
		return
	}
	b, feed := s.batch, s.f
	s.batch = make([]radarPlot, 0, radarBatch)
	s.f.reports.Add(int64(len(b)))
	select {
	case s.p.ctl <- func() { s.p.radarPlots(feed, b) }:
	case <-s.p.detectDone:
	}
}

// End ends the stream.
func (s *radarStream) End() { s.Flush() }

// newRadarLive makes the live correlator when a feed is a radar.
func (p *Pipeline) newRadarLive() {
	for _, f := range p.opts.Feeds {
		if f.Kind != Radar {
			continue
		}
		enc := p.opts.Detect.Encounter
		eo := detection.EncounterOptions{MaxDistanceM: enc.MaxDistanceM, MinDuration: enc.MinDuration, MaxSpeedKn: enc.MaxSpeedKn}
		if np := p.opts.Places.NearestPort; np != nil {
			minPort := enc.MinPortM
			if minPort <= 0 {
				minPort = 10_000
			}
			eo.NearPort = func(lat, lon float64) bool { _, _, ok := np(lat, lon, minPort); return ok }
		}
		p.radar = radar.NewLive(radar.NewPicture(), radar.LiveOptions{Encounter: eo})
		return
	}
}

// radarFix puts a tracked AIS position in the radar's live picture.
func (p *Pipeline) radarFix(r *fuse.Report, bit uint64) {
	if p.radar == nil {
		return
	}
	p.radar.Picture().Update(radar.Fix{MMSI: r.MMSI, Time: r.Time, Lat: r.Lat, Lon: r.Lon, SOG: float64(r.SOG), COG: float64(r.COG), Feeds: bit})
}

// radarPlots correlates a radar feed's plots and stores and publishes the
// events they make. It runs on the detect goroutine.
func (p *Pipeline) radarPlots(f *feedState, plots []radarPlot) {
	if p.radar == nil {
		return
	}
	bit := p.bits[f.idx]
	for i := range plots {
		for _, em := range p.radar.Plot(f.cfg.Name, plots[i].track, plots[i].plot) {
			prov := store.Provenance{Feeds: bit}
			if em.Event.MMSI != 0 {
				// The AIS vessel's feeds, and the radar as the other input.
				prov = store.Provenance{Feeds: em.VesselFeeds, OtherFeeds: bit}
			}
			e := em.Event
			if math.IsNaN(e.Lat) || math.IsNaN(e.Lon) {
				continue
			}
			p.pendEv = append(p.pendEv, storedEvent{ev: e, prov: prov})
			if em.First {
				p.nEvents.Add(1)
				p.m.events.WithLabelValues(string(e.Type)).Inc()
			}
			p.hub.publishAlert(&e, prov)
		}
	}
	if len(p.reports) == 0 {
		p.sendStore(nil)
	}
}
