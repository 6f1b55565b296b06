package source

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Kind names how a feed gets its lines, as a config says it ("tcp",
// "udp", ...). Each kind is one file of this package that registers
// itself (Register): a new kind of feed (a radar, a message bus, a
// serial port) is one file and one Register call.
type Kind string

// Config is one configured feed, as its source needs it. Fields a kind
// does not use are ignored.
type Config struct {
	Name string
	Kind Kind
	// Address is host:port: where to connect, or where to listen (port 0
	// picks a free one; Source.Addr tells which).
	Address string
	// File is the log a replay plays, plain or gzip.
	File string
	// Speed is a replay's speed factor: 1 plays the file in its own time,
	// 60 a minute of data per second, 0 as fast as possible.
	Speed float64
	// Skip plays a replay's first Skip of data time as fast as possible.
	Skip time.Duration
	// Rebase shifts a replay's times so that the point where pacing
	// starts is the moment it began: an old log plays as live data.
	Rebase bool
	// Silence is how long a TCP client waits for a line before it takes
	// the connection for dead and reconnects. Default 2 min: AIS feeds
	// carry several reports a second.
	Silence time.Duration
	// Site is a fixed radar's position, [lat, lon] in degrees (radar
	// only): its targets' ranges and bearings are taken from there. Nil:
	// the radar is on a ship and its output gives the ship's position.
	Site *[2]float64
	// Format is a detections feed's layout (DetectionFormats); "" is
	// auto. Scenes is its file of scene footprints, "" for none.
	Format, Scenes string
}

// Lines is where a source delivers the lines of one stream: a connection,
// a UDP sender or a file. Framing needs a stream of its own per origin,
// so that fragments of different receivers never meet; the runner
// (package live) frames, decodes and queues behind it.
type Lines interface {
	// Frame frames one line; long says it was cut at MaxLine. ok says the
	// line completed a message, which waits for Emit (or the next Frame);
	// timed says whether that message carries its own time, t (Unix ms).
	Frame(b []byte, long bool) (t int64, timed, ok bool)
	// Emit decodes the message the last Frame completed, as received at t
	// (Unix ms).
	Emit(t int64)
	// Flush hands over what was decoded so far.
	Flush()
	// End ends the stream: a message still waiting for fragments is
	// counted incomplete, and what was decoded is handed over.
	End()
}

// Env is what a running source gets from its runner.
type Env struct {
	Log *slog.Logger
	// Now is the wall clock; Sleep waits d or until ctx is done (tests
	// replace both).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// State reports what the source is doing: connecting, connected,
	// disconnected, listening, replaying.
	State func(state string)
	// Conns reports connections opening (+1) and closing (-1).
	Conns func(delta int)
	// Error reports the last error of a source that goes on (a refused
	// connection, a silent server); "" clears it.
	Error func(err string)
	// Open starts a stream of lines.
	Open func() Lines
	// Deliver hands over a whole file (a detections feed's delivery);
	// an error says it was not taken.
	Deliver func(Delivery) error
}

// Source is one feed.
type Source interface {
	// Run reads the feed until ctx is done (or, for a replay, the end of
	// its file), handing lines to streams from env.Open. It returns an
	// error only when the feed failed for good.
	Run(ctx context.Context, env Env) error
	// Addr is the bound address of a listener, nil for other kinds.
	Addr() net.Addr
	// Close releases what New opened (a listener's socket) when Run will
	// not be called.
	Close() error
}

// kindDef is a registered kind.
type kindDef struct {
	check func(Config) error
	open  func(Config) (Source, error)
}

var (
	kindsMu sync.RWMutex
	kinds   = map[Kind]kindDef{}
)

// Register adds a kind of feed: check validates a config of that kind
// before anything opens (an error says what is wrong, not which feed),
// open makes its source (a listener binds there, so that Addr answers
// before Run). It panics if the kind is registered twice.
func Register(k Kind, check func(Config) error, open func(Config) (Source, error)) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k]; dup {
		panic("source: kind " + string(k) + " registered twice")
	}
	kinds[k] = kindDef{check, open}
}

// Kinds lists the registered kinds, sorted.
func Kinds() []Kind {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func lookup(k Kind) (kindDef, error) {
	kindsMu.RLock()
	d, ok := kinds[k]
	kindsMu.RUnlock()
	if !ok {
		return d, fmt.Errorf("unknown kind %q (want one of %v)", k, Kinds())
	}
	return d, nil
}

// Check validates a feed's config for its kind.
func Check(cfg Config) error {
	d, err := lookup(cfg.Kind)
	if err != nil {
		return err
	}
	return d.check(cfg)
}

// New makes the source of a feed, after Check.
func New(cfg Config) (Source, error) {
	d, err := lookup(cfg.Kind)
	if err != nil {
		return nil, err
	}
	if err := d.check(cfg); err != nil {
		return nil, err
	}
	return d.open(cfg)
}

// needAddress is the check of the kinds that connect or listen.
func needAddress(cfg Config) error {
	if cfg.Address == "" {
		return fmt.Errorf("no address")
	}
	_, port, err := net.SplitHostPort(cfg.Address)
	if err != nil {
		return fmt.Errorf("address %q: want host:port", clip(cfg.Address))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("address %q: port %q: want a number from 0 to 65535", clip(cfg.Address), clip(port))
	}
	return nil
}

// clip bounds what an error repeats of a bad value.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
