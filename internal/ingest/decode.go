package ingest

import (
	"errors"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/nmea"
)

// DecodeMessage decodes a framed message and accounts for its lines in t:
// Decoded and its type, or the reason it failed (then it returns nil).
// The message it returns is valid until dec decodes the next one.
func DecodeMessage(dec *ais.Decoder, msg *nmea.Message, t *nmea.Tally) ais.Message {
	var m ais.Message
	var err error
	if msg.InnerFill {
		m, err = dec.DecodeFragments(msg.Payload, msg.FragEnds, msg.FragFills)
	} else {
		m, err = dec.Decode(msg.Payload, msg.Fill)
	}
	if err != nil {
		switch {
		case errors.Is(err, ais.ErrUnknownType):
			t.Add(nmea.UnknownType, msg.Lines)
		case errors.Is(err, ais.ErrLength):
			t.Add(nmea.BadLength, msg.Lines)
		default:
			t.Add(nmea.Malformed, msg.Lines)
		}
		return nil
	}
	t.Add(nmea.Decoded, msg.Lines)
	t.ByType[m.Hdr().Type]++
	return m
}
