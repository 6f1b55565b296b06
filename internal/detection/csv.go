package detection

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/fuse"
)

// The columns a detections file may have, by the header names seen in
// published layouts (lower-cased). Global Fishing Watch's Sentinel-1
// detections: detect_timestamp, detect_lat, detect_lon, detect_id,
// scene_id, length_m, presence_score (the portal's name; presence in the
// tables), mmsi; their footprints: scene_id (or id), time, footprint_wkt.
var detColumns = map[string]string{
	"detect_timestamp": colTime, "timestamp": colTime, "time": colTime, "datetime": colTime,
	"detect_lat": colLat, "lat": colLat, "latitude": colLat,
	"detect_lon": colLon, "lon": colLon, "longitude": colLon,
	"length_m": colLength, "length": colLength,
	"heading": colHeading, "heading_deg": colHeading,
	"presence_score": colScore, "presence": colScore, "score": colScore, "confidence": colScore,
	"scene_id":      colScene,
	"detect_id":     colID,
	"mmsi":          colMMSI,
	"footprint_wkt": colFootprint, "footprint": colFootprint, "wkt": colFootprint, "geometry": colFootprint, "polygon": colFootprint,
	"scene_time": colSceneTime, "scene_timestamp": colSceneTime, "acquisition_time": colSceneTime,
	// Which satellite sensor saw the row (sar or optical): a file of both
	// kinds says it per row.
	"sensor": colSensor, "sensor_type": colSensor,
	// NOAA Earth Observation Group's VIIRS boat detections (VBD): id_Key,
	// Date_Mscan (UTC at the middle of the scan), Lat_DNB, Lon_DNB,
	// QF_Detect (the quality flag: boat or what else), File_DNB (the
	// granule, a 6-minute scene).
	"id_key": colID, "date_mscan": colTime, "lat_dnb": colLat, "lon_dnb": colLon,
	"qf_detect": colQF, "file_dnb": colScene,
}

const (
	colTime      = "time"
	colLat       = "lat"
	colLon       = "lon"
	colLength    = "length"
	colHeading   = "heading"
	colScore     = "score"
	colScene     = "scene"
	colID        = "id"
	colMMSI      = "mmsi"
	colFootprint = "footprint"
	colSceneTime = "scene_time"
	colQF        = "QF_Detect"
	colSensor    = "sensor"
)

// VIIRS boat detection quality flags (QF_Detect, EOG's VBD): which rows
// are lit vessels and which are not. Boats are kept with a confidence
// by how clear the detection was; the rest are counted by what they are.
var viirsFlags = map[int]struct {
	what  string
	score float64 // 0: not a vessel
}{
	1: {"boat", 0.9}, 2: {"weak detection", 0.6}, 3: {"blurry detection", 0.6}, 10: {"weak and blurry detection", 0.5},
	4: {"gas flare", 0}, 5: {"high-energy particle (South Atlantic anomaly)", 0}, 6: {"lunar glint", 0},
	7: {"glow around a bright source", 0}, 8: {"recurring light", 0}, 9: {"sensor crosstalk", 0}, 11: {"offshore platform", 0},
}

// ErrNotBoat: a VIIRS detection whose quality flag says it is no lit
// vessel (a gas flare, a recurring light, a platform, a false detection).
var ErrNotBoat = errors.New("is not a boat")

// Why a detection row is not used.
var (
	ErrHeader       = errors.New("detection: CSV header lacks a required column")
	ErrNoTime       = errors.New("is empty and the scene has no acquisition time")
	ErrOutsideScene = errors.New("is outside the footprint of its scene")
	errNotNumber    = errors.New("is not a number")
	errOutOfRange   = errors.New("is out of range")
	errMalformed    = errors.New("is not a CSV record")
	errEmpty        = errors.New("is empty")
	errSensor       = errors.New("is neither sar nor optical")
)

// imageSensors are the sensors a detections file's rows may name in a
// sensor column, by the names accepted (lower-cased; eo is
// electro-optical).
var imageSensors = map[string]string{"sar": SensorSAR, "optical": SensorOptical, "eo": SensorOptical}

// header maps picket's columns to indexes.
func header(cr *csv.Reader, known map[string]string) (map[string]int, error) {
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("detection: CSV header: %w", err)
	}
	return columns(head, known), nil
}

// columns maps picket's columns to their indexes in a header.
func columns(head []string, known map[string]string) map[string]int {
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if c, ok := known[h]; ok {
			if _, dup := col[c]; !dup {
				col[c] = i
			}
		}
	}
	return col
}

// Read reads a detections file into set, its rows satellite radar (SAR)
// detections unless a sensor column says otherwise; name is the file's
// name for messages. Rows not used are counted in set by reason.
func (set *Set) Read(r io.Reader, name string) error {
	return set.ReadSensor(r, name, SensorSAR)
}

// ReadSensor reads a detections file whose rows were seen by sensor
// (SensorSAR or SensorOptical) where they do not say: a sensor column
// (sar or optical) names each row's; a VIIRS boat detections file's rows
// are SensorVIIRS whatever is asked.
func (set *Set) ReadSensor(r io.Reader, name, sensor string) error {
	if sensor != SensorSAR && sensor != SensorOptical {
		return fmt.Errorf("detection: %s: sensor %q: a detections file is %s or %s", name, sensor, SensorSAR, SensorOptical)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	col, err := header(cr, detColumns)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, c := range []string{colLat, colLon} {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("%w: %s: no %s column (detect_lat/lat, detect_lon/lon)", ErrHeader, name, c)
		}
	}
	_, hasTime := col[colTime]
	_, hasSceneTime := col[colSceneTime]
	_, hasScene := col[colScene]
	if !hasTime && !(hasSceneTime || hasScene) {
		return fmt.Errorf("%w: %s: no time column (detect_timestamp, timestamp or time) and no scene to take it from", ErrHeader, name)
	}
	return set.rows(cr, name, func(rec []string, line int) *fuse.CSVError { return set.row(rec, col, name, sensor, line) })
}

// rows reads the rows of a file after its header and hands each to row
// with the line it starts on (a quoted field, a footprint, may span
// lines); every row is counted, and one that does not parse or that row
// refuses is counted under its reason.
func (set *Set) rows(cr *csv.Reader, name string, row func(rec []string, line int) *fuse.CSVError) error {
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		set.Rows++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				set.bad(&fuse.CSVError{Line: pe.StartLine, Field: "row", Err: errMalformed})
				continue
			}
			return fmt.Errorf("detection: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if ce := row(rec, line); ce != nil {
			set.bad(ce)
		}
	}
}

func field(rec []string, col map[string]int, c string) string {
	i, ok := col[c]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// number parses an optional number column; NaN when empty.
func number(rec []string, col map[string]int, c string, line int, lo, hi float64) (float64, *fuse.CSVError) {
	s := field(rec, col, c)
	if s == "" || strings.EqualFold(s, "nan") || strings.EqualFold(s, "null") {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, &fuse.CSVError{Line: line, Field: c, Value: s, Err: errNotNumber}
	}
	if v < lo || v > hi || math.IsNaN(v) {
		return 0, &fuse.CSVError{Line: line, Field: c, Value: s, Err: errOutOfRange}
	}
	return v, nil
}

// row reads one detection row, seen by sensor unless it says; a non-nil
// error says why it is not used.
func (set *Set) row(rec []string, col map[string]int, name, sensor string, line int) *fuse.CSVError {
	d := Detection{File: name, Line: line, Sensor: sensor, ID: field(rec, col, colID), Scene: field(rec, col, colScene)}
	if s := field(rec, col, colSensor); s != "" {
		if d.Sensor = imageSensors[strings.ToLower(s)]; d.Sensor == "" {
			return &fuse.CSVError{Line: line, Field: colSensor, Value: s, Err: errSensor}
		}
	}
	if _, viirs := col[colQF]; viirs {
		d.Sensor = SensorVIIRS
		s := field(rec, col, colQF)
		q, err := strconv.Atoi(s)
		f, known := viirsFlags[q]
		switch {
		case err != nil || !known:
			return &fuse.CSVError{Line: line, Field: colQF, Value: s, Err: errOutOfRange}
		case f.score == 0:
			// Each kind its own reason: how many flares, how many platforms.
			return &fuse.CSVError{Line: line, Field: colQF + " " + s + " (" + f.what + ")", Value: s, Err: ErrNotBoat}
		}
		d.Score = f.score
	}
	lat, ce := number(rec, col, colLat, line, -90, 90)
	if ce != nil {
		return ce
	}
	lon, ce := number(rec, col, colLon, line, -180, 180)
	if ce != nil {
		return ce
	}
	if math.IsNaN(lat) || math.IsNaN(lon) {
		f := colLat
		if !math.IsNaN(lat) {
			f = colLon
		}
		return &fuse.CSVError{Line: line, Field: f, Err: errEmpty}
	}
	d.Lat, d.Lon = lat, lon
	if d.LengthM, ce = number(rec, col, colLength, line, 0, 600); ce != nil {
		return ce
	}
	if math.IsNaN(d.LengthM) {
		d.LengthM = 0
	}
	if d.Heading, ce = number(rec, col, colHeading, line, 0, 360); ce != nil {
		return ce
	}
	if d.Sensor != SensorVIIRS {
		if d.Score, ce = number(rec, col, colScore, line, 0, 1); ce != nil {
			return ce
		}
	}
	if s := field(rec, col, colMMSI); s != "" {
		// GFW writes the MMSI of matched detections, empty otherwise;
		// some exports write it as a float ("412345678.0").
		if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 && v < 1e9 {
			d.SourceMMSI = uint32(v)
		} else {
			return &fuse.CSVError{Line: line, Field: colMMSI, Value: s, Err: errNotNumber}
		}
	}
	// The scene, from columns of this row.
	var sc *Scene
	if d.Scene != "" {
		sc = set.Scenes[d.Scene]
		if sc == nil {
			sc = &Scene{ID: d.Scene}
		}
	}
	if s := field(rec, col, colSceneTime); s != "" && sc != nil {
		t, err := parseTime(s)
		if err != nil {
			return &fuse.CSVError{Line: line, Field: colSceneTime, Value: s, Err: err}
		}
		sc.Time = t
	}
	if s := field(rec, col, colFootprint); s != "" && sc != nil {
		mp, err := parseFootprint(s)
		if err != nil {
			return &fuse.CSVError{Line: line, Field: colFootprint, Value: short(s), Err: err}
		}
		if len(sc.Footprint) == 0 {
			sc.setFootprint(mp)
		}
	}
	if s := field(rec, col, colTime); s != "" {
		t, err := parseTime(s)
		if err != nil {
			return &fuse.CSVError{Line: line, Field: colTime, Value: s, Err: err}
		}
		d.Time = t
	}
	if sc != nil {
		set.Scenes[sc.ID] = sc
	}
	set.Detections = append(set.Detections, d)
	return nil
}

// short cuts a long value (a footprint) for a message.
func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// The columns of a scenes file: GFW's footprints are scene_id (or id),
// time and footprint_wkt.
var sceneColumns = map[string]string{
	"scene_id": colScene, "id": colScene,
	"time": colTime, "timestamp": colTime, "scene_time": colTime, "acquisition_time": colTime, "detect_timestamp": colTime,
	"footprint_wkt": colFootprint, "footprint": colFootprint, "wkt": colFootprint, "geometry": colFootprint, "polygon": colFootprint,
}

// ReadScenes reads a scenes file (scene id, acquisition time, footprint as
// WKT or GeoJSON) into set. Rows not used are counted in set by reason.
func (set *Set) ReadScenes(r io.Reader, name string) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	col, err := header(cr, sceneColumns)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, c := range []string{colScene, colFootprint} {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("%w: %s: a scenes file needs scene_id and footprint_wkt (or footprint) columns", ErrHeader, name)
		}
	}
	return set.rows(cr, name, func(rec []string, line int) *fuse.CSVError {
		id := field(rec, col, colScene)
		if id == "" {
			return &fuse.CSVError{Line: line, Field: "scene_id", Err: errEmpty}
		}
		mp, perr := parseFootprint(field(rec, col, colFootprint))
		if perr != nil {
			return &fuse.CSVError{Line: line, Field: colFootprint, Value: short(field(rec, col, colFootprint)), Err: perr}
		}
		sc := set.Scenes[id]
		if sc == nil {
			sc = &Scene{ID: id}
			set.Scenes[id] = sc
		}
		sc.setFootprint(mp)
		if s := field(rec, col, colTime); s != "" {
			t, err := parseTime(s)
			if err != nil {
				return &fuse.CSVError{Line: line, Field: colTime, Value: s, Err: err}
			}
			sc.Time = t
		}
		return nil
	})
}

// Check settles what only all files together say, once every file is
// read: a detection without a time takes its scene's acquisition time
// (or is refused), and a detection outside its scene's footprint is
// refused. Both are counted by reason.
func (set *Set) Check() {
	kept := set.Detections[:0]
	for _, d := range set.Detections {
		sc := set.Scenes[d.Scene]
		if d.Time == 0 && sc != nil {
			d.Time = sc.Time
		}
		switch {
		case d.Time == 0:
			set.bad(&fuse.CSVError{Line: d.Line, Field: colTime, Err: ErrNoTime})
		case sc != nil && !sc.Contains(d.Lat, d.Lon):
			set.bad(&fuse.CSVError{Line: d.Line, Field: "position", Value: fmt.Sprintf("%.5f,%.5f (scene %s)", d.Lat, d.Lon, d.Scene), Err: ErrOutsideScene})
		default:
			kept = append(kept, d)
		}
	}
	set.Detections = kept
}

// parseTime reads the times picket's CSV reader reads, and BigQuery's
// export form "2024-03-05 09:23:21 UTC" (or with fractional seconds) in
// which GFW's tables come out.
func parseTime(s string) (int64, error) {
	if u, ok := strings.CutSuffix(s, " UTC"); ok {
		s = strings.Replace(u, " ", "T", 1) + "Z"
	}
	return fuse.ParseTime(s)
}
