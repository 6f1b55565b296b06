package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/casefile"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/store"
)

// Bounds of one case: how much track it draws around its events, and how
// far back a vessel's case reaches.
const (
	caseEventMargin = 12 * time.Hour
	caseVesselSpan  = 7 * 24 * time.Hour
	caseMaxEvents   = 2000
)

// caseBuilder gathers a case as one view may see it, noting the feeds
// each record rests on for the marking.
type caseBuilder struct {
	s   *Server
	v   *view
	sc  scope
	c   *casefile.Case
	buf bytes.Buffer // the events as JSON lines, for the manifest
	// records are the visible feed sets of each record the case holds:
	// each is releasable to whom any of its feeds is.
	records map[uint64]bool
}

// caseFile: GET /api/case?mmsi=|event=|network= — an evidence package
// (package casefile) about a vessel, an event or a network, as the
// requesting partner may see it, marked with the releasability of what it
// holds.
func (s *Server) caseFile(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	q := r.URL.Query()
	n := 0
	for _, k := range []string{"mmsi", "event", "network"} {
		if q.Get(k) != "" {
			n++
		}
	}
	if n != 1 {
		return badParam("mmsi", "say what the case is about: one of mmsi, event or network")
	}
	b := &caseBuilder{s: s, v: v, sc: s.scope(v), records: map[uint64]bool{},
		c: &casefile.Case{Manifest: casefile.Manifest{Version: s.opts.Version, Generated: time.Now().UTC()}}}
	newest, err := b.sc.Newest()
	if err != nil {
		return err
	}
	var name string
	switch {
	case q.Get("mmsi") != "":
		mmsi, err := parseMMSI("mmsi", q.Get("mmsi"))
		if err != nil {
			return err
		}
		if err := b.vessel(mmsi, newest); err != nil {
			return err
		}
		name = strconv.FormatUint(uint64(mmsi), 10)
	case q.Get("event") != "":
		id := q.Get("event")
		if !validID(id) {
			return badParam("event", "%q is not an event id", clip(id))
		}
		if err := b.event(id); err != nil {
			return err
		}
		name = id
	default:
		id := q.Get("network")
		if !validID(id) {
			return badParam("network", "%q is not a network id", clip(id))
		}
		if err := b.network(r, id, newest); err != nil {
			return err
		}
		name = id
	}
	b.finish()
	var out bytes.Buffer
	if err := casefile.Write(&out, b.c); err != nil {
		return err
	}
	attachment(w, "text/html; charset=utf-8", "case-"+name+".html")
	_, err = w.Write(out.Bytes())
	return err
}

// note records the visible feeds of a record.
func (b *caseBuilder) note(feeds uint64) {
	if f := feeds & b.v.clearance; f != 0 {
		b.records[f] = true
	}
}

// addEvent adds an event the view may see, once.
func (b *caseBuilder) addEvent(e event.Event, p store.Provenance) {
	if slices.ContainsFunc(b.c.Events, func(x event.Event) bool { return x.ID == e.ID }) || len(b.c.Events) >= caseMaxEvents {
		return
	}
	b.note(p.Feeds)
	if p.OtherFeeds != 0 {
		b.note(p.OtherFeeds)
	}
	b.c.Events = append(b.c.Events, e)
}

// scanEvents calls fn with each event f selects that the view may see,
// with its provenance.
func (b *caseBuilder) scanEvents(f store.EventFilter, fn func(e event.Event, p store.Provenance) bool) error {
	return b.sc.EventsProv(f, fn)
}

// addVessel adds a vessel with its identity and its track in [from, to].
func (b *caseBuilder) addVessel(mmsi uint32, from, to time.Time) error {
	if slices.ContainsFunc(b.c.Vessels, func(v casefile.Vessel) bool { return v.MMSI == mmsi }) {
		return nil
	}
	cv := casefile.Vessel{MMSI: mmsi, Flag: identity.FlagOf(mmsi)}
	recs, err := b.sc.Identities(mmsi)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		b.note(rec.Feeds)
		cv.Identity = append(cv.Identity, casefile.IdentityValue{Field: rec.Field, Value: rec.Value,
			First: time.UnixMilli(rec.First).UTC(), Last: time.UnixMilli(rec.Last).UTC()})
	}
	cv.Name = currentIdentity(recs)[event.FieldName]
	truncated := false
	if to.Sub(from) > b.s.opts.MaxTrackSpan {
		from = to.Add(-b.s.opts.MaxTrackSpan)
	}
	var track bytes.Buffer
	err = b.sc.Track(mmsi, from.UnixMilli(), to.UnixMilli(), func(p store.Position) bool {
		if len(cv.Track) >= b.s.opts.MaxTrackPoints {
			truncated = true
			return false
		}
		b.note(p.Feeds)
		cv.Track = append(cv.Track, casefile.Point{Time: time.UnixMilli(p.Time).UTC(), Lat: p.Lat, Lon: p.Lon})
		track.WriteString(strconv.FormatInt(p.Time, 10) + "," + strconv.FormatFloat(p.Lat, 'f', -1, 64) + "," + strconv.FormatFloat(p.Lon, 'f', -1, 64) + "\n")
		return true
	})
	if err != nil {
		return err
	}
	if truncated {
		b.c.Notes = append(b.c.Notes, "The track of "+strconv.FormatUint(uint64(mmsi), 10)+" is cut at "+strconv.Itoa(b.s.opts.MaxTrackPoints)+" positions.")
	}
	if len(cv.Track) > 0 {
		b.c.Manifest.Inputs = append(b.c.Manifest.Inputs, casefile.HashBytes("track "+strconv.FormatUint(uint64(mmsi), 10),
			"its "+strconv.Itoa(len(cv.Track))+" positions from "+from.Format(time.RFC3339)+" to "+to.Format(time.RFC3339)+" as lines of Unix ms,lat,lon", track.Bytes()))
	}
	b.c.Vessels = append(b.c.Vessels, cv)
	return nil
}

// vessel builds the case of a vessel: its events, the vessels it met, its
// track over the last week it was heard.
func (b *caseBuilder) vessel(mmsi uint32, newest int64) error {
	to := time.UnixMilli(newest + 1).UTC()
	if p, ok := b.sc.LatestOf(mmsi); ok {
		to = time.UnixMilli(p.Time + 1).UTC()
	}
	from := to.Add(-caseVesselSpan)
	if err := b.scanEvents(store.EventFilter{MMSI: mmsi}, func(e event.Event, p store.Provenance) bool {
		b.addEvent(e, p)
		return true
	}); err != nil {
		return err
	}
	if err := b.addVessel(mmsi, from, to); err != nil {
		return err
	}
	if len(b.c.Events) == 0 && len(b.c.Vessels[0].Identity) == 0 && len(b.c.Vessels[0].Track) == 0 {
		return notFound("vessel " + strconv.FormatUint(uint64(mmsi), 10) + " not known")
	}
	for _, e := range slices.Clone(b.c.Events) {
		for _, m := range []uint32{e.MMSI, e.OtherMMSI} {
			if m != 0 && m != mmsi {
				if err := b.addVessel(m, e.Start.Add(-caseEventMargin), e.End.Add(caseEventMargin)); err != nil {
					return err
				}
			}
		}
	}
	b.c.Subject = "vessel " + strconv.FormatUint(uint64(mmsi), 10)
	return nil
}

// event builds the case of one event: its vessels with their tracks
// around it and their watchlist hits.
func (b *caseBuilder) event(id string) error {
	var found *event.Event
	if err := b.scanEvents(store.EventFilter{}, func(e event.Event, p store.Provenance) bool {
		if e.ID == id {
			b.addEvent(e, p)
			found = &e
			return false
		}
		return true
	}); err != nil {
		return err
	}
	if found == nil {
		return notFound("event " + id + " not known")
	}
	for _, m := range []uint32{found.MMSI, found.OtherMMSI} {
		if m == 0 {
			continue
		}
		if err := b.addVessel(m, found.Start.Add(-caseEventMargin), found.End.Add(caseEventMargin)); err != nil {
			return err
		}
		if err := b.scanEvents(store.EventFilter{MMSI: m, Types: []event.Type{event.Watchlist}}, func(e event.Event, p store.Provenance) bool {
			if e.MMSI == m {
				b.addEvent(e, p)
			}
			return true
		}); err != nil {
			return err
		}
	}
	b.c.Subject = "event " + id
	b.c.Summary = found.Summary
	return nil
}

// network builds the case of a network of the view's risk picture: its
// members, the events that link them, their watchlist hits.
func (b *caseBuilder) network(r *http.Request, id string, newest int64) error {
	pic, err := b.s.pictureFor(r.Context(), b.v)
	if err != nil {
		return err
	}
	nets := pic.Networks
	if !b.v.full {
		if nets, err = b.s.namedNetworks(b.v, nets); err != nil {
			return err
		}
	}
	i := slices.IndexFunc(nets, func(n network.Network) bool { return n.ID == id })
	if i < 0 {
		return notFound("network " + id + " not known")
	}
	n := nets[i]
	ids := map[string]bool{}
	for _, l := range n.Links {
		for _, e := range l.Events {
			ids[e] = true
		}
	}
	to := time.UnixMilli(newest + 1).UTC()
	for _, m := range n.Members {
		if err := b.scanEvents(store.EventFilter{MMSI: m.MMSI}, func(e event.Event, p store.Provenance) bool {
			if ids[e.ID] || e.Type == event.Watchlist && e.MMSI == m.MMSI {
				b.addEvent(e, p)
			}
			return true
		}); err != nil {
			return err
		}
		if err := b.addVessel(m.MMSI, to.Add(-caseVesselSpan), to); err != nil {
			return err
		}
	}
	b.c.Subject = "network " + id
	b.c.Summary = n.Summary
	b.c.Links = casefile.LinksOf(n, b.c.Events)
	return nil
}

// finish titles the case, marks it and lists its inputs.
func (b *caseBuilder) finish() {
	c := b.c
	c.Sort()
	for _, e := range c.Events {
		line, _ := json.Marshal(e)
		b.buf.Write(line)
		b.buf.WriteByte('\n')
	}
	c.Manifest.Inputs = append([]casefile.Input{casefile.HashBytes("events", strconv.Itoa(len(c.Events))+" events of the case as JSON lines, as /api/events gives them", b.buf.Bytes())},
		c.Manifest.Inputs...)
	if len(c.Vessels) > 0 {
		v := c.Vessels[0]
		c.Title = "Vessel " + strconv.FormatUint(uint64(v.MMSI), 10)
		if v.Name != "" {
			c.Title += " " + v.Name
		}
		if len(c.Vessels) > 1 {
			c.Title += " and " + strconv.Itoa(len(c.Vessels)-1) + " other vessel(s)"
		}
	} else {
		c.Title = "Case: " + c.Subject
	}
	c.Marking = b.s.marking(b.v, b.records)
}

// marking is the releasability of content whose records rest on the
// given visible feed sets: a record is releasable to whom any of its
// feeds is (the owner, the names of its label and their members); the
// content to whom every record is.
func (s *Server) marking(v *view, records map[uint64]bool) casefile.Marking {
	m := casefile.Marking{For: string(v.who.Role) + " " + v.who.User + " of " + v.who.Partner}
	if v.who.User == "" {
		m.For = ""
	}
	if s.opts.Access == nil {
		m.Text = "NOT MARKED"
		return m
	}
	s.clearMu.Lock()
	labels := slices.Clone(s.feedLabels)
	s.clearMu.Unlock()
	reg := s.opts.Access.Registry()
	releasees := map[int][]string{}
	var used uint64
	for _, f := range labels {
		names := []string{f.Owner}
		for _, x := range f.Label.To {
			names = append(names, reg.Expand(x)...)
		}
		slices.Sort(names)
		releasees[f.Index] = slices.Compact(names)
	}
	var common []string
	first := true
	for set := range records {
		used |= set
		var union []string
		for i := range 64 {
			if set&(1<<i) != 0 {
				union = append(union, releasees[i]...)
			}
		}
		if first {
			common, first = union, false
			continue
		}
		common = slices.DeleteFunc(common, func(n string) bool { return !slices.Contains(union, n) })
	}
	slices.Sort(common)
	common = slices.Compact(common)
	common = withoutGroupMembers(reg, common)
	for _, f := range labels {
		if used&(1<<f.Index) != 0 {
			m.Feeds = append(m.Feeds, casefile.Feed{Name: f.Name, Owner: f.Owner, Label: f.Label.Raw})
		}
	}
	switch {
	case first:
		m.Text = "REL TO " + v.who.Partner // holds no data: its maker's alone
	case len(common) == 0:
		m.Text = "NOT RELEASABLE" // cannot happen for data the view sees, which its partner's clearance releases
	default:
		m.Text = "REL TO " + strings.Join(common, ", ")
	}
	return m
}

// withoutGroupMembers names a group rather than each of its members when
// all of them are there.
func withoutGroupMembers(reg *access.Registry, names []string) []string {
	drop := map[string]bool{}
	for _, n := range names {
		members := reg.Expand(n)
		if len(members) < 2 {
			continue
		}
		all := true
		for _, m := range members {
			all = all && slices.Contains(names, m)
		}
		if all {
			for _, m := range members {
				if m != n {
					drop[m] = true
				}
			}
		}
	}
	return slices.DeleteFunc(names, func(n string) bool { return drop[n] })
}

// validID reports an event or network id: up to 64 letters, digits, '-'
// and '_'.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
