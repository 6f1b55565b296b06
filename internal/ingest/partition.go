package ingest

// How the core's work is divided, written once for the shards of one
// process (Core with Options.Workers) and for a cluster's partitions:
//
//   - A vessel belongs to one shard, Partition(mmsi, n): its tracker
//     state (segments, identity history, re-delivery trail) and the state
//     every per-vessel detector keeps (loitering, port and zone visits,
//     watchlist hits, identity changes, spoofing) live there and only
//     there, and only that shard's goroutine touches them. The hash
//     spreads consecutive MMSIs (a fleet's block of numbers, one
//     country's MID) over every shard.
//   - Every pair, and every measure over all vessels, has exactly one
//     owner: the pair side (detect.Pairs), which sees a copy of every
//     tracked position and static report (detect.PairFix) in the order
//     the reports were given to the core, whichever shard tracked them.
//     Encounters and dark rendezvous (pairs of vessels), dark periods
//     (judged on the reception measured from every vessel around and on
//     each feed's coverage) and IMO numbers shared between MMSIs are
//     found there, so each pair is judged once, on exactly what a run on
//     one goroutine would have seen.
//   - De-duplication runs before the shards, on the reports in the order
//     given: two copies of one transmission are one payload and so one
//     MMSI, but the deduper's generations follow the time of every
//     report, and a late report must meet the same table in either run.
//
// The events are identical to a run on one goroutine
// (TestWorkersSameEvents compares them on simulated scenarios and real
// logs). The pair side is one goroutine: spreading it over spatial
// cells, each pair owned by the cell of one of its vessels with a halo of
// neighbours around it, is what a cluster needs next.

// Partition returns the shard, in [0, n), of the vessel with mmsi
// (Fibonacci hashing: the MMSI times 2^32/φ, scaled to n by its high
// bits). n must be at least 1.
func Partition(mmsi uint32, n int) int {
	return int(uint64(mmsi*0x9E3779B1) * uint64(n) >> 32)
}
