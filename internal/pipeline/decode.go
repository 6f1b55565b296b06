package pipeline

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// DecodeOptions configures Decode. The zero value means the defaults.
type DecodeOptions struct {
	// Location is the time zone of log lines stamped with a local date and
	// time but no zone. Default UTC.
	Location *time.Location
}

// ErrNoAIS is returned for an input with lines but no AIS sentence at all.
var ErrNoAIS = errors.New("no AIS sentences found (is it NMEA 0183 AIVDM/AIVDO?)")

// InputError ties a failure to the input it happened in.
type InputError struct {
	Name string
	Err  error
}

func (e *InputError) Error() string { return fmt.Sprintf("%s: %v", e.Name, e.Err) }
func (e *InputError) Unwrap() error { return e.Err }

// Decoder runs the decode job over one input after another, writing one
// JSON object per decoded message to its writer.
type Decoder struct {
	opts  DecodeOptions
	out   *bufio.Writer
	dec   ais.Decoder
	buf   []byte
	tally nmea.Tally
}

// NewDecoder writes NDJSON to w.
func NewDecoder(w io.Writer, opts DecodeOptions) *Decoder {
	return &Decoder{opts: opts, out: bufio.NewWriterSize(w, 256<<10), buf: make([]byte, 0, 4096)}
}

// Tally returns the counts over every input decoded so far.
func (d *Decoder) Tally() *nmea.Tally { return &d.tally }

// Input decodes one opened input. It returns an *InputError wrapping
// ErrNoAIS when the input had lines but not one AIS sentence, or wrapping a
// read error.
func (d *Decoder) Input(f *source.File) error {
	st := ingest.NewStream(0, nmea.Options{Location: d.opts.Location})
	t := st.Tally()
	lr := source.NewLineReader(f)
	for lr.Next() {
		msg := st.Line(lr.Line(), lr.Long())
		if msg == nil {
			continue
		}
		d.message(msg, t)
	}
	st.End()
	d.tally.Merge(t)
	if err := lr.Err(); err != nil {
		return &InputError{Name: f.Name, Err: err}
	}
	if t.Lines > 0 && t.Sentences == 0 {
		return &InputError{Name: f.Name, Err: ErrNoAIS}
	}
	return nil
}

// message decodes one framed message, writes it and accounts for its lines.
func (d *Decoder) message(msg *nmea.Message, t *nmea.Tally) {
	m := ingest.DecodeMessage(&d.dec, msg, t)
	if m == nil {
		return
	}
	b := ais.AppendJSONFields(d.buf[:0], m)
	b = AppendProvenance(b, msg)
	b = append(b, '}', '\n')
	d.buf = b
	d.out.Write(b)
}

// AppendProvenance appends the reception time and source of msg as JSON
// members: "rx_time" (RFC 3339, UTC) and "source", each when known.
func AppendProvenance(b []byte, msg *nmea.Message) []byte {
	if msg.HasTime {
		b = append(b, `,"rx_time":"`...)
		b = AppendRFC3339Millis(b, msg.TimeMs)
		b = append(b, '"')
	}
	if len(msg.Source) > 0 {
		b = append(b, `,"source":`...)
		b = ais.AppendJSONString(b, msg.Source)
	}
	return b
}

// Flush writes out buffered output.
func (d *Decoder) Flush() error { return d.out.Flush() }
