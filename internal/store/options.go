package store

import (
	"log/slog"
	"time"
)

// Options configure a Store. The zero value means "defaults" for every
// field.
type Options struct {
	// Retention drops data older than this, measured back from the newest
	// position stored (data time, not the wall clock, so replaying an old
	// archive does not delete it on arrival). Expired data is hidden from
	// every query at once; its space is reclaimed when a whole segment file
	// has expired. Default 0: keep everything.
	Retention time.Duration

	// SyncInterval is how often the write-ahead log is fsynced. Every write
	// (Append, PutIdentity, PutEvent) is in the log's file before it
	// returns, so a crash of the process loses nothing acknowledged; a crash
	// of the machine (power cut, kernel panic) loses at most the writes of
	// the last SyncInterval. Negative: fsync before every write returns
	// (concurrent writers share one fsync: group commit). Default 100 ms.
	SyncInterval time.Duration

	// BlockSpan is the window of data time that one vessel's positions are
	// sealed into a block for. Longer windows compress better and make
	// fewer files, but keep more positions in memory before sealing.
	// Default 1 hour; minimum 1 minute.
	BlockSpan time.Duration

	// Grace is how long after a window ends (in data time: the newest
	// position stored) it stays open for late positions before it is
	// sealed. A position later than that is still stored, in the next
	// block of its vessel. Default 10 minutes.
	Grace time.Duration

	// MaxHeadPositions bounds the positions held in memory before
	// sealing: past it, every open window is sealed early. Default
	// 8,000,000 (56 bytes each: about 450 MB).
	MaxHeadPositions int

	// MaxFuture rejects positions stamped more than this ahead of Now: one
	// wrong clock must not push the store's data time (sealing, retention)
	// into the future. Default 1 hour.
	MaxFuture time.Duration

	// Now is the clock MaxFuture is checked against. Default time.Now.
	Now func() time.Time

	// Logger receives recovery and retention notices. Default: discard.
	Logger *slog.Logger
}

const (
	defaultSyncInterval     = 100 * time.Millisecond
	defaultBlockSpan        = time.Hour
	defaultGrace            = 10 * time.Minute
	defaultMaxHeadPositions = 8_000_000
	defaultMaxFuture        = time.Hour
)

func (o Options) withDefaults() Options {
	if o.SyncInterval == 0 {
		o.SyncInterval = defaultSyncInterval
	}
	if o.BlockSpan == 0 {
		o.BlockSpan = defaultBlockSpan
	}
	if o.BlockSpan < time.Minute {
		o.BlockSpan = time.Minute
	}
	if o.Grace <= 0 {
		o.Grace = defaultGrace
	}
	if o.MaxHeadPositions <= 0 {
		o.MaxHeadPositions = defaultMaxHeadPositions
	}
	if o.MaxFuture <= 0 {
		o.MaxFuture = defaultMaxFuture
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
