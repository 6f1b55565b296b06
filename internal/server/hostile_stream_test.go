package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/access"
)

// liveStream is a live stream opened by a test.
type liveStream struct {
	code int
	body []byte     // the error answer, when code is not 200
	c    <-chan sse // its messages; closed when the stream ends
	stop func()     // hangs up
}

// openStream opens /api/stream with a token.
func (f *fixture) openStream(t *testing.T, token string) liveStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.base+"/api/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		defer cancel()
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return liveStream{code: resp.StatusCode, body: b, stop: func() {}}
	}
	ch := make(chan sse, 1024)
	go readSSE(resp.Body, ch)
	stop := func() { cancel(); resp.Body.Close() }
	t.Cleanup(stop)
	return liveStream{code: resp.StatusCode, c: ch, stop: stop}
}

// ended waits for a stream to end (the hang guard is no measure) and
// returns the event it was closed with, if any.
func (s liveStream) ended(t *testing.T, what string) sse {
	t.Helper()
	var last sse
	guard := time.After(30 * time.Second)
	for {
		select {
		case m, ok := <-s.c:
			if !ok {
				return last
			}
			last = m
		case <-guard:
			t.Fatalf("%s: the stream is still open after 30 s", what)
		}
	}
}

// feedSender sends NMEA lines into the fixture's TCP listener feeds, one
// at a time, each taken in before the next.
type feedSender struct {
	f     *fixture
	conns map[string]net.Conn
	lines map[string]int64
}

func (s *feedSender) send(t *testing.T, feed, line string) {
	t.Helper()
	if s.conns == nil {
		s.conns, s.lines = map[string]net.Conn{}, map[string]int64{}
	}
	c := s.conns[feed]
	if c == nil {
		var err error
		if c, err = net.Dial("tcp", s.f.p.Addr(feed).String()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		s.conns[feed] = c
	}
	if _, err := io.WriteString(c, line); err != nil {
		t.Fatal(err)
	}
	s.lines[feed]++
	waitFor(t, "line taken in", func() bool {
		st := s.f.p.Stats()
		var decoded int64
		for _, fs := range st.Feeds {
			if fs.Lines != s.lines[fs.Name] {
				return false
			}
			decoded += fs.Reports
		}
		return st.Reports == decoded
	})
}

// TestHostileStreamRevocation: a live stream is held to what its token
// may do now. A revoked token, a disabled user and an expired token end
// their streams; a partner taken out of a group stops getting, in a
// stream opened before, the positions of the feeds that group was
// cleared for.
func TestHostileStreamRevocation(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20})
	update := func(fn func(r *access.Registry) error) {
		t.Helper()
		if err := access.Update(f.dir, fn); err != nil {
			t.Fatal(err)
		}
	}

	revoked := f.openStream(t, f.secrets["jpn-viewer"])
	disabled := f.openStream(t, f.secrets["kor-viewer"])
	var shortLived string
	update(func(r *access.Registry) error {
		var err error
		shortLived, _, err = r.CreateToken("aus-viewer", "short", 3*time.Second, time.Now())
		return err
	})
	if err := f.guard.Reload(); err != nil {
		t.Fatal(err)
	}
	expired := f.openStream(t, shortLived)
	narrowed := f.openStream(t, f.secrets["usa-viewer"])
	for what, s := range map[string]liveStream{"jpn": revoked, "kor": disabled, "aus": expired, "usa": narrowed} {
		if s.code != http.StatusOK {
			t.Fatalf("%s: stream %d %s", what, s.code, s.body)
		}
	}
	waitFor(t, "subscribers", func() bool { return f.p.Stats().Subscribers == 4 })

	update(func(r *access.Registry) error { return r.RevokeToken(f.tokenIDs["jpn-viewer"], time.Now()) })
	update(func(r *access.Registry) error { return r.SetDisabled("kor-viewer", true) })
	for what, s := range map[string]liveStream{"a revoked token": revoked, "a disabled user": disabled, "an expired token": expired} {
		if m := s.ended(t, what); m.event != "closed" || !strings.Contains(m.data, "revoked") {
			t.Errorf("%s: the stream ended with %+v, want a closed event", what, m)
		}
	}

	// USA is cleared for gbr-sat through NATO: out of NATO, its open
	// stream gets jpn-coast's positions and no longer gbr-sat's.
	update(func(r *access.Registry) error { return r.SetMembers("NATO", []string{"GBR"}) })
	if err := f.guard.Reload(); err != nil {
		t.Fatal(err)
	}
	const (
		viaGBR = 232800001
		viaJPN = 431800002
	)
	var fs feedSender
	fs.f = f
	fs.send(t, "gbr-sat", positionSentence(t, viaGBR, 50.1, -1.2))
	fs.send(t, "jpn-coast", positionSentence(t, viaJPN, 34.2, 135.3))
	guard := time.After(30 * time.Second)
	for done := false; !done; {
		select {
		case m, ok := <-narrowed.c:
			if !ok {
				t.Fatal("USA's stream ended: it should narrow")
			}
			if m.event != "position" {
				continue
			}
			if strings.Contains(m.data, mmsiPath(viaGBR)) {
				t.Errorf("USA, out of NATO, got gbr-sat's position: %s", m.data)
			}
			done = strings.Contains(m.data, mmsiPath(viaJPN))
		case <-guard:
			t.Fatal("USA's stream: no jpn-coast position in 30 s")
		}
	}
}

// TestHostileStreamCaps: live streams are capped per token, per user and
// in total, with 429 beyond; a closed stream frees its place.
func TestHostileStreamCaps(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20, MaxStreamsPerToken: 2, MaxStreamsPerUser: 3, MaxStreams: 4})
	var second string
	if err := access.Update(f.dir, func(r *access.Registry) error {
		var err error
		second, _, err = r.CreateToken("jpn-viewer", "second", 0, time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.guard.Reload(); err != nil {
		t.Fatal(err)
	}
	open := func(what, token string, want int) liveStream {
		t.Helper()
		s := f.openStream(t, token)
		if s.code != want {
			t.Fatalf("%s: %d %s, want %d", what, s.code, s.body, want)
		}
		if want == http.StatusTooManyRequests && !strings.Contains(string(s.body), "live streams") {
			t.Errorf("%s: %s", what, s.body)
		}
		return s
	}
	jpn := f.secrets["jpn-viewer"]
	first := open("jpn token, 1st", jpn, 200)
	open("jpn token, 2nd", jpn, 200)
	open("jpn token, 3rd", jpn, http.StatusTooManyRequests)
	open("jpn's 2nd token, 1st", second, 200)
	open("jpn's 2nd token, 2nd (4th of the user)", second, http.StatusTooManyRequests)
	open("kor, 1st", f.secrets["kor-viewer"], 200)
	open("gbr, 1st (5th on the server)", f.secrets["gbr-viewer"], http.StatusTooManyRequests)
	first.stop()
	waitFor(t, "a place freed", func() bool {
		s := f.openStream(t, f.secrets["gbr-viewer"])
		s.stop()
		return s.code == http.StatusOK
	})
}

// TestHostileStreamOutlastsTimeouts: the read and write timeouts that cut
// off slow clients do not cut a live stream: it clears its read deadline
// and sets a write deadline per write. With both timeouts at 200 ms and a
// heartbeat every 50 ms, twelve heartbeats (over half a second) arrive
// on one stream.
func TestHostileStreamOutlastsTimeouts(t *testing.T) {
	f := newFixture(t, Options{RatePerSecond: 1e6, RateBurst: 1 << 20,
		ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, Heartbeat: 50 * time.Millisecond})
	c := f.dialFrom(t, "127.0.0.1")
	io.WriteString(c, "GET /api/stream HTTP/1.1\r\nHost: picket\r\nAuthorization: Bearer "+f.secrets["jpn-viewer"]+"\r\n\r\n")
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() // not resp.Body.Close, which would read the stream to its end
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream: %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	beats := 0
	for beats < 12 && sc.Scan() {
		if sc.Text() == ": keep-alive" {
			beats++
		}
	}
	if beats < 12 {
		t.Fatalf("the stream ended after %d heartbeats: %v", beats, sc.Err())
	}
}
