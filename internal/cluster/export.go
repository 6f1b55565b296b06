package cluster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// releasable cuts an output down to what a partner cleared for the feeds
// cleared says yes to may see (docs/security.md): a position or an
// identity heard by several feeds is kept with the cleared ones alone
// (rule 1), an event only when the partner is cleared for a feed of each
// of its inputs, with those feeds alone (rule 2). The feeds the partner
// is not cleared for are not named in what is left. It returns nil when
// nothing is left.
func releasable(o *output, cleared func(feed string) bool) *output {
	var keep uint64
	remap := make([]uint64, len(o.Feeds))
	r := &output{}
	for i, name := range o.Feeds {
		if i < 64 && cleared(name) {
			keep |= 1 << i
			remap[i] = 1 << len(r.Feeds)
			r.Feeds = append(r.Feeds, name)
		}
	}
	if keep == 0 {
		return nil
	}
	bits := func(b uint64) uint64 {
		var out uint64
		for i := range remap {
			if b&keep&(1<<i) != 0 {
				out |= remap[i]
			}
		}
		return out
	}
	for _, p := range o.Pos {
		if p.Feeds&keep != 0 {
			p.Feeds = bits(p.Feeds)
			r.Pos = append(r.Pos, p)
		}
	}
	for _, id := range o.Idents {
		if id.Rec.Feeds&keep != 0 {
			id.Rec.Feeds = bits(id.Rec.Feeds)
			r.Idents = append(r.Idents, id)
		}
	}
	for _, e := range o.Events {
		if e.Prov.Feeds&keep == 0 || (e.Prov.OtherFeeds != 0 && e.Prov.OtherFeeds&keep == 0) {
			continue
		}
		e.Prov.Feeds, e.Prov.OtherFeeds = bits(e.Prov.Feeds), bits(e.Prov.OtherFeeds)
		r.Events = append(r.Events, e)
	}
	if r.empty() {
		return nil
	}
	return r
}

// exportLoop releases the cluster's outputs to a linked partner while
// this node owns partition 0 (one node of the cluster does it; should
// two overlap while the lease moves, the release stream keeps one copy
// of each, by its id).
//
// Each round it also makes the link's two streams again should they be
// missing: the linked partner reaches the JetStream API of its account
// here and may have deleted them.
func (n *Node) exportLoop(ctx context.Context, fl *fedLink) {
	rel, in := fl.streams(n.opts.Cluster)
	for ctx.Err() == nil {
		if err := tryEnsure(ctx, fl.js, rel, in); err != nil && ctx.Err() == nil {
			n.log.Warn("partner's streams not there", "partner", fl.Partner, "err", err)
		}
		if n.owns(0) {
			if err := n.export(ctx, fl); err != nil && ctx.Err() == nil {
				n.log.Warn("release to partner interrupted, resuming", "partner", fl.Partner, "err", err)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(n.opts.Cluster.Lease / 3):
		}
	}
}

func (n *Node) owns(p int) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	_, ok := n.owned[p]
	return ok
}

// export reads the output stream from after the last output released to
// the partner (the release stream's last message says which) and
// releases each, cut down to what the partner may see, under the id of
// its output: one released twice is stored once.
func (n *Node) export(ctx context.Context, fl *fedLink) error {
	subj := relSubjectOf(fl.self)
	rel, err := fl.js.Stream(ctx, relStream)
	if err != nil {
		return err
	}
	var from uint64
	last, err := rel.GetLastMsgForSubject(ctx, subj)
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
	case err != nil:
		return err
	default:
		if from, err = strconv.ParseUint(last.Header.Get(hdrOut), 10, 64); err != nil {
			return fmt.Errorf("release stream: message %d without %s", last.Sequence, hdrOut)
		}
	}
	fl.exported.Store(max(fl.exported.Load(), from))
	it, stop, err := readAfter(ctx, n.bus.js, outStream, from)
	if err != nil {
		return err
	}
	defer stop()
	for {
		m, err := it.Next(jetstream.NextMaxWait(n.opts.Cluster.Lease / 3))
		if errors.Is(err, nats.ErrTimeout) {
			if !n.owns(0) {
				return nil
			}
			if _, err := fl.js.Stream(ctx, relStream); errors.Is(err, jetstream.ErrStreamNotFound) {
				return err // made again by the loop, and released again from the start
			}
			continue
		}
		if err != nil {
			return iterErr(ctx, err)
		}
		meta, err := m.Metadata()
		if err != nil {
			return err
		}
		seq := meta.Sequence.Stream
		o, err := decodeOutput(m.Data())
		if err != nil {
			n.log.Warn("output not understood, not released", "seq", seq, "err", err)
			fl.exported.Store(seq)
			continue
		}
		cleared := n.opts.Releases(fl.Partner)
		if r := releasable(o, func(feed string) bool { return cleared[feed] }); r != nil {
			if err := n.release(ctx, fl, seq, r); err != nil {
				return err
			}
		}
		fl.exported.Store(seq)
	}
}

// release publishes one released output to the partner's release stream
// and waits until it is stored.
func (n *Node) release(ctx context.Context, fl *fedLink, seq uint64, r *output) error {
	b, err := r.encode()
	if err != nil {
		return err
	}
	m := nats.NewMsg(relSubjectOf(fl.self))
	m.Data = b
	m.Header.Set(hdrOut, strconv.FormatUint(seq, 10))
	m.Header.Set(jetstream.MsgIDHeader, "o"+strconv.FormatUint(seq, 10))
	err = publishStored(ctx, fl.js, m, nil, func(err error) {
		n.log.Warn("release not stored, retrying", "partner", fl.Partner, "err", err)
	})
	if err == nil {
		fl.released.Add(1)
	}
	return err
}
