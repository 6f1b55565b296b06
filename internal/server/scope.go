package server

import (
	"context"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/store"
)

// scope is the store as one request's view may read it. Every read a
// handler makes goes through it, and each read applies the view's
// clearance: a handler cannot forget it (TestHandlersReadThroughScope
// fails for one that reads the store itself). Only the operator's views
// (/healthz, which needs an admin cleared for every feed for its
// details) read the store whole.
type scope struct {
	st *store.Store
	v  *view
}

// scope returns the store as v may read it.
func (s *Server) scope(v *view) scope { return scope{st: s.st, v: v} }

// Events calls fn with the events f selects that the view may see.
func (sc scope) Events(f store.EventFilter, fn func(e event.Event) bool) error {
	f.Clearance = sc.v.storeClearance()
	return sc.st.Events(f, func(e event.Event, _ store.Provenance) bool {
		sc.redactCandidates(&e)
		return fn(e)
	})
}

// EventsProv is Events with each event's provenance, for what must say
// which feeds its content rests on (an evidence package's marking).
func (sc scope) EventsProv(f store.EventFilter, fn func(e event.Event, p store.Provenance) bool) error {
	f.Clearance = sc.v.storeClearance()
	return sc.st.Events(f, func(e event.Event, p store.Provenance) bool {
		sc.redactCandidates(&e)
		return fn(e, p)
	})
}

// Latest calls fn with each vessel's latest position the view may see,
// inside b and no older than since (Unix ms).
func (sc scope) Latest(b store.BBox, since int64, fn func(store.Position) bool) error {
	return sc.st.LatestFor(b, since, sc.v.storeClearance(), fn)
}

// LatestOf returns the latest position of mmsi the view may see.
func (sc scope) LatestOf(mmsi uint32) (store.Position, bool) {
	return sc.st.LatestOf(mmsi, sc.v.storeClearance())
}

// Track calls fn with the positions of mmsi in [from, to] (Unix ms) the
// view may see, in time order. A vessel the view sees no position of is
// answered without reading its positions: the time taken must not tell a
// hidden vessel from an unknown one.
func (sc scope) Track(mmsi uint32, from, to int64, fn func(store.Position) bool) error {
	if _, ok := sc.LatestOf(mmsi); !ok {
		return nil
	}
	return sc.st.Track(mmsi, from, to, func(p store.Position) bool {
		if !sc.v.seesPos(p.Feeds) {
			return true
		}
		return fn(p)
	})
}

// Identities returns the identity records of mmsi the view may see, one
// per field and value (visibleIdentity).
func (sc scope) Identities(mmsi uint32) ([]store.IdentityRecord, error) {
	recs, err := sc.st.Identities(mmsi)
	if err != nil {
		return nil, err
	}
	return visibleIdentity(sc.v, recs), nil
}

// Newest returns the time of the newest position the view may see (Unix
// ms; 0 when none): the view's "now".
func (sc scope) Newest() (int64, error) {
	if sc.v.full {
		return sc.st.Stats().Watermark, nil
	}
	var newest int64
	err := sc.Latest(world, 0, func(p store.Position) bool {
		newest = max(newest, p.Time)
		return true
	})
	return newest, err
}

// Positions calls fn with every position in [from, to) (Unix ms) inside
// b that the view may see, vessel by vessel in MMSI order and each
// vessel's in time order, until fn returns false. Only vessels whose
// latest position the view sees is at or after from are read: a vessel
// with a visible position in the window has one.
func (sc scope) Positions(ctx context.Context, b store.BBox, from, to int64, fn func(store.Position) bool) error {
	var mmsis []uint32
	if err := sc.Latest(world, from, func(p store.Position) bool {
		mmsis = append(mmsis, p.MMSI)
		return true
	}); err != nil {
		return err
	}
	// A batch at a time, so that a client gone is noticed.
	const batch = 256
	stop := false
	for len(mmsis) > 0 && !stop {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(batch, len(mmsis))
		err := sc.st.Tracks(mmsis[:n], from, to, func(p store.Position) bool {
			if !sc.v.seesPos(p.Feeds) || !b.Contains(p.Lat, p.Lon) {
				return true
			}
			stop = !fn(p)
			return !stop
		})
		if err != nil {
			return err
		}
		mmsis = mmsis[n:]
	}
	return nil
}
