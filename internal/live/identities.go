package live

import (
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/store"
)

// identKey is an identity record being gathered: one per vessel, field,
// value and feed, so that each partner sees when its feeds heard it.
type identKey struct {
	mmsi  uint32
	field string
	value string
	feed  uint64
}

// shownIdentity is the name, IMO number and ship type the live stream
// shows with a vessel's positions, each with the feeds that said it: a
// subscriber not cleared for any of them gets the position without it.
type shownIdentity struct {
	name          string
	nameFeeds     uint64
	imo           uint32
	imoFeeds      uint64
	shipType      uint8
	shipTypeFeeds uint64
}

// livePosition is pos as the live stream shows it, with the name and
// ship type the vessel said last; prior is the feeds that had heard the
// same transmission already.
func (p *Pipeline) livePosition(pos store.Position, prior uint64) Position {
	sh := p.shown[pos.MMSI]
	return Position{Position: pos, Prior: prior, Name: sh.name, NameFeeds: sh.nameFeeds, IMO: sh.imo, IMOFeeds: sh.imoFeeds,
		ShipType: sh.shipType, ShipTypeFeeds: sh.shipTypeFeeds}
}

// noteIdentity records the identity a static report carries, merged
// with what was heard since the last flush.
func (p *Pipeline) noteIdentity(r *fuse.Report, feeds uint64) {
	s := r.Info
	if s == nil {
		return
	}
	p.said.add(r.MMSI, r.Time, feeds)
	add := func(field, value string) {
		if value == "" {
			return
		}
		k := identKey{r.MMSI, field, value, feeds}
		rec, ok := p.idents[k]
		if !ok {
			rec = store.IdentityRecord{Field: field, Value: value, First: r.Time, Last: r.Time, Feeds: feeds}
		}
		rec.First = min(rec.First, r.Time)
		rec.Last = max(rec.Last, r.Time)
		p.idents[k] = rec
	}
	store.StatedIdentity(r, add)
	sh := p.shown[r.MMSI]
	if s.Has&fuse.HasName != 0 {
		if s.Name != sh.name {
			sh.name, sh.nameFeeds = s.Name, 0
		}
		sh.nameFeeds |= feeds
	}
	if s.Has&fuse.HasIMO != 0 {
		if s.IMO != sh.imo {
			sh.imo, sh.imoFeeds = s.IMO, 0
		}
		sh.imoFeeds |= feeds
	}
	if s.Has&fuse.HasShipType != 0 {
		if s.ShipType != sh.shipType {
			sh.shipType, sh.shipTypeFeeds = s.ShipType, 0
		}
		sh.shipTypeFeeds |= feeds
	}
	p.shown[r.MMSI] = sh
}
