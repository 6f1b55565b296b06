package fuse

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Times in CSV exports. ParseTime reads the layouts exports use without
// being told; a TimeFormat in strftime form (as analysts know it from
// pandas' to_datetime(format=...)) reads the rest, such as day-first dates.

var (
	// ErrTimeLayout: a time none of the known layouts reads.
	ErrTimeLayout = errors.New("is not a time picket reads by itself (epoch s or ms, ISO 8601 / RFC 3339 with or without seconds and zone, YYYY-MM-DD HH:MM[:SS], YYYYMMDD_HHMMSS); give its layout with --csv-time-format")
	// ErrTimeFormat: a time that does not match the TimeFormat given.
	ErrTimeFormat = errors.New("does not match")
)

// autoLayouts are the layouts ParseTime tries, zone-less ones read as UTC.
var autoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00", // pandas' to_csv of a zoned column
	"2006-01-02T15:04:05.999999999-0700",
	"2006-01-02 15:04:05.999999999-0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"20060102_150405",
	"2006/01/02 15:04:05.999999999",
	"2006/01/02 15:04",
}

// ParseTime reads the times found in AIS exports: Unix epochs (s, ms), ISO
// 8601 / RFC 3339 with or without seconds, fraction and zone (UTC when
// none), "YYYY-MM-DD HH:MM[:SS]", "YYYY/MM/DD HH:MM[:SS]" and
// "YYYYMMDD_HHMMSS". It returns Unix milliseconds. Day-first and
// month-first dates are not guessed: 03/04/2021 is either.
func ParseTime(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("is empty")
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:_T /") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, ErrTimeLayout
		}
		if f > 1e11 { // milliseconds
			return int64(f), nil
		}
		return int64(math.Round(f * 1000)), nil
	}
	for _, layout := range autoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, ErrTimeLayout
}

// TimeFormat reads times in one strftime layout.
type TimeFormat struct {
	format string // as given
	layout string // Go's
	epoch  bool   // "%s"
}

// ParseTimeFormat turns a strftime layout ("%d/%m/%Y %H:%M") into a
// TimeFormat. It knows %Y %y %m %d %H %I %M %S %f %p %b %B %z %Z %j, %F
// (%Y-%m-%d), %T (%H:%M:%S), %% and, alone, %s (epoch seconds).
func ParseTimeFormat(format string) (*TimeFormat, error) {
	if format == "%s" {
		return &TimeFormat{format: format, epoch: true}, nil
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			if strings.ContainsRune("0123456789", rune(c)) || isLayoutWord(format[i:]) {
				return nil, fmt.Errorf("fuse: time format %q: literal %q would be read as part of a date; only separators may stand between directives", format, format[i:])
			}
			b.WriteByte(c)
			continue
		}
		if i+1 == len(format) {
			return nil, fmt.Errorf("fuse: time format %q ends with a lone %%", format)
		}
		i++
		switch format[i] {
		case 'Y':
			b.WriteString("2006")
		case 'y':
			b.WriteString("06")
		case 'm':
			b.WriteString("01")
		case 'd':
			b.WriteString("02")
		case 'H':
			b.WriteString("15")
		case 'I':
			b.WriteString("03")
		case 'M':
			b.WriteString("04")
		case 'S':
			b.WriteString("05")
		case 'f':
			b.WriteString("999999999")
		case 'p':
			b.WriteString("PM")
		case 'b':
			b.WriteString("Jan")
		case 'B':
			b.WriteString("January")
		case 'z':
			b.WriteString("-0700")
		case 'Z':
			b.WriteString("MST")
		case 'j':
			b.WriteString("002")
		case 'F':
			b.WriteString("2006-01-02")
		case 'T':
			b.WriteString("15:04:05")
		case '%':
			b.WriteByte('%')
		default:
			return nil, fmt.Errorf("fuse: time format %q: unknown directive %%%c (know %%Y %%y %%m %%d %%H %%I %%M %%S %%f %%p %%b %%B %%z %%Z %%j %%F %%T %%%%, or %%s alone)", format, format[i])
		}
	}
	return &TimeFormat{format: format, layout: b.String()}, nil
}

// isLayoutWord reports whether s starts with a word Go's time layouts
// would take for a directive.
func isLayoutWord(s string) bool {
	for _, w := range []string{"Jan", "Mon", "MST", "PM", "pm", "Z07", "Z0"} {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// String returns the format as given.
func (f *TimeFormat) String() string { return f.format }

// Parse reads one time as Unix milliseconds, UTC when it has no zone.
func (f *TimeFormat) Parse(s string) (int64, error) {
	if f.epoch {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%w %s", ErrTimeFormat, f.format)
		}
		return int64(math.Round(v * 1000)), nil
	}
	t, err := time.Parse(f.layout, s)
	if err != nil {
		return 0, fmt.Errorf("%w %s", ErrTimeFormat, f.format)
	}
	return t.UnixMilli(), nil
}
