package nmea

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Instrument sentences are the '$' sentences of NMEA 0183 that other
// instruments than AIS write: a radar's tracked targets (TTM, TLL, in
// radar.go) and the own ship's position, heading and date (GGA, RMC, HDT,
// ZDA, in ownship.go). They are read one line at a time by
// InstrumentReader, with the time and source the line carries around the
// sentence (tag block, epoch or date prefix), as AIS lines are.

// Errors of instrument sentences, for errors.Is; a *SentenceError wraps one.
var (
	// ErrNotInstrument: a line that holds no '$' sentence picket reads
	// (AIS, another sentence, text).
	ErrNotInstrument = errors.New("nmea: not a sentence picket reads")
	// ErrField: a field that does not parse or is out of range.
	ErrField = errors.New("nmea: bad field")
)

// SentenceError says which sentence and field of a line is wrong.
type SentenceError struct {
	Line     int64
	Sentence string // "TTM", ...
	Field    int    // 1-based field number; 0 for the sentence as a whole
	Value    string
	Err      error
}

func (e *SentenceError) Error() string {
	if e.Field == 0 {
		return fmt.Sprintf("nmea: line %d: %s: %v", e.Line, e.Sentence, e.Err)
	}
	return fmt.Sprintf("nmea: line %d: %s field %d %q: %v", e.Line, e.Sentence, e.Field, e.Value, e.Err)
}

func (e *SentenceError) Unwrap() error { return e.Err }

// fields is a checked '$' sentence cut at its commas: fields[0] is the
// address (talker and formatter, "RATTM"), the rest the data fields. They
// alias the line.
type fields [][]byte

// splitSentence checks b ("$RATTM,...*hh" and whatever trails it) and cuts
// it into fields. It returns BadChecksum or Malformed on failure.
func splitSentence(b []byte, out fields) (fields, Reason) {
	if len(b) < 7 || b[0] != '$' {
		return nil, Malformed
	}
	star := bytes.IndexByte(b, '*')
	if star < 0 || star+3 > len(b) {
		return nil, Malformed
	}
	var sum byte
	for _, c := range b[1:star] {
		sum ^= c
	}
	h, l := hexVal[b[star+1]], hexVal[b[star+2]]
	if h == 0xff || l == 0xff {
		return nil, Malformed
	}
	if h<<4|l != sum {
		return nil, BadChecksum
	}
	body := b[1:star]
	out = out[:0]
	for {
		i := bytes.IndexByte(body, ',')
		if i < 0 {
			return append(out, body), Pending
		}
		out = append(out, body[:i])
		body = body[i+1:]
	}
}

// field returns data field n (1-based), or nil when the sentence is
// shorter: trailing fields a sender leaves out are empty.
func (f fields) field(n int) []byte {
	if n < len(f) {
		return f[n]
	}
	return nil
}

// num reads an optional decimal field: NaN when empty.
func (f fields) num(n int) (float64, bool) {
	b := f.field(n)
	if len(b) == 0 {
		return math.NaN(), true
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// char reads an optional one-letter field: 0 when empty.
func (f fields) char(n int) (byte, bool) {
	b := f.field(n)
	switch len(b) {
	case 0:
		return 0, true
	case 1:
		return b[0], true
	}
	return 0, false
}

// angle reads ddmm.mmm (dd = degDigits digits) and its hemisphere
// (N/S, E/W) into signed degrees; ok false when either is broken, has
// false when both are empty.
func (f fields) angle(n, degDigits int, pos, neg byte, max float64) (deg float64, has, ok bool) {
	v, h := f.field(n), f.field(n+1)
	if len(v) == 0 && len(h) == 0 {
		return 0, false, true
	}
	if len(v) < degDigits+2 || len(h) != 1 || (h[0] != pos && h[0] != neg) {
		return 0, false, false
	}
	d, err1 := strconv.Atoi(string(v[:degDigits]))
	m, err2 := strconv.ParseFloat(string(v[degDigits:]), 64)
	if err1 != nil || err2 != nil || m < 0 || m >= 60 {
		return 0, false, false
	}
	deg = float64(d) + m/60
	if deg > max {
		return 0, false, false
	}
	if h[0] == neg {
		deg = -deg
	}
	return deg, true, true
}

// clock reads hhmmss(.ss) into milliseconds since midnight; -1 when empty.
func (f fields) clock(n int) (int64, bool) {
	b := f.field(n)
	if len(b) == 0 {
		return -1, true
	}
	if len(b) < 6 {
		return 0, false
	}
	hh, e1 := strconv.Atoi(string(b[0:2]))
	mm, e2 := strconv.Atoi(string(b[2:4]))
	ss, e3 := strconv.ParseFloat(string(b[4:]), 64)
	if e1 != nil || e2 != nil || e3 != nil || hh > 23 || mm > 59 || ss < 0 || ss >= 61 {
		return 0, false
	}
	return int64(hh)*3_600_000 + int64(mm)*60_000 + int64(math.Round(ss*1000)), true
}

// text reads a free-text field (a target's name).
func (f fields) text(n int) string { return string(f.field(n)) }

// Instrument is one instrument sentence as a line carried it. Exactly one
// of the sentence fields is set, as Type says.
type Instrument struct {
	Type   string  // "TTM", "TLL", "GGA", "RMC", "HDT" or "ZDA"
	Talker [2]byte // "RA" for a radar, "GP", "GN", "HE", ...
	// TimeMs is the time the line carries around the sentence (tag block
	// c:, an epoch or date prefix), Unix ms, when HasTime; Source its
	// station (tag block s:), may be empty.
	TimeMs  int64
	HasTime bool
	Source  []byte
	Line    int64

	TTM *TTM
	TLL *TLL
	Fix *OwnFix
	HDT *Heading
	ZDA *Date
}

// InstrumentReader reads instrument sentences line by line. It is not
// safe for concurrent use; the returned *Instrument and what it points to
// are valid until the next call.
type InstrumentReader struct {
	loc  *time.Location
	line int64
	env  envelope
	f    fields
	in   Instrument
	ttm  TTM
	tll  TLL
	fix  OwnFix
	hdt  Heading
	zda  Date
}

// NewInstrumentReader returns a reader; loc is the zone of date-time line
// prefixes that carry none (nil: UTC).
func NewInstrumentReader(loc *time.Location) *InstrumentReader {
	if loc == nil {
		loc = time.UTC
	}
	return &InstrumentReader{loc: loc, f: make(fields, 0, 24)}
}

// Line reads one line. It returns the sentence, or nil and why not: Blank,
// Comment, Metadata (a lone tag block), NotAIS (here: a line with no
// sentence picket reads, AIS included), BadChecksum, or Malformed with the
// *SentenceError that says which field.
func (r *InstrumentReader) Line(b []byte) (*Instrument, Reason, error) {
	r.line++
	b = bytes.TrimRight(b, "\r\n \t")
	b = bytes.TrimLeft(b, " \t\xef\xbb\xbf")
	if len(b) == 0 {
		return nil, Blank, nil
	}
	if b[0] == '#' {
		return nil, Comment, nil
	}
	e := &r.env
	e.reset()
	i := 0
	for i < len(b) && b[i] != '!' && b[i] != '\\' && b[i] != '$' {
		i++
	}
	if i == len(b) {
		return nil, NotAIS, ErrNotInstrument
	}
	if i > 0 {
		parsePrefix(b[:i], r.loc, e)
	}
	b = b[i:]
	for len(b) > 0 && b[0] == '\\' {
		rest, _, ok := parseTagBlock(b, e)
		if !ok {
			return nil, Malformed, &SentenceError{Line: r.line, Sentence: "tag block", Err: ErrField}
		}
		b = rest
	}
	if len(b) == 0 {
		return nil, Metadata, nil
	}
	if b[0] != '$' || len(b) < 7 {
		return nil, NotAIS, ErrNotInstrument
	}
	f, reason := splitSentence(b, r.f)
	if reason != Pending {
		return nil, reason, &SentenceError{Line: r.line, Sentence: string(b[3:6]), Err: reason.Err()}
	}
	r.f = f
	addr := f[0]
	if len(addr) != 5 {
		return nil, NotAIS, ErrNotInstrument
	}
	in := &r.in
	*in = Instrument{Type: string(addr[2:5]), Talker: [2]byte{addr[0], addr[1]}, TimeMs: e.timeMs, HasTime: e.hasTime, Source: e.source, Line: r.line}
	var bad int // the field that failed, 0 when none
	switch in.Type {
	case "TTM":
		bad = parseTTM(f, &r.ttm)
		in.TTM = &r.ttm
	case "TLL":
		bad = parseTLL(f, &r.tll)
		in.TLL = &r.tll
	case "GGA":
		bad = parseGGA(f, &r.fix)
		in.Fix = &r.fix
	case "RMC":
		bad = parseRMC(f, &r.fix)
		in.Fix = &r.fix
	case "HDT":
		bad = parseHDT(f, &r.hdt)
		in.HDT = &r.hdt
	case "ZDA":
		bad = parseZDA(f, &r.zda)
		in.ZDA = &r.zda
	default:
		return nil, NotAIS, ErrNotInstrument
	}
	if bad != 0 {
		return nil, Malformed, &SentenceError{Line: r.line, Sentence: in.Type, Field: bad, Value: string(f.field(bad)), Err: ErrField}
	}
	return in, Decoded, nil
}

// Checksummed returns "$" + body + "*hh" with body's checksum: body is the
// sentence without its '$' and checksum ("RATTM,01,...").
func Checksummed(body string) string {
	var sum byte
	for i := 0; i < len(body); i++ {
		sum ^= body[i]
	}
	const hex = "0123456789ABCDEF"
	return "$" + body + "*" + string([]byte{hex[sum>>4], hex[sum&15]})
}
