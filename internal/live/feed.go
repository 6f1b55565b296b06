package live

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// feedState is one configured feed, its source and its counters.
type feedState struct {
	idx  int
	bit  int // provenance bit
	cfg  Feed
	src  source.Source
	log  *slog.Logger
	done chan struct{}

	state   atomic.Value // string
	err     atomic.Value // string: why the feed stopped for good
	lastErr atomic.Value // string: why a feed that goes on is not connected, "" once it is
	lines   atomic.Int64
	reports atomic.Int64
	conns   atomic.Int64

	fm *feedMetrics
	// cov is a radar feed's coverage (coverage.go).
	cov coverage
}

func (f *feedState) stats() FeedStats {
	s := FeedStats{Name: f.cfg.Name, Bit: f.bit, Partner: f.cfg.Partner, Label: f.cfg.Label, Kind: f.cfg.Kind,
		Lines: f.lines.Load(), Reports: f.reports.Load(), Conns: f.conns.Load()}
	s.State, _ = f.state.Load().(string)
	s.Err, _ = f.err.Load().(string)
	if s.Err == "" {
		s.Err, _ = f.lastErr.Load().(string)
	}
	if c, ok := f.cov.get(); ok && f.cfg.Kind == Radar {
		s.Coverage = &c
	}
	switch addr := f.src.Addr(); {
	case addr != nil:
		s.Addr = addr.String()
	case f.cfg.Kind == TCPClient:
		s.Addr = f.cfg.Address
	}
	return s
}

// runFeed runs a feed's source with what it needs of the pipeline.
func (p *Pipeline) runFeed(ctx context.Context, f *feedState) error {
	first := true
	return f.src.Run(ctx, source.Env{
		Log:   f.log,
		Now:   p.opts.Now,
		Sleep: p.opts.Sleep,
		State: func(s string) {
			f.state.Store(s)
			if s == "connecting" {
				if !first {
					f.fm.reconnects.Inc()
				}
				first = false
			}
		},
		Conns: func(d int) { f.conns.Add(int64(d)) },
		Error: func(e string) { f.lastErr.Store(e) },
		Deliver: func(d source.Delivery) error {
			if p.opts.Deliver == nil {
				return errors.New("live: this server takes no detection deliveries")
			}
			return p.opts.Deliver(f.cfg.Name, d)
		},
		Open: func() source.Lines {
			if f.cfg.Kind == Radar {
				return p.newRadarStream(f)
			}
			return p.newStream(f)
		},
	})
}

// stream frames and decodes the lines of one connection (or one UDP
// sender, or one file) with an ingest.Stream of its own, so that
// fragments of different receivers never meet, and hands the reports to
// the tracker in batches. It is the source.Lines of the feed's source.
type stream struct {
	p     *Pipeline
	f     *feedState
	in    *ingest.Stream
	msg   *nmea.Message // framed, waiting for Emit
	batch []fuse.Report
	seen  nmea.Tally // what has been counted into the metrics
}

var _ source.Lines = (*stream)(nil)

func (p *Pipeline) newStream(f *feedState) *stream {
	return &stream{p: p, f: f, in: ingest.NewStream(uint16(f.idx), nmea.Options{Location: f.cfg.Location}), batch: p.reportArray()}
}

// Frame frames one line; a message it completes waits for Emit.
func (s *stream) Frame(b []byte, long bool) (t int64, timed, ok bool) {
	s.msg = s.in.Line(b, long)
	if s.msg == nil {
		return 0, false, false
	}
	return s.msg.TimeMs, s.msg.HasTime, true
}

// Emit decodes the framed message and adds its reports to the batch.
func (s *stream) Emit(t int64) {
	if s.msg == nil {
		return
	}
	s.batch = s.in.Reports(s.batch, s.msg, t)
	s.msg = nil
	if len(s.batch) >= reportBatch {
		s.Flush()
	}
}

// Flush hands the batch to the tracker and counts the lines. It waits
// while the report queue is full (back-pressure), and does not give up
// on shutdown: the tracker drains the queue until every feed has
// stopped, so nothing decoded is lost.
func (s *stream) Flush() {
	s.account()
	if len(s.batch) == 0 {
		return
	}
	s.f.reports.Add(int64(len(s.batch)))
	s.f.fm.reports.Add(float64(len(s.batch)))
	s.p.reports <- s.batch
	s.batch = s.p.reportArray()
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

// End closes the stream: fragments still waiting are counted incomplete.
func (s *stream) End() {
	s.in.End()
	s.Flush()
}

// reportArray returns an empty batch of reports of capacity reportBatch,
// one the detect goroutine gave back if there is one.
func (p *Pipeline) reportArray() []fuse.Report {
	if b, ok := p.reportArrays.Get().(*[]fuse.Report); ok {
		return (*b)[:0]
	}
	return make([]fuse.Report, 0, reportBatch)
}

// giveReportArray gives a batch the detect goroutine has processed back
// to the feeds (its reports have been copied where they are kept).
func (p *Pipeline) giveReportArray(b []fuse.Report) {
	if cap(b) == reportBatch {
		b = b[:0]
		p.reportArrays.Put(&b)
	}
}

func (p *Pipeline) nowMs() int64 { return p.opts.Now().UnixMilli() }
