package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// FileReplay is the kind of a feed that plays a log as if it were live:
// paced on its own data time at a speed factor, after skipping a first
// stretch, optionally rebased to the clock (a demo, a test, an exercise
// replayed to a watch floor).
const FileReplay Kind = "file"

func init() { Register(FileReplay, checkReplay, newReplay) }

func checkReplay(cfg Config) error {
	if cfg.File == "" {
		return errors.New("no file to replay")
	}
	if cfg.Speed < 0 {
		return fmt.Errorf("speed %g: want 0 (as fast as possible) or more", cfg.Speed)
	}
	if cfg.Rebase && (cfg.Speed <= 0 || cfg.Speed > 1) {
		return errors.New("rebase needs a speed above 0 and at most 1: a faster replay would stamp its data ahead of the clock")
	}
	return nil
}

type replay struct{ cfg Config }

func newReplay(cfg Config) (Source, error) { return &replay{cfg}, nil }

func (r *replay) Addr() net.Addr { return nil }
func (r *replay) Close() error   { return nil }

// pace returns how long to wait before a line of data time t is played,
// for a replay whose data time anchorData was played at wall time
// anchorWall (both Unix ms), at speed; zero or less means now.
func pace(anchorData, anchorWall, t int64, speed float64, nowWall int64) time.Duration {
	if speed <= 0 {
		return 0
	}
	due := anchorWall + int64(float64(t-anchorData)/speed)
	return time.Duration(due-nowWall) * time.Millisecond
}

// Run plays the file to its end (or until ctx is done). A line that
// carries no time is played at once, stamped with the clock.
func (r *replay) Run(ctx context.Context, env Env) error {
	env.State("replaying")
	file, err := Open(r.cfg.File)
	if err != nil {
		return err
	}
	defer file.Close()
	s := env.Open()
	defer s.End()
	now := func() int64 { return env.Now().UnixMilli() }
	lr := NewLineReader(bufio.NewReaderSize(file, 256<<10))
	var anchored bool
	var anchorData, anchorWall, shift int64
	var lines int64
	for lr.Next() {
		lines++
		if ctx.Err() != nil {
			return nil
		}
		t, timed, ok := s.Frame(lr.Line(), lr.Long())
		if !ok {
			continue
		}
		if !timed {
			s.Emit(now())
			continue
		}
		if !anchored {
			anchored = true
			anchorData, anchorWall = t+r.cfg.Skip.Milliseconds(), now()
			if r.cfg.Rebase {
				shift = anchorWall - anchorData
			}
		}
		if wait := pace(anchorData, anchorWall, t, r.cfg.Speed, now()); wait > time.Millisecond {
			// Hand over what is due before waiting. The message in hand
			// stays: nothing is framed meanwhile.
			s.Flush()
			if env.Sleep(ctx, wait) != nil {
				return nil
			}
		}
		s.Emit(t + shift)
	}
	if err := lr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	env.Log.Info("replay finished", "lines", lines)
	return nil
}
