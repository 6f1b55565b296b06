package detect

import (
	"fmt"
	"io"
	"time"
)

// feedCoverage measures, per input or feed, when it was delivering
// positions at all (from anyone, anywhere): a feed that stopped, a day
// missing from a log, the time between two capture files. A vessel
// unheard while its feed heard nobody has not gone dark; the feed has.
//
// Each feed's history is a list of spans of reception, a new span
// beginning after a silence of at least outageMs, so the memory is one
// span per outage, however long the feed runs.
type feedCoverage struct {
	outageMs int64
	feeds    [][]CoverageSpan // by feed number
	all      []CoverageSpan   // every feed together
}

// CoverageSpan is a time during which a feed delivered positions with no
// silence as long as an outage.
type CoverageSpan struct {
	From, To  time.Time
	Positions int64
}

func newFeedCoverage(outageMs int64) *feedCoverage { return &feedCoverage{outageMs: outageMs} }

// heard records a position delivered by feed at t (Unix ms).
func (c *feedCoverage) heard(feed uint16, t int64) {
	for int(feed) >= len(c.feeds) {
		c.feeds = append(c.feeds, nil)
	}
	c.feeds[feed] = c.extend(c.feeds[feed], t)
	c.all = c.extend(c.all, t)
}

func (c *feedCoverage) extend(spans []CoverageSpan, t int64) []CoverageSpan {
	if n := len(spans); n > 0 {
		last := &spans[n-1]
		to := last.To.UnixMilli()
		if t-to < c.outageMs {
			if t > to {
				last.To = tm(t)
			}
			last.Positions++
			return spans
		}
	}
	return append(spans, CoverageSpan{From: tm(t), To: tm(t), Positions: 1})
}

// silentMs returns how much of [from, to] (Unix ms) lies outside every
// span of the given feeds: how long none of them delivered anything, not
// counting silences shorter than an outage.
func (c *feedCoverage) silentMs(from, to int64, feeds ...uint16) int64 {
	if to <= from {
		return 0
	}
	// The spans of one feed do not overlap; those of two may. Walk the
	// window, advancing a cursor over covered parts.
	type iv struct{ a, b int64 }
	var ivs []iv
	seen := uint64(0)
	for _, f := range feeds {
		if int(f) >= len(c.feeds) {
			continue
		}
		if f < 64 {
			if seen&(1<<f) != 0 {
				continue
			}
			seen |= 1 << f
		}
		spans := c.feeds[f]
		// Spans are in time order: skip those ending before the window.
		lo, hi := 0, len(spans)
		for lo < hi {
			m := (lo + hi) / 2
			if spans[m].To.UnixMilli() < from {
				lo = m + 1
			} else {
				hi = m
			}
		}
		for _, s := range spans[lo:] {
			a, b := s.From.UnixMilli(), s.To.UnixMilli()
			if a > to {
				break
			}
			ivs = append(ivs, iv{max(a, from), min(b, to)})
		}
	}
	// Sort the few intervals by start (insertion sort: there are few).
	for i := 1; i < len(ivs); i++ {
		for j := i; j > 0 && ivs[j].a < ivs[j-1].a; j-- {
			ivs[j], ivs[j-1] = ivs[j-1], ivs[j]
		}
	}
	silent, cur := int64(0), from
	for _, v := range ivs {
		if v.a > cur {
			silent += v.a - cur
		}
		cur = max(cur, v.b)
	}
	if to > cur {
		silent += to - cur
	}
	return silent
}

// FeedCoverage is what one input or feed delivered: its spans of
// reception and the outages between them.
type FeedCoverage struct {
	Feed      uint16 // the feed's number (the input's index for `picket analyze`)
	Positions int64
	Spans     []CoverageSpan
	// Outages are the silences of at least GapOptions.FeedOutage.Milliseconds()
	// between its spans.
	Outages []CoverageSpan
}

// Coverage is what the inputs or feeds delivered over time.
type Coverage struct {
	Feeds []FeedCoverage
	// All is every feed together: its outages are times nobody was heard
	// at all (days missing from a log, the time between capture files).
	All FeedCoverage
}

func summarise(feed uint16, spans []CoverageSpan) FeedCoverage {
	fc := FeedCoverage{Feed: feed, Spans: append([]CoverageSpan(nil), spans...)}
	for j, s := range spans {
		fc.Positions += s.Positions
		if j > 0 {
			fc.Outages = append(fc.Outages, CoverageSpan{From: spans[j-1].To, To: s.From})
		}
	}
	return fc
}

// coverage returns a copy of every feed's coverage.
func (c *feedCoverage) coverage() Coverage {
	var out Coverage
	for i, spans := range c.feeds {
		if len(spans) > 0 {
			out.Feeds = append(out.Feeds, summarise(uint16(i), spans))
		}
	}
	out.All = summarise(0, c.all)
	return out
}

// WriteCoverage writes a coverage summary for a person: each feed's time
// range, positions and outages, then, for several feeds, when none of
// them heard anything. name names a feed by its number (nil: the number).
func WriteCoverage(w io.Writer, cov Coverage, name func(feed uint16) string) {
	feeds := cov.Feeds
	if len(feeds) > 1 && len(cov.All.Spans) > 0 {
		feeds = append(feeds[:len(feeds):len(feeds)], cov.All)
	}
	const layout = "2006-01-02 15:04"
	for i, fc := range feeds {
		n := fmt.Sprint(fc.Feed)
		if i == len(cov.Feeds) {
			n = "all inputs"
		} else if name != nil {
			n = name(fc.Feed)
		}
		first, last := fc.Spans[0].From, fc.Spans[len(fc.Spans)-1].To
		fmt.Fprintf(w, "coverage  %s: %s .. %s UTC, %d positions, %d outage(s)\n", n,
			first.UTC().Format(layout), last.UTC().Format(layout), fc.Positions, len(fc.Outages))
		for i, o := range fc.Outages {
			if i == 10 {
				fmt.Fprintf(w, "            ... %d more\n", len(fc.Outages)-i)
				break
			}
			fmt.Fprintf(w, "            heard nothing %s .. %s (%s)\n", o.From.UTC().Format(layout), o.To.UTC().Format(layout), hours(o.To.Sub(o.From).Milliseconds()))
		}
	}
}
