package cluster

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// Feed is a feed a node runs: its lines go to the cluster's lines stream.
type Feed struct {
	Source source.Config
	// Nmea configures framing (the time zone of local log stamps).
	Nmea nmea.Options
}

// FeedCounts is what a node's feed has done.
type FeedCounts struct {
	// Lines read; Published lines were sent to the lines stream in
	// messages, Acked ones stored by it (replicated); Failed ones were
	// refused after retries. Unrouted lines framed into nothing with a
	// vessel in it (bad, incomplete, a base station, ...): they are
	// counted by reason in Tally and not sent.
	Lines, Published, Acked, Failed, Unrouted int64
	// AckedMessages is the messages of the lines stream acknowledged;
	// Retried messages were refused at first (a stream's leader lost)
	// and published again, after those published meanwhile.
	AckedMessages, Retried int64
	Tally                  nmea.Tally
}

// feedRun is one running feed.
type feedRun struct {
	f   Feed
	bus *Bus
	n   int // partitions
	log *slog.Logger

	lines, published, acked, failed, unrouted atomic.Int64
	ackedMsgs, retried                        atomic.Int64
	tallyMu                                   sync.Mutex
	tally                                     nmea.Tally
}

// runFeed runs a feed until ctx is done (or its source ends).
func (b *Bus) runFeed(ctx context.Context, f Feed, logger *slog.Logger) (*feedRun, func() error, error) {
	src, err := source.New(f.Source)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: feed %q: %w", f.Source.Name, err)
	}
	fr := &feedRun{f: f, bus: b, n: b.opts.Partitions, log: logger}
	run := func() error {
		defer src.Close()
		return src.Run(ctx, source.Env{
			Log: logger, Now: time.Now,
			Sleep: func(ctx context.Context, d time.Duration) error {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(d):
					return nil
				}
			},
			State: func(string) {}, Conns: func(int) {}, Error: func(string) {},
			Open: func() source.Lines { return fr.newLines() },
		})
	}
	return fr, run, nil
}

func (fr *feedRun) counts() FeedCounts {
	c := FeedCounts{Lines: fr.lines.Load(), Published: fr.published.Load(), Acked: fr.acked.Load(),
		Failed: fr.failed.Load(), Unrouted: fr.unrouted.Load(), AckedMessages: fr.ackedMsgs.Load(), Retried: fr.retried.Load()}
	fr.tallyMu.Lock()
	c.Tally = fr.tally
	c.Tally.Notes = nil
	fr.tallyMu.Unlock()
	return c
}

// maxPending is how many published messages a stream of lines may have
// awaiting their acknowledgement.
const maxPending = 1024

// lineStream frames one connection's (or file's) lines to find each
// message's vessel, and publishes the raw lines of the message to the
// vessel's partition.
type lineStream struct {
	fr      *feedRun
	in      *ingest.Stream
	msg     *nmea.Message
	buf     [][]byte // the raw lines since the last message published
	scratch []fuse.Report
	pending []pending
	seen    nmea.Tally
	batch   []partBatch // by partition: records not yet published
}

// partBatch is a partition's records waiting to be published together.
type partBatch struct {
	data    []byte
	lines   int64
	records int
}

// A partition's records go in one message once there are this many, or
// this many bytes, or the source flushes.
const (
	batchRecords = 64
	batchBytes   = 32 << 10
)

type pending struct {
	fut   jetstream.PubAckFuture
	msg   *nats.Msg
	lines int64
}

func (fr *feedRun) newLines() *lineStream {
	return &lineStream{fr: fr, in: ingest.NewStream(0, fr.f.Nmea), batch: make([]partBatch, fr.n)}
}

// maxBuffered bounds the lines kept while no message completes (comments,
// garbage): the oldest go, counted by the parser all the same.
const maxBuffered = 16

func (s *lineStream) Frame(b []byte, long bool) (int64, bool, bool) {
	s.fr.lines.Add(1)
	if len(s.buf) == maxBuffered {
		s.fr.unrouted.Add(1)
		copy(s.buf, s.buf[1:])
		s.buf = s.buf[:maxBuffered-1]
	}
	s.buf = append(s.buf, bytes.Clone(b))
	s.msg = s.in.Line(b, long)
	if s.msg == nil {
		return 0, false, false
	}
	return s.msg.TimeMs, s.msg.HasTime, true
}

// Emit decodes the framed message for its vessel and publishes its lines
// with the feed's name and t.
func (s *lineStream) Emit(t int64) {
	if s.msg == nil {
		return
	}
	s.scratch = s.in.Reports(s.scratch[:0], s.msg, t)
	s.msg = nil
	lines := s.buf
	s.buf = s.buf[:0]
	if len(s.scratch) == 0 {
		s.fr.unrouted.Add(int64(len(lines)))
		return
	}
	p := ingest.Partition(s.scratch[0].MMSI, s.fr.n)
	pb := &s.batch[p]
	pb.data = appendRecord(pb.data, t, lines)
	pb.lines += int64(len(lines))
	pb.records++
	if pb.records >= batchRecords || len(pb.data) >= batchBytes {
		s.send(p)
	}
}

// send publishes partition p's waiting records in one message.
func (s *lineStream) send(p int) {
	pb := &s.batch[p]
	if pb.records == 0 {
		return
	}
	m := nats.NewMsg(linesSubject + strconv.Itoa(p))
	m.Data = pb.data
	m.Header.Set(hdrFeed, s.fr.f.Source.Name)
	m.Header.Set(jetstream.MsgIDHeader, nuid.Next())
	s.publish(m, pb.lines)
	*pb = partBatch{}
}

func (s *lineStream) publish(m *nats.Msg, lines int64) {
	if len(s.pending) >= maxPending {
		s.settle()
	}
	fut, err := s.fr.bus.js.PublishMsgAsync(m)
	if err != nil {
		s.retry(m, lines, false)
		return
	}
	s.fr.published.Add(lines)
	s.pending = append(s.pending, pending{fut, m, lines})
}

// settle waits for every pending acknowledgement, publishing again (under
// the same message id, so that the stream keeps one copy) what failed.
func (s *lineStream) settle() {
	for _, p := range s.pending {
		select {
		case <-p.fut.Ok():
			s.fr.acked.Add(p.lines)
			s.fr.ackedMsgs.Add(1)
		case <-p.fut.Err():
			s.retry(p.msg, p.lines, true)
		}
	}
	s.pending = s.pending[:0]
}

// retry publishes m synchronously until it is stored, for up to a
// minute (a stream's leader lost with its node is elected again within
// seconds); then its lines are counted failed.
func (s *lineStream) retry(m *nats.Msg, lines int64, counted bool) {
	s.fr.retried.Add(1)
	if !counted {
		s.fr.published.Add(lines)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := s.fr.bus.js.PublishMsg(ctx, m)
		cancel()
		if err == nil {
			s.fr.acked.Add(lines)
			s.fr.ackedMsgs.Add(1)
			return
		}
		if time.Now().After(deadline) || s.fr.bus.nc.IsClosed() {
			s.fr.failed.Add(lines)
			s.fr.log.Warn("lines not stored", "lines", lines, "err", err)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Flush waits for the acknowledgements of what was published: a source
// flushes before it reads on from a quiet input, so every line it handed
// over is either stored or counted failed.
func (s *lineStream) Flush() {
	for p := range s.batch {
		s.send(p)
	}
	s.settle()
	t := s.in.Tally()
	s.fr.tallyMu.Lock()
	s.fr.tally.Lines += t.Lines - s.seen.Lines
	for r := range t.ByReason {
		s.fr.tally.ByReason[r] += t.ByReason[r] - s.seen.ByReason[r]
	}
	s.fr.tallyMu.Unlock()
	s.seen.Lines, s.seen.ByReason = t.Lines, t.ByReason
}

func (s *lineStream) End() {
	s.in.End()
	s.fr.unrouted.Add(int64(len(s.buf)))
	s.buf = nil
	s.Flush()
}
