package live

import (
	"math"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
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
//   - spoofing/unseen_by_radar (radar.Unseen, fed each radar's plots in
//     their order as they come, before they wait for the AIS, and every
//     tracked AIS fix and static length): the feeds that heard the vessel
//     and the radar feed's bit as the other input, as a dark encounter.

// radarBatch is how many plots a radar stream hands over at once.
const radarBatch = 64

type radarPlot struct {
	f     *feedState
	track string
	plot  radar.Plot
	wall  int64 // when it came, Unix ms
}

// radarWaitMs is how long a plot waits for the AIS around it to catch up
// with its time (radar.Live.CaughtUp) before it is matched anyway: a
// radar's output may run ahead of the AIS of the same moment (a replay
// at its own pace, a satellite feed's delay), and a plot matched against
// a picture that lags would be dark. Where no AIS vessel is near, a
// plot waits this long.
const radarWaitMs = 2 * 60_000

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
	before := s.r.Lines[radar.OwnPosition]
	plot, tr := s.r.Line(b)
	if plot == nil {
		s.ok = false
		// A line that gives the time (ZDA, RMC) paces a replay and
		// anchors its rebasing as a plot does, so that a radar's output
		// replayed next to an AIS log keeps in step with it.
		if t, ok := s.r.Clock(); ok && s.r.Lines[radar.OwnPosition] > before {
			return t, true, true
		}
		return 0, false, false
	}
	s.cur, s.ok = radarPlot{f: s.f, track: tr.ID, plot: *plot}, true
	s.f.cov.plot(s.r, plot.Time, plot.Lat, plot.Lon)
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
	b := s.batch
	s.batch = make([]radarPlot, 0, radarBatch)
	s.f.reports.Add(int64(len(b)))
	select {
	case s.p.ctl <- func() { s.p.radarPlots(b) }:
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
		p.radar = radar.NewLive(radar.NewPicture(), radar.LiveOptions{Encounter: DarkEncounterOptions(p.opts.Detect, p.opts.Places)})
		uo := p.opts.Detect.UnseenByRadar // its Shore defaults to the embedded coastline
		if uo.Shore == nil {
			uo.Shore = geo.DefaultShore()
		}
		p.unseen = radar.NewUnseen(uo)
		return
	}
}

// radarFix puts a tracked AIS position in the radar's live picture.
func (p *Pipeline) radarFix(r *fuse.Report, bit uint64) {
	if p.radar == nil {
		return
	}
	p.radar.Picture().Update(radar.Fix{MMSI: r.MMSI, Time: r.Time, Lat: r.Lat, Lon: r.Lon, SOG: float64(r.SOG), COG: float64(r.COG), Feeds: bit})
	p.radarEmit(p.unseen.Fix(radar.AISFix{MMSI: r.MMSI, Time: r.Time, Lat: r.Lat, Lon: r.Lon, ClassB: r.Class == fuse.ClassB, Feeds: bit}))
}

// radarCraft tells the radars' unseen detector a vessel's length from
// its static report.
func (p *Pipeline) radarCraft(r *fuse.Report) {
	if p.unseen == nil || r.Info == nil || r.Info.Has&fuse.HasDimensions == 0 {
		return
	}
	p.unseen.Craft(r.MMSI, float64(r.Info.Length))
}

// radarPlots takes a radar feed's plots: each waits until the AIS around
// it has caught up with its time (or radarWaitMs). It runs on the detect
// goroutine.
func (p *Pipeline) radarPlots(plots []radarPlot) {
	if p.radar == nil {
		return
	}
	now := p.nowMs()
	for i := range plots {
		plots[i].wall = now
		// The unseen detector takes each radar's plots in their order,
		// and judges a sweep once the AIS places a vessel past it.
		p.radarEmit(p.unseen.Plot(plots[i].f.cfg.Name, plots[i].track, plots[i].plot))
	}
	p.radarHeld = append(p.radarHeld, plots...)
	p.releaseRadar(false)
}

// releaseRadar matches the held plots whose AIS has caught up, or that
// waited long enough (all of them at the end), in the order they came.
func (p *Pipeline) releaseRadar(all bool) {
	if len(p.radarHeld) == 0 {
		return
	}
	now := p.nowMs()
	kept := p.radarHeld[:0]
	for _, rp := range p.radarHeld {
		if all || now-rp.wall >= radarWaitMs || p.radar.CaughtUp(rp.plot) {
			p.radarPlot(rp)
			continue
		}
		kept = append(kept, rp)
	}
	clear(p.radarHeld[len(kept):])
	p.radarHeld = kept
	if len(p.reports) == 0 {
		p.sendStore(nil)
	}
}

// radarPlot correlates one plot and stores and publishes the events it
// makes.
func (p *Pipeline) radarPlot(rp radarPlot) {
	p.radarEmit(p.radar.Plot(rp.f.cfg.Name, rp.track, rp.plot))
}

// radarEmit stores and publishes what the radar detectors report, with
// its provenance: the radar feed's bit for a dark vessel; for an event
// of an AIS vessel (a dark encounter, a vessel the radar should have
// seen) the feeds that heard the vessel, and the radar as the other
// input, so that a partner must be cleared for both.
func (p *Pipeline) radarEmit(ems []radar.Emission) {
	for _, em := range ems {
		bit := p.feedBit(em.Feed)
		prov := store.Provenance{Feeds: bit}
		if em.Event.MMSI != 0 {
			prov = store.Provenance{Feeds: em.VesselFeeds, OtherFeeds: bit}
		}
		e := em.Event
		if math.IsNaN(e.Lat) || math.IsNaN(e.Lon) {
			continue
		}
		p.pendEv = append(p.pendEv, store.EventWithProvenance{Event: e, Prov: prov})
		if em.First {
			p.nEvents.Add(1)
			p.m.events.WithLabelValues(string(e.Type)).Inc()
		}
		p.hub.publishAlert(&e, prov)
	}
}

// feedBit is the provenance bit of the feed named name.
func (p *Pipeline) feedBit(name string) uint64 {
	for i, f := range p.opts.Feeds {
		if f.Name == name {
			return p.bits[i]
		}
	}
	return 0
}
