package server

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// bodyWatch is a request body that knows whether it was read to its end.
type bodyWatch struct {
	io.ReadCloser
	want int64 // Content-Length, or -1 when not known (chunked)
	n    int64 // bytes read
	eof  bool  // read to its end
}

func (b *bodyWatch) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if errors.Is(err, io.EOF) {
		b.eof = true
	}
	return n, err
}

// unread reports whether bytes of the body may still be on the wire.
func (b *bodyWatch) unread() bool {
	return !b.eof && (b.want < 0 || b.n < b.want)
}

// unreadCloser is a response writer that ends the connection after the
// response when part of the request body has not arrived by the time
// the answer is ready. net/http would otherwise wait for what is left
// (up to 256 KiB) before it answers, to reuse the connection: a client
// that announces a body and sends it slowly, or never, would hold the
// connection, and the answer, until the read timeout.
type unreadCloser struct {
	http.ResponseWriter
	body  *bodyWatch
	wrote bool
}

// maxDrain bounds what is read of a body no handler read, so that the
// connection can serve the next request: what has already arrived.
const maxDrain = 64 << 10

// watchBody wraps r's body and w so that a response to a request whose
// body has not all arrived closes the connection. It returns w unchanged
// for a request with no body.
func watchBody(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return w
	}
	b := &bodyWatch{ReadCloser: r.Body, want: r.ContentLength}
	r.Body = b
	return &unreadCloser{ResponseWriter: w, body: b}
}

// before is called before the response's header is sent. What the
// handler left of the body is read as far as it has already arrived
// (the read deadline is moved to now, so nothing is waited for): a small
// body sent with its request is read whole, and the connection serves the
// next request. If some is still to come, a reader over its limit tells
// net/http's response so: it then answers with "Connection: close",
// does not read the rest, and closes the connection gently (its write
// side first, the rest half a second later), so that a client still
// sending its body reads the answer rather than a reset.
func (u *unreadCloser) before() {
	if u.wrote {
		return
	}
	u.wrote = true
	if !u.body.unread() {
		return
	}
	http.NewResponseController(u.ResponseWriter).SetReadDeadline(time.Now())
	io.CopyN(io.Discard, u.body, maxDrain)
	if u.body.unread() {
		over := http.MaxBytesReader(u.ResponseWriter, io.NopCloser(strings.NewReader("?")), 0)
		over.Read(make([]byte, 1))
	}
}

func (u *unreadCloser) WriteHeader(code int) {
	u.before()
	u.ResponseWriter.WriteHeader(code)
}

func (u *unreadCloser) Write(p []byte) (int, error) {
	u.before()
	return u.ResponseWriter.Write(p)
}

// Flush lets the live stream flush through the writer.
func (u *unreadCloser) Flush() {
	u.before()
	if f, ok := u.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (u *unreadCloser) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// finish is called once the handler has returned, for a handler that
// wrote nothing (net/http sends its empty response after this).
func (u *unreadCloser) finish() { u.before() }
