package cluster

// partitionOf is the MMSI partition of a vessel among n: a multiplicative
// hash, so that neighbouring MMSIs (a fleet registered in sequence) spread
// over the partitions.
func partitionOf(mmsi uint32, n int) int {
	h := uint64(mmsi) * 0x9E3779B97F4A7C15
	return int((h >> 32) % uint64(n))
}
