package ingest

import (
	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/nmea"
)

// Stream turns the lines of one input (a file, a TCP connection, a UDP
// sender) into reports. It has a parser of its own, so that the fragments
// of different receivers never meet, and counts every line it is given
// under exactly one reason in its Tally (a line cut at source.MaxLine is
// malformed, and noted as line_too_long).
//
// Framing and decoding are two calls because the runners differ in what
// they do between them: a replay paces on the message's time, a socket
// stamps a message that carries none with its arrival.
type Stream struct {
	feed   uint16
	parser *nmea.Parser
	dec    ais.Decoder
}

// NewStream returns a stream whose reports carry feed, the index of the
// input or feed they came from.
func NewStream(feed uint16, opts nmea.Options) *Stream {
	return &Stream{feed: feed, parser: nmea.NewParser(opts)}
}

// Line frames one line; long says it was cut for being longer than the
// reader's limit. It returns the message the line completed, or nil; the
// message is valid until the next call.
func (s *Stream) Line(b []byte, long bool) *nmea.Message {
	if long {
		t := s.parser.Tally()
		t.Lines++
		t.Add(nmea.Malformed, 1)
		t.Note("line_too_long")
		return nil
	}
	msg, _ := s.parser.Feed(b)
	return msg
}

// Reports decodes a framed message as received at t (Unix ms) and
// appends its reports to dst: none when it does not decode or carries no
// vessel report, two for a Class B extended report (a position and a
// static report, with the keys of the two halves of one transmission).
func (s *Stream) Reports(dst []fuse.Report, msg *nmea.Message, t int64) []fuse.Report {
	m := DecodeMessage(&s.dec, msg, s.parser.Tally())
	if m == nil {
		return dst
	}
	key := fuse.PayloadKey(msg.Payload, msg.Fill)
	if r, ok := fuse.FromAIS(m, t, s.feed); ok {
		r.Key = key
		dst = append(dst, r)
	}
	if x, ok := m.(*ais.ClassBExtended); ok {
		if r, ok := fuse.StaticOf(x, t, s.feed); ok {
			r.Key = key ^ 1 // the static half of the same transmission
			dst = append(dst, r)
		}
	}
	return dst
}

// Untimed counts a framed message that is not decoded because it cannot
// be placed in time (an input without timestamps, analysed without
// assumed times).
func (s *Stream) Untimed(msg *nmea.Message) {
	t := s.parser.Tally()
	t.Add(nmea.Decoded, msg.Lines)
	t.Note("no_time")
}

// End ends the input: fragments still waiting are counted incomplete.
func (s *Stream) End() { s.parser.Flush() }

// Tally is what the stream counted so far. It is the stream's own: read
// it on the stream's goroutine.
func (s *Stream) Tally() *nmea.Tally { return s.parser.Tally() }
