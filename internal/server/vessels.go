package server

import (
	"cmp"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/cluster"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/picture"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/store"
)

// world is the box of the whole Earth.
var world = store.BBox{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}

// num is a float that is null in JSON when not available (NaN).
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	bits := 64
	if float64(float32(f)) == f {
		bits = 32 // SOG and COG are float32: 10.4, not 10.399999618530273
	}
	return strconv.AppendFloat(nil, f, 'f', -1, bits), nil
}

func heading(h int16) *int {
	if h < 0 || h >= 360 {
		return nil
	}
	v := int(h)
	return &v
}

// geoFeature is a GeoJSON Feature.
type geoFeature struct {
	Type       string   `json:"type"`
	Geometry   geometry `json:"geometry"`
	Properties any      `json:"properties"`
}

// geometry is a GeoJSON geometry; Coordinates is [lon, lat], or a list
// of them.
type geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

type featureCollection struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
}

func point(lat, lon float64) geometry {
	return geometry{Type: "Point", Coordinates: [2]float64{lon, lat}}
}

// vesselProps are the properties of a vessel on the map.
type vesselProps struct {
	MMSI     uint32    `json:"mmsi"`
	Name     string    `json:"name,omitempty"`
	ShipType *int      `json:"shiptype,omitempty"`
	Flag     string    `json:"flag,omitempty"`
	SOG      num       `json:"sog"`
	COG      num       `json:"cog"`
	Heading  *int      `json:"heading"`
	Status   uint8     `json:"status"`
	Time     time.Time `json:"time"`
	Risk     *int      `json:"risk,omitempty"`
	// Lists names the partner's own watchlists the vessel is on.
	Lists []string `json:"lists,omitempty"`
}

// currentIdentity returns the value of each field heard last.
func currentIdentity(recs []store.IdentityRecord) map[string]string {
	out := map[string]string{}
	last := map[string]int64{}
	for _, r := range recs {
		if t, ok := last[r.Field]; !ok || r.Last > t {
			last[r.Field], out[r.Field] = r.Last, r.Value
		}
	}
	return out
}

// props returns a vessel's properties on the map, and its current
// identity as the view heard it (for the search).
func (s *Server) props(p store.Position, pic *picture.Picture, v *view) (vesselProps, map[string]string) {
	vp := vesselProps{MMSI: p.MMSI, Flag: identity.FlagOf(p.MMSI), SOG: num(p.SOG), COG: num(p.COG), Heading: heading(p.Heading),
		Status: p.Status, Time: time.UnixMilli(p.Time).UTC()}
	var id map[string]string
	recs, err := s.scope(v).Identities(p.MMSI)
	vp.Lists = listNames(s.listHits(v, p.MMSI, recs))
	if err == nil && len(recs) > 0 {
		id = currentIdentity(recs)
		vp.Name = id[event.FieldName]
		if v, ok := id[event.FieldShipType]; ok {
			if n, err := strconv.Atoi(v); err == nil {
				vp.ShipType = &n
			}
		}
	}
	if r, ok := pic.Risk(p.MMSI); ok {
		vp.Risk = &r
	}
	return vp, id
}

// vesselCollection is the answer of /api/vessels: a FeatureCollection
// with the number of vessels the view may see within max_age anywhere,
// so that the map can say how many of them are in view.
type vesselCollection struct {
	featureCollection
	Total int `json:"total"`
}

// vessels: GET /api/vessels?bbox=&max_age=&q= — the latest position of
// every vessel heard within max_age of the newest position the view may
// see, as GeoJSON, with the number of those anywhere (total); q keeps
// those whose MMSI or IMO number starts with it (digits) or whose name
// or call sign contains it.
func (s *Server) vessels(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	q := r.URL.Query()
	search, err := parseSearch("q", q.Get("q"))
	if err != nil {
		return err
	}
	box, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	if box == nil {
		box = &world
	}
	maxAge, err := parseDuration("max_age", q.Get("max_age"), s.opts.StaleAfter)
	if err != nil {
		return err
	}
	pic, err := s.pictureFor(r.Context(), v)
	if err != nil {
		return err
	}
	// "Now" is the newest position this view may see: counted from the
	// newest of every feed, max_age would tell a partner when feeds it
	// may not see last heard anything, and one line from a feed stamped
	// ahead would empty every partner's map.
	var latest []store.Position
	newest := int64(0)
	if err := s.scope(v).Latest(world, 0, func(p store.Position) bool {
		latest = append(latest, p)
		newest = max(newest, p.Time)
		return true
	}); err != nil {
		return err
	}
	since := newest - maxAge.Milliseconds()
	fc := vesselCollection{featureCollection: featureCollection{Type: "FeatureCollection", Features: []geoFeature{}}}
	for _, p := range latest {
		if p.Time < since {
			continue
		}
		fc.Total++
		if !box.Contains(p.Lat, p.Lon) {
			continue
		}
		props, id := s.props(p, pic, v)
		if search != "" && !search.matches(p.MMSI, id) {
			continue
		}
		fc.Features = append(fc.Features, geoFeature{Type: "Feature", Geometry: point(p.Lat, p.Lon), Properties: props})
	}
	return writeJSON(w, "application/geo+json", fc)
}

// identityValue is one value an identity field took.
type identityValue struct {
	Value string    `json:"value"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// position is a stored position in JSON.
type position struct {
	Time    time.Time `json:"time"`
	Lat     float64   `json:"lat"`
	Lon     float64   `json:"lon"`
	SOG     num       `json:"sog"`
	COG     num       `json:"cog"`
	Heading *int      `json:"heading"`
	Status  uint8     `json:"status"`
}

func toPosition(p store.Position) position {
	return position{Time: time.UnixMilli(p.Time).UTC(), Lat: p.Lat, Lon: p.Lon, SOG: num(p.SOG), COG: num(p.COG), Heading: heading(p.Heading), Status: p.Status}
}

// vesselProfile is the answer of /api/vessels/{mmsi}.
type vesselProfile struct {
	MMSI   uint32    `json:"mmsi"`
	Name   string    `json:"name,omitempty"`
	Flag   string    `json:"flag,omitempty"`
	Latest *position `json:"latest"`
	// Identity is every value each field took, from the store (kept
	// across restarts), by field, oldest first.
	Identity map[string][]identityValue `json:"identity"`
	// Risk is the score with its reasons, from the live risk picture
	// (since the server started); null when the vessel is not in it.
	Risk *profile.Risk `json:"risk"`
	// Profile is the vessel's full line of vessels.jsonl (segments, event
	// counts, class...), null when not in the live picture.
	Profile *profile.Profile `json:"profile"`
	// Events are the vessel's most recent events, newest first.
	Events []event.Event `json:"events"`
	// PortCalls are its port visits, newest first.
	PortCalls []event.Event `json:"port_calls"`
	// Networks are the ids of the networks it belongs to.
	Networks []string `json:"networks"`
	// Watchlists are the entries of the partner's own watchlists it
	// matches, by its MMSI or an IMO number or name the partner's feeds
	// heard it say.
	Watchlists []alert.ListHit `json:"watchlists"`
}

const profileEvents = 100

// vessel: GET /api/vessels/{mmsi}.
func (s *Server) vessel(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	mmsi, err := parseMMSI("mmsi", r.PathValue("mmsi"))
	if err != nil {
		return err
	}
	vp := vesselProfile{MMSI: mmsi, Flag: identity.FlagOf(mmsi), Identity: map[string][]identityValue{}, Events: []event.Event{}, PortCalls: []event.Event{}, Networks: []string{}}
	recs, err := s.scope(v).Identities(mmsi)
	if err != nil {
		return err
	}
	slices.SortStableFunc(recs, func(a, b store.IdentityRecord) int { return cmp.Compare(a.First, b.First) })
	for _, rec := range recs {
		vp.Identity[rec.Field] = append(vp.Identity[rec.Field], identityValue{Value: rec.Value, First: time.UnixMilli(rec.First).UTC(), Last: time.UnixMilli(rec.Last).UTC()})
	}
	vp.Name = currentIdentity(recs)[event.FieldName]
	vp.Watchlists = s.listHits(v, mmsi, recs)
	if vp.Watchlists == nil {
		vp.Watchlists = []alert.ListHit{}
	}
	if p, ok := s.scope(v).LatestOf(mmsi); ok {
		pos := toPosition(p)
		vp.Latest = &pos
	}
	var all []event.Event
	if err := s.scope(v).Events(store.EventFilter{MMSI: mmsi}, func(e event.Event) bool {
		all = append(all, e)
		return true
	}); err != nil {
		return err
	}
	for i := len(all) - 1; i >= 0; i-- {
		if len(vp.Events) < profileEvents {
			vp.Events = append(vp.Events, all[i])
		}
		if all[i].Type == event.PortVisit && all[i].MMSI == mmsi {
			vp.PortCalls = append(vp.PortCalls, all[i])
		}
	}
	pic, err := s.pictureFor(r.Context(), v)
	if err != nil {
		return err
	}
	if p, ok := pic.Profile(mmsi); ok {
		if !v.full {
			if p, err = s.partialProfile(v, p, recs); err != nil {
				return err
			}
		}
		vp.Profile, vp.Risk = p, &p.Risk
		if vp.Name == "" && v.full {
			vp.Name = p.Name // from the tracker, which only a full view sees
		}
	}
	for _, n := range pic.Networks {
		if hasMember(&n, mmsi) {
			vp.Networks = append(vp.Networks, n.ID)
		}
	}
	if len(recs) == 0 && vp.Latest == nil && len(all) == 0 && vp.Profile == nil {
		return notFound("vessel " + strconv.FormatUint(uint64(mmsi), 10) + " not known")
	}
	return writeJSON(w, "", vp)
}

func hasMember(n *network.Network, mmsi uint32) bool {
	for _, m := range n.Members {
		if m.MMSI == mmsi {
			return true
		}
	}
	return false
}

// trackFeature is the answer of /api/vessels/{mmsi}/track: a GeoJSON
// Feature (a LineString; a Point for one position; null geometry for
// none) with the points as a foreign member.
type trackFeature struct {
	Type       string     `json:"type"`
	Geometry   *geometry  `json:"geometry"`
	Properties trackProps `json:"properties"`
	Points     []position `json:"points"`
}

type trackProps struct {
	MMSI      uint32    `json:"mmsi"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Count     int       `json:"count"`
	Truncated bool      `json:"truncated"`
}

// track: GET /api/vessels/{mmsi}/track?from=&to= — default the last 24
// hours before the newest position the view may see.
func (s *Server) track(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	mmsi, err := parseMMSI("mmsi", r.PathValue("mmsi"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, to, err := s.trackRange(v, q)
	if err != nil {
		return err
	}
	tf := trackFeature{Type: "Feature", Properties: trackProps{MMSI: mmsi, From: from, To: to}, Points: []position{}}
	var coords [][2]float64
	// A vessel this view sees no position of is answered as one never
	// heard, without reading (and timing) positions (scope.Track).
	err = s.scope(v).Track(mmsi, from.UnixMilli(), to.UnixMilli(), func(p store.Position) bool {
		if len(tf.Points) >= s.opts.MaxTrackPoints {
			tf.Properties.Truncated = true
			return false
		}
		tf.Points = append(tf.Points, toPosition(p))
		coords = append(coords, [2]float64{p.Lon, p.Lat})
		return true
	})
	if err != nil {
		return err
	}
	tf.Properties.Count = len(tf.Points)
	switch len(coords) {
	case 0:
	case 1:
		tf.Geometry = &geometry{Type: "Point", Coordinates: coords[0]}
	default:
		tf.Geometry = &geometry{Type: "LineString", Coordinates: coords}
	}
	return writeJSON(w, "application/geo+json", tf)
}

// newestFor returns the time of the newest position a view may see
// (Unix ms; 0 when none): the view's "now".
// trackRange reads a track's from and to: to defaults to just after the
// newest position the view may see, from to a day before to; the range
// must run forward and be at most MaxTrackSpan.
func (s *Server) trackRange(v *view, q url.Values) (from, to time.Time, err error) {
	if from, err = parseTime("from", q.Get("from")); err != nil {
		return
	}
	if to, err = parseTime("to", q.Get("to")); err != nil {
		return
	}
	if to.IsZero() {
		newest, err := s.newestFor(v)
		if err != nil {
			return from, to, err
		}
		to = time.UnixMilli(newest + 1).UTC()
	}
	if from.IsZero() {
		from = to.Add(-24 * time.Hour)
	}
	if !from.Before(to) {
		return from, to, badParam("from", "%s is not before to (%s)", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if to.Sub(from) > s.opts.MaxTrackSpan {
		return from, to, badParam("to", "the range is over %s: ask for less", s.opts.MaxTrackSpan)
	}
	return from, to, nil
}

func (s *Server) newestFor(v *view) (int64, error) { return s.scope(v).Newest() }

// networks: GET /api/networks?mmsi= — the networks of the live risk
// picture, those with the vessel when mmsi is given.
func (s *Server) networks(w http.ResponseWriter, r *http.Request) error {
	var mmsi uint32
	if v := r.URL.Query().Get("mmsi"); v != "" {
		var err error
		if mmsi, err = parseMMSI("mmsi", v); err != nil {
			return err
		}
	}
	pic, err := s.pictureFor(r.Context(), viewOf(r))
	if err != nil {
		return err
	}
	out := []network.Network{}
	for i := range pic.Networks {
		if mmsi == 0 || hasMember(&pic.Networks[i], mmsi) {
			out = append(out, pic.Networks[i])
		}
	}
	if v := viewOf(r); !v.full {
		if out, err = s.namedNetworks(v, out); err != nil {
			return err
		}
	}
	return writeJSON(w, "", struct {
		Built    time.Time         `json:"built"`
		Networks []network.Network `json:"networks"`
	}{pic.Built.UTC(), out})
}

// feeds: GET /api/feeds — the configured feeds and their state, then,
// in a federation, each link to another partner: kind "link", state
// connected or disconnected, and how far each way has come.
func (s *Server) feeds(w http.ResponseWriter, r *http.Request) error {
	type entry struct {
		live.FeedStats
		Link *cluster.LinkStatus `json:"link,omitempty"`
	}
	if s.opts.Links == nil {
		return writeJSON(w, "", s.live.Stats().Feeds)
	}
	out := []entry{}
	for _, f := range s.live.Stats().Feeds {
		out = append(out, entry{FeedStats: f})
	}
	for _, l := range s.opts.Links(r.Context()) {
		state := "disconnected"
		if l.Up {
			state = "connected"
		}
		out = append(out, entry{FeedStats: live.FeedStats{Name: "link " + l.Partner, Bit: -1, Partner: l.Partner, Kind: live.Kind("link"),
			Addr: l.Dials, State: state, Conns: int64(l.Connections), Err: l.Error}, Link: &l})
	}
	return writeJSON(w, "", out)
}
