// Package track keeps the state of every vessel: its track segments and
// its identity history.
//
// Segments separate the transmitters that share one MMSI, as Global
// Fishing Watch's segmenter does: a new position joins the open segment
// whose dead-reckoned prediction it fits best, and starts a new segment
// when it fits none (it would need more than Options.MaxSpeedKn to get
// there). Cloned MMSIs thus give two clean tracks instead of a zigzag of
// impossible jumps, and every detector downstream works per segment.
//
// Identity comes from static reports (types 5, 19, 24): name, call sign,
// IMO, ship type, dimensions, destination, each value with when it was
// first and last heard; the flag comes from the MMSI's MID. Position and
// Static return what changed so that detectors can react.
//
// A Tracker is not safe for concurrent use: one goroutine owns it. The
// core (ingest.Core) shards vessels by MMSI (ingest.Partition), a
// tracker per shard on a goroutine of its own, and reads them as one
// when done (Tracker.Absorb); IMO numbers shared between MMSIs, which
// cross shards, are found by an IMOIndex over every vessel (the
// detectors' pair side keeps it). Updates are on event time, never the
// wall clock.
package track
