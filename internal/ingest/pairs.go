package ingest

import (
	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/track"
)

// pairBatch is how many positions travel to the pair side at once: few
// enough to keep it busy, many enough that the hand-over costs nothing
// per position.
const pairBatch = 1024

// pairBatches is how many batches are in flight: the core runs at most
// that far ahead of the pair side.
const pairBatches = 4

// pairRunner runs the detector engine's pair side (detect.Pairs: gaps
// with the coverage and reception they are judged on, encounters, dark
// rendezvous) on a goroutine of its own, fed the copies the vessel side
// makes of each position (detect.PairFix) in the order it made them. The
// pair side sees exactly what it would have seen inline, so the events
// are the same.
type pairRunner struct {
	pairs *detect.Pairs
	batch []detect.PairFix
	in    chan []detect.PairFix
	free  chan []detect.PairFix
	done  chan struct{}
}

func startPairs(p *detect.Pairs) *pairRunner {
	r := &pairRunner{pairs: p, in: make(chan []detect.PairFix, pairBatches), free: make(chan []detect.PairFix, pairBatches), done: make(chan struct{})}
	for range pairBatches {
		r.free <- make([]detect.PairFix, 0, pairBatch)
	}
	r.batch = <-r.free
	go r.run()
	return r
}

func (r *pairRunner) run() {
	defer close(r.done)
	for b := range r.in {
		for i := range b {
			r.pairs.Position(&b[i])
		}
		clear(b) // let go of the segments and vessels they point to
		r.free <- b[:0]
	}
}

// position runs the vessel side on u and hands the pair side its copy.
func (r *pairRunner) position(eng *detect.Engine, u *track.Update) {
	r.batch = r.batch[:len(r.batch)+1]
	eng.PositionVessel(u, &r.batch[len(r.batch)-1])
	if len(r.batch) == cap(r.batch) {
		r.in <- r.batch
		r.batch = <-r.free
	}
}

// stop hands over what is left and waits for the pair side to take it
// all in: the pair side is then the caller's again.
func (r *pairRunner) stop() {
	if len(r.batch) > 0 {
		r.in <- r.batch
	}
	close(r.in)
	<-r.done
}
