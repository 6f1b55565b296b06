package fuse

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// CSV position exports (NOAA MarineCadastre, AISdb, and others) come with
// a header naming the columns. CSVReader finds the columns it knows by
// their common names, or by an explicit mapping, and turns each row into a
// position report and, when the row carries identity, a static report.

// CSV columns picket reads. Only mmsi, time, lat and lon are required.
const (
	ColMMSI     = "mmsi"
	ColTime     = "time"
	ColLat      = "lat"
	ColLon      = "lon"
	ColSOG      = "sog"
	ColCOG      = "cog"
	ColHeading  = "heading"
	ColName     = "name"
	ColIMO      = "imo"
	ColCallSign = "callsign"
	ColShipType = "shiptype"
	ColStatus   = "status"
	ColLength   = "length"
	ColWidth    = "width"
	ColDraught  = "draught"
	ColClass    = "class"
)

// knownColumns maps header names seen in real exports (lower-cased) to
// picket's columns.
var knownColumns = map[string]string{
	"mmsi": ColMMSI, "userid": ColMMSI,
	"basedatetime": ColTime, "time": ColTime, "timestamp": ColTime, "epoch": ColTime, "# timestamp": ColTime, "datetime": ColTime,
	"lat": ColLat, "latitude": ColLat,
	"lon": ColLon, "long": ColLon, "longitude": ColLon,
	"sog": ColSOG, "speed": ColSOG,
	"cog": ColCOG, "course": ColCOG,
	"heading":    ColHeading,
	"vesselname": ColName, "vessel_name": ColName, "name": ColName, "shipname": ColName,
	"imo":      ColIMO,
	"callsign": ColCallSign, "call_sign": ColCallSign,
	"vesseltype": ColShipType, "ship_type": ColShipType, "shiptype": ColShipType,
	"status": ColStatus, "navigational_status": ColStatus,
	"length": ColLength,
	"width":  ColWidth, "beam": ColWidth,
	"draft": ColDraught, "draught": ColDraught,
	"transceiverclass": ColClass,
}

// ErrCSVHeader is returned when a CSV header lacks a required column.
var ErrCSVHeader = errors.New("fuse: CSV header lacks a required column")

// CSVError is a bad row, with its line.
type CSVError struct {
	Line  int
	Field string
	Value string
	Err   error
}

func (e *CSVError) Error() string {
	return fmt.Sprintf("fuse: CSV line %d: bad %s %q: %v", e.Line, e.Field, e.Value, e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// CSVReader reads reports from a CSV export.
type CSVReader struct {
	r     *csv.Reader
	col   map[string]int
	feed  uint16
	line  int
	last  map[uint32]string // identity last emitted per MMSI, to emit statics only on change
	queue []Report
	Bad   int // rows that were not understood (counted, see Err on each)
	// LastErr is the last bad row's error, for messages.
	LastErr error
}

// ParseColumnMapping parses "mmsi=MMSI,time=BaseDateTime,..." into a
// column mapping.
func ParseColumnMapping(s string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("fuse: column mapping %q: want name=HEADER pairs separated by commas", kv)
		}
		known := false
		for _, c := range knownColumns {
			if c == k {
				known = true
			}
		}
		if !known {
			return nil, fmt.Errorf("fuse: column mapping: unknown column %q (have mmsi, time, lat, lon, sog, cog, heading, name, imo, callsign, shiptype, status, length, width, draught, class)", k)
		}
		m[k] = v
	}
	return m, nil
}

// NewCSVReader reads the header and finds the columns; mapping (picket
// column -> header name) overrides the automatic choice.
func NewCSVReader(r io.Reader, mapping map[string]string, feed uint16) (*CSVReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("fuse: CSV header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if c, ok := knownColumns[strings.ToLower(h)]; ok {
			if _, dup := col[c]; !dup {
				col[c] = i
			}
		}
		for c, name := range mapping {
			if strings.EqualFold(name, h) {
				col[c] = i
			}
		}
	}
	for _, need := range []string{ColMMSI, ColTime, ColLat, ColLon} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: no %s column in %q (use --csv-columns %s=HEADER)", ErrCSVHeader, need, strings.Join(head, ","), need)
		}
	}
	return &CSVReader{r: cr, col: col, feed: feed, line: 1, last: map[uint32]string{}}, nil
}

// Next returns the next report; io.EOF at the end. Rows it cannot read
// are counted in Bad and skipped.
func (c *CSVReader) Next() (Report, error) {
	for {
		if len(c.queue) > 0 {
			r := c.queue[0]
			c.queue = c.queue[1:]
			return r, nil
		}
		rec, err := c.r.Read()
		c.line++
		if err == io.EOF {
			return Report{}, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				c.Bad++
				c.LastErr = err
				continue
			}
			return Report{}, err
		}
		if err := c.row(rec); err != nil {
			c.Bad++
			c.LastErr = err
		}
	}
}

func (c *CSVReader) get(rec []string, name string) string {
	if i, ok := c.col[name]; ok && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

func (c *CSVReader) row(rec []string) error {
	bad := func(field, v string, err error) error {
		return &CSVError{Line: c.line, Field: field, Value: v, Err: err}
	}
	ms := c.get(rec, ColMMSI)
	mmsi, err := strconv.ParseUint(ms, 10, 32)
	if err != nil {
		return bad(ColMMSI, ms, err)
	}
	ts := c.get(rec, ColTime)
	t, err := ParseTime(ts)
	if err != nil {
		return bad(ColTime, ts, err)
	}
	la, lo := c.get(rec, ColLat), c.get(rec, ColLon)
	lat, err1 := strconv.ParseFloat(la, 64)
	lon, err2 := strconv.ParseFloat(lo, 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return bad("position", la+" "+lo, errors.New("not a latitude and longitude"))
	}
	r := Report{Time: t, MMSI: uint32(mmsi), Kind: Position, Class: ClassA, Lat: lat, Lon: lon,
		Feed: c.feed, Heard: 1, Heading: -1, Status: 15, SOG: NotAvailable, COG: NotAvailable}
	if strings.EqualFold(c.get(rec, ColClass), "B") {
		r.Class = ClassB
	}
	if v, err := strconv.ParseFloat(c.get(rec, ColSOG), 32); err == nil && v >= 0 && v < 102.2 {
		r.SOG = float32(v)
	}
	if v, err := strconv.ParseFloat(c.get(rec, ColCOG), 32); err == nil && v >= 0 && v < 360 {
		r.COG = float32(v)
	}
	if v, err := strconv.ParseFloat(c.get(rec, ColHeading), 32); err == nil && v >= 0 && v < 360 {
		r.Heading = int16(v)
	}
	if v, err := strconv.ParseFloat(c.get(rec, ColStatus), 32); err == nil && v >= 0 && v < 16 {
		r.Status = uint8(v)
	}
	c.queue = append(c.queue, r)

	// Identity, when the row has some and it changed since the vessel's last row.
	s := &StaticInfo{}
	if v := c.get(rec, ColName); v != "" {
		s.Name, s.Has = v, s.Has|HasName
	}
	if v := c.get(rec, ColCallSign); v != "" {
		s.CallSign, s.Has = v, s.Has|HasCallSign
	}
	if v := strings.TrimPrefix(strings.ToUpper(c.get(rec, ColIMO)), "IMO"); v != "" {
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32); err == nil && n != 0 {
			s.IMO, s.Has = uint32(n), s.Has|HasIMO
		}
	}
	if v, err := strconv.ParseFloat(c.get(rec, ColShipType), 32); err == nil && v > 0 && v < 256 {
		s.ShipType, s.Has = uint8(v), s.Has|HasShipType
	}
	l, _ := strconv.ParseFloat(c.get(rec, ColLength), 32)
	w, _ := strconv.ParseFloat(c.get(rec, ColWidth), 32)
	if l > 0 || w > 0 {
		s.Length, s.Beam, s.Has = uint16(l), uint16(w), s.Has|HasDimensions
	}
	if v, err := strconv.ParseFloat(c.get(rec, ColDraught), 32); err == nil && v > 0 {
		s.Draught, s.Has = float32(v), s.Has|HasDraught
	}
	if s.Has != 0 {
		key := fmt.Sprintf("%s|%s|%d|%d|%d|%d", s.Name, s.CallSign, s.IMO, s.ShipType, s.Length, s.Beam)
		if c.last[r.MMSI] != key {
			c.last[r.MMSI] = key
			st := r
			st.Kind, st.Info = Static, s
			c.queue = append(c.queue, st)
		}
	}
	return nil
}

// ParseTime reads the times found in AIS exports: Unix epochs (s, ms),
// RFC 3339 with or without zone (UTC assumed), "YYYY-MM-DD HH:MM:SS" and
// "YYYYMMDD_HHMMSS". It returns Unix milliseconds.
func ParseTime(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:_T ") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, err
		}
		if f > 1e11 { // milliseconds
			return int64(f), nil
		}
		return int64(math.Round(f * 1000)), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "20060102_150405", "2006/01/02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, errors.New("not a time picket knows (epoch, RFC 3339, YYYY-MM-DD HH:MM:SS, YYYYMMDD_HHMMSS)")
}
