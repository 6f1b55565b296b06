package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Detections is the kind of a feed of satellite detections (SAR, VIIRS
// night lights): files delivered whole, not lines. File is a file or a
// directory watched for new files; each new file, once its size and
// modification time stay the same over one poll (a delivery still being
// written is not read half), is handed over whole (Env.Deliver). Format
// names the layout (DetectionFormats), Scenes an optional file of scene
// footprints read with every delivery. Without File the feed takes
// uploads only (the server's POST /api/detections). Which files were
// taken is the deliverer's to remember across restarts: every file is
// offered again after one.
const Detections Kind = "detections"

// DetectionFormats are the layouts a detections feed names: auto (told
// from the header), gfw-sar (Global Fishing Watch's Sentinel-1
// detections), viirs (NOAA EOG's VIIRS boat detections).
var DetectionFormats = []string{"auto", "gfw-sar", "viirs"}

// DetectionPoll is how often a detections feed looks for new files.
const DetectionPoll = 5 * time.Second

func init() { Register(Detections, checkDetections, newDetections) }

func checkDetections(cfg Config) error {
	if cfg.Format != "" && !slices.Contains(DetectionFormats, cfg.Format) {
		return fmt.Errorf("format %q: want one of %s", clip(cfg.Format), strings.Join(DetectionFormats, ", "))
	}
	if cfg.Address != "" {
		return errors.New("a detections feed reads files (path:), or takes uploads without one; it has no address")
	}
	return nil
}

type detections struct{ cfg Config }

func newDetections(cfg Config) (Source, error) { return &detections{cfg}, nil }

func (d *detections) Addr() net.Addr { return nil }
func (d *detections) Close() error   { return nil }

// Delivery is one whole file a detections feed hands over.
type Delivery struct {
	// Path is the file's path.
	Path string
	// Format is the feed's layout (DetectionFormats); "" is auto.
	Format string
	// Scenes is the feed's scenes file, "" for none.
	Scenes string
}

// fileSeen is what a poll saw of a file.
type fileSeen struct {
	size int64
	mod  time.Time
	done bool
}

// Run watches the feed's path until ctx is done, handing every new file
// over once it has stopped growing. A file whose delivery fails is
// offered again when it changes, or after a restart.
func (d *detections) Run(ctx context.Context, env Env) error {
	if d.cfg.File == "" {
		env.State("uploads")
		<-ctx.Done()
		return nil
	}
	if env.Deliver == nil {
		return errors.New("detections: this runner takes no deliveries")
	}
	env.State("watching")
	seen := map[string]*fileSeen{}
	for {
		if err := d.poll(env, seen); err != nil {
			env.Error(err.Error())
		}
		if err := env.Sleep(ctx, DetectionPoll); err != nil {
			return nil
		}
	}
}

// poll looks at the path once: a file seen at the last poll with the same
// size and time is delivered.
func (d *detections) poll(env Env, seen map[string]*fileSeen) error {
	fi, err := os.Stat(d.cfg.File)
	if err != nil {
		return fmt.Errorf("detections: %w", err)
	}
	paths := []string{d.cfg.File}
	if fi.IsDir() {
		entries, err := os.ReadDir(d.cfg.File)
		if err != nil {
			return fmt.Errorf("detections: %w", err)
		}
		paths = paths[:0]
		for _, e := range entries {
			// Hidden and temporary files are deliveries being written.
			if n := e.Name(); e.Type().IsRegular() && !strings.HasPrefix(n, ".") && !strings.HasSuffix(n, ".tmp") && !strings.HasSuffix(n, ".part") {
				paths = append(paths, filepath.Join(d.cfg.File, n))
			}
		}
	}
	var last error
	for _, p := range paths {
		if p == d.cfg.Scenes {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		s := seen[p]
		if s == nil || s.size != fi.Size() || !s.mod.Equal(fi.ModTime()) {
			seen[p] = &fileSeen{size: fi.Size(), mod: fi.ModTime()}
			continue // changed since the last poll: wait for it to settle
		}
		if s.done {
			continue
		}
		s.done = true
		if err := env.Deliver(Delivery{Path: p, Format: d.cfg.Format, Scenes: d.cfg.Scenes}); err != nil {
			last = fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
	}
	if last == nil {
		env.Error("")
	}
	return last
}
