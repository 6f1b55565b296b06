package nmea

import (
	"errors"
	"fmt"
	"io"
	"sort"
)

// Reason says what became of an input line. Every line fed to a Parser ends
// up counted under exactly one Reason, so the counts add up to the lines read.
type Reason uint8

// The reasons a line is accounted under. Decoded, UnknownType and BadLength
// are given by the decoder downstream through Tally.Add: the framer cannot
// know them.
const (
	Pending      Reason = iota // a fragment waiting for the rest of its message (never final)
	Decoded                    // part of a message that decoded
	Blank                      // empty line
	Comment                    // line starting with '#'
	Metadata                   // $PGHP, a lone tag block, a CSV header, a lone trailer
	NotAIS                     // another NMEA sentence ($GPGGA, !AIALR, ...) or text
	BadChecksum                // sentence checksum does not match
	Malformed                  // looks like VDM/VDO but a field is broken
	EmptyPayload               // a VDM/VDO with no payload
	Incomplete                 // fragment of a message that never completed
	UnknownType                // payload of message type 0 or 28-63
	BadLength                  // payload too short (or too long) for its type
	numReasons
)

var reasonNames = [numReasons]string{
	Pending:      "pending",
	Decoded:      "decoded",
	Blank:        "blank",
	Comment:      "comment",
	Metadata:     "metadata",
	NotAIS:       "not_ais",
	BadChecksum:  "bad_checksum",
	Malformed:    "malformed",
	EmptyPayload: "empty_payload",
	Incomplete:   "incomplete",
	UnknownType:  "unknown_type",
	BadLength:    "bad_length",
}

// Sentinel errors, one per failure reason, for errors.Is.
var (
	ErrNotAIS       = errors.New("nmea: not an AIS sentence")
	ErrChecksum     = errors.New("nmea: bad checksum")
	ErrMalformed    = errors.New("nmea: malformed sentence")
	ErrEmptyPayload = errors.New("nmea: empty payload")
	ErrIncomplete   = errors.New("nmea: incomplete multi-sentence message")
	ErrUnknownType  = errors.New("nmea: unknown message type")
	ErrBadLength    = errors.New("nmea: payload length does not fit its message type")
)

// Err returns the sentinel error for a failure reason, nil for the others.
func (r Reason) Err() error {
	switch r {
	case NotAIS:
		return ErrNotAIS
	case BadChecksum:
		return ErrChecksum
	case Malformed:
		return ErrMalformed
	case EmptyPayload:
		return ErrEmptyPayload
	case Incomplete:
		return ErrIncomplete
	case UnknownType:
		return ErrUnknownType
	case BadLength:
		return ErrBadLength
	}
	return nil
}

func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", r)
}

// Reasons lists every final reason in a stable order, for reporting.
func Reasons() []Reason {
	rs := make([]Reason, 0, numReasons-1)
	for r := Decoded; r < numReasons; r++ {
		rs = append(rs, r)
	}
	return rs
}

// ParseError is a failure tied to a place in the input.
type ParseError struct {
	Name string // file or feed name, may be empty
	Line int64  // 1-based line number
	Err  error  // one of the sentinel errors
}

func (e *ParseError) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Tally counts lines by final reason, and sentences and messages by kind.
// The zero value is ready to use.
type Tally struct {
	Lines     int64             // lines fed
	Sentences int64             // VDM/VDO sentences with a good checksum
	ByReason  [numReasons]int64 // lines by final reason
	ByType    [64]int64         // decoded messages by AIS message type
	Notes     map[string]int64  // things worth knowing that do not decide a line's fate
}

// Add counts n lines under r.
func (t *Tally) Add(r Reason, n int) { t.ByReason[r] += int64(n) }

// Note counts something that does not change a line's disposition, such as
// a tag block with a bad checksum.
func (t *Tally) Note(what string) {
	if t.Notes == nil {
		t.Notes = make(map[string]int64)
	}
	t.Notes[what]++
}

// Accounted is the number of lines with a final reason; once the Parser is
// flushed it equals Lines.
func (t *Tally) Accounted() int64 {
	var n int64
	for r := Decoded; r < numReasons; r++ {
		n += t.ByReason[r]
	}
	return n
}

// Merge adds o's counts into t.
func (t *Tally) Merge(o *Tally) {
	t.Lines += o.Lines
	t.Sentences += o.Sentences
	for i := range t.ByReason {
		t.ByReason[i] += o.ByReason[i]
	}
	for i := range t.ByType {
		t.ByType[i] += o.ByType[i]
	}
	for k, v := range o.Notes {
		if t.Notes == nil {
			t.Notes = make(map[string]int64)
		}
		t.Notes[k] += v
	}
}

// WriteTo prints the tally for people: lines, sentences, messages by type,
// and every line that did not yield a message under its reason.
func (t *Tally) WriteTo(w io.Writer) (int64, error) {
	var n int64
	p := func(format string, a ...any) {
		m, _ := fmt.Fprintf(w, format, a...)
		n += int64(m)
	}
	var msgs int64
	for _, c := range t.ByType {
		msgs += c
	}
	p("lines       %d\n", t.Lines)
	p("sentences   %d\n", t.Sentences)
	p("messages    %d\n", msgs)
	for typ, c := range t.ByType {
		if c > 0 {
			p("  type %-2d   %d\n", typ, c)
		}
	}
	p("lines by outcome\n")
	for _, r := range Reasons() {
		if c := t.ByReason[r]; c > 0 {
			p("  %-13s %d\n", r, c)
		}
	}
	if pend := t.Lines - t.Accounted(); pend != 0 {
		p("  %-13s %d\n", "unaccounted", pend)
	}
	if len(t.Notes) > 0 {
		keys := make([]string, 0, len(t.Notes))
		for k := range t.Notes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		p("notes\n")
		for _, k := range keys {
			p("  %-22s %d\n", k, t.Notes[k])
		}
	}
	return n, nil
}
