package live

import "sort"

// feedBucketMs is the resolution of a feedLog: 10 minutes. An event's
// provenance may include a feed that heard its vessel up to this long
// before it began or after it ended, never one that did not hear the
// vessel at all.
const feedBucketMs = 10 * 60 * 1000

// feedRun is a span of buckets [from, to) (Unix ms, bucket-aligned) in
// which the same feeds heard a vessel.
type feedRun struct {
	from, to int64
	feeds    uint64
}

// feedLog is, per vessel, which feeds heard it when, as runs of
// buckets. It answers an event's provenance: the feeds that heard each of
// its vessels while it happened. A vessel heard by the same feeds for a
// day is one run.
type feedLog struct {
	runs map[uint32][]feedRun
}

func newFeedLog() feedLog {
	return feedLog{runs: make(map[uint32][]feedRun)}
}

// add notes that feed bit heard mmsi at t (Unix ms).
func (l feedLog) add(mmsi uint32, t int64, bit uint64) {
	if t < 0 {
		return
	}
	b := t - t%feedBucketMs
	rs := l.runs[mmsi]
	n := len(rs)
	if n == 0 || b >= rs[n-1].to {
		// The common case: a bucket after every run.
		if n > 0 && rs[n-1].to == b && rs[n-1].feeds == bit {
			rs[n-1].to = b + feedBucketMs
		} else {
			rs = append(rs, feedRun{b, b + feedBucketMs, bit})
		}
		l.runs[mmsi] = rs
		return
	}
	// i is the first run ending after b.
	i := sort.Search(n, func(i int) bool { return rs[i].to > b })
	r := rs[i]
	if r.from > b {
		// b falls between runs.
		rs = insertRun(rs, i, feedRun{b, b + feedBucketMs, bit})
		l.runs[mmsi] = rs
		return
	}
	if r.feeds&bit != 0 {
		return
	}
	// Split r around b's bucket: [r.from, b), [b, b+bucket) with the bit,
	// [b+bucket, r.to).
	mid := []feedRun{{b, b + feedBucketMs, r.feeds | bit}}
	if b+feedBucketMs < r.to {
		mid = append(mid, feedRun{b + feedBucketMs, r.to, r.feeds})
	}
	if r.from < b {
		rs[i].to = b
		i++
	} else {
		rs = append(rs[:i], rs[i+1:]...)
	}
	for k, m := range mid {
		rs = insertRun(rs, i+k, m)
	}
	l.runs[mmsi] = rs
}

func insertRun(rs []feedRun, i int, r feedRun) []feedRun {
	rs = append(rs, feedRun{})
	copy(rs[i+1:], rs[i:])
	rs[i] = r
	return rs
}

// feeds returns the feeds that heard mmsi in [from, to] (Unix ms), at
// the log's resolution.
func (l feedLog) feeds(mmsi uint32, from, to int64) uint64 {
	var f uint64
	for _, r := range l.runs[mmsi] {
		if r.to > from && r.from <= to {
			f |= r.feeds
		}
	}
	return f
}

// trim forgets the runs that forget says may go, the oldest of each
// vessel first (Pipeline.forgettable: older than its feeds' own recent
// time by more than the log keeps). What it forgets is not guessed at
// later: an event over that time keeps the provenance it was given
// (Pipeline.newEvent), or has none.
func (l feedLog) trim(forget func(feeds uint64, end int64) bool) {
	for m, rs := range l.runs {
		k := 0
		for k < len(rs) && forget(rs[k].feeds, rs[k].to) {
			k++
		}
		switch {
		case k == len(rs):
			delete(l.runs, m)
		case k > 0:
			l.runs[m] = append(rs[:0], rs[k:]...)
		}
	}
}
