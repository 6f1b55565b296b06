package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// rawConn is a client connection spoken to byte by byte.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

// dialFrom connects to the fixture from a loopback address of choice
// (Linux routes all of 127.0.0.0/8 to the loopback).
func (f *fixture) dialFrom(t *testing.T, local string) rawConn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c, err := d.Dial("tcp", f.base[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// A hang guard, not a measure: every read below ends well before.
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return rawConn{Conn: c, r: bufio.NewReader(c)}
}

// healthz asks /healthz on the connection and returns the status code,
// or 0 with the error when the server closed the connection.
func (c rawConn) healthz() (int, error) {
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: picket\r\n\r\n"); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// closedByServer reads until the server closes the connection; an
// error if it did not (the hang guard fired).
func (c rawConn) closedByServer() error {
	_, err := io.Copy(io.Discard, c.r)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.New("the connection is still open after 30 s")
	}
	return nil // EOF or a reset
}

// TestHostileConnections: a body no route reads does not hold its
// connection past the read timeout; a body sent slowly is cut off at the read timeout;
// connections are capped per client address and in total, and a place
// freed is taken again.
func TestHostileConnections(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6,
		ReadTimeout: 300 * time.Millisecond, MaxConnsPerAddr: 3, MaxConns: 5})

	// An unauthenticated request with a large body it never sends: net/http
	// reads the body it left unread before answering, and the read
	// timeout ends that wait: 401, and the connection closed.
	c := f.dialFrom(t, "127.0.0.1")
	io.WriteString(c, "POST /api/events HTTP/1.1\r\nHost: picket\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("an unread body: %d", resp.StatusCode)
	}
	if err := c.closedByServer(); err != nil {
		t.Errorf("an unread body: %v", err)
	}
	c.Close()

	// A login whose body comes slowly: cut off at the read timeout.
	c = f.dialFrom(t, "127.0.0.1")
	io.WriteString(c, "POST /api/login HTTP/1.1\r\nHost: picket\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"user\":")
	if err := c.closedByServer(); err != nil {
		t.Errorf("a slow login body: %v", err)
	}
	c.Close()

	// Three connections from one address are served, a fourth is not.
	waitFor(t, "the connections above closed", func() bool { return f.srv.conns.open() == 0 })
	var held []rawConn
	for range 3 {
		c := f.dialFrom(t, "127.0.0.1")
		if code, err := c.healthz(); code != http.StatusOK {
			t.Fatalf("connection %d from 127.0.0.1: %d %v", len(held)+1, code, err)
		}
		held = append(held, c)
	}
	if code, _ := f.dialFrom(t, "127.0.0.1").healthz(); code != 0 {
		t.Errorf("a 4th connection from 127.0.0.1 was served: %d", code)
	}
	// Five in all: two more from another address, then none.
	for range 2 {
		c := f.dialFrom(t, "127.0.0.2")
		if code, err := c.healthz(); code != http.StatusOK {
			t.Fatalf("a connection from 127.0.0.2: %d %v", code, err)
		}
		held = append(held, c)
	}
	if code, _ := f.dialFrom(t, "127.0.0.3").healthz(); code != 0 {
		t.Errorf("a 6th connection was served: %d", code)
	}
	held[0].Close()
	waitFor(t, "a place freed", func() bool {
		c := f.dialFrom(t, "127.0.0.3")
		defer c.Close()
		code, _ := c.healthz()
		return code == http.StatusOK
	})
}

// TestHostileUnreadBody: a body no handler reads and that has not all
// arrived ends its connection after the answer, which comes at once: the
// server does not wait for it (a body announced and never sent held the
// answer and the connection until the read timeout). A body read whole
// keeps the connection for the next request.
func TestHostileUnreadBody(t *testing.T) {
	// A read timeout far past the hang guard of the connections below:
	// an answer or a close that waited for it fails the test.
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, LoginsPerMinute: 1e6, ReadTimeout: time.Hour})

	// A large body announced, one byte of it sent, no token.
	c := f.dialFrom(t, "127.0.0.1")
	io.WriteString(c, "POST /api/events HTTP/1.1\r\nHost: picket\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatalf("a body announced and not sent: no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
		t.Errorf("a body announced and not sent: %d, close %v; want 401 and the connection closed", resp.StatusCode, resp.Close)
	}
	if err := c.closedByServer(); err != nil {
		t.Errorf("a body announced and not sent: %v", err)
	}

	// A small body sent whole with its request, which no handler reads:
	// answered (and read, as far as it has arrived, without waiting).
	c = f.dialFrom(t, "127.0.0.1")
	io.WriteString(c, "POST /api/vessels HTTP/1.1\r\nHost: picket\r\nAuthorization: Bearer "+f.secrets["jpn-viewer"]+"\r\nContent-Length: 5\r\n\r\nhello")
	resp, err = http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("a small unread body: %d", resp.StatusCode)
	}

	// A login reads its body whole: the connection serves the next request.
	c = f.dialFrom(t, "127.0.0.1")
	body := `{"user":"nobody","password":"wrong"}`
	io.WriteString(c, "POST /api/login HTTP/1.1\r\nHost: picket\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
	resp, err = http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Errorf("a login read whole (%d) closed its connection", resp.StatusCode)
	}
	if code, err := c.healthz(); code != http.StatusOK {
		t.Errorf("the request after a login on its connection: %d %v", code, err)
	}
}
