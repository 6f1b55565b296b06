// Package detect finds the behaviours of illicit maritime trade in tracked
// AIS: encounters (ship-to-ship transfer candidates), dark periods, dark
// rendezvous, loitering, spoofed positions and identities, IMO numbers
// shared by two live MMSIs, identity and flag changes, port calls, zone
// entries and watchlist hits. Each detector is
// one file; each threshold is an option whose default names the published
// definition it comes from (Global Fishing Watch, Skylight, AISdb; see
// DESIGN.md).
//
// The Engine feeds every tracked position and static report to every
// detector, on event time, and collects the events they emit in the
// event contract (package event). Detectors run incrementally, so the same
// code serves batch analysis and live feeds.
//
// Episodes (encounters, loitering, port and zone visits, watchlist hits,
// shared MMSIs and IMO numbers) are emitted as soon as they qualify, again
// under the same ID as they grow, and a last time when they end (see
// emission.go). An identity change is emitted once it has stood for its
// settle window, and withdrawn if the old value returns. A
// server takes the emissions as they come (Engine.TakeEvents) and replaces
// each event by ID; a batch run (NewBatchEngine, whose detectors emit only
// final events) calls Engine.Finish once at the end of the data and gets
// each event once, the same events. The engine keeps only what has not
// been taken.
//
// The engine has two sides (engine.go, pairs.go): the vessel side runs
// the detectors that follow one vessel, on the tracker's vessels, and can
// be sharded by MMSI (Engine.Shard); the pair side (Pairs) runs those
// that measure vessels against each other or against every feed, from a
// copy of each report, on one goroutine that may be another.
//
// An Engine is not safe for concurrent use; nor is one side.
package detect
