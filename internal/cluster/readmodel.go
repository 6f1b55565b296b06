package cluster

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/picket-ais/picket/internal/store"
)

// reader keeps a node's read model: it applies every output of every
// partition's owner, in the output stream's order, to the node's store,
// so that any node answers any request. It notes the last output applied
// in a file beside the store's data, and starts after it when the node
// restarts. A linked partner's releases are applied the same way, from
// the stream sourced from it (link.go).
type reader struct {
	n       *Node
	js      jetstream.JetStream // the account the stream is in
	stream  string
	file    string // where the last output applied is noted
	applied atomic.Uint64
	bits    map[string]int // local feed bits by name
	errs    atomic.Int64
}

func (r *reader) appliedFile() string { return r.file }

func (r *reader) load() {
	b, err := os.ReadFile(r.appliedFile())
	if err != nil {
		return
	}
	if v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil {
		r.applied.Store(v)
	}
}

func (r *reader) save() {
	tmp := r.appliedFile() + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatUint(r.applied.Load(), 10)+"\n"), 0o644); err == nil {
		os.Rename(tmp, r.appliedFile())
	}
}

func (r *reader) run(ctx context.Context) error {
	r.load()
	it, stop, err := readAfter(ctx, r.js, r.stream, r.applied.Load())
	if err != nil {
		return err
	}
	defer stop()
	defer r.save()
	for {
		m, err := it.Next()
		if err != nil {
			return iterErr(ctx, err)
		}
		meta, err := m.Metadata()
		if err != nil {
			return err
		}
		o, err := decodeOutput(m.Data())
		if err != nil {
			r.errs.Add(1)
			r.n.log.Warn("output not understood", "seq", meta.Sequence.Stream, "err", err)
		} else {
			r.apply(o)
		}
		r.applied.Store(meta.Sequence.Stream)
		if meta.NumPending == 0 || meta.Sequence.Stream%64 == 0 {
			r.save()
		}
		r.n.notify()
	}
}

// bitsOf maps an output's feed bits (indices into its Feeds) to the
// node's: a feed the node does not know adds nothing, so a record heard
// only by it is visible to no partner here.
func (r *reader) bitsOf(names []string, b uint64) uint64 {
	var out uint64
	for i, name := range names {
		if b&(1<<i) == 0 {
			continue
		}
		if bit, ok := r.bits[name]; ok {
			out |= 1 << bit
		}
	}
	return out
}

func (r *reader) apply(o *output) {
	st := r.n.opts.Store
	ps := o.Pos
	for i := range ps {
		ps[i].Feeds = r.bitsOf(o.Feeds, ps[i].Feeds)
	}
	for len(ps) > 0 {
		err := st.Append(ps)
		if err == nil {
			break
		}
		var pe *store.PositionError
		if errors.As(err, &pe) && pe.Index >= 0 && pe.Index < len(ps) {
			r.errs.Add(1)
			ps = slices.Delete(ps, pe.Index, pe.Index+1)
			continue
		}
		r.errs.Add(1)
		r.n.log.Warn("store append failed", "err", err)
		break
	}
	for _, id := range o.Idents {
		id.Rec.Feeds = r.bitsOf(o.Feeds, id.Rec.Feeds)
		if err := st.PutIdentity(id.MMSI, id.Rec); err != nil {
			r.errs.Add(1)
		}
	}
	var evs []Event
	for _, e := range o.Events {
		prov := store.Provenance{Feeds: r.bitsOf(o.Feeds, e.Prov.Feeds), OtherFeeds: r.bitsOf(o.Feeds, e.Prov.OtherFeeds)}
		if prov.Feeds == 0 || (e.Prov.OtherFeeds != 0 && prov.OtherFeeds == 0) {
			prov = store.Provenance{}
		}
		if err := st.PutEvent(e.Event, prov); err != nil {
			r.errs.Add(1)
		}
		evs = append(evs, Event{e.Event, prov})
	}
	if fn := r.n.opts.Applied; fn != nil {
		fn(ps, evs)
	}
}

// readAfter reads a stream in order from the message after seq (from
// its start when seq is 0) until ctx is done or stop is called.
func readAfter(ctx context.Context, js jetstream.JetStream, stream string, seq uint64) (jetstream.MessagesContext, func(), error) {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if seq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, seq+1
	}
	cons, err := js.OrderedConsumer(ctx, stream, cfg)
	if err != nil {
		return nil, nil, err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(256))
	if err != nil {
		return nil, nil, err
	}
	done := context.AfterFunc(ctx, it.Stop)
	return it, func() { done(); it.Stop() }, nil
}

// iterErr is what a reader returns when its iterator fails: nil once it
// was stopped for ctx, else the error.
func iterErr(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
		return ctx.Err()
	}
	return err
}
