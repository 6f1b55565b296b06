package store

import (
	"errors"
	"fmt"
	"math"
)

// Position is one stored fix of a vessel.
type Position struct {
	MMSI    uint32
	Time    int64   // Unix milliseconds
	Lat     float64 // degrees WGS84, -90..90
	Lon     float64 // degrees WGS84, -180..180
	SOG     float32 // knots; NaN when not available
	COG     float32 // degrees; NaN when not available
	Heading int16   // degrees; -1 when not available
	Status  uint8   // AIS navigational status; 15 when not defined
	// Feeds is the set of feeds that heard this position, one bit per
	// feed: the provenance that per-partner access control filters on.
	Feeds uint64
}

// Errors that errors.Is can test for.
var (
	ErrInvalid = errors.New("store: invalid input")
	ErrClosed  = errors.New("store: closed")
	ErrCorrupt = errors.New("store: corrupt data")
	ErrLocked  = errors.New("store: directory in use by another process")
)

// PositionError reports an invalid position in a batch. Append stores
// nothing of a batch that has one.
type PositionError struct {
	Index  int // in the batch
	Pos    Position
	Reason string
}

func (e *PositionError) Error() string {
	return fmt.Sprintf("store: position %d (mmsi %d, time %d): %s", e.Index, e.Pos.MMSI, e.Pos.Time, e.Reason)
}

func (e *PositionError) Unwrap() error { return ErrInvalid }

// maxMMSI is the largest nine-digit MMSI.
const maxMMSI = 999_999_999

// check returns why p cannot be stored, or "".
func check(p *Position, maxTime int64) string {
	switch {
	case p.MMSI > maxMMSI:
		return "mmsi has more than nine digits"
	case p.Time <= 0:
		return "time is not after 1970"
	case p.Time > maxTime:
		return "time is in the future"
	case !(p.Lat >= -90 && p.Lat <= 90): // also NaN
		return "latitude out of range"
	case !(p.Lon >= -180 && p.Lon <= 180):
		return "longitude out of range"
	}
	return ""
}

// nan32 is the "not available" value of SOG and COG.
var nan32 = float32(math.NaN())
