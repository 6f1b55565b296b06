package live

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// feedState is one configured feed and its counters.
type feedState struct {
	idx  int
	bit  int // provenance bit
	cfg  Feed
	log  *slog.Logger
	ln   net.Listener
	udp  *net.UDPConn
	done chan struct{}

	state   atomic.Value // string
	err     atomic.Value // string
	lines   atomic.Int64
	reports atomic.Int64
	conns   atomic.Int64

	fm *feedMetrics
}

func (f *feedState) stats(addr net.Addr) FeedStats {
	s := FeedStats{Name: f.cfg.Name, Bit: f.bit, Partner: f.cfg.Partner, Label: f.cfg.Label, Kind: f.cfg.Kind,
		Lines: f.lines.Load(), Reports: f.reports.Load(), Conns: f.conns.Load()}
	s.State, _ = f.state.Load().(string)
	s.Err, _ = f.err.Load().(string)
	switch {
	case addr != nil:
		s.Addr = addr.String()
	case f.cfg.Kind == TCPClient:
		s.Addr = f.cfg.Address
	}
	return s
}

func (p *Pipeline) runFeed(ctx context.Context, f *feedState) error {
	switch f.cfg.Kind {
	case FileReplay:
		f.state.Store("replaying")
		return p.replay(ctx, f)
	case TCPClient:
		first := true
		return source.RunTCPClient(ctx, f.cfg.Address, source.TCPClientOptions{
			Logger: f.log,
			Sleep:  p.opts.Sleep,
			OnState: func(s string) {
				f.state.Store(s)
				switch s {
				case "connecting":
					if !first {
						f.fm.reconnects.Inc()
					}
					first = false
				case "connected":
					f.conns.Add(1)
				case "disconnected":
					if f.conns.Load() > 0 {
						f.conns.Add(-1)
					}
				}
			},
		}, func(ctx context.Context, c net.Conn) error {
			return p.serveStream(ctx, f, c)
		})
	case TCPListener:
		f.state.Store("listening")
		return source.ServeTCP(ctx, f.ln, source.TCPListenerOptions{Logger: f.log}, func(ctx context.Context, c net.Conn) error {
			f.conns.Add(1)
			defer f.conns.Add(-1)
			return p.serveStream(ctx, f, c)
		})
	case UDPListener:
		f.state.Store("listening")
		return p.serveUDP(ctx, f)
	}
	return nil
}

// stream frames and decodes the lines of one connection (or one UDP
// sender, or one file) with an ingest.Stream of its own, so that
// fragments of different receivers never meet, and hands the reports to
// the tracker in batches.
type stream struct {
	p     *Pipeline
	f     *feedState
	in    *ingest.Stream
	batch []fuse.Report
	seen  nmea.Tally // what has been counted into the metrics
	shift int64      // added to the data's times (replay rebase)
}

func (p *Pipeline) newStream(f *feedState) *stream {
	return &stream{p: p, f: f, in: ingest.NewStream(uint16(f.idx), nmea.Options{Location: f.cfg.Location}), batch: make([]fuse.Report, 0, reportBatch)}
}

// line frames one line; a message it completes is decoded with the
// line's own time, or arrival when it carries none.
func (s *stream) line(b []byte, long bool, arrival func() int64) {
	msg := s.in.Line(b, long)
	if msg == nil {
		return
	}
	t := arrival()
	if msg.HasTime {
		t = msg.TimeMs + s.shift
	}
	s.emit(msg, t)
}

// emit decodes a framed message and adds its reports to the batch.
func (s *stream) emit(msg *nmea.Message, t int64) {
	s.batch = s.in.Reports(s.batch, msg, t)
	if len(s.batch) >= reportBatch {
		s.flush()
	}
}

// flush hands the batch to the tracker and counts the lines. It waits
// while the report queue is full (back-pressure), and does not give up
// on shutdown: the tracker drains the queue until every feed has
// stopped, so nothing decoded is lost.
func (s *stream) flush() {
	s.account()
	if len(s.batch) == 0 {
		return
	}
	s.f.reports.Add(int64(len(s.batch)))
	s.f.fm.reports.Add(float64(len(s.batch)))
	s.p.reports <- s.batch
	s.batch = make([]fuse.Report, 0, reportBatch)
}

// account adds what the parser counted since last time to the metrics:
// every line ends up under one reason.
func (s *stream) account() {
	t := s.in.Tally()
	if d := t.Lines - s.seen.Lines; d > 0 {
		s.f.lines.Add(d)
		s.f.fm.lines.Add(float64(d))
	}
	for r := range t.ByReason {
		if d := t.ByReason[r] - s.seen.ByReason[r]; d > 0 {
			s.f.fm.reason(nmea.Reason(r)).Add(float64(d))
		}
	}
	s.seen.Lines, s.seen.ByReason = t.Lines, t.ByReason
}

// end closes the stream: fragments still waiting are counted incomplete.
func (s *stream) end() {
	s.in.End()
	s.flush()
}

func (p *Pipeline) nowMs() int64 { return p.opts.Now().UnixMilli() }

// serveStream reads the lines of one TCP connection.
func (p *Pipeline) serveStream(ctx context.Context, f *feedState, c net.Conn) error {
	s := p.newStream(f)
	defer s.end()
	br := bufio.NewReaderSize(c, source.MaxLine)
	lr := source.NewLineReader(br)
	for lr.Next() {
		s.line(lr.Line(), lr.Long(), p.nowMs)
		// Hand over what was decoded whenever the socket has nothing more
		// buffered: low latency when the feed is slow, full batches when
		// it is fast.
		if br.Buffered() == 0 {
			s.flush()
		}
	}
	if err := lr.Err(); err != nil && ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// maxUDPSenders bounds the per-sender parsers of a UDP feed; senders
// beyond it share one.
const maxUDPSenders = 256

func (p *Pipeline) serveUDP(ctx context.Context, f *feedState) error {
	streams := map[netip.AddrPort]*stream{}
	var shared *stream
	defer func() {
		for _, s := range streams {
			s.end()
		}
		if shared != nil {
			shared.end()
		}
	}()
	return source.ServeUDP(ctx, f.udp, func(from netip.AddrPort, d []byte) {
		s := streams[from]
		if s == nil {
			if len(streams) < maxUDPSenders {
				s = p.newStream(f)
				streams[from] = s
			} else {
				if shared == nil {
					shared = p.newStream(f)
				}
				s = shared
			}
		}
		// Every line is fed, blank ones too (they are counted as such);
		// the end of the datagram ends the last line.
		for len(d) > 0 {
			i := bytes.IndexByte(d, '\n')
			if i < 0 {
				i = len(d) - 1
			}
			s.line(d[:i+1], i+1 > source.MaxLine, p.nowMs)
			d = d[i+1:]
		}
		s.flush()
	})
}

// pace returns how long to wait before a line of data time t is played,
// for a replay whose data time anchorData was played at wall time
// anchorWall (both Unix ms), at speed; zero or less means now.
func pace(anchorData, anchorWall, t int64, speed float64, nowWall int64) time.Duration {
	if speed <= 0 {
		return 0
	}
	due := anchorWall + int64(float64(t-anchorData)/speed)
	return time.Duration(due-nowWall) * time.Millisecond
}

// replay plays a file as a live feed: event-time paced at the feed's
// speed, after skipping its first Skip of data time, optionally rebased
// to the clock.
func (p *Pipeline) replay(ctx context.Context, f *feedState) error {
	file, err := source.Open(f.cfg.File)
	if err != nil {
		return err
	}
	defer file.Close()
	s := p.newStream(f)
	defer s.end()
	lr := source.NewLineReader(bufio.NewReaderSize(file, 256<<10))
	var anchored bool
	var anchorData, anchorWall int64
	for lr.Next() {
		if ctx.Err() != nil {
			return nil
		}
		msg := s.in.Line(lr.Line(), lr.Long())
		if msg == nil {
			continue
		}
		if !msg.HasTime {
			s.emit(msg, p.nowMs())
			continue
		}
		if !anchored {
			anchored = true
			anchorData, anchorWall = msg.TimeMs+f.cfg.Skip.Milliseconds(), p.nowMs()
			if f.cfg.Rebase {
				s.shift = anchorWall - anchorData
			}
		}
		if wait := pace(anchorData, anchorWall, msg.TimeMs, f.cfg.Speed, p.nowMs()); wait > time.Millisecond {
			// Hand over what is due before waiting. The message in hand
			// stays valid: nothing is fed to the parser meanwhile.
			s.flush()
			if p.opts.Sleep(ctx, wait) != nil {
				return nil
			}
		}
		s.emit(msg, msg.TimeMs+s.shift)
	}
	if err := lr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	f.log.Info("replay finished", "lines", s.in.Tally().Lines)
	return nil
}
