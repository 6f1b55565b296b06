package casefile

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/profile"
)

// AnalysisOptions say which case FromAnalysis makes from the files of a
// `picket analyze` run. Exactly one of MMSI, EventID and NetworkID is set.
type AnalysisOptions struct {
	// Dir is analyze's --out directory: events.jsonl and vessels.jsonl
	// are needed; networks.json for a network case; tracks.geojson
	// (analyze --tracks) draws the tracks; manifest.json, when analyze
	// wrote one, names the archives analysed.
	Dir       string
	MMSI      uint32
	EventID   string
	NetworkID string
	// Marking is the releasability to print. Default "NOT MARKED",
	// with a line saying that the files carry no label: files analysed
	// on a desk have no feed labels to derive one from.
	Marking string
	// Version is picket's version for the manifest.
	Version string
	// Now is when the file is made. Default time.Now().
	Now time.Time
	// TrackMargin is how much of the tracks before and after an event an
	// event case shows. Default 12 h.
	TrackMargin time.Duration
}

// ErrNotFound: the vessel, event or network asked for is not in the run.
var ErrNotFound = errors.New("casefile: not found")

// FromAnalysis builds a case from the files of an analyze run.
func FromAnalysis(o AnalysisOptions) (*Case, error) {
	set := 0
	for _, b := range []bool{o.MMSI != 0, o.EventID != "", o.NetworkID != ""} {
		if b {
			set++
		}
	}
	if set != 1 {
		return nil, errors.New("casefile: say which case: a vessel (MMSI), an event or a network")
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.TrackMargin <= 0 {
		o.TrackMargin = 12 * time.Hour
	}
	c := &Case{Manifest: Manifest{Version: o.Version, Generated: o.Now.UTC()}}
	if o.Marking != "" {
		c.Marking.Text = o.Marking
	} else {
		c.Marking.Text = "NOT MARKED"
		c.Notes = append(c.Notes, "Made from files analysed on a desk: they carry no releasability label. Mark the file (picket report --marking) before releasing it.")
	}
	path := func(name string) string { return filepath.Join(o.Dir, name) }
	if in, err := readManifest(path("manifest.json")); err == nil {
		c.Manifest.Inputs = append(c.Manifest.Inputs, in...)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}

	events, err := readEvents(path("events.jsonl"))
	if err != nil {
		return nil, err
	}
	profiles, err := readProfiles(path("vessels.jsonl"))
	if err != nil {
		return nil, err
	}
	used := []string{"events.jsonl", "vessels.jsonl"}

	var mmsis []uint32
	var window struct{ from, to time.Time }
	switch {
	case o.MMSI != 0:
		mmsis = []uint32{o.MMSI}
		for _, e := range events {
			if e.MMSI == o.MMSI || e.OtherMMSI == o.MMSI {
				c.Events = append(c.Events, e)
				if e.OtherMMSI != 0 {
					mmsis = appendOnce(mmsis, e.MMSI, e.OtherMMSI)
				}
			}
		}
		if _, ok := profiles[o.MMSI]; !ok && len(c.Events) == 0 {
			return nil, fmt.Errorf("%w: vessel %d is not in %s", ErrNotFound, o.MMSI, o.Dir)
		}
		c.Subject = "vessel " + strconv.FormatUint(uint64(o.MMSI), 10)
	case o.EventID != "":
		i := slices.IndexFunc(events, func(e event.Event) bool { return e.ID == o.EventID })
		if i < 0 {
			return nil, fmt.Errorf("%w: event %q is not in %s", ErrNotFound, o.EventID, path("events.jsonl"))
		}
		ev := events[i]
		c.Events = []event.Event{ev}
		mmsis = appendOnce(nil, ev.MMSI, ev.OtherMMSI)
		window.from, window.to = ev.Start.Add(-o.TrackMargin), ev.End.Add(o.TrackMargin)
		// The watchlist hits of its vessels say who they are.
		for _, e := range events {
			if e.Type == event.Watchlist && e.ID != ev.ID && slices.Contains(mmsis, e.MMSI) {
				c.Events = append(c.Events, e)
			}
		}
		c.Subject = "event " + ev.ID
		c.Summary = ev.Summary
	default:
		nets, err := readNetworks(path("networks.json"))
		if err != nil {
			return nil, err
		}
		used = append(used, "networks.json")
		i := slices.IndexFunc(nets, func(n network.Network) bool { return n.ID == o.NetworkID })
		if i < 0 {
			return nil, fmt.Errorf("%w: network %q is not in %s", ErrNotFound, o.NetworkID, path("networks.json"))
		}
		n := nets[i]
		ids := map[string]bool{}
		for _, m := range n.Members {
			mmsis = appendOnce(mmsis, m.MMSI)
		}
		for _, l := range n.Links {
			for _, id := range l.Events {
				ids[id] = true
			}
		}
		for _, e := range events {
			if ids[e.ID] || e.Type == event.Watchlist && slices.Contains(mmsis, e.MMSI) {
				c.Events = append(c.Events, e)
			}
		}
		c.Subject = "network " + n.ID
		c.Summary = n.Summary
		c.Links = LinksOf(n, c.Events)
	}
	for _, m := range mmsis {
		c.Vessels = append(c.Vessels, vesselOf(m, profiles[m]))
	}
	c.Title = titleOf(c)

	tracksPath := path("tracks.geojson")
	tracks, err := readTracks(tracksPath, mmsis, window.from, window.to)
	switch {
	case errors.Is(err, os.ErrNotExist):
		c.Notes = append(c.Notes, "No tracks: the run was analysed without --tracks, so the map shows the events and their evidence fixes only.")
	case err != nil:
		return nil, err
	default:
		used = append(used, "tracks.geojson")
		for i := range c.Vessels {
			c.Vessels[i].Track = tracks[c.Vessels[i].MMSI]
		}
	}
	for _, name := range used {
		in, err := HashFile(path(name), "picket analyze output")
		if err != nil {
			return nil, err
		}
		c.Manifest.Inputs = append(c.Manifest.Inputs, in)
	}
	c.Sort()
	return c, nil
}

func appendOnce(s []uint32, ms ...uint32) []uint32 {
	for _, m := range ms {
		if m != 0 && !slices.Contains(s, m) {
			s = append(s, m)
		}
	}
	return s
}

// titleOf names a case after its subject and its first vessel.
func titleOf(c *Case) string {
	if len(c.Vessels) == 0 {
		return "Case: " + c.Subject
	}
	v := c.Vessels[0]
	name := strconv.FormatUint(uint64(v.MMSI), 10)
	if v.Name != "" {
		name += " " + v.Name
	}
	switch {
	case len(c.Vessels) == 1:
		return "Vessel " + name
	case c.Subject[:5] == "event" && len(c.Events) > 0:
		return fmt.Sprintf("%s: %s and %d other vessel(s)", c.Events[0].Type, name, len(c.Vessels)-1)
	}
	return fmt.Sprintf("Network of %d vessels: %s, ...", len(c.Vessels), name)
}

// vesselOf makes a case vessel from its line of vessels.jsonl (nil when
// the run has none).
func vesselOf(mmsi uint32, p *profile.Profile) Vessel {
	v := Vessel{MMSI: mmsi, Flag: identity.FlagOf(mmsi)}
	if p == nil {
		return v
	}
	v.Name = p.Name
	if p.Risk.Score > 0 {
		r := p.Risk.Score
		v.Risk = &r
	}
	for _, r := range p.Risk.Reasons {
		v.Reasons = append(v.Reasons, r.Reason)
	}
	if id := p.Identity; id != nil {
		for _, f := range []struct {
			field string
			vals  []profile.Value
		}{{event.FieldName, id.Names}, {event.FieldCallSign, id.CallSigns}, {event.FieldIMO, id.IMOs},
			{event.FieldShipType, id.ShipTypes}, {"destination", id.Destinations}} {
			for _, val := range f.vals {
				v.Identity = append(v.Identity, IdentityValue{Field: f.field, Value: val.Value, First: val.First, Last: val.Last, Count: val.Count})
			}
		}
	}
	return v
}

func readEvents(path string) ([]event.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("casefile: %w (is it the --out directory of picket analyze?)", err)
	}
	defer f.Close()
	var out []event.Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e event.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("casefile: %s:%d: %w", path, line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("casefile: %s:%d: %w", path, line+1, err)
	}
	return out, nil
}

// readProfiles reads vessels.jsonl: the MMSI lines, not the extra lines
// of the transmitters of a shared MMSI.
func readProfiles(path string) (map[uint32]*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("casefile: %w", err)
	}
	defer f.Close()
	out := map[uint32]*profile.Profile{}
	dec := json.NewDecoder(bufio.NewReader(f))
	for n := 1; ; n++ {
		var p profile.Profile
		if err := dec.Decode(&p); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("casefile: %s: vessel %d: %w", path, n, err)
		}
		if p.Segment == "" {
			out[p.MMSI] = &p
		}
	}
}

func readNetworks(path string) ([]network.Network, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("casefile: %w", err)
	}
	var doc struct {
		Networks []network.Network `json:"networks"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("casefile: %s: %w", path, err)
	}
	return doc.Networks, nil
}

// readTracks reads the tracks of mmsis from analyze's tracks.geojson
// (pipeline.Tracks.WriteGeoJSON), within [from, to] when they are set,
// all segments of an MMSI in time order.
func readTracks(path string, mmsis []uint32, from, to time.Time) (map[uint32][]Point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var doc struct {
		Features []struct {
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				MMSI  uint32  `json:"mmsi"`
				Times []int64 `json:"times"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("casefile: %s: %w", path, err)
	}
	out := map[uint32][]Point{}
	for i, ft := range doc.Features {
		m := ft.Properties.MMSI
		if !slices.Contains(mmsis, m) {
			continue
		}
		var coords [][2]float64
		if ft.Geometry.Type == "Point" {
			var c [2]float64
			if err := json.Unmarshal(ft.Geometry.Coordinates, &c); err != nil {
				return nil, fmt.Errorf("casefile: %s: feature %d: %w", path, i+1, err)
			}
			coords = [][2]float64{c}
		} else if err := json.Unmarshal(ft.Geometry.Coordinates, &coords); err != nil {
			return nil, fmt.Errorf("casefile: %s: feature %d: %w", path, i+1, err)
		}
		if len(coords) != len(ft.Properties.Times) {
			return nil, fmt.Errorf("casefile: %s: feature %d: %d positions, %d times", path, i+1, len(coords), len(ft.Properties.Times))
		}
		for k, c := range coords {
			t := time.Unix(ft.Properties.Times[k], 0).UTC()
			if !from.IsZero() && (t.Before(from) || t.After(to)) {
				continue
			}
			out[m] = append(out[m], Point{Time: t, Lat: c[1], Lon: c[0]})
		}
	}
	for m := range out {
		slices.SortStableFunc(out[m], func(a, b Point) int { return a.Time.Compare(b.Time) })
	}
	return out, nil
}

// readManifest reads the inputs analyze recorded in manifest.json.
func readManifest(path string) ([]Input, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m struct {
		Inputs []struct {
			Name   string `json:"name"`
			Bytes  int64  `json:"bytes"`
			SHA256 string `json:"sha256"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("casefile: %s: %w", path, err)
	}
	var out []Input
	for _, in := range m.Inputs {
		out = append(out, Input{Name: in.Name, Bytes: in.Bytes, SHA256: in.SHA256, About: "archive analysed (manifest.json)"})
	}
	return out, nil
}
