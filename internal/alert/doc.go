// Package alert is picket's watch floor: alert rules a user makes, the
// alerts they raise, the inbox where analysts act on them, and the
// webhooks that carry them out.
//
// A rule (Rule) belongs to one partner. It names an area (a polygon drawn
// on the map, a zone of the node's zones file, or one of the partner's own
// zones), what triggers it (a vessel entering, a vessel leaving, an event
// of chosen types inside, a vessel going dark inside) and which vessels
// count (ship types, flags, on a watchlist of the node's or of the
// partner's own, a speed range). A rule can be changed whole
// (UpdateRule) or disabled; its watcher then starts again from the
// vessels' last positions.
//
// A partner's own zones (Zone) and watchlists (Watchlist) are its alone
// (library.go): another partner neither sees nor may name them. Its
// zones are for its rules only (they make no zone_visit events); its
// lists filter its rules and flag, through ListHits, the vessels its
// users see. A rule sees the live pipeline through a
// hub subscription with its partner's clearance (live.Filter.Clearance),
// the one a user of that partner's live stream has: positions its feeds
// heard, names and ship types its feeds said, events visible to it. What
// the partner may not see never reaches its rules, so it can never raise
// an alert, fill an inbox or leave by a webhook.
//
//	live.Hub ──(one subscription per partner with rules, its clearance)──► watcher
//	watcher: rules × (position | event) ──► Desk.raise ──► inbox (alerts.json)
//	                                                   ├──► subscribers (the map's live stream)
//	                                                   └──► webhooks (bounded queue, retries)
//
// # Persistence
//
// Rules and the inbox are kept in one JSON file in the node's data
// directory (File), the partners' zones and watchlists in another
// (LibraryFile), each written atomically (a temporary file, fsync,
// rename) before a change is answered.
// A change of a rule and an analyst's action are written before the
// request is answered; new alerts are written at least once a second, so
// a crash loses at most the last second of them. What a watcher knows of
// the vessels (which are inside an area) is not kept: after a restart,
// a vessel's first position places it, and only a crossing after that is
// an entry or an exit.
//
// # Releasability over time
//
// Each alert keeps the provenance it was raised on (the feeds that heard
// the position, or the event's provenance). A partner's clearance can
// narrow (a label changed, a partner taken out of a group): the inbox and
// the live stream then leave out the alerts the partner may no longer see,
// as the store does for records, and the watcher starts again from
// nothing with the new clearance.
//
// # Concurrency
//
// A Desk is safe for concurrent use. Run owns the watchers (one goroutine
// each) and the webhook senders (one goroutine each) until its context is
// done.
package alert
