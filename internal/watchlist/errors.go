package watchlist

import (
	"errors"
	"fmt"
)

var (
	// ErrHeader: the first row names none of the columns of a known format.
	ErrHeader = errors.New("watchlist: unrecognised header")
	// ErrBadIMO: an IMO number that is not seven digits or fails its check.
	ErrBadIMO = errors.New("watchlist: bad imo")
	// ErrBadMMSI: an MMSI that is not a number of at most nine digits.
	ErrBadMMSI = errors.New("watchlist: bad mmsi")
	// ErrFieldCount: a row with more or fewer fields than the header.
	ErrFieldCount = errors.New("watchlist: wrong number of fields")
	// ErrEmptyEntry: a row left with no IMO, MMSI or name; it is skipped.
	ErrEmptyEntry = errors.New("watchlist: no imo, mmsi or name")
)

// ParseError is a problem with one row of a list.
type ParseError struct {
	Line  int    // 1-based line of the row in the file
	Field string // column name, "" for the whole row
	Value string
	Err   error // one of the sentinel errors above
	// Cause is the underlying reason when there is one, such as
	// identity.ErrIMOCheck.
	Cause error
}

func (e *ParseError) Error() string {
	var s string
	switch e.Err {
	case ErrBadIMO, ErrBadMMSI:
		s = fmt.Sprintf("watchlist: line %d: bad %s %q", e.Line, e.Field, e.Value)
	default:
		s = fmt.Sprintf("watchlist: line %d: %s", e.Line, trimPrefix(e.Err.Error()))
		if e.Field != "" {
			s += fmt.Sprintf(" (%s %q)", e.Field, e.Value)
		} else if e.Value != "" {
			s += " (" + e.Value + ")"
		}
	}
	if e.Cause != nil {
		s += ": " + trimPrefix(e.Cause.Error())
	}
	return s
}

// Unwrap lets errors.Is find both the sentinel and the cause.
func (e *ParseError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// trimPrefix drops a "pkg: " prefix so that a wrapped message reads once.
func trimPrefix(s string) string {
	for i := 0; i < len(s) && i < 12; i++ {
		if s[i] == ':' && i+1 < len(s) && s[i+1] == ' ' {
			return s[i+2:]
		}
	}
	return s
}
