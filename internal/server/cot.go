package server

import (
	"context"
	"sync"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/cot"
)

// cotReleasability gives the CoT streams their partner's clearance and
// the marking of what they send, as the API gives a user of that partner.
type cotReleasability struct{ s *Server }

func (r cotReleasability) Clearance(partner string) uint64 { return r.s.clearanceOf(partner) }

func (r cotReleasability) Marking(partner string, feeds ...uint64) string {
	v := openView
	if r.s.opts.Access != nil {
		v = r.s.viewFor(access.Principal{Partner: partner})
	}
	records := map[uint64]bool{}
	for _, f := range feeds {
		if f != 0 {
			records[f] = true
		}
	}
	return r.s.marking(v, records).Text
}

// runCoT runs the configured CoT streams until ctx ends.
func (s *Server) runCoT(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, o := range s.opts.CoT {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cot.Run(ctx, s.live.Hub(), cotReleasability{s}, o, s.log); err != nil {
				s.log.Error("cot stream not started", "cot", o.Name, "err", err)
			}
		}()
	}
	return wg.Wait
}
