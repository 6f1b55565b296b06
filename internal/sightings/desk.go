package sightings

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/store"
)

// Options configures a Desk. The zero value of each field means its
// default.
type Options struct {
	// Dir is the data directory, where sightings.jsonl is kept. "": in
	// memory only (tests, an embedder without a data directory).
	Dir string
	// Store holds the AIS deliveries are correlated against, and takes
	// their events. Required.
	Store *store.Store
	// Match is the correlation: tolerance (1.5 km), interpolation, the
	// candidates' reachability (detection.Options' defaults).
	Match detection.Options
	// Encounter says when an AIS vessel alongside repeated dark
	// detections is a dark_encounter (detection.EncounterOptions'
	// defaults; the node passes its detectors' thresholds and ports).
	Encounter detection.EncounterOptions
	// History is how far before a delivery's first detection the feed's
	// kept dark detections are taken with its own for dark encounters.
	// Default 24 h (two passes of a satellite, MaxGap apart).
	History time.Duration
	Logger  *slog.Logger
}

// Feed is the detections feed a delivery belongs to.
type Feed struct {
	Name    string
	Bit     int // its provenance bit
	Partner string
}

// ErrBadFile marks a delivery that cannot be read as a whole (no header,
// a required column missing, the wrong layout): nothing of it is kept.
var ErrBadFile = errors.New("sightings: delivery not read")

// ErrFormat: a delivery whose layout is not the feed's format.
var ErrFormat = errors.New("the file's layout is not the feed's format")

// Delivery is one file delivered to a feed.
type Delivery struct {
	Feed Feed
	// Name is the file's name, for evidence and messages.
	Name string
	Body []byte
	// Format is the layout expected (source.DetectionFormats); "" or
	// "auto" takes what the header says.
	Format string
	// Scenes is a scenes file read before Body, nil for none.
	Scenes     []byte
	ScenesName string
	// Clearance is what the feed's owner may see: the AIS it is
	// correlated against.
	Clearance uint64
}

// Report says what became of a delivery.
type Report struct {
	// Delivery is its id: the first 16 hex digits of its SHA-256.
	Delivery string    `json:"delivery"`
	Feed     string    `json:"feed"`
	File     string    `json:"file"`
	Layout   string    `json:"layout"`
	Taken    time.Time `json:"taken"`
	// Duplicate: the same bytes were delivered to the feed before; this
	// is that delivery's report, nothing was taken again.
	Duplicate bool `json:"duplicate,omitempty"`
	// Rows are the data rows read (with the scenes file's), Used those
	// kept, Bad those not, by reason in BadRows.
	Rows    int      `json:"rows"`
	Used    int      `json:"used"`
	Bad     int      `json:"bad"`
	BadRows []BadRow `json:"bad_rows"`
	// Scenes are the scenes the delivery gave a footprint or time.
	Scenes int `json:"scenes"`
	// Matched and Dark count the detections kept; LowScore those of the
	// dark scored under the threshold (kept, no event).
	Matched  int `json:"matched"`
	Dark     int `json:"dark"`
	LowScore int `json:"low_score"`
	// DarkVessels and DarkEncounters count the events made (an
	// encounter grown by the delivery counts too).
	DarkVessels    int `json:"dark_vessels"`
	DarkEncounters int `json:"dark_encounters"`
	// Vessels is how many AIS vessels the detections were matched
	// against.
	Vessels int `json:"vessels"`
}

// BadRow is one reason rows were not used, with the first such row.
type BadRow struct {
	Reason    string `json:"reason"`
	Rows      int    `json:"rows"`
	FirstLine int    `json:"first_line"`
	Value     string `json:"value,omitempty"`
}

// Detection is a detection as kept.
type Detection struct {
	Feed     string `json:"feed"`
	Bit      int    `json:"bit"`
	Delivery string `json:"delivery"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	// ID is the source's own id, "" when it has none.
	ID      string   `json:"id,omitempty"`
	Time    int64    `json:"time"` // Unix ms
	Lat     float64  `json:"lat"`
	Lon     float64  `json:"lon"`
	Sensor  string   `json:"sensor"`
	Scene   string   `json:"scene,omitempty"`
	LengthM float64  `json:"length_m,omitempty"`
	Heading *float64 `json:"heading,omitempty"`
	Score   *float64 `json:"score,omitempty"`
	// Status is StatusMatched or StatusDark.
	Status string `json:"status"`
	// MMSI and DistanceM: the AIS vessel that explains it; 0 when dark.
	MMSI      uint32  `json:"mmsi,omitempty"`
	DistanceM float64 `json:"distance_m,omitempty"`
	// LowScore: dark, but scored under the threshold: no event.
	LowScore bool `json:"low_score,omitempty"`
	// Candidates are a dark detection's vessels in an AIS gap that could
	// have been there, nearest first (at most ten, as its event).
	Candidates []uint32 `json:"candidates,omitempty"`
	// Event is the id of its dark_vessel event, "" for none.
	Event string `json:"event,omitempty"`
}

// Dark reports whether no AIS vessel explains the detection.
func (d *Detection) Dark() bool { return d.Status == StatusDark }

// Scene is a scene as kept: where and when a satellite looked.
type Scene struct {
	Feed      string           `json:"feed"`
	Bit       int              `json:"bit"`
	ID        string           `json:"id"`
	Time      int64            `json:"time,omitempty"` // Unix ms, 0 unknown
	Footprint orb.MultiPolygon `json:"footprint,omitempty"`
}

// Desk keeps the detections delivered to a server.
type Desk struct {
	opts Options
	log  *slog.Logger

	take sync.Mutex // one delivery at a time
	mu   sync.RWMutex
	file *logFile
	// What was taken, by feed and SHA-256.
	reports    map[string]Report
	dets       []Detection
	scenes     map[sceneKey]*Scene
	encounters map[string]int64 // dark_encounter id -> end emitted, Unix ms
}

type sceneKey struct{ feed, id string }

// Open opens the desk of a data directory (Options.Dir), reading what it
// kept.
func Open(opts Options) (*Desk, error) {
	if opts.Store == nil {
		return nil, errors.New("sightings: no store")
	}
	if opts.History <= 0 {
		opts.History = 24 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Desk{opts: opts, log: opts.Logger, reports: map[string]Report{}, scenes: map[sceneKey]*Scene{}, encounters: map[string]int64{}}
	if opts.Dir == "" {
		return d, nil
	}
	f, err := openLog(opts.Dir, func(r *record) { d.apply(r) }, d.log)
	if err != nil {
		return nil, err
	}
	d.file = f
	return d, nil
}

// Close closes the desk's file.
func (d *Desk) Close() error {
	if d.file == nil {
		return nil
	}
	return d.file.close()
}

// record is one delivery as kept: one line of sightings.jsonl.
type record struct {
	Key        string      `json:"key"` // feed + "/" + sha256
	Report     Report      `json:"report"`
	Scenes     []Scene     `json:"scenes,omitempty"`
	Detections []Detection `json:"detections,omitempty"`
	Encounters []emitted   `json:"encounters,omitempty"`
}

type emitted struct {
	ID  string `json:"id"`
	End int64  `json:"end"`
}

// apply puts a record in memory; d.mu is held, or Open runs alone.
func (d *Desk) apply(r *record) {
	d.reports[r.Key] = r.Report
	d.dets = append(d.dets, r.Detections...)
	for i := range r.Scenes {
		s := r.Scenes[i]
		k := sceneKey{s.Feed, s.ID}
		if old := d.scenes[k]; old != nil {
			if len(s.Footprint) == 0 {
				s.Footprint = old.Footprint
			}
			if s.Time == 0 {
				s.Time = old.Time
			}
		}
		d.scenes[k] = &s
	}
	for _, e := range r.Encounters {
		d.encounters[e.ID] = max(d.encounters[e.ID], e.End)
	}
}

// Take takes a delivery: reads it, correlates it, stores and syncs its
// events, keeps it durably, and returns its report and the events to
// publish (live stream, alert rules). A file that cannot be read as a
// whole (no header, a missing column, the wrong layout) is an error; its
// rows are counted otherwise.
func (d *Desk) Take(dl Delivery) (Report, []store.EventWithProvenance, error) {
	st := d.opts.Store
	d.take.Lock()
	defer d.take.Unlock()
	sum := sha256.Sum256(dl.Body)
	key := dl.Feed.Name + "/" + hex.EncodeToString(sum[:])
	d.mu.RLock()
	old, dup := d.reports[key]
	d.mu.RUnlock()
	if dup {
		old.Duplicate = true
		return old, nil, nil
	}
	rep := Report{Delivery: hex.EncodeToString(sum[:8]), Feed: dl.Feed.Name, File: dl.Name, Taken: time.Now().UTC(), BadRows: []BadRow{}}
	layout, err := detection.Layout(bytes.NewReader(dl.Body))
	if err != nil {
		return rep, nil, fmt.Errorf("%w: %s: %w", ErrBadFile, dl.Name, err)
	}
	rep.Layout = layout
	if f := dl.Format; f != "" && f != "auto" && layout != detection.LayoutScenes && f != layout {
		return rep, nil, fmt.Errorf("%w: %w: %s reads as %s, the feed's format is %s", ErrBadFile, ErrFormat, dl.Name, layout, f)
	}
	set := detection.NewSet()
	d.mu.RLock()
	for k, s := range d.scenes {
		if k.feed == dl.Feed.Name {
			set.AddScene(s.ID, s.Time, s.Footprint)
		}
	}
	d.mu.RUnlock()
	before := map[string]Scene{}
	for id, s := range set.Scenes {
		before[id] = Scene{Time: s.Time, Footprint: s.Footprint}
	}
	if dl.Scenes != nil {
		if err := set.ReadScenes(bytes.NewReader(dl.Scenes), dl.ScenesName); err != nil {
			return rep, nil, fmt.Errorf("%w: %w", ErrBadFile, err)
		}
	}
	if layout == detection.LayoutScenes {
		err = set.ReadScenes(bytes.NewReader(dl.Body), dl.Name)
	} else {
		err = set.Read(bytes.NewReader(dl.Body), dl.Name)
	}
	if err != nil {
		return rep, nil, fmt.Errorf("%w: %w", ErrBadFile, err)
	}
	set.Check()
	rep.Rows, rep.Bad, rep.Used = set.Rows, set.Bad, set.Rows-set.Bad
	for _, b := range set.BadRows {
		rep.BadRows = append(rep.BadRows, badRow(b))
	}
	rec := &record{Key: key}
	for id, s := range set.Scenes {
		b, had := before[id]
		if had && b.Time == s.Time && len(b.Footprint) == len(s.Footprint) {
			continue // nothing new of it
		}
		rec.Scenes = append(rec.Scenes, Scene{Feed: dl.Feed.Name, Bit: dl.Feed.Bit, ID: id, Time: s.Time, Footprint: s.Footprint})
	}
	rep.Scenes = len(rec.Scenes)

	var evs []store.EventWithProvenance
	if len(set.Detections) > 0 {
		evs, err = d.correlate(st, &dl, set, rec, &rep)
		if err != nil {
			return rep, nil, err
		}
	}
	if len(evs) > 0 {
		if err := st.PutEvents(evs); err != nil {
			return rep, nil, err
		}
		if err := st.Sync(); err != nil {
			return rep, nil, err
		}
	}
	rec.Report = rep
	if d.file != nil {
		if err := d.file.append(rec); err != nil {
			return rep, nil, err
		}
	}
	d.mu.Lock()
	d.apply(rec)
	d.mu.Unlock()
	d.log.Info("detections taken", "feed", rep.Feed, "file", rep.File, "delivery", rep.Delivery, "rows", rep.Rows, "bad", rep.Bad,
		"matched", rep.Matched, "dark", rep.Dark, "dark_vessels", rep.DarkVessels, "dark_encounters", rep.DarkEncounters)
	for _, b := range rep.BadRows {
		d.log.Info("detection rows not used", "feed", rep.Feed, "file", rep.File, "reason", b.Reason, "rows", b.Rows, "first_line", b.FirstLine)
	}
	return rep, evs, nil
}

func badRow(b fuse.CSVBad) BadRow {
	return BadRow{Reason: b.Reason, Rows: b.Rows, FirstLine: b.First.Line, Value: b.First.Value}
}

// correlate matches the set's detections against the owner's AIS, fills
// the record and the report, and returns the events to store.
func (d *Desk) correlate(st *store.Store, dl *Delivery, set *detection.Set, rec *record, rep *Report) ([]store.EventWithProvenance, error) {
	o := d.opts.Match
	o.Defaults()
	tmin, tmax := set.Detections[0].Time, set.Detections[0].Time
	for _, x := range set.Detections {
		tmin, tmax = min(tmin, x.Time), max(tmax, x.Time)
	}
	// The feed's kept dark detections of the last History, for dark
	// encounters with the new ones.
	var history []detection.Detection
	d.mu.RLock()
	for i := range d.dets {
		k := &d.dets[i]
		if k.Feed == dl.Feed.Name && k.Dark() && k.Time >= tmin-d.opts.History.Milliseconds() && k.Time <= tmax {
			history = append(history, k.detection())
		}
	}
	d.mu.RUnlock()
	box := boxOf(set.Detections, history)
	from := tmin - o.MaxOpenGap.Milliseconds()
	for _, h := range history {
		from = min(from, h.Time-o.Window.Milliseconds())
	}
	ais, err := readTracks(st, dl.Clearance, widen(box, o), from, tmax+o.MaxOpenGap.Milliseconds())
	if err != nil {
		return nil, err
	}
	rep.Vessels = len(ais.tracks)
	res := detection.Correlate(set, ais.tracks, o)
	vessels := detection.Events(set, res)
	var out []store.EventWithProvenance
	j := 0
	for _, r := range res {
		x := &set.Detections[r.Detection]
		k := kept(x, dl, rep.Delivery)
		if r.Dark() {
			rep.Dark++
			k.LowScore = r.LowScore
			for n, c := range r.Candidates {
				if n == 10 {
					break
				}
				k.Candidates = append(k.Candidates, c.MMSI)
			}
			if r.LowScore {
				rep.LowScore++
			} else {
				e := vessels[j]
				j++
				k.Event = e.ID
				out = append(out, store.EventWithProvenance{Event: e, Prov: store.Provenance{Feeds: 1 << dl.Feed.Bit}})
				rep.DarkVessels++
			}
		} else {
			rep.Matched++
			k.Status, k.MMSI, k.DistanceM = StatusMatched, r.MMSI, math.Round(r.DistanceM)
		}
		rec.Detections = append(rec.Detections, k)
	}
	// Dark encounters: the feed's dark detections of the last day with
	// the new ones; an encounter is emitted when new or grown.
	all := append(history, set.Detections...)
	darkRes := make([]detection.Result, 0, len(all))
	for i := range history {
		darkRes = append(darkRes, detection.Result{Detection: i, Track: -1})
	}
	for _, r := range res {
		if r.Dark() {
			r.Detection += len(history)
			darkRes = append(darkRes, r)
		}
	}
	encs := detection.DarkEncounters(detection.Darks(all, darkRes), ais.tracks, d.opts.Encounter, o)
	d.mu.RLock()
	for _, e := range encs {
		end := e.End.UnixMilli()
		if had, ok := d.encounters[e.ID]; ok && had >= end || end < tmin {
			continue
		}
		prov := store.Provenance{Feeds: ais.feeds(e.MMSI, e.Start.UnixMilli(), end), OtherFeeds: 1 << dl.Feed.Bit}
		out = append(out, store.EventWithProvenance{Event: e, Prov: prov})
		rec.Encounters = append(rec.Encounters, emitted{ID: e.ID, End: end})
		rep.DarkEncounters++
	}
	d.mu.RUnlock()
	return out, nil
}

// kept is a read detection as kept.
func kept(x *detection.Detection, dl *Delivery, delivery string) Detection {
	k := Detection{Feed: dl.Feed.Name, Bit: dl.Feed.Bit, Delivery: delivery, File: x.File, Line: x.Line, ID: x.ID,
		Time: x.Time, Lat: x.Lat, Lon: x.Lon, Sensor: x.Sensor, Scene: x.Scene, LengthM: x.LengthM, Status: StatusDark}
	if x.HasHeading() {
		h := x.Heading
		k.Heading = &h
	}
	if !math.IsNaN(x.Score) {
		s := x.Score
		k.Score = &s
	}
	return k
}

// detection is a kept detection as package detection reads one.
func (k *Detection) detection() detection.Detection {
	x := detection.Detection{File: k.File, Line: k.Line, ID: k.ID, Time: k.Time, Lat: k.Lat, Lon: k.Lon, LengthM: k.LengthM,
		Heading: math.NaN(), Score: math.NaN(), Scene: k.Scene, Sensor: k.Sensor}
	if k.Heading != nil {
		x.Heading = *k.Heading
	}
	if k.Score != nil {
		x.Score = *k.Score
	}
	return x
}
