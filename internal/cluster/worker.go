package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/store"
)

// worker runs the core of one partition while its node owns it: it reads
// the partition's lines from the start of the lines stream, in stream
// order, and publishes what the core makes of them to the output stream.
//
// Its output is a function of the lines alone (the core runs on the
// lines' own times, and untimed lines carry their arrival time in a
// header), so a node taking a partition over rebuilds the same state by
// reading the same lines. It publishes nothing for lines whose output the
// previous owner already published (the output stream says up to which
// line: hdrLast), and each output carries the id of its run of lines, so
// that one made twice within the streams' duplicate window is stored once.
type worker struct {
	part int
	bus  *Bus
	log  *slog.Logger
	opts ingest.Options

	core    *ingest.Core
	streams map[uint8]*ingest.Stream
	feedIdx map[string]uint8
	feeds   []string
	heard   spanLog
	said    spanLog
	scratch []fuse.Report

	resume   uint64 // the last line whose output is published
	out      output
	outFirst uint64
	outLast  uint64
	outLines int

	// fence reports whether the node's lease on the partition holds: an
	// output is published only while it does.
	fence func() bool

	processed uint64 // the last line processed, for tests and status
	onLine    func(part int, seq uint64)
}

func newWorker(part int, bus *Bus, copts ingest.Options, logger *slog.Logger) *worker {
	copts.Open = true
	return &worker{part: part, bus: bus, log: logger, opts: copts, core: ingest.NewCore(copts),
		streams: map[uint8]*ingest.Stream{}, feedIdx: map[string]uint8{}, heard: spanLog{}, said: spanLog{}}
}

// maxWorkerFeeds is how many feeds a partition tells apart; lines of
// further feeds are counted and not tracked.
const maxWorkerFeeds = 64

// outputLines bounds the messages of lines one output covers.
const outputLines = 32

// idleWait is how long an owner waits for more lines before it publishes
// the output of the last ones.
const idleWait = 100 * time.Millisecond

// run runs the partition until ctx is done or the bus fails.
func (w *worker) run(ctx context.Context) error {
	js := w.bus.js
	outS, err := js.Stream(ctx, outStream)
	if err != nil {
		return err
	}
	last, err := outS.GetLastMsgForSubject(ctx, outSubject+strconv.Itoa(w.part))
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
	case err != nil:
		return err
	default:
		if w.resume, err = strconv.ParseUint(last.Header.Get(hdrLast), 10, 64); err != nil {
			return fmt.Errorf("cluster: partition %d: output without %s", w.part, hdrLast)
		}
	}
	cons, err := js.OrderedConsumer(ctx, linesStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{linesSubject + strconv.Itoa(w.part)}, DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(512))
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	defer it.Stop()
	idle := false // the last line read was the partition's last for now
	for {
		var m jetstream.Msg
		if idle && w.outLines > 0 {
			// Wait a little for more lines before publishing what the
			// last ones made: outputs cover runs of lines, not each.
			m, err = it.Next(jetstream.NextMaxWait(idleWait))
			if errors.Is(err, nats.ErrTimeout) {
				if err := w.publish(ctx, true); err != nil {
					return err
				}
				continue
			}
		} else {
			m, err = it.Next()
		}
		if err != nil {
			return iterErr(ctx, err)
		}
		meta, err := m.Metadata()
		if err != nil {
			return err
		}
		seq := meta.Sequence.Stream
		w.line(seq, m.Headers(), m.Data())
		if seq > w.resume {
			if w.outFirst == 0 {
				w.outFirst = seq
			}
			w.outLast = seq
			w.outLines++
		}
		idle = meta.NumPending == 0
		if w.outLines >= outputLines {
			if err := w.publish(ctx, idle); err != nil {
				return err
			}
		}
		w.processed = seq
		if w.onLine != nil {
			w.onLine(w.part, seq)
		}
	}
}

// line processes one message of the lines stream.
func (w *worker) line(seq uint64, h nats.Header, data []byte) {
	keep := seq > w.resume
	if h.Get(hdrEnd) != "" {
		w.core.Close()
		w.take(keep)
		return
	}
	name := h.Get(hdrFeed)
	fi, ok := w.feedIdx[name]
	if !ok {
		if len(w.feeds) == maxWorkerFeeds {
			return
		}
		fi = uint8(len(w.feeds))
		w.feedIdx[name] = fi
		w.feeds = append(w.feeds, name)
		w.streams[fi] = ingest.NewStream(uint16(fi), nmea.Options{})
	}
	st := w.streams[fi]
	bit := uint64(1) << fi
	err := records(data, func(t int64, lines [][]byte) {
		for _, ln := range lines {
			msg := st.Line(ln, false)
			if msg == nil {
				continue
			}
			w.scratch = st.Reports(w.scratch[:0], msg, t)
			for i := range w.scratch {
				w.report(&w.scratch[i], fi, bit, keep)
			}
		}
	})
	if err != nil {
		w.log.Warn("lines message not understood", "seq", seq, "err", err)
	}
}

func (w *worker) report(r *fuse.Report, fi uint8, bit uint64, keep bool) {
	if r.Kind == fuse.Position {
		w.heard.add(r.MMSI, r.Time, fi)
	} else {
		w.said.add(r.MMSI, r.Time, fi)
	}
	switch out := w.core.Report(r); out {
	case ingest.Identity:
		if keep {
			w.identity(r, bit)
		}
	case ingest.Tracked, ingest.OutOfOrder, ingest.Redelivered:
		if keep && r.MMSI <= 999_999_999 && r.Time > 0 {
			w.out.Pos = append(w.out.Pos, store.Position{MMSI: r.MMSI, Time: r.Time, Lat: r.Lat, Lon: r.Lon, SOG: r.SOG, COG: r.COG,
				Heading: r.Heading, Status: r.Status, Feeds: bit})
		}
	}
	w.take(keep)
}

// take takes the core's emissions into the output, with their
// provenance.
func (w *worker) take(keep bool) {
	for _, em := range w.core.TakeEvents() {
		if !keep {
			continue
		}
		e := em.Event
		prov := store.Provenance{Feeds: w.inputFeeds(e.MMSI, &e)}
		if other := cmp.Or(e.OtherMMSI, e.PreviousMMSI()); other != 0 {
			prov.OtherFeeds = w.inputFeeds(other, &e)
			if prov.OtherFeeds == 0 {
				prov = store.Provenance{} // an input of unknown feed: nobody's
			}
		}
		w.out.Events = append(w.out.Events, outEvent{Event: e, Prov: prov})
	}
}

// inputFeeds is the feeds that heard mmsi while e happened (package
// live's rule, over the partition's own log).
func (w *worker) inputFeeds(mmsi uint32, e *event.Event) uint64 {
	from, to := e.Start.UnixMilli(), e.End.UnixMilli()
	if e.FromIdentities() {
		if f := w.said.feeds(mmsi, from, to); f != 0 {
			return f
		}
		if f := w.said.feeds(mmsi, 0, to); f != 0 {
			return f
		}
	}
	f := w.heard.feeds(mmsi, from, to)
	for _, x := range e.Evidence {
		if x.MMSI == mmsi || (x.MMSI == 0 && mmsi == e.MMSI) {
			t := x.Time.UnixMilli()
			f |= w.heard.feeds(mmsi, t, t)
		}
	}
	return f
}

// identity adds the identity fields a static report carries.
func (w *worker) identity(r *fuse.Report, bit uint64) {
	add := func(field, value string) {
		if value == "" {
			return
		}
		// One record per vessel, field, value and feed in an output.
		for i := range w.out.Idents {
			id := &w.out.Idents[i]
			if id.MMSI == r.MMSI && id.Rec.Field == field && id.Rec.Value == value && id.Rec.Feeds == bit {
				id.Rec.First, id.Rec.Last = min(id.Rec.First, r.Time), max(id.Rec.Last, r.Time)
				return
			}
		}
		w.out.Idents = append(w.out.Idents, ident{r.MMSI, store.IdentityRecord{Field: field, Value: value, First: r.Time, Last: r.Time, Feeds: bit}})
	}
	store.StatedIdentity(r, add)
}

// publish sends the output gathered since the last one, under the id of
// the run of lines it covers, and waits for the stream to store it. An
// empty output is sent only when the partition is idle (all its lines
// read), so that the output stream says how far its owner has come.
func (w *worker) publish(ctx context.Context, idle bool) error {
	defer func() {
		w.out = output{}
		w.outFirst, w.outLast, w.outLines = 0, 0, 0
	}()
	if w.out.empty() && !idle {
		return nil
	}
	w.out.Feeds = w.feeds
	b, err := w.out.encode()
	if err != nil {
		return err
	}
	m := nats.NewMsg(outSubject + strconv.Itoa(w.part))
	m.Data = b
	m.Header.Set(hdrLast, strconv.FormatUint(w.outLast, 10))
	m.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("p%d-%d-%d", w.part, w.outFirst, w.outLast))
	var ready func(context.Context) error
	if w.fence != nil {
		ready = func(ctx context.Context) error {
			for !w.fence() {
				// The lease is being renewed, or lost: then ctx is cancelled.
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(20 * time.Millisecond):
				}
			}
			return nil
		}
	}
	err = publishStored(ctx, w.bus.js, m, ready, func(err error) {
		w.log.Warn("output not stored, retrying", "partition", w.part, "err", err)
	})
	if err == nil {
		w.resume = w.outLast
	}
	return err
}
