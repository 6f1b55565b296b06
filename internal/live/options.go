package live

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/network"
	"github.com/picket-ais/picket/internal/profile"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/track"
)

// Kind is how a feed gets its lines: one of the kinds package source
// registers.
type Kind = source.Kind

// The feed kinds of package source.
const (
	TCPClient   = source.TCPClient   // connect to Address, reconnect with backoff
	TCPListener = source.TCPListener // receivers connect to Address and push lines
	UDPListener = source.UDPListener // receivers send datagrams to Address
	FileReplay  = source.FileReplay  // replay File as if it were live
	Radar       = source.Radar       // a radar's NMEA output: File replayed, or Address connected to
	Detections  = source.Detections  // satellite detections: files delivered into File (Options.Deliver)
)

// MaxFeeds is the most feeds a pipeline takes: provenance is one bit per
// feed in a uint64 (store.Position.Feeds). The top bit is never a feed's,
// so that access control can give a partner cleared for no feed a
// clearance that is not 0 (which means "every feed" to the store).
const MaxFeeds = 63

// Feed is one source of AIS lines.
type Feed struct {
	// Name identifies the feed in metrics, logs and access rules: the
	// data directory keeps each feed's provenance bit by its name.
	Name string
	// Partner is the owning partner, e.g. "JPN".
	Partner string
	// Label is the releasability label, e.g. "REL TO JPN, USA". Every
	// record carries the feed's bit (provenance), and a partner sees a
	// record only through a feed whose label releases it to that partner
	// (package access).
	Label string
	Kind  Kind
	// Address is host:port: where to connect (tcp), or where to listen
	// (tcp-listen, udp; port 0 picks a free one, see Pipeline.Addr).
	Address string
	// File is the log to replay (file); plain or gzip.
	File string
	// Speed is the replay speed factor: 1 plays the file in its own time,
	// 60 a minute of data per second, 0 as fast as possible (file only).
	Speed float64
	// Skip replays the first Skip of data time as fast as possible before
	// pacing starts (file only; a demo's history). Default 0.
	Skip time.Duration
	// Rebase shifts the file's times so that the point where pacing starts
	// is the moment replay began: an old log plays as live data (file
	// only). Every time of the feed moves by the same amount, so speeds
	// and durations are those of the data.
	Rebase bool
	// Location is the time zone of lines stamped with a local date-time
	// and no zone. Default UTC.
	Location *time.Location
	// Silence is how long a TCP client feed waits for data before it
	// takes the connection for dead and reconnects (tcp only). Default
	// 2 min.
	Silence time.Duration
	// Reorder holds the feed's reports up to this long (data time, and
	// wall time for a feed that falls quiet) to put them back in time
	// order before tracking: satellite feeds deliver reports late and
	// mixed, and the tracker does not track a position older than its
	// segment's last (it is still stored). It adds as much latency.
	// Default 0: none. At most Options.MaxHeld reports are held.
	Reorder time.Duration
	// Site is a fixed radar's [lat, lon] (radar only); nil for a ship's
	// radar, whose output gives the ship's position.
	Site *[2]float64
	// RangeM is a radar's range in metres, for the map's coverage circle
	// (radar only). Default 0: the farthest plot it has given.
	RangeM float64
	// Format is a detections feed's layout (source.DetectionFormats; ""
	// is auto) and Scenes its file of scene footprints (detections
	// only).
	Format, Scenes string
}

// Options configures a Pipeline. The zero value means the defaults.
type Options struct {
	Feeds []Feed
	// FeedBits, when set, is the bit of each feed in provenance
	// (store.Position.Feeds), distinct, in 0..MaxFeeds-1: the bits a data
	// directory gave its feeds (access.Registry.AssignFeeds), so that a
	// feed's records keep meaning the same feed when the config's feeds
	// are reordered. Default: each feed's position.
	FeedBits []int

	Track   track.Options
	Detect  detect.Options
	Places  detect.Places
	Dedup   fuse.DedupOptions
	Profile profile.Options
	Network network.Options

	// ReportQueue is the capacity, in batches, of the queue from the feeds
	// to the tracker. When it is full the feeds wait (TCP receivers and
	// replays slow down; UDP datagrams queue in the kernel, which drops
	// them when its buffer is full). Default 64 batches (of up to 512
	// reports each).
	ReportQueue int
	// StoreQueue is the capacity, in batches, of the queue from the
	// tracker to the store. When it is full the tracker waits. Default 64
	// batches.
	StoreQueue int
	// StoreBatch is how many positions the tracker hands the store at
	// once at most. Default 4096.
	StoreBatch int
	// ProvenanceHold is how long (wall clock) after a position is written
	// to the store copies of its transmission heard by other feeds add
	// their bits to its provenance (store.AddFeeds). Nothing waits for
	// it: a position is written on arrival with the feed that heard it
	// first. Copies later than that are still dropped as duplicates,
	// counted, and their feed is not noted. Default 2 s, or none with a
	// single feed (nothing can merge).
	ProvenanceHold time.Duration
	// MaxHeld bounds the positions remembered for ProvenanceHold (past it
	// the oldest are forgotten early) and the reports a reorder window
	// holds. Default 262,144.
	MaxHeld int
	// KeepRunning keeps Run going after every feed has stopped (replays at
	// their end, listeners that failed), until its context is done: a
	// server's live stream and open episodes stay up. Default false: Run
	// returns once every feed has stopped, closing what is open as at the
	// end of a file.
	KeepRunning bool
	// FlushInterval is how often (wall clock) held positions, identity
	// records and events are handed to the store. Default 250 ms.
	FlushInterval time.Duration
	// SubscriberBuffer is the number of messages a live subscriber may lag
	// behind before messages to it are dropped (and counted). Default
	// 4096.
	SubscriberBuffer int

	// Now is the wall clock: arrival times of lines that carry none, the
	// pacing of replays. Default time.Now.
	Now func() time.Time
	// Sleep waits d or until the context is done (replay pacing,
	// reconnection backoff). Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error

	// Deliver takes a detections feed's delivered file (the server's
	// detection desk: correlated, kept, its events stored and
	// published). Nil: a detections feed with a path fails.
	Deliver func(feed string, d source.Delivery) error
}

const (
	defaultReportQueue      = 64
	defaultStoreQueue       = 64
	defaultStoreBatch       = 4096
	defaultProvenanceHold   = 2 * time.Second
	defaultMaxHeld          = 1 << 18
	defaultFlushInterval    = 250 * time.Millisecond
	defaultSubscriberBuffer = 4096
	reportBatch             = 512
)

func (o Options) withDefaults() Options {
	if o.ReportQueue <= 0 {
		o.ReportQueue = defaultReportQueue
	}
	if o.StoreQueue <= 0 {
		o.StoreQueue = defaultStoreQueue
	}
	if o.StoreBatch <= 0 {
		o.StoreBatch = defaultStoreBatch
	}
	if o.ProvenanceHold <= 0 {
		o.ProvenanceHold = defaultProvenanceHold
	}
	if o.MaxHeld <= 0 {
		o.MaxHeld = defaultMaxHeld
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = defaultFlushInterval
	}
	if o.SubscriberBuffer <= 0 {
		o.SubscriberBuffer = defaultSubscriberBuffer
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	return o
}

// Validate checks the feeds: names, kinds, addresses, files, speeds. New
// calls it; callers may call it first to refuse a bad configuration
// before opening anything.
func (o *Options) Validate() error {
	if len(o.Feeds) > MaxFeeds {
		return fmt.Errorf("live: %d feeds: at most %d", len(o.Feeds), MaxFeeds)
	}
	if o.FeedBits != nil {
		if len(o.FeedBits) != len(o.Feeds) {
			return fmt.Errorf("live: %d feed bits for %d feeds", len(o.FeedBits), len(o.Feeds))
		}
		used := map[int]bool{}
		for i, b := range o.FeedBits {
			if b < 0 || b >= MaxFeeds || used[b] {
				return fmt.Errorf("live: feed %d: bit %d used twice or outside 0..%d", i+1, b, MaxFeeds-1)
			}
			used[b] = true
		}
	}
	seen := map[string]bool{}
	for i, f := range o.Feeds {
		if f.Name == "" {
			return fmt.Errorf("live: feed %d has no name", i+1)
		}
		if err := checkFeedName(f.Name); err != nil {
			return fmt.Errorf("live: feed %d: %w", i+1, err)
		}
		if seen[f.Name] {
			return fmt.Errorf("live: feed %q: name used twice", f.Name)
		}
		seen[f.Name] = true
		if err := source.Check(f.sourceConfig()); err != nil {
			return fmt.Errorf("live: feed %q (%s): %w", f.Name, f.Kind, err)
		}
	}
	return nil
}

// maxFeedName bounds a feed's name, in bytes.
const maxFeedName = 64

// checkFeedName refuses a name that would not print as itself where feed
// names go: metrics labels, logs, access.json, the map (control
// characters, invalid UTF-8, more than 64 bytes, spaces around it).
func checkFeedName(name string) error {
	switch {
	case len(name) > maxFeedName:
		return fmt.Errorf("name of %d bytes: at most %d", len(name), maxFeedName)
	case !utf8.ValidString(name):
		return fmt.Errorf("name %q is not valid UTF-8", name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("name %q starts or ends with a space", name)
	case strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return fmt.Errorf("name %q has a control or unprintable character", name)
	}
	return nil
}

// SourceConfig is what the feed's source needs of it (a cluster node runs
// the feed's source itself).
func (f *Feed) SourceConfig() source.Config { return f.sourceConfig() }

// sourceConfig is what the feed's source needs of it.
func (f *Feed) sourceConfig() source.Config {
	return source.Config{Name: f.Name, Kind: f.Kind, Address: f.Address, File: f.File, Speed: f.Speed, Skip: f.Skip, Rebase: f.Rebase, Silence: f.Silence, Site: f.Site,
		Format: f.Format, Scenes: f.Scenes}
}

// discard is the logger used when none is given.
var discard = slog.New(slog.DiscardHandler)
