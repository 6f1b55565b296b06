package server

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// errBadRequest marks a request parameter error: a 400 with its message.
var errBadRequest = errors.New("bad request")

// badParam returns a 400 error naming the parameter.
func badParam(name, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", errBadRequest, name, fmt.Sprintf(format, args...))
}

// maxEcho bounds how much of a bad value an error message repeats: a
// client is told which value was refused, not sent back all it sent.
const maxEcho = 64

// clip returns v cut to maxEcho bytes at a character boundary, marked
// with "..." when cut.
func clip(v string) string {
	if len(v) <= maxEcho {
		return v
	}
	n := maxEcho
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return v[:n] + "..."
}

// message is what a client sees of a parameter error.
func message(err error) string {
	return strings.TrimPrefix(err.Error(), errBadRequest.Error()+": ")
}

// parseBBox reads minLon,minLat,maxLon,maxLat (the GeoJSON and OGC
// order). A box with minLon > maxLon crosses the antimeridian. Empty
// gives nil.
func parseBBox(v string) (*store.BBox, error) {
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, badParam("bbox", "%q: want minLon,minLat,maxLon,maxLat", clip(v))
	}
	var f [4]float64
	for i, s := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, badParam("bbox", "%q: %q is not a number", clip(v), clip(s))
		}
		f[i] = x
	}
	b := &store.BBox{MinLon: f[0], MinLat: f[1], MaxLon: f[2], MaxLat: f[3]}
	switch {
	case b.MinLon < -180 || b.MinLon > 180 || b.MaxLon < -180 || b.MaxLon > 180:
		return nil, badParam("bbox", "%q: longitudes must be within -180..180", clip(v))
	case b.MinLat < -90 || b.MaxLat > 90:
		return nil, badParam("bbox", "%q: latitudes must be within -90..90", clip(v))
	case b.MinLat > b.MaxLat:
		return nil, badParam("bbox", "%q: minLat is above maxLat (the order is minLon,minLat,maxLon,maxLat)", clip(v))
	}
	return b, nil
}

// parseTime reads an RFC 3339 time; empty gives the zero time.
func parseTime(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, badParam(name, "%q: want an RFC 3339 time such as 2026-03-01T12:00:00Z", clip(v))
	}
	return t.UTC(), nil
}

// parseMMSI reads a vessel's MMSI (1 to 999999999).
func parseMMSI(name, v string) (uint32, error) {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n == 0 || n > 999_999_999 {
		return 0, badParam(name, "%q: want an MMSI, 1 to 999999999", clip(v))
	}
	return uint32(n), nil
}

// parseTypes reads a comma-separated list of event types; extra lists
// further words allowed (the stream's "position" and "alert").
func parseTypes(name, v string, extra ...string) ([]event.Type, []string, error) {
	if v == "" {
		return nil, nil, nil
	}
	var types []event.Type
	var words []string
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
		case slices.Contains(event.Types, event.Type(s)):
			if !slices.Contains(types, event.Type(s)) {
				types = append(types, event.Type(s))
			}
		case slices.Contains(extra, s):
			words = append(words, s)
		default:
			known := make([]string, 0, len(event.Types)+len(extra))
			known = append(known, extra...)
			for _, t := range event.Types {
				known = append(known, string(t))
			}
			return nil, nil, badParam(name, "unknown type %q (known: %s)", clip(s), strings.Join(known, ", "))
		}
	}
	return types, words, nil
}

// parseFloatIn reads a number within [lo, hi]; empty gives def.
func parseFloatIn(name, v string, lo, hi, def float64) (float64, error) {
	if v == "" {
		return def, nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x < lo || x > hi || math.IsNaN(x) {
		return 0, badParam(name, "%q: want a number from %g to %g", clip(v), lo, hi)
	}
	return x, nil
}

// parseIntIn reads an integer within [lo, hi]; empty gives def.
func parseIntIn(name, v string, lo, hi, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, "%q: want a whole number from %d to %d", clip(v), lo, hi)
	}
	return n, nil
}

// parseDuration reads a Go duration (90s, 30m, 6h) or a number of days
// (7d), positive; empty gives def.
func parseDuration(name, v string, def time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(v, "d"); ok {
		var n float64
		n, err = strconv.ParseFloat(days, 64)
		d = time.Duration(n * 24 * float64(time.Hour))
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d <= 0 {
		return 0, badParam(name, "%q: want a positive duration such as 30m, 6h or 7d", clip(v))
	}
	return d, nil
}

// eventQuery is the filter of /api/events, the exports and the profile's
// events.
type eventQuery struct {
	store   store.EventFilter
	bbox    *store.BBox
	minConf float64
	limit   int
	desc    bool
}

func (q *eventQuery) match(e *event.Event) bool {
	return e.Confidence >= q.minConf && (q.bbox == nil || e.HasPosition() && q.bbox.Contains(e.Lat, e.Lon))
}

// parseEventQuery reads type, from, to, bbox, mmsi, min_confidence,
// limit and order.
func parseEventQuery(q url.Values, defLimit, maxLimit int) (*eventQuery, error) {
	var eq eventQuery
	var err error
	if eq.store.Types, _, err = parseTypes("type", q.Get("type")); err != nil {
		return nil, err
	}
	if eq.store.From, err = parseTime("from", q.Get("from")); err != nil {
		return nil, err
	}
	if eq.store.To, err = parseTime("to", q.Get("to")); err != nil {
		return nil, err
	}
	if !eq.store.From.IsZero() && !eq.store.To.IsZero() && !eq.store.From.Before(eq.store.To) {
		return nil, badParam("from", "%s is not before to (%s)", clip(q.Get("from")), clip(q.Get("to")))
	}
	if eq.bbox, err = parseBBox(q.Get("bbox")); err != nil {
		return nil, err
	}
	if v := q.Get("mmsi"); v != "" {
		if eq.store.MMSI, err = parseMMSI("mmsi", v); err != nil {
			return nil, err
		}
	}
	if eq.minConf, err = parseFloatIn("min_confidence", q.Get("min_confidence"), 0, 1, 0); err != nil {
		return nil, err
	}
	if eq.limit, err = parseIntIn("limit", q.Get("limit"), 1, maxLimit, defLimit); err != nil {
		return nil, err
	}
	switch q.Get("order") {
	case "", "desc":
		eq.desc = true
	case "asc":
	default:
		return nil, badParam("order", "%q: want asc or desc", clip(q.Get("order")))
	}
	return &eq, nil
}

// search is the q of /api/vessels: when all digits, an MMSI prefix or
// an IMO number's; else a part of a name or a call sign (any case).
type search string

// maxSearch bounds q.
const maxSearch = 64

// parseSearch reads a vessel search: at most 64 printable characters.
func parseSearch(name, v string) (search, error) {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n > maxSearch {
		return "", badParam(name, "%d characters: at most %d", n, maxSearch)
	}
	for _, r := range v {
		if r < ' ' || r == 0x7f {
			return "", badParam(name, "control characters are not allowed")
		}
	}
	return search(strings.ToUpper(v)), nil
}

// matches reports whether a vessel of that MMSI and current identity
// (by event.Field*, as the view heard it) is one the search names.
func (q search) matches(mmsi uint32, id map[string]string) bool {
	s := string(q)
	if strings.Trim(s, "0123456789") == "" {
		return strings.HasPrefix(strconv.FormatUint(uint64(mmsi), 10), s) || strings.HasPrefix(id[event.FieldIMO], s)
	}
	return strings.Contains(strings.ToUpper(id[event.FieldName]), s) || strings.Contains(strings.ToUpper(id[event.FieldCallSign]), s)
}
