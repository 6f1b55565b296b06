package detect

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
	"github.com/picket-ais/picket/internal/ports"
	"github.com/picket-ais/picket/internal/track"
)

// Detector scenarios are data-driven files in testdata/<detector>/, in the
// style of pebble's datadriven tests. Each case is a command line, the
// input track lines, a line "----", and the expected events, up to a blank
// line. go test -run TestEncounterScenarios -rewrite regenerates the
// expected events.
//
// Command: run [types=encounter,gap] [shore=NM] [ports=LAT,LON;LAT,LON]
// [skylight] [max-distance=M] [min-duration=DUR]
//
// Input lines (times are 2006-01-02T15:04[:05] UTC, durations Go's):
//
//	track MMSI [at=LAT,LON] [start=TIME] course=DEG speed=KN every=DUR for=DUR
//	      [phase=DUR] [sog=KN|nosog] [jitter=M]
//	    sails straight; without at and start it continues where the MMSI's
//	    last track line ended.
//	follow MMSI lead=MMSI bearing=DEG dist=M every=DUR [start=TIME] for=DUR
//	      [phase=DUR] [jitter=M]
//	    keeps station on an earlier vessel's true track.
//	drop MMSI from=TIME to=TIME
//	    removes the MMSI's fixes in [from, to): a dark period.
//	traffic N around=LAT,LON radius=KM start=TIME for=DUR every=DUR
//	    N vessels criss-crossing at 12 kn, for reception.
//	fix MMSI TIME LAT LON SOG COG
//	glitch MMSI TIME lat=V|lon=V
//	    the MMSI's position at TIME with one coordinate corrupted.
//	redeliver MMSI from=TIME at=TIME for=DUR every=DUR
//	    its positions from `from` on, sent again from `at` on.

// scRewrite is -rewrite; looked up at run time, registered once, so that
// other scenario tests of the package may share it.
func init() {
	if flag.Lookup("rewrite") == nil {
		flag.Bool("rewrite", false, "rewrite the expected output of data-driven tests")
	}
}

func scRewrite() bool {
	f := flag.Lookup("rewrite")
	return f != nil && f.Value.String() == "true"
}

// scCase is one case of a scenario file.
type scCase struct {
	line   int
	cmd    string
	input  []string
	output string
}

func scParse(t *testing.T, path string) []scCase {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []scCase
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		c := scCase{line: i + 1, cmd: l}
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "----"; i++ {
			if in := strings.TrimSpace(lines[i]); in != "" && !strings.HasPrefix(in, "#") {
				c.input = append(c.input, in)
			}
		}
		if i >= len(lines) {
			t.Fatalf("%s:%d: no ---- after the input", path, c.line)
		}
		var out []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			out = append(out, lines[i])
		}
		c.output = strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases
}

// scRunFile runs every case of a scenario file, or rewrites its expected
// output.
func scRunFile(t *testing.T, path string, defaultTypes string) {
	cases := scParse(t, path)
	var got []string
	for _, c := range cases {
		out := scRun(t, path, c, defaultTypes)
		got = append(got, out)
		if !scRewrite() && out != c.output {
			t.Errorf("%s:%d: %s\ngot:\n%s\nwant:\n%s", filepath.Base(path), c.line, c.cmd, out, c.output)
		}
	}
	if !scRewrite() {
		return
	}
	// Rewrite: keep everything but the expected outputs.
	b, _ := os.ReadFile(path)
	lines := strings.Split(string(b), "\n")
	var w bytes.Buffer
	k := 0
	for i := 0; i < len(lines); i++ {
		w.WriteString(lines[i])
		w.WriteByte('\n')
		if k < len(cases) && strings.TrimSpace(lines[i]) == "----" && i+1 > cases[k].line {
			if got[k] != "" {
				w.WriteString(got[k])
				w.WriteByte('\n')
			}
			for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
				i++
			}
			k++
		}
	}
	out := strings.TrimRight(w.String(), "\n") + "\n"
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// scWorld is the generated traffic of one case.
type scWorld struct {
	reports []fuse.Report
	// truth is each vessel's true (unjittered) track, for follow and
	// continuation.
	truth map[uint32][]scPoint
	last  map[uint32]scPoint
	every map[uint32]int64
}

type scPoint struct {
	t        int64
	lat, lon float64
	kn, cog  float64
}

func scTime(s string) (int64, error) {
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("bad time %q", s)
}

func scDur(s string) (int64, error) {
	d, err := time.ParseDuration(s)
	return d.Milliseconds(), err
}

// scArgs splits "key=value" words; words without = are flags.
func scArgs(words []string) map[string]string {
	m := map[string]string{}
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		m[k] = v
	}
	return m
}

func scLatLon(s string) (float64, float64, error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, fmt.Errorf("bad position %q", s)
	}
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("bad position %q", s)
	}
	return lat, lon, nil
}

func scRNG(seed ...uint64) *rand.Rand {
	h := fnv.New64a()
	for _, s := range seed {
		fmt.Fprint(h, s, "|")
	}
	return rand.New(rand.NewPCG(h.Sum64(), 1))
}

func (w *scWorld) add(mmsi uint32, p scPoint, sog float64, jitterM float64, rng *rand.Rand) {
	lat, lon := p.lat, p.lon
	if jitterM > 0 {
		lat, lon = geo.Destination(lat, lon, rng.Float64()*360, math.Abs(rng.NormFloat64())*jitterM)
	}
	r := fuse.Report{Time: p.t, MMSI: mmsi, Kind: fuse.Position, Class: fuse.ClassA, Type: 1,
		Lat: lat, Lon: lon, SOG: float32(sog), COG: float32(p.cog), Heading: -1, Status: 0, Heard: 1}
	if math.IsNaN(sog) {
		r.SOG = fuse.NotAvailable
	}
	w.reports = append(w.reports, r)
}

// at interpolates a vessel's true track.
func (w *scWorld) at(mmsi uint32, t int64) (scPoint, bool) {
	tr := w.truth[mmsi]
	i := sort.Search(len(tr), func(i int) bool { return tr[i].t >= t })
	switch {
	case len(tr) == 0 || i == len(tr) && t > tr[len(tr)-1].t || i == 0 && t < tr[0].t:
		return scPoint{}, false
	case tr[i].t == t || i == 0:
		return tr[i], true
	}
	a, b := tr[i-1], tr[i]
	x := float64(t-a.t) / float64(b.t-a.t)
	return scPoint{t: t, lat: a.lat + x*(b.lat-a.lat), lon: a.lon + x*(b.lon-a.lon), kn: a.kn + x*(b.kn-a.kn), cog: b.cog}, true
}

func (w *scWorld) line(l string, n int) error {
	f := strings.Fields(l)
	if len(f) < 2 {
		return fmt.Errorf("short line %q", l)
	}
	mmsi64, _ := strconv.ParseUint(f[1], 10, 32)
	mmsi := uint32(mmsi64)
	a := scArgs(f[2:])
	dur := func(k string) int64 {
		v, _ := scDur(a[k])
		return v
	}
	switch f[0] {
	case "track":
		every, length, phase := dur("every"), dur("for"), dur("phase")
		course, _ := strconv.ParseFloat(a["course"], 64)
		kn, _ := strconv.ParseFloat(a["speed"], 64)
		jitter, _ := strconv.ParseFloat(a["jitter"], 64)
		if every <= 0 || length <= 0 {
			return fmt.Errorf("track needs every and for: %q", l)
		}
		var start int64
		var lat, lon float64
		if p, ok := w.last[mmsi]; ok && a["at"] == "" {
			start, lat, lon = p.t+w.every[mmsi], p.lat, p.lon
		}
		if s, ok := a["at"]; ok {
			var err error
			if lat, lon, err = scLatLon(s); err != nil {
				return err
			}
		}
		if s, ok := a["start"]; ok {
			var err error
			if start, err = scTime(s); err != nil {
				return err
			}
		} else if _, ok := w.last[mmsi]; !ok {
			return fmt.Errorf("track of a new vessel needs at and start: %q", l)
		}
		sog := kn
		if s, ok := a["sog"]; ok {
			sog, _ = strconv.ParseFloat(s, 64)
		}
		if _, ok := a["nosog"]; ok {
			sog = math.NaN()
		}
		rng := scRNG(uint64(mmsi), uint64(n))
		var p scPoint
		for t := start + phase; t <= start+length; t += every {
			plat, plon := geo.Destination(lat, lon, course, kn*1852*float64(t-start)/3.6e6)
			p = scPoint{t: t, lat: plat, lon: plon, kn: kn, cog: course}
			w.truth[mmsi] = append(w.truth[mmsi], p)
			w.add(mmsi, p, sog, jitter, rng)
		}
		// The next line continues from where this one would be one
		// interval later.
		elat, elon := geo.Destination(lat, lon, course, kn*1852*float64(p.t+every-start)/3.6e6)
		w.last[mmsi] = scPoint{t: p.t, lat: elat, lon: elon, kn: kn, cog: course}
		w.every[mmsi] = every
	case "follow":
		lead64, _ := strconv.ParseUint(a["lead"], 10, 32)
		lead := uint32(lead64)
		every, length, phase := dur("every"), dur("for"), dur("phase")
		bearing, _ := strconv.ParseFloat(a["bearing"], 64)
		dist, _ := strconv.ParseFloat(a["dist"], 64)
		jitter, _ := strconv.ParseFloat(a["jitter"], 64)
		tr := w.truth[lead]
		if len(tr) == 0 || every <= 0 {
			return fmt.Errorf("follow needs an earlier lead and every: %q", l)
		}
		start := tr[0].t
		if s, ok := a["start"]; ok {
			var err error
			if start, err = scTime(s); err != nil {
				return err
			}
		}
		end := tr[len(tr)-1].t
		if length > 0 {
			end = min(end, start+length)
		}
		rng := scRNG(uint64(mmsi), uint64(n))
		for t := start + phase; t <= end; t += every {
			p, ok := w.at(lead, t)
			if !ok {
				continue
			}
			p.lat, p.lon = geo.Destination(p.lat, p.lon, bearing, dist)
			w.truth[mmsi] = append(w.truth[mmsi], p)
			w.add(mmsi, p, p.kn, jitter, rng)
		}
	case "drop":
		from, err1 := scTime(a["from"])
		to, err2 := scTime(a["to"])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("drop needs from and to: %q", l)
		}
		w.reports = slices.DeleteFunc(w.reports, func(r fuse.Report) bool {
			return r.MMSI == mmsi && r.Time >= from && r.Time < to
		})
	case "traffic":
		// "traffic N": f[1] is the count.
		count := int(mmsi64)
		lat0, lon0, err := scLatLon(a["around"])
		if err != nil {
			return err
		}
		radius, _ := strconv.ParseFloat(a["radius"], 64)
		start, err := scTime(a["start"])
		if err != nil {
			return err
		}
		every, length := dur("every"), dur("for")
		rng := scRNG(uint64(n), 7)
		for i := 0; i < count; i++ {
			m := uint32(255800000 + n*1000 + i) // ships (MID 255): 99x numbers are aids to navigation
			lat, lon := geo.Destination(lat0, lon0, rng.Float64()*360, rng.Float64()*radius*1000)
			course := rng.Float64() * 360
			for t := start + int64(rng.IntN(int(every))); t <= start+length; t += every {
				// Sail back and forth across the area.
				leg := float64(t-start) / 3.6e6 * 12 * 1852
				span := 2 * radius * 1000
				k := math.Mod(leg, 2*span)
				c := course
				if k > span {
					k, c = 2*span-k, math.Mod(course+180, 360)
				}
				plat, plon := geo.Destination(lat, lon, course, k)
				w.add(m, scPoint{t: t, lat: plat, lon: plon, kn: 12, cog: c}, 12, 0, nil)
			}
		}
	case "fix":
		if len(f) != 7 {
			return fmt.Errorf("fix MMSI TIME LAT LON SOG COG: %q", l)
		}
		t, err := scTime(f[2])
		if err != nil {
			return err
		}
		v := make([]float64, 4)
		for i := range v {
			if v[i], err = strconv.ParseFloat(f[3+i], 64); err != nil {
				return fmt.Errorf("bad number in %q", l)
			}
		}
		p := scPoint{t: t, lat: v[0], lon: v[1], kn: v[2], cog: v[3]}
		w.truth[mmsi] = append(w.truth[mmsi], p)
		w.add(mmsi, p, v[2], 0, nil)
	case "glitch":
		// glitch MMSI TIME lat=V|lon=V: the MMSI's position at TIME with
		// one coordinate corrupted.
		if len(f) != 4 {
			return fmt.Errorf("glitch MMSI TIME lat=V|lon=V: %q", l)
		}
		t, err := scTime(f[2])
		if err != nil {
			return err
		}
		p, ok := w.at(mmsi, t)
		if !ok {
			return fmt.Errorf("%d has no track at %s", mmsi, f[2])
		}
		k, v, _ := strings.Cut(f[3], "=")
		x, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil:
			return fmt.Errorf("bad number in %q", l)
		case k == "lat":
			p.lat = x
		case k == "lon":
			p.lon = x
		default:
			return fmt.Errorf("glitch: lat= or lon=, not %q", f[3])
		}
		w.add(mmsi, p, p.kn, 0, nil)
	case "redeliver":
		// redeliver MMSI from=TIME at=TIME for=DUR every=DUR: the MMSI's
		// positions from `from` on sent again from `at` on, under the
		// later times.
		from, err := scTime(a["from"])
		if err != nil {
			return err
		}
		at, err := scTime(a["at"])
		if err != nil {
			return err
		}
		every, n := dur("every"), dur("for")
		if every <= 0 {
			return fmt.Errorf("redeliver needs every=: %q", l)
		}
		for d := int64(0); d <= n; d += every {
			p, ok := w.at(mmsi, from+d)
			if !ok {
				return fmt.Errorf("%d has no track at %d ms after %s", mmsi, d, a["from"])
			}
			p.t = at + d
			w.add(mmsi, p, p.kn, 0, nil)
		}
	case "static":
		// static MMSI TIME [name=A_NAME] [call=CS] [imo=N] [type=N]: a
		// static report (underscores in a name are spaces).
		if len(f) < 3 {
			return fmt.Errorf("static MMSI TIME ...: %q", l)
		}
		t, err := scTime(f[2])
		if err != nil {
			return err
		}
		a := scArgs(f[3:])
		info := &fuse.StaticInfo{}
		if s, ok := a["name"]; ok {
			info.Name, info.Has = strings.ReplaceAll(s, "_", " "), info.Has|fuse.HasName
		}
		if s, ok := a["call"]; ok {
			info.CallSign, info.Has = s, info.Has|fuse.HasCallSign
		}
		if s, ok := a["imo"]; ok {
			n, _ := strconv.ParseUint(s, 10, 32)
			info.IMO, info.Has = uint32(n), info.Has|fuse.HasIMO
		}
		if s, ok := a["type"]; ok {
			n, _ := strconv.ParseUint(s, 10, 8)
			info.ShipType, info.Has = uint8(n), info.Has|fuse.HasShipType
		}
		w.reports = append(w.reports, fuse.Report{Time: t, MMSI: mmsi, Kind: fuse.Static, Class: fuse.ClassA, Type: 5, Info: info})
	default:
		return fmt.Errorf("unknown input %q", f[0])
	}
	return nil
}

// scPlaces builds the geography of a case from its command.
func scPlaces(a map[string]string) (Places, error) {
	shoreNM := 100.0
	if s, ok := a["shore"]; ok {
		shoreNM, _ = strconv.ParseFloat(s, 64)
	}
	p := Places{ShoreM: func(float64, float64) float64 { return shoreNM * metresPerNM }}
	if s, ok := a["ports"]; ok {
		var ports [][2]float64
		for _, ll := range strings.Split(s, ";") {
			lat, lon, err := scLatLon(ll)
			if err != nil {
				return p, err
			}
			ports = append(ports, [2]float64{lat, lon})
		}
		p.NearestPort = func(lat, lon, maxM float64) (string, float64, bool) {
			best, bi := math.Inf(1), -1
			for i, q := range ports {
				if d := geo.Distance(lat, lon, q[0], q[1]); d < best {
					best, bi = d, i
				}
			}
			if best > maxM {
				return "", 0, false
			}
			return fmt.Sprintf("PORT %d", bi+1), best, true
		}
	}
	if s, ok := a["zone"]; ok {
		// zone=NAME:LAT1,LON1,LAT2,LON2, a box.
		name, box, _ := strings.Cut(s, ":")
		var v [4]float64
		for i, x := range strings.Split(box, ",") {
			if i < 4 {
				v[i], _ = strconv.ParseFloat(x, 64)
			}
		}
		p.Zones = func(lat, lon float64, dst []string) []string {
			if lat >= min(v[0], v[2]) && lat <= max(v[0], v[2]) && lon >= min(v[1], v[3]) && lon <= max(v[1], v[3]) {
				dst = append(dst, name)
			}
			return dst
		}
	}
	if s, ok := a["watch"]; ok {
		// watch=IMO:A_NAME, an entry matched by IMO number.
		imo, name, _ := strings.Cut(s, ":")
		n, _ := strconv.ParseUint(imo, 10, 32)
		name = strings.ReplaceAll(name, "_", " ")
		p.Watch = func(q WatchQuery) []event.Entry {
			if q.IMO != 0 && q.IMO == uint32(n) {
				return []event.Entry{{List: "TEST", ID: imo, Name: name, IMO: int(n), By: "imo"}}
			}
			return nil
		}
	}
	return p, nil
}

// scRun runs one case through a tracker and an engine, as the pipeline
// does, and formats the events of the types asked for.
func scRun(t *testing.T, path string, c scCase, defaultTypes string) string {
	t.Helper()
	words := strings.Fields(c.cmd)
	if words[0] != "run" {
		t.Fatalf("%s:%d: unknown command %q", path, c.line, words[0])
	}
	a := scArgs(words[1:])
	places, err := scPlaces(a)
	if err != nil {
		t.Fatalf("%s:%d: %v", path, c.line, err)
	}
	var opts Options
	if _, ok := a["skylight"]; ok {
		opts.Encounter = SkylightRendezvous()
	}
	if s, ok := a["max-distance"]; ok {
		opts.Encounter.MaxDistanceM, _ = strconv.ParseFloat(s, 64)
	}
	if s, ok := a["min-duration"]; ok {
		ms, _ := scDur(s)
		opts.Encounter.MinDuration = time.Duration(ms) * time.Millisecond
	}
	w := &scWorld{truth: map[uint32][]scPoint{}, last: map[uint32]scPoint{}, every: map[uint32]int64{}}
	for i, l := range c.input {
		if err := w.line(l, i+1); err != nil {
			t.Fatalf("%s:%d: %v", path, c.line, err)
		}
	}
	slices.SortStableFunc(w.reports, func(x, y fuse.Report) int { return cmp.Compare(x.Time, y.Time) })
	evs := scFeed(w.reports, opts, places)
	types := defaultTypes
	if s, ok := a["types"]; ok {
		types = s
	}
	return scFormat(evs, strings.Split(types, ","))
}

// scFeed tracks time-ordered reports and runs every detector on them.
func scFeed(reports []fuse.Report, opts Options, places Places) []event.Event {
	_, ts := feedTaking(reports, opts, places)
	return Final(emissions(ts))
}

// scFormat prints events: a head line, the summary, the details.
func scFormat(evs []event.Event, types []string) string {
	var b strings.Builder
	for _, e := range evs {
		if !slices.Contains(types, string(e.Type)) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		who := strconv.FormatUint(uint64(e.MMSI), 10)
		if e.OtherMMSI != 0 {
			who += "/" + strconv.FormatUint(uint64(e.OtherMMSI), 10)
		}
		fmt.Fprintf(&b, "%s %s %s..%s at %.4f,%.4f", e.Type, who,
			e.Start.Format(time.RFC3339), e.End.Format(time.RFC3339), e.Lat, e.Lon)
		if e.EndLat != nil {
			fmt.Fprintf(&b, " to %.4f,%.4f", *e.EndLat, *e.EndLon)
		}
		if e.Intentional != nil && *e.Intentional {
			b.WriteString(" intentional")
		}
		fmt.Fprintf(&b, " conf %.2f\n  %s", e.Confidence, e.Summary)
		if len(e.Details) > 0 {
			keys := make([]string, 0, len(e.Details))
			for k := range e.Details {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("\n ")
			for _, k := range keys {
				fmt.Fprintf(&b, " %s=%s", k, strconv.FormatFloat(e.Details[k], 'g', 4, 64))
			}
		}
	}
	return b.String()
}

func TestEncounterScenarios(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "encounter", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata/encounter")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			scRunFile(t, f, "encounter")
		})
	}
}

// encFeed drives the encounter detector alone with fixes.
type encFeed struct {
	d      *EncounterDetector
	places Places
	events []event.Event
	segs   map[uint32]*track.Segment
	prev   map[uint32]track.Fix
}

func newEncFeed(opts EncounterOptions, places Places) *encFeed {
	f := &encFeed{places: places, segs: map[uint32]*track.Segment{}, prev: map[uint32]track.Fix{}}
	f.d = NewEncounterDetector(opts, func(e event.Event) { f.events = append(f.events, e) })
	return f
}

func (f *encFeed) fix(mmsi uint32, t int64, lat, lon, kn float64) {
	s := f.segs[mmsi]
	if s == nil {
		s = &track.Segment{MMSI: mmsi, N: 1}
		f.segs[mmsi] = s
	}
	fx := track.Fix{Time: t, Lat: lat, Lon: lon, SOG: float32(kn), COG: 0, Heading: -1}
	p, had := f.prev[mmsi]
	u := track.Update{Vessel: &track.Vessel{MMSI: mmsi}, Segment: s, Fix: fx, Prev: p, HasPrev: had}
	f.prev[mmsi] = fx
	f.d.Position(&Obs{Update: &u, places: &f.places})
}

// TestEncounterSparseSatellite: two vessels heard only every 90 minutes,
// never at the same time, that sit together for 12 h are found; the same
// pair 2 km apart is not.
func TestEncounterSparseSatellite(t *testing.T) {
	for _, tc := range []struct {
		name     string
		apartM   float64
		interval int64
		want     int
	}{
		{"together, 90 min", 120, 90 * minuteMs, 1},
		{"together, 150 min", 120, 150 * minuteMs, 1},
		{"2 km apart", 2000, 90 * minuteMs, 0},
		{"together, 4 h: too sparse to interpolate", 120, 4 * hourMs, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newEncFeed(EncounterOptions{}, Places{})
			lat, lon := 12.0, 115.0
			blat, blon := geo.Destination(lat, lon, 90, tc.apartM)
			for t0 := int64(0); t0 <= 12*hourMs; t0 += tc.interval {
				// Both drift north at 0.3 kn; B reports 40 minutes after A.
				drift := func(t int64) float64 { return 0.3 * metresPerNM * float64(t) / hourMs }
				alat, alon := geo.Destination(lat, lon, 0, drift(t0))
				f.fix(412000001, t0, alat, alon, 0.3)
				tb := t0 + 40*minuteMs
				b1, b2 := geo.Destination(blat, blon, 0, drift(tb))
				f.fix(413000002, tb, b1, b2, 0.3)
			}
			f.d.Finish(13 * hourMs)
			if len(f.events) != tc.want {
				t.Fatalf("%d encounters, want %d: %+v", len(f.events), tc.want, f.events)
			}
			if tc.want == 0 {
				return
			}
			e := f.events[0]
			if e.MMSI != 412000001 || e.OtherMMSI != 413000002 || e.Type != event.Encounter {
				t.Errorf("wrong vessels %+v", e)
			}
			if h := e.Details["hours"]; h < 9 {
				t.Errorf("only %.1f h together: %s", h, e.Summary)
			}
			if d := e.Details["median_distance_m"]; math.Abs(d-tc.apartM) > 25 {
				t.Errorf("median distance %.0f m, want about %.0f: %s", d, tc.apartM, e.Summary)
			}
			if e.Details["density"] > 0.3 {
				t.Errorf("sparse evidence rated dense: %v", e.Details)
			}
		})
	}
}

// TestEncounterLive: an encounter is emitted once the pair has been apart
// for the merge gap, before Finish.
func TestEncounterLive(t *testing.T) {
	f := newEncFeed(EncounterOptions{}, Places{})
	lat, lon := -5.0, 100.0
	var t0 int64
	for ; t0 <= 3*hourMs; t0 += 2 * minuteMs {
		f.fix(525000001, t0, lat, lon, 0.2)
		blat, blon := geo.Destination(lat, lon, 45, 60)
		f.fix(525000002, t0+30_000, blat, blon, 0.2)
	}
	// They part: one sails away, the other stays, both heard.
	for t1 := t0; t1 <= t0+5*hourMs; t1 += 2 * minuteMs {
		f.fix(525000001, t1, lat, lon, 0.2)
		blat, blon := geo.Destination(lat, lon, 45, 60+10*metresPerNM*float64(t1-t0)/hourMs)
		f.fix(525000002, t1+30_000, blat, blon, 10)
	}
	if len(f.events) != 1 {
		t.Fatalf("%d encounters before Finish, want 1", len(f.events))
	}
	if e := f.events[0]; e.End.UnixMilli() > t0 || e.End.UnixMilli() < t0-5*minuteMs {
		t.Errorf("ends %s, want about %s", e.End, tm(t0))
	}
	f.d.Finish(t0 + 6*hourMs)
	if len(f.events) != 1 {
		t.Fatalf("%d encounters after Finish, want still 1", len(f.events))
	}
	if len(f.d.vessels) != 0 || len(f.d.pairs) != 0 || len(f.d.cells) != 0 {
		t.Errorf("state left after Finish: %d vessels, %d pairs, %d cells", len(f.d.vessels), len(f.d.pairs), len(f.d.cells))
	}
}

// TestEncounterMemory: slow vessels that stop being heard, and pairs that
// part, are forgotten.
func TestEncounterMemory(t *testing.T) {
	f := newEncFeed(EncounterOptions{}, Places{})
	// 500 slow vessels in pairs for an hour, then silence.
	for t0 := int64(0); t0 <= hourMs; t0 += 5 * minuteMs {
		for i := 0; i < 500; i++ {
			lat, lon := 20+float64(i/2)*0.05, 60.0+float64(i%2)*0.003
			f.fix(uint32(200000000+i), t0+int64(i), lat, lon, 0.5)
		}
	}
	if len(f.d.pairs) == 0 {
		t.Fatal("no pairs formed")
	}
	// A lone vessel keeps reporting for a day.
	for t0 := int64(hourMs); t0 <= 25*hourMs; t0 += 10 * minuteMs {
		f.fix(300000001, t0, 0, 0, 0.1)
	}
	if len(f.d.vessels) != 1 || len(f.d.pairs) != 0 || len(f.d.cells) != 1 {
		t.Errorf("%d vessels, %d pairs, %d cells left, want 1, 0, 1", len(f.d.vessels), len(f.d.pairs), len(f.d.cells))
	}
}

func TestCellGridVisit(t *testing.T) {
	g := newCellGrid(1000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		lat := rng.Float64()*178 - 89
		if i%4 == 0 {
			lat = 80 + rng.Float64()*9.5 // high latitudes, where columns narrow
		}
		lon := rng.Float64()*360 - 180
		if i%5 == 0 {
			lon = 179.99 + rng.Float64()*0.02 // across the antimeridian
			lon = geo.NormalizeLon(lon)
		}
		// A point within 900 m must lie in a visited cell.
		plat, plon := geo.Destination(lat, lon, rng.Float64()*360, rng.Float64()*900)
		want := g.key(plat, plon)
		found := false
		g.visit(lat, lat, lon, lon, 900, func(c uint64) { found = found || c == want })
		if !found {
			t.Fatalf("point %.5f,%.5f within 900 m of %.5f,%.5f: its cell was not visited", plat, plon, lat, lon)
		}
	}
}

func TestHistMedian(t *testing.T) {
	var h [encBins]uint32
	if m := histMedian(&h, 500); m != 0 {
		t.Errorf("empty: %v", m)
	}
	h[histBin(100, 500)] += 10
	h[histBin(400, 500)] += 3
	if m := histMedian(&h, 500); math.Abs(m-100) > 500/encBins {
		t.Errorf("median %v, want about 100", m)
	}
	h[histBin(400, 500)] += 20
	if m := histMedian(&h, 500); math.Abs(m-400) > 500/encBins {
		t.Errorf("median %v, want about 400", m)
	}
	if histBin(-1, 500) != 0 || histBin(900, 500) != encBins-1 {
		t.Error("out of range values are not clamped")
	}
}

// scPorts answers NearestPort from the built-in World Port Index and
// Global Fishing Watch anchorages.
func scPorts() func(lat, lon, maxM float64) (string, float64, bool) {
	ix := ports.Default()
	return func(lat, lon, maxM float64) (string, float64, bool) {
		p, d, ok := ix.Nearest(lat, lon)
		if !ok || d > maxM {
			return "", 0, false
		}
		return p.Name, d, true
	}
}

// scMarineCadastre reads the positions of NOAA MarineCadastre's 2022-01-03
// sample, in time order (the daily file is not).
func scMarineCadastre(t testing.TB) []fuse.Report {
	f, err := os.Open(filepath.Join("..", "..", "testdata", "csv", "marinecadastre_us_2022-01-03_sample99999.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := fuse.NewCSVReader(bufio.NewReader(zr), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var rs []fuse.Report
	for {
		r, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind == fuse.Position {
			rs = append(rs, r)
		}
	}
	if cr.Bad > 0 {
		t.Fatalf("%d bad rows: %v", cr.Bad, cr.LastErr)
	}
	slices.SortStableFunc(rs, func(a, b fuse.Report) int { return cmp.Compare(a.Time, b.Time) })
	return rs
}

// TestEncounterHoustonBerths: tankers, tugs and barges berthed side by side
// along the Houston ship channel (NOAA MarineCadastre, 2022-01-03) are not
// encounters, with the built-in ports and shore model. The sample covers
// only the first 25 minutes of the day, so the test asks for 15 minutes
// together instead of 2 h; the same data without geography shows that the
// berthed pairs are there to be rejected.
func TestEncounterHoustonBerths(t *testing.T) {
	rs := scMarineCadastre(t)
	// The ship channel from Houston to Morgan's Point, Galveston Bay,
	// Texas City and Bolivar Roads.
	inHouston := func(e event.Event) bool {
		return e.Lat > 29.3 && e.Lat < 29.8 && e.Lon > -95.35 && e.Lon < -94.65
	}
	opts := Options{Encounter: EncounterOptions{MinDuration: 15 * time.Minute}}
	count := func(places Places) (n int, sample string) {
		for _, e := range scFeed(rs, opts, places) {
			if e.Type == event.Encounter && inHouston(e) {
				n++
				sample = e.Summary
			}
		}
		return n, sample
	}
	real := Places{NearestPort: scPorts(), ShoreM: geo.DefaultShore().DistanceToShore}
	if n, s := count(real); n != 0 {
		t.Errorf("%d encounters in the port of Houston, e.g. %s", n, s)
	}
	n, _ := count(Places{})
	if n < 100 {
		t.Errorf("without geography only %d encounters: the berthed pairs this test relies on are missing", n)
	}
	t.Logf("%d reports; without ports and shore %d berthed pairs in Houston would be encounters", len(rs), n)
}

// BenchmarkEncounterPosition measures the detector's cost per fix: for a
// vessel under way (the common case, which leaves at the speed test), for
// one slow at sea among others, and for a real day of US traffic
// (MarineCadastre, with the built-in ports).
func BenchmarkEncounterPosition(b *testing.B) {
	mk := func(n int, kn float64) []track.Update {
		rng := rand.New(rand.NewPCG(3, 4))
		us := make([]track.Update, 0, n*20)
		segs := make([]*track.Segment, n)
		vs := make([]*track.Vessel, n)
		for i := range segs {
			segs[i] = &track.Segment{MMSI: uint32(200000000 + i), N: 1}
			vs[i] = &track.Vessel{MMSI: uint32(200000000 + i)}
		}
		for step := 0; step < 20; step++ {
			for i := 0; i < n; i++ {
				// Slow vessels in loose clusters of ten, a few hundred metres apart.
				lat := 30 + float64(i/10)*0.05 + rng.Float64()*0.004
				lon := 140 + float64(i%10)*0.002
				t := int64(step)*3*minuteMs + int64(i)*10
				us = append(us, track.Update{Vessel: vs[i], Segment: segs[i],
					Fix: track.Fix{Time: t, Lat: lat, Lon: lon, SOG: float32(kn), COG: 90, Heading: -1}})
			}
		}
		return us
	}
	run := func(b *testing.B, us []track.Update, places Places) {
		d := NewEncounterDetector(EncounterOptions{}, func(event.Event) {})
		span := us[len(us)-1].Fix.Time - us[0].Fix.Time + hourMs
		o := &Obs{places: &places}
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			if i == len(us) {
				// Replay the data later, as new fixes.
				i = 0
				for j := range us {
					us[j].Fix.Time += span
				}
			}
			*o = Obs{Update: &us[i], places: &places}
			d.Position(o)
			i++
		}
	}
	b.Run("underway", func(b *testing.B) { run(b, mk(1000, 12), Places{}) })
	b.Run("slow-at-sea", func(b *testing.B) { run(b, mk(1000, 0.5), Places{}) })
	b.Run("marinecadastre-day", func(b *testing.B) {
		rs := scMarineCadastre(b)
		tr := track.New(track.Options{})
		var us []track.Update
		for i := range rs {
			if u, ok := tr.Position(&rs[i]); ok {
				us = append(us, u)
			}
		}
		run(b, us, Places{NearestPort: scPorts()})
	})
}
