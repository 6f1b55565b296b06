package ports

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// loadError is the type of the sentinel errors below; a *ParseError wraps one of them, so
// errors.Is(err, ports.ErrLatitude) tells what was wrong.
type loadError string

func (e loadError) Error() string { return "ports: " + string(e) }

// Sentinel errors for Load and New.
var (
	ErrFieldCount error = loadError("wrong number of fields (want name,lat,lon[,radius_km])")
	ErrName       error = loadError("empty name")
	ErrLatitude   error = loadError("bad latitude")
	ErrLongitude  error = loadError("bad longitude")
	ErrRadius     error = loadError("bad radius")
)

// ParseError reports a bad line of a user port file.
type ParseError struct {
	Line  int    // 1-based line in the input
	Value string // the offending field, or the whole record for ErrFieldCount
	Err   error  // one of the sentinel errors above
}

func (e *ParseError) Error() string {
	what := e.Err.Error()
	if le, ok := e.Err.(loadError); ok {
		what = string(le)
	}
	if e.Err == ErrName {
		return fmt.Sprintf("ports: line %d: %s", e.Line, what)
	}
	return fmt.Sprintf("ports: line %d: %s %q", e.Line, what, e.Value)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Load reads a user's port list: CSV records "name,lat,lon" or "name,lat,lon,radius_km",
// latitude and longitude in decimal WGS84 degrees, the radius in kilometres (empty or
// missing means the detector's default). A first line whose latitude field reads "lat" or
// "latitude" is a header and is skipped; so are blank lines and lines starting with '#'.
// Fields may be quoted as in RFC 4180 and have spaces around them.
//
// Load stops at the first bad line and returns a *ParseError naming it, which wraps one of
// ErrFieldCount, ErrName, ErrLatitude, ErrLongitude or ErrRadius; a CSV syntax error
// wraps the *csv.ParseError. The ports it returns have Kind KindPort and Source "user".
func Load(r io.Reader) ([]Port, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	cr.ReuseRecord = true
	var ports []Port
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return ports, nil
		}
		if err != nil {
			return nil, fmt.Errorf("ports: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // spreadsheets save a byte-order mark
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) == 1 && rec[0] == "" {
			continue // a line of spaces
		}
		if first && len(rec) >= 3 && isHeader(rec[1]) {
			continue
		}
		p, perr := parseRecord(rec)
		if perr != nil {
			perr.Line = line
			return nil, perr
		}
		ports = append(ports, p)
	}
}

func isHeader(latField string) bool {
	f := strings.ToLower(latField)
	return f == "lat" || f == "latitude"
}

func parseRecord(rec []string) (Port, *ParseError) {
	if len(rec) < 3 || len(rec) > 4 {
		return Port{}, &ParseError{Value: strings.Join(rec, ","), Err: ErrFieldCount}
	}
	p := Port{Name: rec[0], Kind: KindPort, Source: "user"}
	if p.Name == "" {
		return Port{}, &ParseError{Err: ErrName}
	}
	var ok bool
	if p.Lat, ok = parseNumber(rec[1], -90, 90); !ok {
		return Port{}, &ParseError{Value: rec[1], Err: ErrLatitude}
	}
	if p.Lon, ok = parseNumber(rec[2], -180, 180); !ok {
		return Port{}, &ParseError{Value: rec[2], Err: ErrLongitude}
	}
	if len(rec) == 4 && rec[3] != "" {
		if p.RadiusKm, ok = parseNumber(rec[3], 0, math.MaxFloat64); !ok {
			return Port{}, &ParseError{Value: rec[3], Err: ErrRadius}
		}
	}
	return p, nil
}

// parseNumber parses a finite decimal number in [lo, hi].
func parseNumber(s string, lo, hi float64) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		return 0, false
	}
	return v, true
}
