package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/identity"
)

// The files WriteDir writes.
const (
	FeedFile      = "feed.nmea"
	TruthFile     = "truth.jsonl"
	ZonesFile     = "zones.geojson"
	WatchlistFile = "watchlist.csv"
	ScenarioFile  = "scenario.json"
)

// Result is a generated scenario: its ground truth and what describes it.
type Result struct {
	// Options are the options with their defaults filled in.
	Options Options
	// Truth lists the injected behaviours (and what they imply) as events
	// of picket's contract, sorted by start.
	Truth []event.Event
	// Stats counts the feed.
	Stats Stats
	// Info is scenario.json.
	Info Info
	// SAR is the satellite radar passes, with Options.SAR; nil without.
	SAR *SAR
	// VIIRS is the night passes' boat detections, with Options.VIIRS.
	VIIRS *VIIRS
	// Radar is the radars' outputs and tracks, with Options.Radar; nil
	// without.
	Radar *Radar

	zones []Zone
	watch []watchEntry
}

// Info describes a scenario for people (scenario.json).
type Info struct {
	Seed        uint64           `json:"seed"`
	Vessels     int              `json:"vessels"`
	Hours       float64          `json:"hours"`
	Region      string           `json:"region"`
	Description string           `json:"description"`
	Start       time.Time        `json:"start"`
	End         time.Time        `json:"end"`
	Rate        float64          `json:"rate"`
	Sets        int              `json:"sets"`
	Stations    []StationInfo    `json:"stations"`
	SatPasses   int              `json:"satellite_passes"`
	Fleet       []VesselInfo     `json:"fleet"`
	Behaviours  []BehaviourInfo  `json:"behaviours"`
	Skipped     []string         `json:"skipped,omitempty"`
	Notes       []string         `json:"notes,omitempty"`
	Counts      map[string]int64 `json:"counts"`
	TruthCounts map[string]int   `json:"truth_counts"`
}

// StationInfo is a receiver.
type StationInfo struct {
	Name    string  `json:"name"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	RangeNM float64 `json:"range_nm"`
}

// VesselInfo is a simulated vessel (or impostor transmitter).
type VesselInfo struct {
	MMSI       uint32         `json:"mmsi"`
	IMO        uint32         `json:"imo,omitempty"`
	Name       string         `json:"name"`
	CallSign   string         `json:"callsign"`
	Flag       string         `json:"flag,omitempty"`
	Type       string         `json:"type"`
	Class      string         `json:"class"`
	Role       string         `json:"role"`
	Identities []IdentityInfo `json:"identities,omitempty"`
}

// IdentityInfo is a later identity of a vessel.
type IdentityInfo struct {
	From     time.Time `json:"from"`
	MMSI     uint32    `json:"mmsi"`
	IMO      uint32    `json:"imo,omitempty"`
	Name     string    `json:"name"`
	CallSign string    `json:"callsign"`
}

// BehaviourInfo is a staged behaviour.
type BehaviourInfo struct {
	Kind      string    `json:"kind"`
	MMSI      uint32    `json:"mmsi"`
	OtherMMSI uint32    `json:"other_mmsi,omitempty"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Lat       float64   `json:"lat,omitempty"`
	Lon       float64   `json:"lon,omitempty"`
	ShoreNM   float64   `json:"shore_nm,omitempty"`
	Relaxed   string    `json:"relaxed,omitempty"`
}

// Generate plans the scenario of opts, writes its feed to feed and
// returns its truth. Errors wrap ErrOptions, ErrUnknownRegion or the
// writer's error.
func Generate(opts Options, feed io.Writer) (*Result, error) {
	s, err := newScenario(opts)
	if err != nil {
		return nil, err
	}
	if s.opts.Radar {
		s.stageRadarSpoofs()
	}
	g := newGen(s, feed)
	if err := g.run(); err != nil {
		return nil, fmt.Errorf("sim: writing the feed: %w", err)
	}
	res := &Result{Options: s.opts, Stats: g.stats, zones: s.r.Zones, watch: s.watch}
	res.Truth = g.truth()
	// Radars before satellites: the satellites' meetings are staged with
	// other ships than the radars' (g.met).
	if s.opts.Radar {
		var truth []event.Event
		res.Radar, truth = g.radars()
		res.Truth = append(res.Truth, truth...)
		sortTruth(res.Truth)
	}
	if s.opts.SAR {
		var truth []event.Event
		res.SAR, truth = g.sar()
		res.Truth = append(res.Truth, truth...)
		sortTruth(res.Truth)
	}
	if s.opts.VIIRS {
		var truth []event.Event
		res.VIIRS, truth = g.viirs()
		res.Truth = append(res.Truth, truth...)
		sortTruth(res.Truth)
	}
	for _, typ := range event.Types {
		if n := g.unseen[typ]; n > 0 {
			s.notes = append(s.notes, fmt.Sprintf("%d %s events left out of the truth: the feed does not show them", n, typ))
		}
	}
	res.Info = s.info(res)
	return res, nil
}

// WriteDir generates the scenario into dir (created if needed): feed.nmea,
// truth.jsonl, zones.geojson, watchlist.csv and scenario.json; with
// Options.SAR also detections.csv and scenes.csv; with Options.VIIRS
// viirs.csv; with Options.Radar a
// radar_<name>.nmea per radar.
func WriteDir(opts Options, dir string) (*Result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	var res *Result
	err := writeFile(filepath.Join(dir, FeedFile), func(w io.Writer) error {
		var err error
		res, err = Generate(opts, w)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{TruthFile, res.WriteTruth},
		{ZonesFile, res.WriteZones},
		{WatchlistFile, res.WriteWatchlist},
		{ScenarioFile, res.WriteScenario},
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.write); err != nil {
			return nil, err
		}
	}
	if res.SAR != nil {
		for name, write := range map[string]func(io.Writer) error{DetectionsFile: res.SAR.WriteDetections, ScenesFile: res.SAR.WriteScenes} {
			if err := writeFile(filepath.Join(dir, name), write); err != nil {
				return nil, err
			}
		}
	}
	if res.VIIRS != nil {
		if err := writeFile(filepath.Join(dir, VIIRSFile), func(w io.Writer) error { _, err := res.VIIRS.WriteTo(w); return err }); err != nil {
			return nil, err
		}
	}
	if res.Radar != nil {
		for i := range res.Radar.Sites {
			r := &res.Radar.Sites[i]
			if err := writeFile(filepath.Join(dir, r.File), func(w io.Writer) error { _, err := r.WriteTo(w); return err }); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sim: %s: %w", filepath.Base(path), err)
	}
	return nil
}

// WriteTruth writes the truth as NDJSON, one event per line.
func (r *Result) WriteTruth(w io.Writer) error {
	enc := json.NewEncoder(w)
	for i := range r.Truth {
		if err := enc.Encode(&r.Truth[i]); err != nil {
			return err
		}
	}
	return nil
}

// WriteZones writes the region's zones as a GeoJSON FeatureCollection of
// polygons with a "name" property.
func (r *Result) WriteZones(w io.Writer) error {
	type geometry struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}
	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   geometry          `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection"}
	for _, z := range r.zones {
		fc.Features = append(fc.Features, feature{Type: "Feature", Properties: map[string]string{"name": z.Name},
			Geometry: geometry{Type: "Polygon", Coordinates: [][][2]float64{z.Ring}}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(fc)
}

// WriteWatchlist writes watchlist.csv (imo,mmsi,name).
func (r *Result) WriteWatchlist(w io.Writer) error { return writeWatchlist(w, r.watch) }

// WriteScenario writes scenario.json.
func (r *Result) WriteScenario(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&r.Info)
}

func (s *scenario) info(res *Result) Info {
	o := s.opts
	in := Info{Seed: o.Seed, Vessels: o.Vessels, Hours: o.Hours, Region: o.Region, Description: s.r.Description, Start: tm(s.start), End: tm(s.end),
		Rate: o.Rate, Sets: o.Sets, SatPasses: len(s.passes), Skipped: s.skipped, Notes: s.notes,
		Counts:      map[string]int64{"lines": res.Stats.Lines, "messages": res.Stats.Messages, "transmitted": res.Stats.Sent, "bytes": res.Stats.Bytes},
		TruthCounts: map[string]int{}}
	for typ, n := range res.Stats.ByType {
		in.Counts[fmt.Sprintf("type_%d", typ)] = n
	}
	for _, st := range s.w.stations {
		in.Stations = append(in.Stations, StationInfo{Name: st.Name, Lat: round5(st.Lat), Lon: round5(st.Lon), RangeNM: st.RangeM / nm})
	}
	for _, v := range s.fleet {
		id := v.ids[0].id
		vi := VesselInfo{MMSI: id.MMSI, IMO: id.IMO, Name: string(id.Name), CallSign: string(id.CallSign), Type: v.kind.String(), Class: "A", Role: v.role}
		if v.classB {
			vi.Class = "B"
		}
		if f, ok := identity.Flag(int(id.MMSI)); ok {
			vi.Flag = f.Alpha2
		}
		for _, sp := range v.ids[1:] {
			vi.Identities = append(vi.Identities, IdentityInfo{From: tm(sp.from), MMSI: sp.id.MMSI, IMO: sp.id.IMO, Name: string(sp.id.Name), CallSign: string(sp.id.CallSign)})
		}
		in.Fleet = append(in.Fleet, vi)
	}
	for _, j := range s.inj {
		b := BehaviourInfo{Kind: j.kind, MMSI: s.fleet[j.a].ids[0].id.MMSI, From: tm(j.from), To: tm(j.to), Lat: round5(j.at.Lat), Lon: round5(j.at.Lon),
			ShoreNM: round2(j.shoreNM), Relaxed: j.relaxed}
		if j.newID != nil && j.kind != injNameChange {
			b.MMSI = j.newID.MMSI
		}
		if j.b >= 0 && j.kind != injSharedMMSI {
			b.OtherMMSI = s.fleet[j.b].ids[0].id.MMSI
		}
		in.Behaviours = append(in.Behaviours, b)
	}
	for _, e := range res.Truth {
		k := string(e.Type)
		if e.Subtype != "" {
			k += "/" + e.Subtype
		}
		in.TruthCounts[k]++
	}
	slices.SortFunc(in.Fleet, func(a, b VesselInfo) int { return int(a.MMSI) - int(b.MMSI) })
	return in
}
