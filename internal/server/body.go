package server

import (
	"io"
	"net/http"
	"time"
)

// bodyWatch is a request body that knows whether it was read to its end.
type bodyWatch struct {
	io.ReadCloser
	want int64 // Content-Length, or -1 when not known (chunked)
	n    int64 // bytes read
	end  bool  // EOF or an error (the body's limit, a broken read)
}

func (b *bodyWatch) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err != nil {
		b.end = true
	}
	return n, err
}

// unread reports whether bytes of the body may still be on the wire.
func (b *bodyWatch) unread() bool {
	return !b.end && (b.want < 0 || b.n < b.want)
}

// unreadCloser is a response writer that ends the connection after the
// response when the handler left part of the request body unread.
// net/http would otherwise read what is left (up to 256 KiB) before it
// answers, to reuse the connection: a client that announces a body and
// sends it slowly, or never, would hold the connection, and the reply,
// until the read timeout. With "Connection: close" the server answers at
// once, and closes the connection instead of draining it (finish).
type unreadCloser struct {
	http.ResponseWriter
	body  *bodyWatch
	wrote bool
}

// watchBody wraps r's body and w so that a response to a request whose
// body was left unread closes the connection. It returns w unchanged for
// a request with no body.
func watchBody(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return w
	}
	b := &bodyWatch{ReadCloser: r.Body, want: r.ContentLength}
	r.Body = b
	return &unreadCloser{ResponseWriter: w, body: b}
}

// before is called before the response's header is sent.
func (u *unreadCloser) before() {
	if u.wrote {
		return
	}
	u.wrote = true
	if u.body.unread() {
		u.Header().Set("Connection", "close")
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

// finish is called once the handler has returned (a handler that wrote
// nothing gets its empty response from net/http, after this). With part
// of the body unread, the connection's read deadline is moved to now:
// net/http closes the request body after the response, which reads what
// is left of it (up to 256 KiB) to find its end, and would wait for a
// client that never sends it until the read timeout.
func (u *unreadCloser) finish() {
	u.before()
	if u.body.unread() {
		http.NewResponseController(u.ResponseWriter).SetReadDeadline(time.Now())
	}
}
