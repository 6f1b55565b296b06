package sim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/watchlist"
)

// Truth thresholds: DESIGN.md's detection defaults, which the truth is
// computed with so that a detector at its defaults can find every event.
const (
	truthEncounterM       = 500 // m apart (GFW encounters)
	truthEncounterMs      = 2 * hour
	truthEncounterMergeMs = 4 * hour // same pair closer than this merges (GFW)
	truthSlowKn           = 2        // encounter median speed, loitering average speed (GFW)
	truthPortFarM         = 10e3     // encounters >= 10 km from a port or anchorage (GFW)
	truthLoiterShoreM     = 20 * nm  // loitering >= 20 nm from shore (GFW)
	truthLoiterMs         = 2 * hour
	truthPortEnterM       = 3e3 // port visits: enter within 3 km, leave beyond 4 km,
	truthPortLeaveM       = 4e3 // with a stop below 0.2 kn (GFW)
	truthPortStopKn       = 0.2
	truthScanMs           = 30_000 // the scan's time step
)

func tm(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// truth computes the ground-truth events of a generated scenario.
func (g *gen) truth() []event.Event {
	s := g.s
	var out []event.Event
	out = append(out, g.gapTruth()...)
	out = append(out, g.darkRendezvousTruth(out)...)
	out = append(out, g.scanTruth()...)
	out = append(out, g.identityTruth()...)
	out = append(out, g.watchlistTruth()...)
	for i := range out {
		e := &out[i]
		if e.Confidence == 0 {
			e.Confidence = 1
		}
		e.SetID()
	}
	sortTruth(out)
	_ = s
	return out
}

// sortTruth orders the truth by start, type, vessels and id.
func sortTruth(out []event.Event) {
	slices.SortStableFunc(out, func(a, b event.Event) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Type, b.Type), cmp.Compare(a.MMSI, b.MMSI), cmp.Compare(a.OtherMMSI, b.OtherMMSI), cmp.Compare(a.ID, b.ID))
	})
}

// gapTruth: every hole of 6 h or more in a transmitter's heard positions
// (GFW records every gap >= 6 h). Intentional when the transmitter was
// switched off on purpose (a staged dark period), whatever the reception.
func (g *gen) gapTruth() []event.Event {
	var out []event.Event
	for v := range g.heard {
		ves := g.s.fleet[v]
		if ves.notShip {
			continue // a buoy saving its battery does not go dark
		}
		for _, gp := range g.heard[v].gaps {
			deliberate := false
			for _, d := range ves.dark {
				if d.deliberate && d.From < gp.to.t && d.To > gp.from.t {
					deliberate = true
				}
			}
			h := float64(gp.to.t-gp.from.t) / float64(hour)
			shore := g.s.w.shore.DistanceToShore(gp.from.lat, gp.from.lon) / nm
			why := "reception"
			if deliberate {
				why = "AIS switched off"
			} else if len(ves.dark) > 0 {
				why = "AIS off (equipment)"
			}
			out = append(out, event.Event{
				Type: event.Gap, MMSI: gp.mmsi, Start: tm(gp.from.t), End: tm(gp.to.t), Lat: gp.from.lat, Lon: gp.from.lon,
				EndLat: event.Ptr(gp.to.lat), EndLon: event.Ptr(gp.to.lon), Intentional: event.Ptr(deliberate),
				Summary: fmt.Sprintf("%d dark for %.1f h (%s), %.0f nm from shore", gp.mmsi, h, why, shore),
				Details: map[string]float64{"hours": round2(h), "shore_nm": round2(shore)},
			})
		}
	}
	return out
}

// darkRendezvousTruth: a staged pair whose heard gaps overlap, at the
// meeting place, over the overlap of the gaps.
func (g *gen) darkRendezvousTruth(gaps []event.Event) []event.Event {
	var out []event.Event
	for _, in := range g.s.inj {
		if in.kind != injDarkRendezvous {
			continue
		}
		ga, gb := g.gapAround(in.a, in.from), g.gapAround(in.b, in.from)
		if ga == nil || gb == nil {
			g.s.notes = append(g.s.notes, "dark rendezvous: a gap was not heard as such (too short a scenario?)")
			continue
		}
		from, to := max(ga.from.t, gb.from.t), min(ga.to.t, gb.to.t)
		ma, mb := ga.mmsi, gb.mmsi
		out = append(out, event.Event{
			Type: event.DarkRendezvous, MMSI: ma, OtherMMSI: mb, Start: tm(from), End: tm(to), Lat: in.at.Lat, Lon: in.at.Lon,
			Summary: fmt.Sprintf("%d and %d went dark and met %.0f nm from shore", ma, mb, in.shoreNM),
			Details: map[string]float64{"meet_hours": round2(float64(in.to-in.from) / float64(hour)), "shore_nm": round2(in.shoreNM)},
		})
	}
	return out
}

// gapAround returns vessel v's heard gap containing t.
func (g *gen) gapAround(v int, t int64) *heardGap {
	for i := range g.heard[v].gaps {
		gp := &g.heard[v].gaps[i]
		if gp.from.t <= t && gp.to.t >= t {
			return gp
		}
	}
	return nil
}

// scan state per vessel.
type loiterRun struct {
	on            bool
	mmsi          uint32
	from, last    int64
	sumLat, sumLn float64
	sumKn         float64
	n             int
}

type visitRun struct {
	v          int
	on         bool
	mmsi       uint32
	port       string
	from, last int64
	lat, lon   float64
	stopped    bool
	partial    bool
}

type zoneRun struct {
	v          int
	on         bool
	mmsi       uint32
	from, last int64
	lat, lon   float64
	partial    bool
}

type pairRun struct {
	from, last    int64
	sumLat, sumLn float64
	sumD          float64
	n             int
}

// scanTruth walks every vessel's true track in 30 s steps and finds the
// encounters, loitering, port visits and zone visits by DESIGN.md's
// definitions.
func (g *gen) scanTruth() []event.Event {
	s := g.s
	n := len(s.fleet)
	hints := make([]int, n)
	loit := make([]loiterRun, n)
	visit := make([]visitRun, n)
	zones := make([][]zoneRun, n)
	for v := range zones {
		zones[v] = make([]zoneRun, len(s.r.Zones))
	}
	pairs := map[[2]int32]*pairRun{}
	near := make([]placeCache, n)
	g.lastVisit = make([]int, n)
	g.lastZone = make([][]int, n)
	for v := range g.lastVisit {
		g.lastVisit[v] = -1
		g.lastZone[v] = make([]int, len(s.r.Zones))
		for zi := range g.lastZone[v] {
			g.lastZone[v][zi] = -1
		}
	}
	var done []pairDone
	var out []event.Event
	type slowFix struct {
		v        int
		lat, lon float64
	}
	cells := map[[2]int32][]slowFix{}
	var slow []slowFix
	for t := s.start; t < s.end; t += truthScanMs {
		clear(cells)
		slow = slow[:0]
		for v := 0; v < n; v++ {
			ves := s.fleet[v]
			if ves.alive.To > 0 && (t < ves.alive.From || t >= ves.alive.To) {
				continue
			}
			k := idIndex(ves, t)
			if k < 0 {
				continue
			}
			mmsi := ves.ids[k].id.MMSI
			lat, lon, sog, _, _ := s.fp.motion(v, t, &hints[v])
			on := isOn(ves, t)
			ship := !ves.notShip // ship rules: port visits, loitering, encounters
			// Port visits (GFW): enter within 3 km, a stop under 0.2 kn,
			// leave beyond 4 km.
			vr := &visit[v]
			if vr.on && vr.mmsi != mmsi {
				out = g.closeVisit(out, vr, vr.last)
			}
			pname, pd := near[v].lookup(s.w, lat, lon, t)
			switch {
			case !vr.on && pd <= truthPortEnterM && ship:
				*vr = visitRun{v: v, on: true, mmsi: mmsi, port: pname, from: t, last: t, lat: lat, lon: lon, partial: t == s.start}
			case vr.on && pd > truthPortLeaveM:
				out = g.closeVisit(out, vr, vr.last)
			}
			if vr.on {
				vr.last = t
				if sog < truthPortStopKn {
					vr.stopped = true
				}
			}
			// Zones.
			for zi := range s.r.Zones {
				zr := &zones[v][zi]
				in := s.r.Zones[zi].contains(lat, lon)
				if zr.on && (!in || zr.mmsi != mmsi) {
					out = g.closeZone(out, zr, zi, false)
				}
				if in && !zr.on {
					*zr = zoneRun{v: v, on: true, mmsi: mmsi, from: t, last: t, lat: lat, lon: lon, partial: t == s.start}
				}
				if zr.on {
					zr.last = t
				}
			}
			// Loitering (GFW): slow at sea, >= 20 nm from shore, >= 2 h,
			// while transmitting.
			lr := &loit[v]
			loiter := ship && on && sog < truthSlowKn && s.w.shore.DistanceToShore(lat, lon) >= truthLoiterShoreM
			if lr.on && (!loiter || lr.mmsi != mmsi) {
				out = g.closeLoiter(out, lr)
			}
			if loiter {
				if !lr.on {
					*lr = loiterRun{on: true, mmsi: mmsi, from: t}
				}
				lr.last = t
				lr.sumLat += lat
				lr.sumLn += lon
				lr.sumKn += sog
				lr.n++
			}
			// Encounter candidates: slow, transmitting, away from ports.
			if ship && !ves.marina && on && sog < truthSlowKn && pd >= truthPortFarM {
				f := slowFix{v, lat, lon}
				slow = append(slow, f)
				key := [2]int32{int32(math.Floor(lat / 0.01)), int32(math.Floor(lon / 0.01))}
				cells[key] = append(cells[key], f)
			}
		}
		for _, a := range slow {
			ka := [2]int32{int32(math.Floor(a.lat / 0.01)), int32(math.Floor(a.lon / 0.01))}
			for dy := int32(-1); dy <= 1; dy++ {
				for dx := int32(-1); dx <= 1; dx++ {
					for _, b := range cells[[2]int32{ka[0] + dy, ka[1] + dx}] {
						if b.v <= a.v {
							continue
						}
						d := geo.Distance(a.lat, a.lon, b.lat, b.lon)
						if d > truthEncounterM {
							continue
						}
						key := [2]int32{int32(a.v), int32(b.v)}
						pr := pairs[key]
						if pr == nil {
							pr = &pairRun{from: t}
							pairs[key] = pr
						}
						pr.last = t
						pr.sumLat += (a.lat + b.lat) / 2
						pr.sumLn += (a.lon + b.lon) / 2
						pr.sumD += d
						pr.n++
					}
				}
			}
		}
		for key, pr := range pairs {
			if pr.last < t {
				done = append(done, pairDone{key, *pr})
				delete(pairs, key)
			}
		}
	}
	for v := 0; v < n; v++ {
		if visit[v].on {
			visit[v].partial = true
			out = g.closeVisit(out, &visit[v], s.end)
		}
		for zi := range zones[v] {
			if zones[v][zi].on {
				zones[v][zi].last = s.end
				out = g.closeZone(out, &zones[v][zi], zi, true)
			}
		}
		if loit[v].on {
			out = g.closeLoiter(out, &loit[v])
		}
	}
	for key, pr := range pairs {
		done = append(done, pairDone{key, *pr})
	}
	out = append(out, g.encounters(done)...)
	return out
}

// placeCache saves port lookups in the scan: a vessel that has not moved
// keeps its answer, and one far from every port cannot come within
// truthPortFarM of one before it could have sailed there at 25 kn.
type placeCache struct {
	ok       bool
	lat, lon float64
	name     string
	d        float64
	until    int64 // no port within truthPortFarM before this
}

const scanMaxKnots = 25

func (c *placeCache) lookup(w *world, lat, lon float64, t int64) (string, float64) {
	if c.ok && lat == c.lat && lon == c.lon {
		return c.name, c.d
	}
	if c.ok && t < c.until {
		return "", math.Inf(1)
	}
	name, d := w.nearestPlace(lat, lon)
	*c = placeCache{ok: true, lat: lat, lon: lon, name: name, d: d}
	if far := min(d, w.placesRange) - truthPortFarM - 500; far > 0 {
		c.until = t + int64(far/(scanMaxKnots*kn)*1000)
	}
	return name, d
}

type pairDone struct {
	key [2]int32
	run pairRun
}

// isOn reports whether a vessel transmits at t.
func isOn(ves *vessel, t int64) bool {
	if ves.alive.To > 0 && (t < ves.alive.From || t >= ves.alive.To) {
		return false
	}
	for _, d := range ves.dark {
		if t >= d.From && t < d.To {
			return false
		}
	}
	return true
}

// fixesIn returns the heard fixes of vessel v from t0 to t1.
func (g *gen) fixesIn(v int, t0, t1 int64) []heardFix {
	f := g.heard[v].fixes
	i := sort.Search(len(f), func(k int) bool { return f[k].t >= t0 })
	j := sort.Search(len(f), func(k int) bool { return f[k].t > t1 })
	return f[i:j]
}

// closeVisit ends a port visit. Only a visit the feed shows is kept: one
// with a heard report under 0.2 kn within 4 km of a port or anchorage,
// where the visit is placed.
func (g *gen) closeVisit(out []event.Event, vr *visitRun, end int64) []event.Event {
	vr.on = false
	if !vr.stopped {
		return out
	}
	seen := false
	for _, f := range g.fixesIn(vr.v, vr.from, end) {
		if float64(f.sog) >= truthPortStopKn {
			continue
		}
		lat, lon := float64(f.lat), float64(f.lon)
		if _, d := g.s.w.nearestPlace(lat, lon); d <= truthPortLeaveM {
			vr.lat, vr.lon, seen = lat, lon, true
			break
		}
	}
	if !seen {
		g.unseen[event.PortVisit]++
		return out
	}
	e := event.Event{
		Type: event.PortVisit, MMSI: vr.mmsi, Port: vr.port, Start: tm(vr.from), End: tm(end), Lat: vr.lat, Lon: vr.lon,
		Summary: fmt.Sprintf("%d called at %s for %.1f h", vr.mmsi, vr.port, float64(end-vr.from)/float64(hour)),
		Details: map[string]float64{"hours": round2(float64(end-vr.from) / float64(hour))},
	}
	if vr.partial {
		e.Details["partial"] = 1
	}
	// A departure the feed does not show (no report beyond 4 km of every
	// port and anchorage before the ship is back) does not end the call.
	if k := g.lastVisit[vr.v]; k >= 0 && out[k].MMSI == e.MMSI {
		left := false
		for _, f := range g.fixesIn(vr.v, out[k].End.UnixMilli(), vr.from) {
			if _, d := g.s.w.nearestPlace(float64(f.lat), float64(f.lon)); d > truthPortLeaveM {
				left = true
				break
			}
		}
		if !left {
			prev := &out[k]
			prev.End = e.End
			h := prev.End.Sub(prev.Start).Hours()
			prev.Details["hours"] = round2(h)
			prev.Summary = fmt.Sprintf("%d called at %s for %.1f h", prev.MMSI, prev.Port, h)
			if vr.partial {
				prev.Details["partial"] = 1
			}
			return out
		}
	}
	g.lastVisit[vr.v] = len(out)
	return append(out, e)
}

// closeZone ends a zone visit. Only a visit the feed shows is kept: one
// with a heard report inside the zone, where the visit is placed.
func (g *gen) closeZone(out []event.Event, zr *zoneRun, zi int, atEnd bool) []event.Event {
	zr.on = false
	zone := &g.s.r.Zones[zi]
	seen := false
	for _, f := range g.fixesIn(zr.v, zr.from, zr.last+truthScanMs) {
		if lat, lon := float64(f.lat), float64(f.lon); zone.contains(lat, lon) {
			zr.lat, zr.lon, seen = lat, lon, true
			break
		}
	}
	if !seen {
		g.unseen[event.ZoneVisit]++
		return out
	}
	z := zone.Name
	e := event.Event{
		Type: event.ZoneVisit, MMSI: zr.mmsi, Zone: z, Start: tm(zr.from), End: tm(zr.last), Lat: zr.lat, Lon: zr.lon,
		Summary: fmt.Sprintf("%d in %s for %.1f h", zr.mmsi, z, float64(zr.last-zr.from)/float64(hour)),
		Details: map[string]float64{"hours": round2(float64(zr.last-zr.from) / float64(hour))},
	}
	if zr.partial || atEnd {
		e.Details["partial"] = 1
	}
	// An exit the feed does not show does not end the visit.
	if k := g.lastZone[zr.v][zi]; k >= 0 && out[k].MMSI == e.MMSI {
		left := false
		for _, f := range g.fixesIn(zr.v, out[k].End.UnixMilli(), zr.from) {
			if !zone.contains(float64(f.lat), float64(f.lon)) {
				left = true
				break
			}
		}
		if !left {
			prev := &out[k]
			prev.End = e.End
			h := prev.End.Sub(prev.Start).Hours()
			prev.Details["hours"] = round2(h)
			prev.Summary = fmt.Sprintf("%d in %s for %.1f h", prev.MMSI, z, h)
			if e.Details["partial"] == 1 {
				prev.Details["partial"] = 1
			}
			return out
		}
	}
	g.lastZone[zr.v][zi] = len(out)
	return append(out, e)
}

func (g *gen) closeLoiter(out []event.Event, lr *loiterRun) []event.Event {
	lr.on = false
	if lr.last-lr.from < truthLoiterMs {
		return out
	}
	lat, lon := lr.sumLat/float64(lr.n), lr.sumLn/float64(lr.n)
	shore := g.s.w.shore.DistanceToShore(lat, lon) / nm
	h := float64(lr.last-lr.from) / float64(hour)
	return append(out, event.Event{
		Type: event.Loitering, MMSI: lr.mmsi, Start: tm(lr.from), End: tm(lr.last), Lat: lat, Lon: lon,
		Summary: fmt.Sprintf("%d slow at sea for %.1f h, %.0f nm from shore", lr.mmsi, h, shore),
		Details: map[string]float64{"hours": round2(h), "mean_kn": round2(lr.sumKn / float64(lr.n)), "shore_nm": round2(shore)},
	})
}

// encounters merges each pair's close, slow runs less than 4 h apart and
// keeps those of 2 h or more.
func (g *gen) encounters(done []pairDone) []event.Event {
	slices.SortFunc(done, func(a, b pairDone) int {
		return cmp.Or(cmp.Compare(a.key[0], b.key[0]), cmp.Compare(a.key[1], b.key[1]), cmp.Compare(a.run.from, b.run.from))
	})
	var out []event.Event
	emit := func(key [2]int32, r pairRun) {
		if r.last-r.from < truthEncounterMs {
			return
		}
		s := g.s
		ma := s.fleet[key[0]].idAt(r.from).MMSI
		mb := s.fleet[key[1]].idAt(r.from).MMSI
		if ma > mb {
			ma, mb = mb, ma
		}
		h := float64(r.last-r.from) / float64(hour)
		lat, lon := r.sumLat/float64(r.n), r.sumLn/float64(r.n)
		out = append(out, event.Event{
			Type: event.Encounter, MMSI: ma, OtherMMSI: mb, Start: tm(r.from), End: tm(r.last), Lat: lat, Lon: lon,
			Summary: fmt.Sprintf("%d and %d together for %.1f h, %.0f m apart", ma, mb, h, r.sumD/float64(r.n)),
			Details: map[string]float64{"hours": round2(h), "mean_m": round2(r.sumD / float64(r.n)), "shore_nm": round2(s.w.shore.DistanceToShore(lat, lon) / nm)},
		})
	}
	for i := 0; i < len(done); {
		cur := done[i].run
		j := i + 1
		for ; j < len(done) && done[j].key == done[i].key && done[j].run.from-cur.last < truthEncounterMergeMs; j++ {
			r := done[j].run
			cur.last = r.last
			cur.sumLat += r.sumLat
			cur.sumLn += r.sumLn
			cur.sumD += r.sumD
			cur.n += r.n
		}
		emit(done[i].key, cur)
		i = j
	}
	return out
}

// identityTruth: spoofing (impossible speed, shared MMSI, invalid
// identity) and identity changes, as heard in the feed.
func (g *gen) identityTruth() []event.Event {
	s := g.s
	var out []event.Event
	for _, in := range s.inj {
		ves := s.fleet[in.a]
		hv := &g.heard[in.a]
		switch in.kind {
		case injImpossibleSpeed:
			for i := range ves.spoof {
				sh := &hv.spoofs[i]
				if &ves.spoof[i] != in.spoof || !sh.firstFalse.ok {
					continue
				}
				end := sh.firstFalse.t
				if sh.firstTrue.ok {
					end = sh.firstTrue.t
				}
				var h int
				rl, ro := s.fp.pos(in.a, sh.firstFalse.t, &h)
				km := geo.Distance(rl, ro, sh.firstFalse.lat, sh.firstFalse.lon) / 1000
				mmsi := ves.idAt(sh.firstFalse.t).MMSI
				out = append(out, event.Event{
					Type: event.Spoofing, Subtype: event.ImpossibleSpeed, MMSI: mmsi, Start: tm(sh.firstFalse.t), End: tm(end),
					Lat: sh.firstFalse.lat, Lon: sh.firstFalse.lon,
					Summary: fmt.Sprintf("%d reported positions %.0f km from where it was", mmsi, km),
					Details: map[string]float64{"jump_km": round2(km), "real_lat": round5(rl), "real_lon": round5(ro)},
				})
			}
		case injSharedMMSI:
			ih := &g.heard[in.b].ids[0]
			if !ih.firstAny.ok {
				s.notes = append(s.notes, "shared MMSI: the second transmitter was never heard")
				continue
			}
			mmsi := ves.ids[0].id.MMSI
			var h int
			rl, ro := s.fp.pos(in.a, ih.firstAny.t, &h)
			km := geo.Distance(rl, ro, ih.firstAny.lat, ih.firstAny.lon) / 1000
			out = append(out, event.Event{
				Type: event.Spoofing, Subtype: event.SharedMMSI, MMSI: mmsi, Start: tm(ih.firstAny.t), End: tm(ih.lastAny.t),
				Lat: ih.firstAny.lat, Lon: ih.firstAny.lon,
				Summary: fmt.Sprintf("a second transmitter used %d %.0f km away", mmsi, km),
				Details: map[string]float64{"distance_km": round2(km), "real_lat": round5(rl), "real_lon": round5(ro)},
			})
		case injInvalidMMSI:
			ih := &hv.ids[0]
			if !ih.firstAny.ok {
				continue
			}
			mmsi := in.newID.MMSI
			mid, _ := identity.MID(int(mmsi))
			out = append(out, event.Event{
				Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: mmsi, Start: tm(ih.firstAny.t), End: tm(ih.firstAny.t),
				Lat: ih.firstAny.lat, Lon: ih.firstAny.lon,
				Summary: fmt.Sprintf("%d: MID %d is not allocated", mmsi, mid),
				Details: map[string]float64{"mid": float64(mid)},
			})
		case injInvalidIMO:
			ih := &hv.ids[0]
			if !ih.firstStatic.ok {
				continue
			}
			mmsi := in.newID.MMSI
			out = append(out, event.Event{
				Type: event.Spoofing, Subtype: event.InvalidIdentity, MMSI: mmsi, Start: tm(ih.firstStatic.t), End: tm(ih.firstStatic.t),
				Lat: ih.firstStatic.lat, Lon: ih.firstStatic.lon,
				Summary: fmt.Sprintf("%d: IMO %d fails its check digit", mmsi, in.newID.IMO),
				Details: map[string]float64{"imo": float64(in.newID.IMO)},
			})
		case injNameChange:
			// A change needs the new name in as many static reports as
			// the identity detector asks (one report may be another
			// transmitter's).
			oldH, newH := &hv.ids[0], &hv.ids[len(hv.ids)-1]
			if !oldH.lastStatic.ok || newH.statics < idOpts.Confirmations {
				g.unseen[event.IdentityChange] += 2
				continue
			}
			mmsi := in.newID.MMSI
			for _, f := range []struct{ field, from, to string }{
				{event.FieldName, string(in.oldID.Name), string(in.newID.Name)},
				{event.FieldCallSign, string(in.oldID.CallSign), string(in.newID.CallSign)},
			} {
				out = append(out, event.Event{
					Type: event.IdentityChange, MMSI: mmsi, Field: f.field, From: f.from, To: f.to,
					Start: tm(oldH.lastStatic.t), End: tm(newH.firstStatic.t), Lat: newH.firstStatic.lat, Lon: newH.firstStatic.lon,
					Summary: fmt.Sprintf("%d changed %s from %s to %s", mmsi, f.field, f.from, f.to),
				})
			}
		case injFlagHop:
			// Seen only when both identities' static reports (the IMO
			// number that ties them) were heard.
			oldH, newH := &hv.ids[0], &hv.ids[len(hv.ids)-1]
			if !oldH.firstStatic.ok || newH.statics < idOpts.Confirmations ||
				newH.firstStatic.t-oldH.lastAny.t < idOpts.FlagSilence.Milliseconds() {
				g.unseen[event.IdentityChange]++
				continue
			}
			from, _ := identity.Flag(int(in.oldID.MMSI))
			to, _ := identity.Flag(int(in.newID.MMSI))
			at := newH.firstStatic
			out = append(out, event.Event{
				Type: event.IdentityChange, MMSI: in.newID.MMSI, Field: event.FieldFlag, From: from.Alpha2, To: to.Alpha2,
				Start: tm(oldH.lastAny.t), End: tm(newH.firstStatic.t), Lat: at.lat, Lon: at.lon,
				Summary: fmt.Sprintf("IMO %d %s reflagged from %s (%d) to %s (%d)", in.newID.IMO, in.newID.Name, from.Alpha2, in.oldID.MMSI, to.Alpha2, in.newID.MMSI),
				Details: map[string]float64{"old_mmsi": float64(in.oldID.MMSI), "imo": float64(in.newID.IMO)},
			})
		case injSharedIMO:
			// The ship heard first with the number is the other; both must
			// be heard with it, the first again after the second began.
			ha, hb := &g.heard[in.a].ids[0], &g.heard[in.b].ids[0]
			ma, mb := in.oldID.MMSI, in.newID.MMSI
			if hb.firstStatic.t < ha.firstStatic.t {
				ha, hb, ma, mb = hb, ha, mb, ma
			}
			if !ha.firstStatic.ok || !hb.firstStatic.ok || ha.lastAny.t < hb.firstStatic.t {
				g.unseen[event.Spoofing]++
				continue
			}
			out = append(out, event.Event{
				Type: event.Spoofing, Subtype: event.SharedIMO, MMSI: mb, OtherMMSI: ma,
				Start: tm(hb.firstStatic.t), End: tm(min(ha.lastAny.t, hb.lastAny.t)), Lat: hb.firstStatic.lat, Lon: hb.firstStatic.lon,
				Summary: fmt.Sprintf("%d broadcasts IMO %d of %d at the same time", in.newID.MMSI, in.newID.IMO, in.oldID.MMSI),
				Details: map[string]float64{"imo": float64(in.newID.IMO)},
			})
		}
	}
	return out
}

// idOpts are the identity detector's defaults, which decide what the
// truth can expect to be found.
var idOpts = detect.DefaultOptions().Identity

// watchlistTruth: one event per MMSI and matching watchlist entry, from the
// first message that carries the matched key to the MMSI's last message.
func (g *gen) watchlistTruth() []event.Event {
	s := g.s
	type key struct {
		mmsi  uint32
		entry int
	}
	type hit struct {
		from, to heardAt
		by       string
	}
	hits := map[key]*hit{}
	var order []key
	for v, ves := range s.fleet {
		if ves.noStatic || ves.impostor {
			continue // an impostor's victim is not listed
		}
		for k, sp := range ves.ids {
			id := sp.id
			ih := &g.heard[v].ids[k]
			if !ih.firstAny.ok {
				continue
			}
			for ei, e := range s.watch {
				by := ""
				first := ih.firstStatic
				switch {
				case e.IMO != 0 && e.IMO == id.IMO:
					by = "imo"
				case e.MMSI != 0 && e.MMSI == id.MMSI:
					by, first = "mmsi", ih.firstAny
				case e.Name != "" && identity.NameKey(e.Name) == identity.NameKey(string(id.Name)) && !watchlist.GenericName(string(id.Name)):
					// A common one-word name is no identity (watchlist.MatchVessel).
					by = "name"
				}
				if by == "" || !first.ok {
					continue
				}
				kk := key{id.MMSI, ei}
				h := hits[kk]
				if h == nil {
					h = &hit{from: first, to: ih.lastAny, by: by}
					hits[kk] = h
					order = append(order, kk)
				}
				if first.t < h.from.t {
					h.from = first
				}
				if ih.lastAny.t > h.to.t {
					h.to = ih.lastAny
				}
			}
		}
	}
	var out []event.Event
	for _, k := range order {
		h := hits[k]
		e := s.watch[k.entry]
		out = append(out, event.Event{
			Type: event.Watchlist, MMSI: k.mmsi, Start: tm(h.from.t), End: tm(h.to.t), Lat: h.from.lat, Lon: h.from.lon,
			Entry:   &event.Entry{List: "watchlist", Name: e.Name, IMO: int(e.IMO), MMSI: int(e.MMSI), By: h.by},
			Summary: fmt.Sprintf("%d matches watchlist entry %s by %s", k.mmsi, entryLabel(e), h.by),
		})
	}
	return out
}

func entryLabel(e watchEntry) string {
	switch {
	case e.IMO != 0:
		return fmt.Sprintf("IMO %d", e.IMO)
	case e.MMSI != 0:
		return fmt.Sprintf("MMSI %d", e.MMSI)
	}
	return e.Name
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }
