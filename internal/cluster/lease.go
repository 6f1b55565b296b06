package cluster

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Ownership of the partitions is a lease in the owners bucket, a
// JetStream key-value bucket replicated like the streams: key part.<p>
// holds the owner's name, and the bucket's TTL (Options.Lease) drops a
// lease its owner stops renewing. Each node also keeps a heartbeat,
// node.<name>, under the same TTL, so that every node knows how many are
// alive and takes its fair share: ceil(partitions / nodes alive). A node
// owning more than that gives one partition back per round (its worker
// stops, then it deletes the lease), so that a node joining or coming
// back gets work; a node owning fewer takes free partitions, trying them
// from a place that depends on its name so that nodes do not all reach
// for the same one.

// partKey and nodeKey are the bucket's keys.
func partKey(p int) string       { return "part." + strconv.Itoa(p) }
func nodeKey(name string) string { return "node." + name }

type owned struct {
	rev    uint64
	cancel context.CancelFunc
	done   chan struct{}
	// until is when the lease may have lapsed at the earliest (Unix ns):
	// the time its last renewal was sent, plus the lease. The worker
	// publishes nothing after it (fencing: a node cut off from the
	// bucket stops before another node can take its partitions).
	until atomic.Int64
}

// valid reports whether the lease still holds, with a margin of a tenth
// of it for clocks and delays.
func (ow *owned) valid(lease time.Duration) bool {
	return time.Now().UnixNano() < ow.until.Load()-int64(lease/10)
}

// leaseLoop keeps the node's leases until ctx is done.
func (n *Node) leaseLoop(ctx context.Context) {
	every := n.opts.Cluster.Lease / 3
	tick := time.NewTicker(every)
	defer tick.Stop()
	start := time.Now()
	for {
		n.leaseRound(ctx, time.Since(start) >= n.opts.Cluster.Lease)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// leaseRound renews what the node owns, then gives back or takes
// partitions towards its fair share; take is false for a node just
// started, until the heartbeats of its peers have been seen.
func (n *Node) leaseRound(ctx context.Context, take bool) {
	o := n.opts.Cluster
	rctx, cancel := context.WithTimeout(ctx, o.Lease/2)
	defer cancel()
	kv := n.kv
	sent := time.Now()
	for p, ow := range n.owned {
		select {
		case <-ow.done: // the worker failed: start over
			n.stopWorker(p, true)
			continue
		default:
		}
		rev, err := kv.Update(rctx, partKey(p), []byte(o.Name), ow.rev)
		if err != nil {
			n.log.Warn("partition lease lost", "partition", p, "err", err)
			n.stopWorker(p, false)
			continue
		}
		ow.rev = rev
		ow.until.Store(sent.Add(o.Lease).UnixNano())
	}
	if _, err := kv.Put(rctx, nodeKey(o.Name), []byte(time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
		n.log.Warn("heartbeat not stored", "err", err)
	}
	keys, err := kv.Keys(rctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		return
	}
	alive := 0
	taken := map[int]bool{}
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "node."):
			alive++
		case strings.HasPrefix(k, "part."):
			if p, err := strconv.Atoi(k[5:]); err == nil {
				taken[p] = true
			}
		}
	}
	alive = max(alive, 1)
	share := (o.Partitions + alive - 1) / alive
	if len(n.owned) > share {
		for p := range n.owned {
			n.stopWorker(p, true)
			break
		}
		return
	}
	if !take {
		return
	}
	h := fnv.New32a()
	h.Write([]byte(o.Name))
	first := int(h.Sum32() % uint32(o.Partitions))
	for i := 0; i < o.Partitions && len(n.owned) < share; i++ {
		p := (first + i) % o.Partitions
		if taken[p] {
			continue
		}
		sent := time.Now()
		rev, err := kv.Create(rctx, partKey(p), []byte(o.Name))
		if err != nil {
			continue // another node was first
		}
		n.startWorker(ctx, p, rev, sent.Add(o.Lease))
	}
}

// startWorker runs partition p's worker under the lease of revision rev.
func (n *Node) startWorker(ctx context.Context, p int, rev uint64, until time.Time) {
	wctx, cancel := context.WithCancel(ctx)
	ow := &owned{rev: rev, cancel: cancel, done: make(chan struct{})}
	ow.until.Store(until.UnixNano())
	n.mu.Lock()
	n.owned[p] = ow
	n.mu.Unlock()
	w := newWorker(p, n.bus, n.opts.Core, n.log.With("partition", p))
	w.onLine = n.opts.onLine
	w.fence = func() bool { return ow.valid(n.opts.Cluster.Lease) }
	n.log.Info("partition taken", "partition", p)
	go func() {
		defer close(ow.done)
		if err := w.run(wctx); err != nil && wctx.Err() == nil {
			n.log.Error("partition worker failed", "partition", p, "err", err)
			// The lease lapses: another node, or this one, starts over.
		}
	}()
}

// stopWorker stops partition p's worker; release gives the lease back
// (a node leaving, or owning more than its share).
func (n *Node) stopWorker(p int, release bool) {
	ow := n.owned[p]
	ow.cancel()
	<-ow.done
	n.mu.Lock()
	delete(n.owned, p)
	n.mu.Unlock()
	if release {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := n.kv.Delete(ctx, partKey(p), jetstream.LastRevision(ow.rev)); err != nil {
			n.log.Warn("partition lease not given back", "partition", p, "err", err)
		}
	}
	n.log.Info("partition left", "partition", p, "released", release)
}
