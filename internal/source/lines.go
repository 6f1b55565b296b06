package source

import (
	"bufio"
	"errors"
	"io"
)

// MaxLine is the longest line a LineReader returns whole. NMEA sentences
// are at most 82 characters; with tag blocks and trailers real lines stay
// well under 1 KiB. A longer line is returned cut, with Long set.
const MaxLine = 64 << 10

// LineReader reads lines without allocating per line.
type LineReader struct {
	br   *bufio.Reader
	line []byte
	long bool
	cut  []byte // copy of a cut long line: the reader's buffer moves on
	err  error
}

// NewLineReader reads lines from r.
func NewLineReader(r io.Reader) *LineReader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < MaxLine {
		br = bufio.NewReaderSize(r, MaxLine)
	}
	return &LineReader{br: br}
}

// Next advances to the next line; it returns false at the end of the input
// or on a read error (see Err).
func (l *LineReader) Next() bool {
	if l.err != nil {
		return false
	}
	l.long = false
	b, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// Keep the first MaxLine bytes, skip the rest of the line.
		l.cut = append(l.cut[:0], b...)
		l.line = l.cut
		l.long = true
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = l.br.ReadSlice('\n')
		}
		if err != nil && !errors.Is(err, io.EOF) {
			l.err = err
		}
		return true
	}
	if err != nil {
		if !errors.Is(err, io.EOF) {
			l.err = err
			return false
		}
		if len(b) == 0 {
			l.err = io.EOF
			return false
		}
		l.err = io.EOF // the last line had no newline
	}
	l.line = b
	return true
}

// Line returns the current line with its line ending; valid until Next.
func (l *LineReader) Line() []byte { return l.line }

// Long reports whether the current line was longer than MaxLine and cut.
func (l *LineReader) Long() bool { return l.long }

// Err returns the read error that stopped Next, or nil at a clean end.
func (l *LineReader) Err() error {
	if errors.Is(l.err, io.EOF) {
		return nil
	}
	return l.err
}
