// Package store is picket's embedded store: every vessel position with
// its provenance, identity history records and events, kept across
// restarts in one directory, with no database server to run.
//
// # Use
//
//	s, err := store.Open(dir, store.Options{Retention: 90 * 24 * time.Hour})
//	err = s.Append(batch)                       // []store.Position
//	n, err := s.AddFeeds(copies)                // feeds that heard stored positions too
//	err = s.Track(mmsi, from, to, func(p store.Position) bool { ...; return true })
//	err = s.Tracks(mmsis, from, to, fn)          // many tracks, each segment file opened once
//	err = s.Latest(bbox, nowMs-30*60_000, fn)   // vessels in a box now
//	err = s.PutIdentity(mmsi, store.IdentityRecord{Field: "name", Value: "EVER GIVEN", First: t, Last: t, Feeds: 1})
//	err = s.PutEvent(ev, feeds)                 // event.Event
//	err = s.Events(store.EventFilter{MMSI: mmsi}, fn)
//	err = s.Close()
//
// # Layout
//
// Positions are stored as time-series databases store samples: each
// vessel's positions of one window of data time (Options.BlockSpan, 1 h)
// form one block of delta-encoded columns (see codec.go), and a seal
// writes the blocks of every vessel for the windows that have closed into
// one immutable segment file with an index by MMSI. Until its window is
// sealed a position lives in memory and in the write-ahead log. A window
// is sealed Options.Grace (10 min) after it ends in data time, so
// positions arriving out of order within that grace join their block;
// later ones are kept too, in their vessel's next block. Identity records
// and every vessel's latest position live in memory and in checkpoints;
// events go to segment files with the positions of the seal that follows
// them. See docs/store.md for the measurements behind this design.
//
//	wal-N.log   write-ahead log files; N counts up
//	seg-N.pks   segment: blocks, events, index by MMSI
//	ckpt-N      memory after the seal that closed wal-N: open windows,
//	            latest positions, identity records
//	CURRENT     names the checkpoint to start from (the commit of a seal)
//	feeds.json  the bit each feed's records carry (BindFeeds)
//	LOCK        flock(2): one process per directory
//
// # Durability
//
// Append, AddFeeds, PutIdentity and PutEvent return after their data is written to
// the write-ahead log with one write(2) (PutIdentities and PutEvents: a
// batch of records, each framed on its own, with one write(2)), so:
//
//   - a crash of the process (kill -9, panic, out of memory) loses nothing
//     that a write had returned nil for: the kernel holds it;
//   - a crash of the machine (power cut, kernel panic) loses at most the
//     writes of the last Options.SyncInterval (100 ms), the time between
//     two fsyncs of the log; with a negative SyncInterval every write is
//     fsynced before it returns (writers that overlap share one fsync),
//     and Sync makes everything so far durable on demand;
//   - a write that has not returned may be there after the crash or not,
//     but a batch is never half there: the log's records carry a CRC and
//     recovery drops a torn last record whole;
//   - a damaged record of the log (one followed by valid records, so not
//     a torn tail) is left out and the records after it are kept; the
//     damage is logged, counted and reported by Health and Damages, and
//     the file is copied aside as wal-N.log.damaged;
//   - a damaged events section or block of a segment is left out of the
//     answers that would read it and reported the same way, and a segment
//     whose footer is damaged is set aside as seg-N.pks.damaged; the rest
//     of the store stays readable;
//   - seals, checkpoints and retention write new files under temporary
//     names, fsync and rename them, and commit by renaming CURRENT, so a
//     crash at any moment leaves a store that opens to the last commit
//     plus the log after it;
//   - a failed write or fsync of the log is sticky: every later write
//     returns the error (the data it held cannot be trusted to be on disk
//     after a failed fsync), and reopening recovers from what is.
//
// Open after a crash deletes the leftovers of an interrupted seal, loads
// the checkpoint and replays the log after it.
//
// # Concurrency
//
// All methods are safe for concurrent use. Writes are serialised (one at
// a time, in call order); queries run concurrently with each other and
// with writes, and see every write that returned before they started.
// A seal runs in the background: the write that finds one due rotates
// the log and takes the sealed positions and events out of memory (they
// stay visible to queries until the segment is committed), and a
// goroutine of the store writes the segment and the checkpoint. One seal
// runs at a time; a writer waits for it only when memory is over
// Options.MaxHeadPositions. WaitSeal waits for the seal in progress. One process may open a directory at a time (ErrLocked).
//
// # Precision
//
// Times (Unix ms), headings, statuses and feeds are exact. Coordinates
// are exact to the bit for anything on AIS's 1/10000 minute grid (all
// decoded AIS) or with up to seven decimals, and within 5e-8 degree
// (5 mm) otherwise. SOG and COG are exact for whole tenths (AIS's
// resolution) and kept as raw float32 otherwise; NaN stays NaN.
package store
