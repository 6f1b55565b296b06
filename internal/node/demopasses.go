package node

import (
	"bytes"
	"cmp"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/sim"
	"github.com/picket-ais/picket/internal/store"
)

// demoLag is how long after a satellite pass (in the scenario's replayed
// time) the demo delivers its detections: real deliveries come hours
// late, and a delivery matched before the AIS around the pass is stored
// would make ships heard there look dark. A ship's AIS explains a
// detection between two of its fixes up to an hour apart (the
// detection matching's bridge), so the delivery waits for the fix after.
const demoLag = time.Hour + 5*time.Minute

// demoPoll is how often the demo looks at how far the replay has come.
const demoPoll = 2 * time.Second

// demoPass is one satellite pass of the demo's scenario: its time (the
// scenario's, before the replay moves it) and its detections and scenes
// in a file's layout, written with every time moved by the replay's shift.
type demoPass struct {
	name  string
	at    int64 // Unix ms, the latest detection's
	write func(w *bytes.Buffer, shift int64) error
}

// demoPasses delivers the demo's satellite passes into the directory a
// detections feed watches, each once the replay of feed has stored the
// AIS demoLag past it.
type demoPasses struct {
	dir, scenes string // the watched directory; the scenes file
	staging     string // where files are written before they are renamed into place
	feed        string // the replayed AIS feed that clocks the deliveries
	anchor      int64  // Unix ms of the scenario where the replay's pacing starts (its first line's time + skip)
	sar         *sim.SAR
	passes      []demoPass
	logger      *slog.Logger
}

// newDemoPasses splits the scenario's SAR images and VIIRS granules into
// passes, one delivery each, in time order.
func newDemoPasses(res *sim.Result, dir, scenes, staging, feed string, anchor int64, logger *slog.Logger) *demoPasses {
	d := &demoPasses{dir: dir, scenes: scenes, staging: staging, feed: feed, anchor: anchor, sar: res.SAR, logger: logger}
	if res.SAR != nil {
		for _, sc := range res.SAR.Scenes {
			var dets []sim.SARDetection
			for _, det := range res.SAR.Detections {
				if det.Scene == sc.ID {
					dets = append(dets, det)
				}
			}
			d.passes = append(d.passes, demoPass{name: "sar-" + sc.ID, at: sc.Time, write: func(w *bytes.Buffer, shift int64) error {
				moved := &sim.SAR{Detections: slices.Clone(dets)}
				for i := range moved.Detections {
					moved.Detections[i].Time += shift
				}
				return moved.WriteDetections(w)
			}})
		}
	}
	if res.VIIRS != nil {
		granules := map[string][]sim.VIIRSDetection{}
		for _, det := range res.VIIRS.Detections {
			granules[det.File] = append(granules[det.File], det)
		}
		for file, dets := range granules {
			at := int64(0)
			for _, det := range dets {
				at = max(at, det.Time)
			}
			d.passes = append(d.passes, demoPass{name: "viirs-" + file, at: at, write: func(w *bytes.Buffer, shift int64) error {
				moved := &sim.VIIRS{Detections: slices.Clone(dets)}
				for i := range moved.Detections {
					moved.Detections[i].Time += shift
				}
				_, err := moved.WriteTo(w)
				return err
			}})
		}
	}
	slices.SortFunc(d.passes, func(a, b demoPass) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.name, b.name))
	})
	return d
}

// run delivers the passes until ctx is done or all are delivered. The
// replay's shift is taken when it starts (the replay anchors its pacing
// to the clock as it begins); how far it has come is the latest position
// of the feed the store holds.
func (d *demoPasses) run(ctx context.Context, p *live.Pipeline) {
	shift := time.Now().UnixMilli() - d.anchor
	shift -= shift % 1000 // SAR times are written in whole seconds
	bit := -1
	for _, f := range p.Stats().Feeds {
		if f.Name == d.feed {
			bit = f.Bit
		}
	}
	if bit < 0 {
		d.logger.Warn("demo: no feed to clock the satellite passes", "feed", d.feed)
		return
	}
	var reached int64
	next := 0
	tick := time.NewTicker(demoPoll)
	defer tick.Stop()
	for next < len(d.passes) {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if p.Flush(ctx) != nil {
			return
		}
		world := store.BBox{MinLat: -90, MinLon: -180, MaxLat: 90, MaxLon: 180}
		_ = p.Store().Latest(world, reached, func(pos store.Position) bool {
			if pos.Feeds&(1<<bit) != 0 {
				reached = max(reached, pos.Time)
			}
			return true
		})
		for next < len(d.passes) && d.passes[next].at+shift+demoLag.Milliseconds() <= reached {
			if err := d.deliver(d.passes[next], shift); err != nil {
				d.logger.Warn("demo: satellite pass not delivered", "pass", d.passes[next].name, "err", err)
			}
			next++
		}
	}
}

// deliver writes the scenes up to the pass and then the pass's file into
// the watched directory, each whole at once (written aside, then renamed).
func (d *demoPasses) deliver(pass demoPass, shift int64) error {
	if err := d.writeScenes(pass.at, shift); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := pass.write(&b, shift); err != nil {
		return err
	}
	d.logger.Info("demo: satellite pass delivered", "pass", pass.name, "at", time.UnixMilli(pass.at+shift).UTC())
	return d.writeWhole(filepath.Join(d.dir, pass.name+".csv"), b.Bytes())
}

// writeScenes writes the scenes file with the SAR scenes taken up to upTo
// (scenario time), their times moved by shift.
func (d *demoPasses) writeScenes(upTo, shift int64) error {
	moved := &sim.SAR{}
	if d.sar != nil {
		for _, sc := range d.sar.Scenes {
			if sc.Time <= upTo {
				sc.Time += shift
				moved.Scenes = append(moved.Scenes, sc)
			}
		}
	}
	var b bytes.Buffer
	if err := moved.WriteScenes(&b); err != nil {
		return err
	}
	return d.writeWhole(d.scenes, b.Bytes())
}

// writeWhole writes a file aside and renames it to path, so that a reader
// sees the old file or the new one, never a part.
func (d *demoPasses) writeWhole(path string, b []byte) error {
	tmp := filepath.Join(d.staging, filepath.Base(path))
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
