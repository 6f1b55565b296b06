package server

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/store"
)

// A partial view's picture is built from its visible events alone
// (pictureFor): its profiles know no fixes, no station class and no
// dimensions, their seen window is the span of the events, and its
// network members have no names. What the view may see of the vessel,
// its visible positions and identity records, says those, so that a
// partner is not shown "0 fixes" above a track of thousands.

// partialProfile returns a copy of p (from a partial view's picture)
// with the fixes, the seen window, the class and the dimensions taken
// from what the view may see: recs are the vessel's visible identity
// records.
func (s *Server) partialProfile(v *view, p *profile.Profile, recs []store.IdentityRecord) (*profile.Profile, error) {
	cp := *p
	n, first, last := 0, int64(0), int64(0)
	err := s.scope(v).Track(p.MMSI, math.MinInt64, math.MaxInt64, func(pos store.Position) bool {
		if n == 0 {
			first = pos.Time
		}
		n, last = n+1, pos.Time
		return true
	})
	if err != nil {
		return nil, err
	}
	cp.Positions = n
	if n > 0 {
		cp.FirstSeen, cp.LastSeen = time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
	}
	id := currentIdentity(recs)
	if c, ok := id[store.FieldClass]; ok {
		cp.Class = c
	}
	if d, ok := id[store.FieldDimensions]; ok {
		if l, b, ok := parseDimensions(d); ok {
			ident := profile.Identity{}
			if cp.Identity != nil {
				ident = *cp.Identity
			}
			ident.Length, ident.Beam = l, b
			cp.Identity = &ident
		}
	}
	if cp.Name == "" {
		cp.Name = id[event.FieldName]
	}
	return &cp, nil
}

// parseDimensions reads a store.FieldDimensions value, "183x32".
func parseDimensions(s string) (length, beam uint16, ok bool) {
	l, b, found := strings.Cut(s, "x")
	if !found {
		return 0, 0, false
	}
	ln, err1 := strconv.ParseUint(l, 10, 16)
	bn, err2 := strconv.ParseUint(b, 10, 16)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uint16(ln), uint16(bn), true
}

// namedNetworks returns copies of nets (from a partial view's picture,
// whose members have no names) with each member's name and IMO number
// the ones the view heard last.
func (s *Server) namedNetworks(v *view, nets []network.Network) ([]network.Network, error) {
	out := make([]network.Network, len(nets))
	for i, n := range nets {
		n.Members = append([]network.Member(nil), n.Members...)
		for j := range n.Members {
			m := &n.Members[j]
			if m.Name != "" {
				continue
			}
			recs, err := s.scope(v).Identities(m.MMSI)
			if err != nil {
				return nil, err
			}
			id := currentIdentity(recs)
			m.Name = id[event.FieldName]
			if m.IMO == "" {
				m.IMO = id[event.FieldIMO]
			}
		}
		out[i] = n
	}
	return out, nil
}
