// Package live is picket's live data path: the core `picket analyze`
// runs (package ingest) on feeds that never end, writing to the embedded store and
// to a broadcast hub for live subscribers.
//
//	feeds ──lines──► stream (one ingest.Stream per connection, UDP sender or
//	                 file) ──batches of fuse.Report──► report queue
//	report queue ──► detect goroutine: ingest.Reorder per feed with a window,
//	                 ingest.Core (de-duplication, tracking, detection; the
//	                 feed bits of copies added to the written position)
//	             ──► store queue ──► store goroutine: Append, AddFeeds,
//	                 PutIdentity, PutEvent
//	             ──► Hub: positions and alerts to live subscribers
//
// # Feeds
//
// A feed (Feed) is a TCP client (connects, reconnects with exponential
// backoff), a TCP listener or a UDP listener (receivers push), or a file
// replayed as live: paced on its own event time at a speed factor (0: as
// fast as possible), optionally skipping a first stretch and rebasing its
// times to the clock. Each feed has a name, an owning partner and a
// releasability label, and an index: every stored position carries
// 1<<index in store.Position.Feeds. A position is written on arrival
// with the bit of the feed that heard it first; every other feed that
// hears the same transmission within Options.ProvenanceHold adds its bit
// to the stored position (store.AddFeeds), which only widens who may see
// it among the partners cleared for a feed that heard it;
// every event carries the bits of the feeds that heard the vessels it
// involves (a vessel-level approximation of the data it came from): those
// that heard their positions, or for an event made of identities their
// static reports.
//
// Event time comes from the data (tag blocks, trailers, log prefixes);
// a line that carries no time gets its arrival time. A report stamped
// over 10 min ahead of the clock is counted invalid ("future"); one of a
// network feed stamped over an hour ahead of the feed's own recent time
// waits until the feed confirms the move, and is counted ("ahead") and
// dropped if, unconfirmed, the feed went on in its old time (ahead.go). A feed whose data
// comes out of order (satellite) can be given a reorder window
// (Feed.Reorder): its reports wait that long to be tracked in time order,
// as `picket analyze` does for each input.
//
// A radar feed (kind radar: a file replayed or a TCP connection) is not
// AIS: its lines go to a radar stream (radar.go), whose plots the detect
// goroutine matches against the AIS it tracked (radar.Live); the
// dark_vessel events that makes carry the radar feed's bit, the
// dark_encounter events the AIS vessel's feeds and the radar's as the
// other input. A radar feed's coverage (its site or ship, its range) is
// in its FeedStats (coverage.go).
//
// A detections feed (kind detections) reads no lines: its source hands
// each delivered file to Options.Deliver (the server's desk, package
// sightings), which correlates it against the store and stores and
// publishes its events itself.
//
// # Events
//
// The detect goroutine takes the engine's emissions after every report
// (detect.Engine.TakeEvents), stores each (the store replaces an event by
// ID) and publishes each as an alert. An episode (an encounter, a port
// call, a watchlist hit) is emitted as soon as it qualifies and again, under
// the same ID, as it grows, so alerts come while it goes on; Stats.Events
// and picket_detect_events_total count each event once. The engine keeps
// nothing that has been taken, and the pipeline keeps no copy either: the
// risk picture (Snapshot) reads the events back from the store, earlier
// runs' included, so the store is the one place they are held. An event
// goes to the store after the positions it was made of, in the same batch
// or a later one: a crash never leaves an event without its positions
// (docs/store.md says what a kill -9 loses).
//
// # Use
//
//	p, err := live.New(live.Options{Feeds: feeds, Places: places}, st, logger, prometheus.DefaultRegisterer)
//	go p.Run(ctx)              // until ctx is done, then drains
//	sub := p.Hub().Subscribe(live.AllFilter)
//	snap, err := p.Snapshot(ctx, 5*time.Second) // profiles, risk, networks
//
// # Concurrency
//
// Every goroutine is started through one helper and tracked by one
// WaitGroup. The feeds (one goroutine each, one more per TCP connection)
// stop on ctx.Done; the stages after them stop when their input queue
// is closed, so shutdown drains in pipeline order: feeds hand over what
// they decoded, the detect goroutine processes it, closes what the
// detectors hold open (engine Finish, as at the end of a file) and
// flushes, the store goroutine writes everything and syncs, and the
// hub's subscriptions close. Run returns after all of that; the caller
// then stops its HTTP server and closes the store.
//
// The tracker and the detectors have one owner, the detect goroutine;
// Snapshot and Flush run on it by request. The queues are bounded: the
// report queue (Options.ReportQueue batches) and the store queue
// (Options.StoreQueue batches) make their writers wait when full
// (back-pressure to the feeds: TCP senders slow down, UDP datagrams
// queue in the kernel and are dropped there when it is full). The hub
// never waits: a subscriber more than Options.SubscriberBuffer messages
// behind loses messages and is told how many. Queue depths are exported
// as picket_live_queue_depth.
//
// All exported methods are safe for concurrent use.
package live
