package fuse

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/identity"
)

// CSV position exports (NOAA MarineCadastre, AISdb, and others) come with
// a header naming the columns. CSVReader finds the columns it knows by
// their common names, or by an explicit mapping, and turns each row into a
// position report and, when the row carries identity, a static report.

// CSV columns picket reads. Only mmsi (or id), time, lat and lon are
// required.
const (
	ColMMSI = "mmsi"
	// ColID is a vessel identifier that is not an MMSI (a database key,
	// a registry number): it is only ever mapped (id=HEADER), and vessels
	// known by it get numbers from an IDTable, with no MMSI rule.
	ColID       = "id"
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

// Why a row is not understood, besides the time errors (csvtime.go).
var (
	ErrNotNumber   = errors.New("is not a number")
	ErrOutOfRange  = errors.New("is out of range")
	ErrNotPosition = errors.New("is not a latitude and longitude")
	// ErrNoPosition: 91 and 181, AIS's "position not available".
	ErrNoPosition = errors.New("is 'not available' (91, 181)")
	ErrEmpty      = errors.New("is empty")
	ErrMalformed  = errors.New("is not a CSV record")
)

// CSVError is a bad row, with its line.
type CSVError struct {
	Line  int
	Field string
	Value string
	Err   error
}

func (e *CSVError) Error() string {
	return fmt.Sprintf("fuse: CSV line %d: %s %q %v", e.Line, e.Field, e.Value, e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// CSVBad is the rows not understood for one reason.
type CSVBad struct {
	Reason string // field and why: `time does not match %d/%m/%Y`
	Rows   int
	First  CSVError // the first such row
}

// String says it as "22,287 rows: time '20/03/2021 00:22' does not match
// %Y-%m-%d (first at line 2)".
func (b *CSVBad) String() string {
	rows := "rows"
	if b.Rows == 1 {
		rows = "row"
	}
	return fmt.Sprintf("%s %s: %s '%s' %v (first at line %d)", thousands(b.Rows), rows, b.First.Field, b.First.Value, b.First.Err, b.First.Line)
}

// thousands writes n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// CSVOptions configures a CSVReader. The zero value finds the columns by
// their common names and reads the times ParseTime reads.
type CSVOptions struct {
	// Columns maps picket's columns to header names (ParseColumnMapping),
	// over the automatic choice.
	Columns map[string]string
	// TimeFormat reads the time column in this strftime layout
	// ("%d/%m/%Y %H:%M") in place of the automatic layouts; times without
	// a zone are UTC. Default: automatic (ParseTime).
	TimeFormat *TimeFormat
	// IDs numbers the vessels of an id column. Share one between the
	// inputs of a run, so that one identifier is one vessel in all of
	// them. Default: the reader's own.
	IDs *IDTable
}

// CSVReader reads reports from a CSV export.
type CSVReader struct {
	r     *csv.Reader
	opts  CSVOptions
	col   map[string]int
	feed  uint16
	line  int
	last  map[uint32]string // identity last emitted per MMSI, to emit statics only on change
	queue []Report
	Bad   int // rows that were not understood (counted by reason in BadRows)
	// LastErr is the last bad row's error, for messages.
	LastErr error
	bad     []CSVBad
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
		if !known && k != ColID {
			return nil, fmt.Errorf("fuse: column mapping: unknown column %q (have mmsi, id, time, lat, lon, sog, cog, heading, name, imo, callsign, shiptype, status, length, width, draught, class)", k)
		}
		m[k] = v
	}
	return m, nil
}

// NewCSVReader reads the header and finds the columns; mapping (picket
// column -> header name) overrides the automatic choice.
func NewCSVReader(r io.Reader, mapping map[string]string, feed uint16) (*CSVReader, error) {
	return NewCSVReaderOptions(r, CSVOptions{Columns: mapping}, feed)
}

// NewCSVReaderOptions reads the header and finds the columns, as opts says.
func NewCSVReaderOptions(r io.Reader, opts CSVOptions, feed uint16) (*CSVReader, error) {
	mapping := opts.Columns
	if opts.IDs == nil {
		opts.IDs = &IDTable{}
	}
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
	if _, ok := mapping[ColID]; ok {
		if _, found := col[ColID]; !found {
			return nil, fmt.Errorf("%w: no column %q for id in %q", ErrCSVHeader, mapping[ColID], strings.Join(head, ","))
		}
		delete(col, ColMMSI) // the vessels are known by their id alone
	}
	for _, need := range []string{ColMMSI, ColTime, ColLat, ColLon} {
		if _, ok := col[need]; !ok && !(need == ColMMSI && hasCol(col, ColID)) {
			return nil, fmt.Errorf("%w: no %s column in %q (use --csv-columns %s=HEADER%s)", ErrCSVHeader, need, strings.Join(head, ","), need, idHint(need))
		}
	}
	return &CSVReader{r: cr, opts: opts, col: col, feed: feed, line: 1, last: map[uint32]string{}}, nil
}

func hasCol(col map[string]int, c string) bool {
	_, ok := col[c]
	return ok
}

func idHint(need string) string {
	if need == ColMMSI {
		return ", or id=HEADER for a vessel identifier that is not an MMSI"
	}
	return ""
}

// BadRows returns the rows not understood, by reason, in the order each
// reason was first met.
func (c *CSVReader) BadRows() []CSVBad { return c.bad }

// fail counts a bad row under its reason.
func (c *CSVReader) fail(err error) {
	c.Bad++
	c.LastErr = err
	var ce *CSVError
	if !errors.As(err, &ce) {
		ce = &CSVError{Line: c.line, Field: "record", Err: err}
	}
	reason := ce.Field + " " + ce.Err.Error()
	for i := range c.bad {
		if c.bad[i].Reason == reason {
			c.bad[i].Rows++
			return
		}
	}
	c.bad = append(c.bad, CSVBad{Reason: reason, Rows: 1, First: *ce})
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
				c.fail(&CSVError{Line: pe.Line, Field: "record", Value: pe.Err.Error(), Err: ErrMalformed})
				continue
			}
			return Report{}, err
		}
		if err := c.row(rec); err != nil {
			c.fail(err)
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
	var mmsi uint64
	if hasCol(c.col, ColID) {
		id := c.get(rec, ColID)
		if id == "" {
			return bad(ColID, id, ErrEmpty)
		}
		mmsi = uint64(c.opts.IDs.Number(id))
	} else {
		ms := c.get(rec, ColMMSI)
		var err error
		mmsi, err = strconv.ParseUint(ms, 10, 32)
		if err != nil {
			return bad(ColMMSI, ms, numErr(err))
		}
		if mmsi >= identity.OpaqueMin {
			return bad(ColMMSI, ms, ErrOutOfRange)
		}
	}
	ts := c.get(rec, ColTime)
	var t int64
	var err error
	if c.opts.TimeFormat != nil {
		t, err = c.opts.TimeFormat.Parse(ts)
	} else {
		t, err = ParseTime(ts)
	}
	if err != nil {
		return bad(ColTime, ts, err)
	}
	la, lo := c.get(rec, ColLat), c.get(rec, ColLon)
	lat, err1 := strconv.ParseFloat(la, 64)
	lon, err2 := strconv.ParseFloat(lo, 64)
	switch {
	case err1 == nil && err2 == nil && lat == 91 && lon == 181:
		return bad("position", la+" "+lo, ErrNoPosition)
	case err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180:
		return bad("position", la+" "+lo, ErrNotPosition)
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

// numErr names why a number did not parse, without the value (the row's
// error carries it), so that rows group by reason.
func numErr(err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return ErrOutOfRange
	}
	return ErrNotNumber
}
