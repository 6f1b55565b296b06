package source

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPace(t *testing.T) {
	for _, c := range []struct {
		anchorData, anchorWall, t int64
		speed                     float64
		now                       int64
		want                      time.Duration
	}{
		{1000, 5000, 1000, 1, 5000, 0},
		{1000, 5000, 3000, 1, 5000, 2 * time.Second},
		{1000, 5000, 3000, 2, 5000, time.Second},
		{1000, 5000, 3000, 2, 5500, 500 * time.Millisecond},
		{1000, 5000, 500, 1, 5000, -500 * time.Millisecond}, // before the anchor: now
		{1000, 5000, 9000, 0, 5000, 0},                      // speed 0: never wait
	} {
		if got := pace(c.anchorData, c.anchorWall, c.t, c.speed, c.now); got != c.want {
			t.Errorf("pace(%+v) = %v, want %v", c, got, c.want)
		}
	}
}

// TestKinds: the four kinds of feed are registered, each checks its
// config, and an unknown kind is refused with the list of known ones.
func TestKinds(t *testing.T) {
	if got := Kinds(); !slices.Equal(got, []Kind{Detections, FileReplay, Radar, TCPClient, TCPListener, UDPListener}) {
		t.Errorf("kinds %v", got)
	}
	for _, c := range []struct {
		cfg  Config
		want string // "" for a valid config
	}{
		{Config{Kind: TCPClient, Address: "ais.example:5631"}, ""},
		{Config{Kind: TCPListener, Address: ":0"}, ""},
		{Config{Kind: UDPListener, Address: "127.0.0.1:10110"}, ""},
		{Config{Kind: FileReplay, File: "feed.nmea", Speed: 1, Rebase: true}, ""},
		{Config{Kind: TCPClient}, "no address"},
		{Config{Kind: UDPListener, Address: "127.0.0.1"}, "want host:port"},
		{Config{Kind: TCPListener, Address: ":99999"}, "port \"99999\": want a number from 0 to 65535"},
		{Config{Kind: TCPClient, Address: "host:http"}, "want a number"},
		{Config{Kind: FileReplay}, "no file"},
		{Config{Kind: FileReplay, File: "f", Speed: -1}, "speed -1"},
		{Config{Kind: FileReplay, File: "f", Speed: 60, Rebase: true}, "rebase needs a speed"},
		{Config{Kind: "serial", Address: "/dev/ttyUSB0"}, `unknown kind "serial" (want one of [detections file radar tcp tcp-listen udp])`},
		{Config{Kind: Detections, File: "deliveries", Format: "viirs"}, ""},
		{Config{Kind: Detections}, ""}, // uploads only
		{Config{Kind: Detections, File: "d", Format: "landsat"}, `format "landsat": want one of auto, gfw-sar, viirs`},
		{Config{Kind: Detections, Address: "h:1"}, "no address"},
	} {
		err := Check(c.cfg)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.cfg, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}

// lineLog is a Lines that keeps what it was given, each line as a
// message stamped with the time it is emitted at.
type lineLog struct {
	mu    *sync.Mutex
	lines *[]string
	last  string
	ended bool
}

func (l *lineLog) Frame(b []byte, long bool) (int64, bool, bool) {
	l.last = strings.TrimSpace(string(b))
	return 0, false, l.last != ""
}
func (l *lineLog) Emit(int64) {
	l.mu.Lock()
	*l.lines = append(*l.lines, l.last)
	l.mu.Unlock()
}
func (l *lineLog) Flush() {}
func (l *lineLog) End()   { l.ended = true }

var discardLog = slog.New(slog.DiscardHandler)

func testEnv(open func() Lines) Env {
	return Env{Log: discardLog, Now: time.Now, Sleep: sleepCtx, State: func(string) {}, Conns: func(int) {}, Error: func(string) {}, Open: open}
}

// TestTCPClientSilence: a server that accepts and then sends nothing is
// taken for dead after the silence timeout: the client says why (the
// feed's last error) and reconnects, instead of showing "connected"
// forever; a connection that carries data again clears the error.
func TestTCPClientSilence(t *testing.T) {
	ln := listen(t)
	var conns int
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns++
			if conns >= 2 {
				c.Write([]byte("hello\n"))
			}
			defer c.Close() // silent: never closed while the test runs
		}
	}()
	src, err := New(Config{Kind: TCPClient, Address: ln.Addr().String(), Silence: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	var errs []string
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	env := testEnv(func() Lines { return &lineLog{mu: &mu, lines: &lines} })
	env.Sleep = func(ctx context.Context, d time.Duration) error { return nil }
	env.Error = func(e string) {
		mu.Lock()
		errs = append(errs, e)
		mu.Unlock()
		if e == "" && len(errs) > 2 {
			cancel() // connected again after the silent one
		}
	}
	done := make(chan error)
	go func() { done <- src.Run(ctx, env) }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) < 3 || errs[0] != "" || !strings.Contains(errs[1], ErrSilent.Error()) || errs[2] != "" {
		t.Errorf("errors reported: %q, want cleared, silent, cleared", errs)
	}
	if ctx.Err() == context.DeadlineExceeded {
		t.Error("the client never left the silent connection")
	}
}

// TestTCPClientRefusedSaysWhy: a feed whose server refuses connections
// reports it as its error, not nothing.
func TestTCPClientRefusedSaysWhy(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	src, _ := New(Config{Kind: TCPClient, Address: addr})
	ctx, cancel := context.WithCancel(context.Background())
	var got string
	env := testEnv(nil)
	env.Error = func(e string) { got = e; cancel() }
	src.Run(ctx, env)
	if !strings.Contains(got, "refused") {
		t.Errorf("error %q, want the refusal", got)
	}
}

// A radar feed reads a file or connects to an address, one of them, and
// a fixed site is a position.
func TestRadarKindCheck(t *testing.T) {
	site := [2]float64{37.45, 126.6}
	bad := [2]float64{97, 126.6}
	for _, c := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{Kind: Radar, Address: "radar:10110", Site: &site}, true},
		{Config{Kind: Radar, File: "radar.nmea"}, true},
		{Config{Kind: Radar}, false},
		{Config{Kind: Radar, File: "radar.nmea", Address: "radar:10110"}, false},
		{Config{Kind: Radar, Address: "radar:10110", Site: &bad}, false},
		{Config{Kind: Radar, Address: "radar"}, false},
	} {
		if err := Check(c.cfg); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.cfg, err)
		}
	}
}
