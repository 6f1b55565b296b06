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
//   - The encounter detector, most of the pair side's work where ships
//     lie close together, is split further by spatial cell
//     (internal/cell, S2 cells of about 1.1 km): the pair side keeps the
//     index of slow vessels and finds each fix's neighbours within the
//     encounter distance; each pair belongs to the owner of the cell of
//     its first close fix (cell.Owner), one goroutine per owner (started
//     with the owner's first pair: none where no two vessels come close),
//     which measures and judges it, told of every fix of its pairs'
//     vessels in order (detect/encountersplit.go). Dark rendezvous stay with the
//     pair side: they compare gaps, which end a few times per vessel and
//     day, against gaps up to 3 days old anywhere a ship could reach at
//     12 kn (hundreds of nautical miles), so a split by cell would send
//     each gap to many owners and save nothing measurable.
//
// The events are identical to a run on one goroutine
// (TestWorkersSameEvents compares them on simulated scenarios, real logs
// and ships placed astride cell edges, drifting across cells and found
// again in another cell).

// Partition returns the shard, in [0, n), of the vessel with mmsi
// (Fibonacci hashing: the MMSI times 2^32/φ, scaled to n by its high
// bits). n must be at least 1.
func Partition(mmsi uint32, n int) int {
	return int(uint64(mmsi*0x9E3779B1) * uint64(n) >> 32)
}
