package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/pipeline"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/watchlist"
)

// small is a scenario small enough for tests yet long enough for every
// staged behaviour (dark periods need about a day; a flag change a day of
// silence and a few hours around it).
var small = Options{Seed: 7, Vessels: 60, Hours: 30}

type generated struct {
	feed []byte
	res  *Result
	err  error
}

var (
	cacheMu sync.Mutex
	cache   = map[Options]*generated{}
)

// generate runs a scenario once per test binary.
func generate(t testing.TB, o Options) ([]byte, *Result) {
	t.Helper()
	cacheMu.Lock()
	g, ok := cache[o]
	if !ok {
		g = &generated{}
		var buf bytes.Buffer
		g.res, g.err = Generate(o, &buf)
		g.feed = buf.Bytes()
		cache[o] = g
	}
	cacheMu.Unlock()
	if g.err != nil {
		t.Fatal(g.err)
	}
	return g.feed, g.res
}

func TestDeterministic(t *testing.T) {
	o := Options{Seed: 3, Vessels: 30, Hours: 6}
	var a, b, c bytes.Buffer
	ra, err := Generate(o, &a)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := Generate(o, &b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same seed gave different feeds")
	}
	ta, _ := json.Marshal(ra.Truth)
	tb, _ := json.Marshal(rb.Truth)
	if !bytes.Equal(ta, tb) {
		t.Fatal("the same seed gave different truths")
	}
	var sa, sb bytes.Buffer
	ra.WriteScenario(&sa)
	rb.WriteScenario(&sb)
	if !bytes.Equal(sa.Bytes(), sb.Bytes()) {
		t.Fatal("the same seed gave different scenario.json")
	}
	o.Seed = 4
	Generate(o, &c)
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("another seed gave the same feed")
	}
}

// TestFeedDecodes reads the feed back with picket's framing and decoder:
// every line is a sentence with a valid tag block, every message decodes,
// times never go back, and the counts by type are the generator's.
func TestFeedDecodes(t *testing.T) {
	feed, res := generate(t, small)
	p := nmea.NewParser(nmea.Options{})
	var dec ais.Decoder
	byType := map[int]int64{}
	sources := map[string]bool{}
	var last int64
	lines := 0
	fleet := map[uint32]bool{}
	for _, v := range res.Info.Fleet {
		fleet[v.MMSI] = true
		for _, id := range v.Identities {
			fleet[id.MMSI] = true
		}
	}
	for line := range bytes.Lines(feed) {
		lines++
		if !bytes.HasPrefix(line, []byte(`\s:`)) {
			t.Fatalf("line %d lacks its tag block: %q", lines, line)
		}
		msg, reason := p.Feed(line)
		if msg == nil {
			if reason != nmea.Pending {
				t.Fatalf("line %d: %v: %q", lines, reason, line)
			}
			continue
		}
		if !msg.HasTime || len(msg.Source) == 0 {
			t.Fatalf("line %d: no time or source", lines)
		}
		if msg.TimeMs < last {
			t.Fatalf("line %d: time goes back", lines)
		}
		last = msg.TimeMs
		sources[string(msg.Source)] = true
		m, err := dec.Decode(msg.Payload, msg.Fill)
		if err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		byType[int(m.Hdr().Type)]++
		if !fleet[m.Hdr().MMSI] {
			t.Fatalf("line %d: MMSI %d is not in the fleet", lines, m.Hdr().MMSI)
		}
		switch m := m.(type) {
		case *ais.PositionReport:
			lat, lon := float64(m.Lat)/600000, float64(m.Lon)/600000
			if r, _ := LookupRegion(small.Region); r != nil && !r.inBounds(lat, lon) {
				t.Fatalf("line %d: position %.4f %.4f outside the region", lines, lat, lon)
			}
		case *ais.StaticVoyage:
			if len(m.ShipName) == 0 {
				t.Fatalf("line %d: type 5 without a name", lines)
			}
		}
	}
	p.Flush()
	if notes := p.Tally().Notes; len(notes) > 0 {
		t.Errorf("parser notes: %v", notes)
	}
	if int64(lines) != res.Stats.Lines {
		t.Errorf("%d lines, stats say %d", lines, res.Stats.Lines)
	}
	for typ, n := range res.Stats.ByType {
		if byType[typ] != n {
			t.Errorf("type %d: decoded %d, generated %d", typ, byType[typ], n)
		}
	}
	for _, typ := range []int{1, 3, 5, 18, 24} {
		if byType[typ] == 0 {
			t.Errorf("no type %d in the feed", typ)
		}
	}
	sat := false
	for s := range sources {
		sat = sat || strings.HasPrefix(s, "SAT-")
	}
	if len(sources) < 4 || !sat {
		t.Errorf("receivers %v: want several stations and a satellite", sources)
	}
	t.Logf("%d lines, types %v, %d receivers", lines, byType, len(sources))
}

// TestFeedThroughPicketDecode runs the feed through the same pipeline as
// `picket decode`: every line must come out decoded.
func TestFeedThroughPicketDecode(t *testing.T) {
	feed, res := generate(t, small)
	path := filepath.Join(t.TempDir(), FeedFile)
	if err := os.WriteFile(path, feed, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := source.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	d := pipeline.NewDecoder(&out, pipeline.DecodeOptions{})
	if err := d.Input(f); err != nil {
		t.Fatal(err)
	}
	d.Flush()
	tl := d.Tally()
	if tl.Lines != res.Stats.Lines || tl.ByReason[nmea.Decoded] != tl.Lines {
		var b strings.Builder
		tl.WriteTo(&b)
		t.Fatalf("not every line decoded:\n%s", b.String())
	}
	// Multi-sentence messages came out once per receiver.
	if got := int64(bytes.Count(out.Bytes(), []byte(`"type":5,`))); got != res.Stats.ByType[5] {
		t.Errorf("%d type 5 objects, want %d", got, res.Stats.ByType[5])
	}
}

// TestTruth checks the truth of a scenario: every staged behaviour is
// there, in the region, about vessels that exist, in the event contract.
func TestTruth(t *testing.T) {
	_, res := generate(t, small)
	if len(res.Info.Skipped) > 0 {
		t.Errorf("behaviours left out: %v", res.Info.Skipped)
	}
	r, _ := LookupRegion(res.Options.Region)
	mmsis := map[uint32]bool{}
	for _, v := range res.Info.Fleet {
		mmsis[v.MMSI] = true
		for _, id := range v.Identities {
			mmsis[id.MMSI] = true
		}
	}
	start, end := res.Info.Start, res.Info.End
	kinds := map[string]int{}
	for _, e := range res.Truth {
		k := string(e.Type)
		if sub := subtypeOf(&e); sub != "" {
			k += "/" + sub
		}
		if e.Type == event.Gap {
			k += map[bool]string{true: "/intentional", false: "/not intentional"}[*e.Intentional]
		}
		kinds[k]++
		if e.ID == "" || e.Summary == "" || e.Confidence != 1 {
			t.Errorf("incomplete event %+v", e)
		}
		if !r.inBounds(e.Lat, e.Lon) {
			t.Errorf("%s at %.3f %.3f: outside %s", e.Type, e.Lat, e.Lon, r.Name)
		}
		if e.Start.Before(start) || e.End.After(end) || e.End.Before(e.Start) {
			t.Errorf("%s %d: times %s - %s outside the scenario", e.Type, e.MMSI, e.Start, e.End)
		}
		if !mmsis[e.MMSI] || (e.OtherMMSI != 0 && !mmsis[e.OtherMMSI]) {
			t.Errorf("%s: vessel %d/%d not in the fleet", e.Type, e.MMSI, e.OtherMMSI)
		}
		switch e.Type {
		case event.Gap:
			if e.EndLat == nil || e.Duration() < 6*time.Hour {
				t.Errorf("gap %+v", e)
			}
			if *e.Intentional && e.Duration() < 12*time.Hour {
				t.Errorf("intentional gap of %s", e.Duration())
			}
		case event.Encounter, event.DarkRendezvous:
			if e.OtherMMSI == 0 {
				t.Errorf("%s without other_mmsi", e.Type)
			}
		case event.PortVisit:
			if e.Port == "" {
				t.Errorf("port visit without port")
			}
		case event.ZoneVisit:
			if r.zone(e.Zone) == nil {
				t.Errorf("zone visit to %q", e.Zone)
			}
		case event.Watchlist:
			if e.Entry == nil || e.Entry.By == "" {
				t.Errorf("watchlist event without entry")
			}
		case event.IdentityChange:
			if e.From == "" || e.To == "" || e.From == e.To {
				t.Errorf("identity change %q -> %q", e.From, e.To)
			}
		}
	}
	for _, k := range []string{
		"encounter", "dark_rendezvous", "loitering", "gap/intentional", "gap/not intentional",
		"spoofing/impossible_speed", "spoofing/shared_mmsi", "spoofing/invalid_identity", "spoofing/shared_imo",
		"identity_change/name", "identity_change/callsign", "identity_change/flag",
		"port_visit", "zone_visit", "watchlist",
	} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the truth", k)
		}
	}
	// Each staged dark rendezvous has its two intentional gaps.
	for _, e := range res.Truth {
		if e.Type != event.DarkRendezvous {
			continue
		}
		for _, m := range []uint32{e.MMSI, e.OtherMMSI} {
			found := false
			for _, g := range res.Truth {
				found = found || (g.Type == event.Gap && g.MMSI == m && *g.Intentional && !g.Start.After(e.Start) && !g.End.Before(e.End))
			}
			if !found {
				t.Errorf("dark rendezvous %d-%d: no intentional gap of %d around it", e.MMSI, e.OtherMMSI, m)
			}
		}
	}
	// Staged places keep DESIGN.md's distances.
	for _, b := range res.Info.Behaviours {
		switch b.Kind {
		case injEncounter, injLoitering:
			if b.ShoreNM < 20 {
				t.Errorf("%s %.0f nm from shore", b.Kind, b.ShoreNM)
			}
		case injGap, injDarkRendezvous:
			if b.ShoreNM < 30 {
				t.Errorf("%s only %.0f nm from shore", b.Kind, b.ShoreNM)
			}
		}
	}
	t.Logf("truth: %v", kinds)
}

// TestTruthIdentities checks the staged identities against package
// identity, and the watchlist against package watchlist.
func TestTruthIdentities(t *testing.T) {
	_, res := generate(t, small)
	for _, e := range res.Truth {
		switch {
		case e.Type == event.Spoofing && e.Subtype == event.InvalidIdentity:
			mid, _ := identity.MID(int(e.MMSI))
			imo := int(e.Details["imo"])
			if identity.ValidMID(mid) && (imo == 0 || identity.ValidIMO(imo)) {
				t.Errorf("invalid identity event for a valid identity: %+v", e)
			}
		case e.Type == event.IdentityChange && e.Field == event.FieldFlag:
			to, _ := identity.Flag(int(e.MMSI))
			if to.Alpha2 != e.To || e.From == e.To {
				t.Errorf("flag change %s -> %s for %d (%s)", e.From, e.To, e.MMSI, to.Alpha2)
			}
		}
	}
	var buf bytes.Buffer
	res.WriteWatchlist(&buf)
	if !strings.HasPrefix(buf.String(), "imo,mmsi,name\n") {
		t.Fatalf("watchlist header: %q", buf.String())
	}
	list, err := watchlist.Load(&buf, watchlist.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if w := list.Warnings(); len(w) > 0 {
		t.Errorf("watchlist warnings: %v", w)
	}
	// Every watchlist truth event is a hit of the list as picket loads it.
	for _, e := range res.Truth {
		if e.Type != event.Watchlist {
			continue
		}
		var id *VesselInfo
		for i := range res.Info.Fleet {
			if res.Info.Fleet[i].MMSI == e.MMSI {
				id = &res.Info.Fleet[i]
			}
			for _, x := range res.Info.Fleet[i].Identities {
				if x.MMSI == e.MMSI {
					id = &VesselInfo{MMSI: x.MMSI, IMO: x.IMO, Name: x.Name}
				}
			}
		}
		if id == nil || len(list.Match(int(id.IMO), int(id.MMSI), id.Name)) == 0 {
			t.Errorf("watchlist event for %d: no hit in the list", e.MMSI)
		}
	}
	hits := 0
	for _, e := range res.Truth {
		if e.Type == event.Watchlist {
			hits++
		}
	}
	if hits == 0 {
		t.Error("no watchlist hit in the truth")
	}
}

func TestZonesGeoJSON(t *testing.T) {
	_, res := generate(t, small)
	var buf bytes.Buffer
	if err := res.WriteZones(&buf); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct {
			Properties map[string]string
			Geometry   struct {
				Type        string
				Coordinates [][][2]float64
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		t.Fatalf("zones: %s", buf.String())
	}
	for _, f := range fc.Features {
		ring := f.Geometry.Coordinates[0]
		if f.Properties["name"] == "" || f.Geometry.Type != "Polygon" || ring[0] != ring[len(ring)-1] {
			t.Errorf("zone %+v", f)
		}
	}
}

func TestRegions(t *testing.T) {
	for _, r := range regions {
		for _, mid := range append(append([]int{}, r.Flags...), r.LocalMIDs...) {
			if !identity.ValidMID(mid) {
				t.Errorf("%s: flag MID %d not allocated", r.Name, mid)
			}
		}
		for _, z := range r.Zones {
			for _, p := range z.Ring {
				if !r.inBounds(p[1], p[0]) {
					t.Errorf("%s: zone %s leaves the region", r.Name, z.Name)
				}
			}
		}
		for _, s := range r.Stations {
			if !r.inBounds(s.Lat, s.Lon) {
				t.Errorf("%s: station %s outside", r.Name, s.Name)
			}
		}
	}
	if _, err := LookupRegion("atlantis"); !errors.Is(err, ErrUnknownRegion) || !strings.Contains(err.Error(), "korea, gulf, baltic") {
		t.Errorf("unknown region: %v", err)
	}
}

// TestRegionsGenerate runs a short scenario in every region: routes stay
// at sea and the receivers are named.
func TestRegionsGenerate(t *testing.T) {
	for _, name := range RegionNames() {
		t.Run(name, func(t *testing.T) {
			o := Options{Seed: 1, Vessels: 40, Hours: 4, Region: name}
			s, err := newScenario(o)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.w.stations) < len(s.r.Stations)-2 {
				t.Errorf("only %d of %d stations placed", len(s.w.stations), len(s.r.Stations))
			}
			// No zone edge runs through a port: ships at berth would be
			// in and out of the zone with every fix.
			for _, p := range s.w.ports {
				for _, z := range s.r.Zones {
					for i := 1; i < len(z.Ring); i++ {
						a, b := z.Ring[i-1], z.Ring[i]
						if d := geo.DistanceToSegment(p.Lat, p.Lon, a[1], a[0], b[1], b[0]); d < 3e3 {
							t.Errorf("port %s %.1f km from the edge of zone %s", p.Name, d/1000, z.Name)
						}
					}
				}
			}
			land, n := 0, 0
			for v := range s.fleet {
				var h int
				for tt := s.start; tt < s.end; tt += 5 * min_ {
					lat, lon := s.fp.pos(v, tt, &h)
					n++
					if !s.r.inBounds(lat, lon) {
						t.Fatalf("vessel %d at %.3f %.3f: outside the region", v, lat, lon)
					}
					// On land away from a port: a route crossing land
					// (ports up rivers are reached across the coarse
					// coastline and do not count).
					if s.w.shore.IsLand(lat, lon) {
						if _, d := s.w.nearestPort(lat, lon, false); d > 10e3 {
							land++
						}
					}
				}
			}
			if land*1000 > n {
				t.Errorf("%d of %d positions on land", land, n)
			}
			var buf bytes.Buffer
			res, err := Generate(o, &buf)
			if err != nil || res.Stats.Lines == 0 {
				t.Fatalf("%v, %d lines", err, res.Stats.Lines)
			}
		})
	}
}

func TestCivil(t *testing.T) {
	for _, d := range []time.Time{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)} {
		m, day := civil(d.Unix() / 86400)
		if int(m) != int(d.Month()) || int(day) != d.Day() {
			t.Errorf("%s: %d-%d", d, m, day)
		}
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{Vessels: -1}, {Hours: -2}, {Rate: 0.01}, {Region: "atlantis"}} {
		if _, err := Generate(o, io.Discard); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	o, _, err := Options{}.withDefaults()
	if err != nil || o.Vessels != 200 || o.Hours != 24 || o.Region != "korea" || o.Rate != 1 || o.Sets != 2 || o.Start.IsZero() {
		t.Errorf("defaults %+v %v", o, err)
	}
}

// TestStagedGeometry looks at the staged encounter and the confounders in
// the plans themselves.
func TestStagedGeometry(t *testing.T) {
	s, err := newScenario(small)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range s.inj {
		if in.kind != injEncounter {
			continue
		}
		mid := (in.from + in.to) / 2
		var ha, hb int
		la, oa, sa, _, _ := s.fp.motion(in.a, mid, &ha)
		lb, ob, sb, _, _ := s.fp.motion(in.b, mid, &hb)
		d := geo.Distance(la, oa, lb, ob)
		if d < 50 || d > 300 || sa >= 1 || sb >= 1 {
			t.Errorf("encounter: %.0f m apart at %.2f and %.2f kn", d, sa, sb)
		}
	}
	pairs := 0
	for v, ves := range s.fleet {
		if ves.role != "pair trawler" {
			continue
		}
		for _, l := range s.fp.plans[v].legs {
			if l.kind == legFollow {
				pairs++
				d := math2(l.offN, l.offE)
				if d < 300 || d > 500 {
					t.Errorf("pair trawlers %.0f m apart", d)
				}
				_, _, sog, _, _ := s.fp.motion(v, (l.t0+l.t1)/2, new(int))
				if sog < 2.5 || sog > 4.5 {
					t.Errorf("pair trawling at %.1f kn", sog)
				}
			}
		}
	}
	if pairs == 0 {
		t.Error("no pair trawlers")
	}
}

func math2(n, e float64) float64 { return geo.Distance(0, 0, n/111_195, e/111_195) }

// BenchmarkGenerate measures the load generator: lines per second for a
// 200-vessel, 6-hour scenario, planning included.
func BenchmarkGenerate(b *testing.B) {
	o := Options{Seed: 1, Vessels: 200, Hours: 6}
	var lines, bytes int64
	b.ReportAllocs()
	for b.Loop() {
		res, err := Generate(o, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		lines, bytes = res.Stats.Lines, res.Stats.Bytes
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkFeed measures the feed alone (the plan is made once): its
// allocations per line show the hot loop does not allocate.
func BenchmarkFeed(b *testing.B) {
	s, err := newScenario(Options{Seed: 1, Vessels: 200, Hours: 6})
	if err != nil {
		b.Fatal(err)
	}
	var lines, bytes int64
	b.ReportAllocs()
	for b.Loop() {
		g := newGen(s, io.Discard)
		if err := g.run(); err != nil {
			b.Fatal(err)
		}
		lines, bytes = g.stats.Lines, g.stats.Bytes
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
