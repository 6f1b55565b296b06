// Package ingest is picket's core, written once and run by every runner:
// `picket analyze` (internal/pipeline), `picket serve` (internal/live)
// and the tests that measure the detectors.
//
//	lines ──► Stream (nmea framing, ais decoding, every line counted under
//	          one reason in an nmea.Tally) ──► fuse.Report
//	      ──► Reorder (one input's reports back in time order)
//	      ──► Core (fuse.Deduper, track.Tracker, detect.Engine) ──► events
//
// A runner owns the transport around the core: where lines come from
// (files, sockets), how reports travel between goroutines, and where
// events go (a file, the store and the live stream). A new runner (a
// cluster node, a partition worker) is a new transport around the same
// Stream, Reorder and Core, not another copy of them.
//
// # Concurrency
//
// A Stream belongs to one input (a file, a connection, a UDP sender): it
// holds the fragments of multi-sentence messages. A Reorder and a Core
// belong to one goroutine each. None of them is safe for concurrent use.
//
// A Core may itself run on several goroutines (Options.Workers): the
// caller's de-duplicates and hands each report to its vessel's shard
// (Partition), each shard tracks its vessels and runs their detectors on
// a goroutine of its own, and one more goroutine runs the detectors that
// measure vessels against each other, fed in the order the reports were
// given. partition.go says how the work is divided, for a cluster to
// divide it the same way; the events are those of one goroutine.
package ingest
