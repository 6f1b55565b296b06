package server

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/picture"
	"github.com/picket-ais/picket/internal/store"
)

// view is what one request may see: the principal's partner's clearance
// over the feeds. Every read path filters through it (docs/security.md):
//   - a position, or an identity record, is visible when one of the feeds
//     that heard it is in the clearance;
//   - an event is visible when, for each vessel it involves, one of the
//     feeds that heard that vessel while it happened is
//     (store.Provenance.VisibleTo);
//   - anything derived (risk scores, networks, counts) is derived from
//     the visible events only.
type view struct {
	who access.Principal
	// all: an open server (no access control); every feed.
	all bool
	// clearance is the bit set of visible feeds (store.AllFeeds for an
	// open view); 0 sees nothing.
	clearance uint64
	// full: the clearance covers every configured feed, so the complete
	// risk picture is this view's.
	full bool
}

// openView is the view of every request to a server without access
// control.
var openView = &view{all: true, full: true, clearance: store.AllFeeds, who: access.Principal{Role: access.Admin}}

// seesPos reports whether a position or identity record heard by feeds
// is visible.
func (v *view) seesPos(feeds uint64) bool { return v.all || feeds&v.clearance != 0 }

// storeClearance is the clearance to give the store and the hub.
func (v *view) storeClearance() uint64 { return v.clearance }

// viewFor returns the view of a principal. Clearances are computed once
// per partner and registry generation.
func (s *Server) viewFor(p access.Principal) *view {
	gen := s.opts.Access.Generation()
	s.clearMu.Lock()
	defer s.clearMu.Unlock()
	if gen != s.clearGen || s.feedLabels == nil {
		clear(s.clearances)
		s.clearGen = gen
		s.feedLabels = s.feedLabelsOf(s.opts.Access.Registry())
		s.allFeeds = 0
		for _, f := range s.feedLabels {
			s.allFeeds |= 1 << f.Index
		}
	}
	c, ok := s.clearances[p.Partner]
	if !ok {
		c = s.opts.Access.Registry().Clearance(p.Partner, s.feedLabels)
		s.clearances[p.Partner] = c
	}
	return &view{who: p, clearance: c, full: c&s.allFeeds == s.allFeeds}
}

// feedLabelsOf returns the labels of every feed whose records the store
// may hold: the running feeds, with their labels as configured, and the
// feeds the data directory remembers that no longer run, with their last
// labels. A label that does not parse releases the feed to its owner
// alone (serve checks labels before it starts, so this is for embedders
// that did not).
func (s *Server) feedLabelsOf(r *access.Registry) []access.FeedLabel {
	var out []access.FeedLabel
	running := map[int]bool{}
	for _, f := range s.live.Stats().Feeds {
		l, err := access.ParseLabel(f.Label)
		if err != nil {
			s.log.Error("feed label not understood: the feed is visible to its owner only", "feed", f.Name, "err", err)
			l = access.Label{}
		}
		running[f.Bit] = true
		out = append(out, access.FeedLabel{Index: f.Bit, Name: f.Name, Owner: f.Partner, Label: l})
	}
	for _, f := range r.FeedLabels() {
		if !running[f.Index] {
			out = append(out, f)
		}
	}
	return out
}

// picture is the risk picture a view sees: profiles and networks built
// from its visible events.
// pictures caches the pictures of partial views by clearance.
type pictures struct {
	mu sync.Mutex
	m  map[uint64]*picture.Picture
}

// pictureFor returns the risk picture of a view, no older than
// SnapshotMaxAge. A view cleared for every feed sees the pipeline's own
// (built from the tracker and every event); another sees one built from
// the events it may see alone, without the tracker's identity history,
// which it may not see whole: risk reasons that need it (no IMO number,
// identities shared without an event) are missing from such a picture.
func (s *Server) pictureFor(ctx context.Context, v *view) (*picture.Picture, error) {
	if v.full {
		return s.live.Snapshot(ctx, s.opts.SnapshotMaxAge)
	}
	s.pics.mu.Lock()
	defer s.pics.mu.Unlock()
	if p := s.pics.m[v.clearance]; p != nil && time.Since(p.Built) <= s.opts.SnapshotMaxAge {
		return p, nil
	}
	var evs []event.Event
	if err := s.scope(v).Events(store.EventFilter{}, func(e event.Event) bool {
		if !e.Withdrawn() { // as the pipeline's own picture: a withdrawn encounter is no finding
			evs = append(evs, e)
		}
		return true
	}); err != nil {
		return nil, err
	}
	p := picture.Build(nil, evs, s.live.PictureOptions(), time.Now())
	if s.pics.m == nil {
		s.pics.m = make(map[uint64]*picture.Picture)
	}
	// Few partners share a server: the cache holds at most one picture
	// per clearance, and forgets them all past a bound.
	if len(s.pics.m) >= 64 {
		clear(s.pics.m)
	}
	s.pics.m[v.clearance] = p
	return p, nil
}

// visibleIdentity returns the identity records a view may see, those of
// one field and value heard through several visible feeds merged into
// one (the earliest first, the latest last), in the order of recs
// (store.Identities': by field, then first heard).
func visibleIdentity(v *view, recs []store.IdentityRecord) []store.IdentityRecord {
	var out []store.IdentityRecord
	for _, r := range recs {
		if !v.seesPos(r.Feeds) {
			continue
		}
		i := slices.IndexFunc(out, func(o store.IdentityRecord) bool { return o.Field == r.Field && o.Value == r.Value })
		if i < 0 {
			out = append(out, r)
			continue
		}
		out[i].First = min(out[i].First, r.First)
		out[i].Last = max(out[i].Last, r.Last)
	}
	return out
}
