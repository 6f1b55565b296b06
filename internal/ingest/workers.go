package ingest

import (
	"context"
	"runtime/pprof"
	"strconv"
	"sync"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/fuse"
)

// roundSize is how many reports the caller's goroutine hands out at once:
// enough that handing over costs nothing per report, few enough to keep
// every goroutine busy.
const roundSize = 4096

// roundsInFlight is how many rounds may be on their way through the
// shards and the pair side: how far the caller may run ahead.
const roundsInFlight = 4

// round is a run of reports, in the order given, split by shard.
type round struct {
	in    [][]fuse.Report    // by shard: its reports, in order
	out   [][]detect.PairFix // by shard: what it made of each, for the pair side
	route []uint16           // the shard of each report, in the order given
	wg    sync.WaitGroup     // the shards done with the round
}

// workers runs a core on several goroutines: one per shard, each
// tracking its vessels and running their detectors; one for the pair
// side, which takes what the shards made of each report in the order the
// reports were given, round after round, and so sees exactly what a run
// on one goroutine would have shown it; and one per owner of encounter
// pairs by cell (detect.Pairs.SplitEncounters), to which the pair side
// routes, after each round, what the round's fixes mean for its pairs. An
// owner's goroutine starts with its first batch: where no two vessels
// come close (a handful of vessels, a fleet spread over the ocean) none
// starts.
type workers struct {
	c         *Core
	cur       *round
	shardIn   []chan *round
	pairIn    chan *round
	free      chan *round
	ownerOf   []*detect.EncounterOwner
	ownerIn   []chan *detect.EncounterBatch // nil until the owner's goroutine starts
	ownerDone []chan *detect.EncounterBatch // batches taken, empty, for the pair side to fill again
	spare     []*detect.EncounterBatch      // scratch
	owners    sync.WaitGroup
	done      chan struct{}
}

func startWorkers(c *Core) *workers {
	n := len(c.shards)
	w := &workers{c: c, pairIn: make(chan *round, roundsInFlight), free: make(chan *round, roundsInFlight), done: make(chan struct{})}
	for range roundsInFlight {
		w.free <- &round{in: make([][]fuse.Report, n), out: make([][]detect.PairFix, n), route: make([]uint16, 0, roundSize)}
	}
	for i := range n {
		ch := make(chan *round, roundsInFlight)
		w.shardIn = append(w.shardIn, ch)
		go w.shard(c.shards[i], i, ch)
	}
	w.ownerOf = c.pairs.SplitEncounters(n)
	w.ownerIn = make([]chan *detect.EncounterBatch, n)
	for range n {
		w.ownerDone = append(w.ownerDone, make(chan *detect.EncounterBatch, roundsInFlight))
	}
	w.spare = make([]*detect.EncounterBatch, n)
	go w.pair()
	w.cur = <-w.free
	return w
}

// hand gives r to its vessel's shard.
func (w *workers) hand(r *fuse.Report) {
	i := Partition(r.MMSI, len(w.shardIn))
	w.cur.in[i] = append(w.cur.in[i], *r)
	w.cur.route = append(w.cur.route, uint16(i))
	if len(w.cur.route) == roundSize {
		w.send()
		w.cur = <-w.free
	}
}

func (w *workers) send() {
	r := w.cur
	r.wg.Add(len(w.shardIn))
	for _, ch := range w.shardIn {
		ch <- r
	}
	w.pairIn <- r
}

func (w *workers) shard(s *shard, i int, in chan *round) {
	// A CPU profile tells the goroutines' shares apart by this label.
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("core", "shard "+strconv.Itoa(i))))
	for r := range in {
		rs := r.in[i]
		out := r.out[i]
		if cap(out) < len(rs) {
			out = make([]detect.PairFix, len(rs))
		}
		out = out[:len(rs)]
		for j := range rs {
			s.report(&rs[j], &out[j])
		}
		r.out[i] = out
		r.wg.Done()
	}
}

// owner runs one owner of encounter pairs on its batches, in order.
func (w *workers) owner(o *detect.EncounterOwner, i int, in chan *detect.EncounterBatch) {
	defer w.owners.Done()
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("core", "encounter owner "+strconv.Itoa(i))))
	for b := range in {
		o.Take(b)
		select {
		case w.ownerDone[i] <- b:
		default: // the pair side has enough spares
		}
	}
}

func (w *workers) pair() {
	defer close(w.done)
	defer w.owners.Wait()
	defer func() {
		for _, ch := range w.ownerIn {
			if ch != nil {
				close(ch)
			}
		}
	}()
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("core", "pairs")))
	next := make([]int, len(w.shardIn))
	for r := range w.pairIn {
		r.wg.Wait()
		clear(next)
		for _, i := range r.route {
			w.c.take(&r.out[i][next[i]])
			next[i]++
		}
		for i := range r.in {
			clear(r.in[i]) // let go of what the reports and copies point to
			clear(r.out[i])
			r.in[i], r.out[i] = r.in[i][:0], r.out[i][:0]
		}
		r.route = r.route[:0]
		w.free <- r
		for i, ch := range w.ownerDone {
			if w.spare[i] != nil {
				continue // not taken by the last Routed
			}
			select {
			case w.spare[i] = <-ch:
			default:
			}
		}
		for i, b := range w.c.pairs.Routed(w.spare) {
			if b == nil {
				continue
			}
			if w.ownerIn[i] == nil {
				w.ownerIn[i] = make(chan *detect.EncounterBatch, roundsInFlight)
				w.owners.Add(1)
				go w.owner(w.ownerOf[i], i, w.ownerIn[i])
			}
			w.ownerIn[i] <- b
		}
	}
}

// stop hands out what is left and waits for every report to have gone
// through the shards and the pair side.
func (w *workers) stop() {
	if len(w.cur.route) > 0 {
		w.send()
	}
	for _, ch := range w.shardIn {
		close(ch)
	}
	close(w.pairIn)
	<-w.done
}
