package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Store is picket's embedded store. See the package documentation.
type Store struct {
	dir  string
	opts Options
	lock *os.File

	wmu    sync.Mutex // serialises writers, seals and Close
	w      *wal
	enc    encoder
	dirty  bool  // written since the last checkpoint
	failed error // a seal that failed half way: writes stop

	dmg damages // parts of files found damaged and left out

	mu        sync.RWMutex // guards what readers see, below
	vessels   map[uint32]*vessel
	headN     int // positions in memory
	events    map[string]*storedEvent
	idents    map[uint32][]IdentityRecord
	segs      []*segment // by seq
	sealing   *sealJob   // a seal being written in the background, or nil
	watermark int64      // newest position time
	sealedTo  int64      // windows before this are sealed (or being sealed)
	closed    bool

	// sealDone carries the result of the background seal (sealing) once
	// its files are committed; one at a time. Received under wmu.
	sealDone chan error
	sealBusy bool // under wmu: a background seal has not been received

	stop chan struct{}
	wg   sync.WaitGroup
}

// vessel is one vessel's positions not yet sealed (sorted by time), its
// latest position, and the latest position each feed heard (for a partner
// cleared for some feeds only; a vessel is heard by a few feeds at most).
type vessel struct {
	pts    []Position
	spare  []Position // the array a committed seal gave back, for the next one
	last   Position
	hasPos bool
	byFeed []Position
}

// noteFeeds keeps p as the latest position of each of its feeds that
// has none later.
func (v *vessel) noteFeeds(p Position) {
	for f := p.Feeds; f != 0; f &= f - 1 {
		bit := f & -f
		found := false
		for i := range v.byFeed {
			q := &v.byFeed[i]
			if q.Feeds&bit == 0 {
				continue
			}
			if p.Time >= q.Time {
				// q stays the latest of its other feeds, if any.
				if q.Feeds &^= bit; q.Feeds == 0 {
					v.byFeed = slices.Delete(v.byFeed, i, i+1)
				}
			} else {
				found = true
			}
			break
		}
		if found {
			p.Feeds &^= bit
		}
	}
	if p.Feeds != 0 {
		v.byFeed = append(v.byFeed, p)
	}
}

// latestFor returns the latest position heard by a feed in clearance.
// The position's Feeds are those of its feeds it is the latest of.
func (v *vessel) latestFor(clearance uint64) (Position, bool) {
	var best Position
	ok := false
	for _, q := range v.byFeed {
		if q.Feeds&clearance != 0 && (!ok || q.Time > best.Time) {
			best, ok = q, true
		}
	}
	return best, ok
}

// Open opens the store in dir, creating it if needed, and recovers what a
// crash left: it loads the last checkpoint and replays the write-ahead log
// after it. Only one process may have a directory open.
func Open(dir string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, opts: opts, lock: lock, vessels: make(map[uint32]*vessel),
		events: make(map[string]*storedEvent), idents: make(map[uint32][]IdentityRecord), stop: make(chan struct{}),
		sealDone: make(chan error, 1)}
	if err := s.recover(); err != nil {
		unlockDir(lock)
		return nil, err
	}
	if opts.SyncInterval > 0 {
		s.wg.Add(1)
		go s.syncLoop()
	}
	return s, nil
}

// recover rebuilds memory from the directory and starts a new log file.
func (s *Store) recover() error {
	cur, err := readCurrent(s.dir)
	if err != nil {
		return err
	}
	names, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var wals []uint64
	var junk, aside []string
	for _, de := range names {
		name := de.Name()
		seq, kind := parseName(name)
		switch {
		case strings.HasSuffix(name, ".tmp") && ownTemp(strings.TrimSuffix(name, ".tmp")):
			junk = append(junk, name) // a write a crash interrupted
		case strings.HasSuffix(name, damagedSuffix):
			aside = append(aside, name)
		case kind == "seg" && seq > cur:
			junk = append(junk, name) // written by a seal that never committed
		case kind == "seg":
			g, _, err := openSegment(filepath.Join(s.dir, name))
			if err == nil && g.seq != seq {
				err = fmt.Errorf("%w: %s holds segment %d", ErrCorrupt, name, g.seq)
			}
			if errors.Is(err, ErrCorrupt) {
				// Without its footer (its index) nothing of the file can
				// be found: it is set aside, reported, and the rest of
				// the store opens.
				if err := os.Rename(filepath.Join(s.dir, name), filepath.Join(s.dir, name+damagedSuffix)); err != nil {
					return fmt.Errorf("store: setting the damaged %s aside: %w", name, err)
				}
				if err := syncDir(s.dir); err != nil {
					return err
				}
				size := int64(-1)
				if st, serr := os.Stat(filepath.Join(s.dir, name+damagedSuffix)); serr == nil {
					size = st.Size()
				}
				s.damaged(Damage{File: name, Size: size, What: "segment file, set aside as " + name + damagedSuffix + " (its positions and events are not served)", Reason: err.Error()})
				continue
			}
			if err != nil {
				return err
			}
			s.segs = append(s.segs, g)
		case kind == "ckpt" && seq != cur:
			junk = append(junk, name)
		case kind == "wal" && seq <= cur:
			junk = append(junk, name)
		case kind == "wal":
			wals = append(wals, seq)
		}
	}
	for _, name := range junk {
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	slices.SortFunc(s.segs, func(a, b *segment) int { return cmpU64(a.seq, b.seq) })
	slices.Sort(wals)
	for _, name := range aside {
		// Damage found by an earlier recovery stays in the store's
		// health until someone has looked and removed the copy; while
		// its log file is there, replay finds the damage again.
		if seq, kind := parseName(strings.TrimSuffix(name, damagedSuffix)); kind == "wal" && slices.Contains(wals, seq) {
			continue
		}
		s.damaged(Damage{File: name, What: "damaged file set aside by an earlier recovery", Reason: "remove it once examined"})
	}

	if cur > 0 {
		s.watermark, s.sealedTo, err = readCheckpoint(s.dir, cur, s.applyPos, s.setLatest, s.applyIdentity)
		if err != nil {
			return err
		}
	}
	replayed := 0
	for i, seq := range wals {
		name := walName(seq)
		path := filepath.Join(s.dir, name)
		damaged := false
		tornAt, err := replayWAL(path, i == len(wals)-1, s.replay, func(off, size int64, why string) {
			damaged = true
			s.damaged(Damage{File: name, Offset: off, Size: size, What: "write-ahead log record", Reason: why})
		})
		if err != nil {
			return err
		}
		if damaged {
			// The next seal deletes the log file; the damaged bytes
			// stay for whoever examines them.
			if err := keepAside(path); err != nil {
				return err
			}
		}
		if tornAt >= 0 {
			// Cut a torn tail off now: the file is not written again,
			// and the next recovery must not find a bad record in a
			// file that is no longer the last.
			s.opts.Logger.Warn("store: dropped the torn tail of the write-ahead log", "file", name, "offset", tornAt)
			if err := truncateWAL(path, tornAt); err != nil {
				return err
			}
		}
		replayed++
	}
	next := cur + 1
	if len(wals) > 0 {
		next = max(next, wals[len(wals)-1]+1)
	}
	if s.w, err = openWAL(s.dir, next); err != nil {
		return err
	}
	s.dirty = replayed > 0
	for _, g := range s.expire() {
		if err := os.Remove(g.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: %w", err)
		}
	}
	s.opts.Logger.Info("store: opened", "dir", s.dir, "segments", len(s.segs), "head_positions", s.headN, "wal_files_replayed", replayed)
	// What recovery found due is sealed before Open returns.
	if err := s.maybeSeal(); err != nil {
		s.w.close()
		return err
	}
	if err := s.sealResult(true); err != nil {
		s.w.close()
		return err
	}
	return nil
}

// WaitSeal waits for the seal running in the background, if any, to
// commit its files, and returns its error. Writers never need it (a
// failed seal fails the writes after it); it is for whoever must see the
// segment files on disk now.
func (s *Store) WaitSeal() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.sealResult(true); err != nil {
		return err
	}
	return s.failed
}

// sealResult takes the result of the background seal when it is done
// (or, with wait, once it is), making a failed seal sticky; s.wmu is
// held.
func (s *Store) sealResult(wait bool) error {
	if !s.sealBusy {
		return nil
	}
	var err error
	if wait {
		err = <-s.sealDone
	} else {
		select {
		case err = <-s.sealDone:
		default:
			return nil
		}
	}
	s.sealBusy = false
	if err != nil && s.failed == nil {
		s.failed = fmt.Errorf("store: seal failed, reopen to recover: %w", err)
	}
	return s.failed
}

// truncateWAL cuts a log file at off, the start of its torn tail.
func truncateWAL(path string, off int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	if err := f.Truncate(off); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return f.Sync()
}

// keepAside copies a damaged log file to path+damagedSuffix, once. A
// copy, not a link: the torn tail of the original may be cut next.
func keepAside(path string) error {
	aside := path + damagedSuffix
	if _, err := os.Lstat(aside); err == nil {
		return nil
	}
	err := func() error {
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := os.Create(aside + ".tmp")
		if err != nil {
			return err
		}
		defer dst.Close()
		if _, err := io.Copy(dst, src); err != nil {
			return err
		}
		if err := dst.Sync(); err != nil {
			return err
		}
		return os.Rename(aside+".tmp", aside)
	}()
	if err != nil {
		os.Remove(aside + ".tmp")
		return fmt.Errorf("store: keeping the damaged %s aside: %w", filepath.Base(path), err)
	}
	return syncDir(filepath.Dir(path))
}

// ownTemp reports whether name (less ".tmp") is a file of the store's:
// the directory may be shared (serve keeps access.json there), and
// another program's temporary file is not the store's to delete.
func ownTemp(name string) bool {
	if _, kind := parseName(strings.TrimSuffix(name, damagedSuffix)); kind != "" {
		return true
	}
	return name == "CURRENT" || name == FeedsFile
}

func parseName(name string) (uint64, string) {
	for _, k := range []struct{ prefix, suffix string }{{"wal-", ".log"}, {"seg-", ".pks"}, {"ckpt-", ""}} {
		if strings.HasPrefix(name, k.prefix) && strings.HasSuffix(name, k.suffix) {
			n, err := strconv.ParseUint(name[len(k.prefix):len(name)-len(k.suffix)], 10, 64)
			if err == nil {
				return n, strings.TrimSuffix(k.prefix, "-")
			}
		}
	}
	return 0, ""
}

// replay applies one log record during recovery.
func (s *Store) replay(t byte, p []byte) error {
	switch t {
	case recPositions:
		n, k := binary.Uvarint(p)
		if k <= 0 || n != uint64(len(p)-k)/posWireBytes || uint64(len(p)-k)%posWireBytes != 0 {
			return fmt.Errorf("%w: positions record", ErrCorrupt)
		}
		for p = p[k:]; len(p) > 0; p = p[posWireBytes:] {
			s.applyPos(readPos(p))
		}
	case recFeeds:
		n, k := binary.Uvarint(p)
		if k <= 0 || n != uint64(len(p)-k)/posWireBytes || uint64(len(p)-k)%posWireBytes != 0 {
			return fmt.Errorf("%w: feeds record", ErrCorrupt)
		}
		for p = p[k:]; len(p) > 0; p = p[posWireBytes:] {
			s.applyFeeds(readPos(p))
		}
	case recIdentity:
		mmsi, r, rest, err := readIdentity(p)
		if err != nil {
			return err
		}
		if len(rest) != 0 {
			return fmt.Errorf("%w: identity record", ErrCorrupt)
		}
		s.applyIdentity(mmsi, r)
	case recEvent:
		return fmt.Errorf("%w: an event record of an earlier picket, without per-input provenance: replay the data into a new store", ErrCorrupt)
	case recEventProv:
		e, err := parseEventRecord(p)
		if err != nil {
			return err
		}
		s.applyEvent(e)
	default:
		return fmt.Errorf("%w: record type %d", ErrCorrupt, t)
	}
	return nil
}

func (s *Store) syncLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if err := s.w.sync(s.w.offset()); err != nil {
				s.opts.Logger.Error("store: wal sync failed; writes will fail", "err", err)
				return
			}
		}
	}
}

// Append stores a batch of positions. It checks the whole batch first and
// stores nothing of it if a position is invalid (a *PositionError wrapping
// ErrInvalid). When it returns nil the batch is in the write-ahead log:
// see the package documentation for what that promises. Positions may come
// in any order of time; Append is cheapest in batches of hundreds or more.
func (s *Store) Append(ps []Position) error {
	if len(ps) == 0 {
		return nil
	}
	maxT := s.opts.Now().Add(s.opts.MaxFuture).UnixMilli()
	for i := range ps {
		if why := check(&ps[i], maxT); why != "" {
			return &PositionError{Index: i, Pos: ps[i], Reason: why}
		}
	}
	if len(ps)*posWireBytes > maxRecord/2 {
		h := len(ps) / 2
		if err := s.Append(ps[:h]); err != nil {
			return err
		}
		return s.Append(ps[h:])
	}
	return s.write(func(w *wal) []byte { return appendPosRecord(w, recPositions, ps) }, func() {
		for i := range ps {
			s.applyPos(ps[i])
		}
	})
}

// write logs one record, applies it to memory and seals what is due.
func (s *Store) write(record func(*wal) []byte, apply func()) error {
	s.wmu.Lock()
	if s.failed != nil {
		s.wmu.Unlock()
		return s.failed
	}
	if s.closed {
		s.wmu.Unlock()
		return ErrClosed
	}
	off, err := s.w.write(record(s.w))
	if err != nil {
		s.wmu.Unlock()
		return err
	}
	s.dirty = true
	s.mu.Lock()
	apply()
	s.mu.Unlock()
	err = s.maybeSeal()
	s.wmu.Unlock()
	if err == nil && s.opts.SyncInterval < 0 {
		err = s.w.sync(off)
	}
	return err
}

// applyPos puts p in memory; s.mu is held (or recovery runs alone).
func (s *Store) applyPos(p Position) {
	v := s.vessels[p.MMSI]
	if v == nil {
		v = &vessel{}
		s.vessels[p.MMSI] = v
	}
	n := len(v.pts)
	if n == 0 || v.pts[n-1].Time <= p.Time {
		v.pts = append(v.pts, p)
	} else {
		// Late: keep the window sorted; after equal times, so that
		// order of arrival breaks ties.
		i := sort.Search(n, func(i int) bool { return v.pts[i].Time > p.Time })
		v.pts = slices.Insert(v.pts, i, p)
	}
	if !v.hasPos || p.Time >= v.last.Time {
		v.last, v.hasPos = p, true
	}
	v.noteFeeds(p)
	s.headN++
	if p.Time > s.watermark {
		s.watermark = p.Time
	}
}

// setLatest restores a vessel's latest position from a checkpoint.
func (s *Store) setLatest(p Position) {
	v := s.vessels[p.MMSI]
	if v == nil {
		v = &vessel{}
		s.vessels[p.MMSI] = v
	}
	if !v.hasPos || p.Time >= v.last.Time {
		v.last, v.hasPos = p, true
	}
	v.noteFeeds(p)
}

// cutoff is the oldest time retention keeps; s.mu or s.wmu is held.
func (s *Store) cutoff() int64 {
	if s.opts.Retention <= 0 {
		return math.MinInt64
	}
	return s.watermark - s.opts.Retention.Milliseconds()
}

// maybeSeal starts sealing the windows that have closed, in the
// background: the writer that finds a seal due pays for rotating the log
// and taking the positions out of memory, not for writing the files.
// One seal runs at a time; a seal that comes due while one runs starts
// at a write after it, unless memory is over MaxHeadPositions (then the
// writer waits for it). s.wmu is held.
func (s *Store) maybeSeal() error {
	if err := s.sealResult(false); err != nil {
		return err
	}
	end := int64(math.MinInt64)
	if s.headN > s.opts.MaxHeadPositions {
		if err := s.sealResult(true); err != nil {
			return err
		}
		end = s.watermark + 1
	} else {
		span := s.opts.BlockSpan.Milliseconds()
		if e := floorDiv(s.watermark-s.opts.Grace.Milliseconds(), span) * span; e > s.sealedTo {
			end = e
		}
	}
	if end == math.MinInt64 || s.sealBusy {
		return nil
	}
	job, err := s.seal(end, false)
	if err != nil || job == nil {
		return err
	}
	s.sealBusy = true
	go func() { s.sealDone <- job.run() }()
	return nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// sealJob is a seal taken out of memory: the positions before end of
// every vessel (by MMSI) and every event, for one segment file, and what
// stays in memory for the checkpoint, as it was when the log was
// rotated to file seq+1. Readers see its positions and events in memory
// until its files are committed (Store.sealing).
type sealJob struct {
	s         *Store
	seq       uint64
	end       int64
	vs        []sealVessel // by MMSI
	evs       []*storedEvent
	positions int // positions taken out of memory (vs, and those past retention)
	head      []Position
	latest    []Position
	idents    map[uint32][]IdentityRecord
	watermark int64
	sealedTo  int64
	arrays    []sealVessel // the vessels' arrays vs is in, given back once committed
}

// seal takes every position before end, and every event, out of memory
// into a sealJob, after rotating the log, and returns it for run; nil
// when there is nothing to seal. With always it checkpoints even when
// there is nothing to seal (Close). s.wmu is held.
//
// The order makes a crash at any point recoverable: the log is rotated
// (files up to n hold everything so far), the segment and the checkpoint
// are written under temporary names and renamed (run), and only then does
// CURRENT name n. Before that rename, opening ignores segment n and
// replays the log as before; after it, segment n and ckpt-n replace log
// files up to n, which are deleted.
func (s *Store) seal(end int64, always bool) (*sealJob, error) {
	if s.failed != nil {
		return nil, s.failed
	}
	sealed := 0
	for _, v := range s.vessels {
		if len(v.pts) > 0 && v.pts[0].Time < end {
			sealed++
			break
		}
	}
	if sealed == 0 && len(s.events) == 0 && !(always && s.dirty) {
		s.sealedTo = max(s.sealedTo, end)
		return nil, nil
	}
	n, err := s.w.rotate()
	if err != nil {
		s.failed = fmt.Errorf("store: seal failed, reopen to recover: %w", err)
		return nil, s.failed
	}
	cut := s.cutoff()
	job := &sealJob{s: s, seq: n, end: end, watermark: s.watermark, sealedTo: max(s.sealedTo, end)}
	// Only writers change memory and s.wmu is held: reading it needs no
	// s.mu, changing it does (below).
	nHead := 0
	for _, v := range s.vessels {
		nHead += len(v.pts) - sort.Search(len(v.pts), func(i int) bool { return v.pts[i].Time >= end })
	}
	job.head = make([]Position, 0, nHead)
	for _, v := range s.vessels {
		k := sort.Search(len(v.pts), func(i int) bool { return v.pts[i].Time >= end })
		job.head = append(job.head, v.pts[k:]...)
		job.latest = append(job.latest, v.byFeed...)
		if v.hasPos && !slices.Contains(v.byFeed, v.last) {
			job.latest = append(job.latest, v.last)
		}
	}
	job.idents = make(map[uint32][]IdentityRecord, len(s.idents))
	for mmsi, rs := range s.idents {
		job.idents[mmsi] = slices.Clone(rs)
	}
	s.mu.Lock()
	for mmsi, v := range s.vessels {
		k := sort.Search(len(v.pts), func(i int) bool { return v.pts[i].Time >= end })
		if k == 0 {
			continue
		}
		if lo := sort.Search(k, func(i int) bool { return v.pts[i].Time >= cut }); lo < k {
			// The job keeps the array; the vessel's open window moves to
			// its other array (below).
			job.vs = append(job.vs, sealVessel{mmsi: mmsi, pts: v.pts[lo:k:k]})
		}
		job.positions += k
		job.arrays = append(job.arrays, sealVessel{mmsi: mmsi, pts: v.pts[:0]})
		if rest := v.pts[k:]; len(rest) > 0 || k <= 64 {
			// Each vessel has two arrays in turn: the one the last seal
			// gave back takes the open window, this one goes to the seal.
			buf := v.spare
			v.spare = nil
			if cap(buf) < len(rest) {
				buf = make([]Position, 0, len(rest)+k)
			}
			v.pts = append(buf[:0], rest...)
		} else {
			v.pts, v.spare = nil, nil // a vessel gone quiet gives its memory back
		}
	}
	slices.SortFunc(job.vs, func(a, b sealVessel) int { return cmpU64(uint64(a.mmsi), uint64(b.mmsi)) })
	job.evs = make([]*storedEvent, 0, len(s.events))
	for _, e := range s.events {
		job.evs = append(job.evs, e)
	}
	slices.SortFunc(job.evs, func(a, b *storedEvent) int {
		if a.start != b.start {
			return cmpI64(a.start, b.start)
		}
		return strings.Compare(a.id, b.id)
	})
	s.events = make(map[string]*storedEvent)
	s.headN -= job.positions
	s.sealedTo = job.sealedTo
	s.sealing = job
	s.mu.Unlock()
	s.dirty = false
	return job, nil
}

// run writes the job's segment and checkpoint and commits them; it runs
// on its own goroutine (or, at Close, on the writer's) and touches only
// the job, the files and, to commit, what s.mu guards.
func (job *sealJob) run() error {
	s := job.s
	n := job.seq
	var g *segment
	var err error
	if len(job.vs) > 0 || len(job.evs) > 0 {
		if g, err = writeSegment(s.dir, n, job.vs, job.evs, &s.enc); err != nil {
			return err
		}
	}
	ck := &checkpoint{seq: n, watermark: job.watermark, sealedTo: job.sealedTo, idents: job.idents,
		nHead: uint64(len(job.head)), nLatest: uint64(len(job.latest))}
	ck.head = func(fn func(*Position)) {
		for i := range job.head {
			fn(&job.head[i])
		}
	}
	ck.latest = func(fn func(*Position)) {
		for i := range job.latest {
			fn(&job.latest[i])
		}
	}
	if err := writeCheckpoint(s.dir, ck); err != nil {
		return err
	}
	if err := syncDir(s.dir); err != nil {
		return err
	}
	if err := writeCurrent(s.dir, n); err != nil {
		return err
	}
	s.mu.Lock()
	if g != nil {
		s.segs = append(s.segs, g)
	}
	s.sealing = nil
	// The arrays the seal took take the next seal's open windows, of
	// vessels still heard.
	for _, a := range job.arrays {
		if v := s.vessels[a.mmsi]; v != nil && v.pts != nil && v.spare == nil {
			v.spare = a.pts
		}
	}
	expired := s.expire()
	s.mu.Unlock()

	// Clean up what the commit made obsolete. A crash here leaves files
	// that the next Open deletes.
	names, _ := os.ReadDir(s.dir)
	for _, de := range names {
		seq, kind := parseName(de.Name())
		if (kind == "wal" && seq <= n) || (kind == "ckpt" && seq < n) {
			os.Remove(filepath.Join(s.dir, de.Name()))
		}
	}
	for _, g := range expired {
		if err := os.Remove(g.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.opts.Logger.Warn("store: could not delete an expired segment", "file", g.path, "err", err)
		}
	}
	return nil
}

// sealingTrack appends the positions of mmsi in [from, to) that a seal
// in progress holds; s.mu is held.
func (s *Store) sealingTrack(mmsi uint32, from, to int64, out []Position) []Position {
	job := s.sealing
	if job == nil {
		return out
	}
	i, ok := slices.BinarySearchFunc(job.vs, mmsi, func(v sealVessel, m uint32) int { return cmpU64(uint64(v.mmsi), uint64(m)) })
	if !ok {
		return out
	}
	for _, p := range job.vs[i].pts {
		if p.Time >= from && p.Time < to {
			out = append(out, p)
		}
	}
	return out
}

// expire applies retention to memory and returns the segments whose files
// are to be deleted; s.mu is held (or recovery runs alone).
func (s *Store) expire() []*segment {
	if s.opts.Retention <= 0 {
		return nil
	}
	cut := s.cutoff()
	var gone []*segment
	s.segs = slices.DeleteFunc(s.segs, func(g *segment) bool {
		if g.newest() < cut {
			gone = append(gone, g)
			return true
		}
		return false
	})
	for mmsi, v := range s.vessels {
		if len(v.pts) == 0 && v.last.Time < cut {
			delete(s.vessels, mmsi)
		}
	}
	for mmsi, rs := range s.idents {
		rs = slices.DeleteFunc(rs, func(r IdentityRecord) bool { return r.Last < cut })
		if len(rs) == 0 {
			delete(s.idents, mmsi)
		} else {
			s.idents[mmsi] = rs
		}
	}
	if len(gone) > 0 {
		s.opts.Logger.Info("store: retention dropped segments", "count", len(gone))
	}
	return gone
}

// Sync makes everything written so far survive a crash of the machine,
// not only of the process.
func (s *Store) Sync() error {
	s.wmu.Lock()
	if s.closed {
		s.wmu.Unlock()
		return ErrClosed
	}
	w := s.w
	s.wmu.Unlock()
	return w.sync(w.offset())
}

// Close seals the windows that are due, checkpoints the rest so that the
// next Open has no log to replay, and releases the directory.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return ErrClosed
	}
	close(s.stop)
	s.wg.Wait()
	err := s.sealResult(true)
	if s.failed == nil {
		var job *sealJob
		if job, err = s.seal(s.sealedTo, true); job != nil {
			if err = job.run(); err != nil {
				s.failed = fmt.Errorf("store: seal failed, reopen to recover: %w", err)
			}
		}
	}
	if cerr := s.w.close(); err == nil {
		err = cerr
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	unlockDir(s.lock)
	return err
}

// Stats describes what the store holds.
type Stats struct {
	Vessels         int    // with a latest position
	HeadPositions   int    // in memory, not yet sealed
	SealedPositions uint64 // in segment files
	Segments        int
	SegmentBytes    int64 // on disk, in segment files
	Watermark       int64 // newest position time, Unix ms
	Damages         int   // damaged parts of files left out since Open (Damages, Health)
}

// Stats returns what the store holds now.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := Stats{HeadPositions: s.headN, Segments: len(s.segs), Watermark: s.watermark}
	if s.sealing != nil {
		st.HeadPositions += s.sealing.positions // in memory until its segment is committed
	}
	s.dmg.mu.Lock()
	st.Damages = s.dmg.n
	s.dmg.mu.Unlock()
	for _, v := range s.vessels {
		if v.hasPos {
			st.Vessels++
		}
	}
	for _, g := range s.segs {
		st.SealedPositions += g.positions
		st.SegmentBytes += g.size
	}
	return st
}

func cmpU64(a, b uint64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func cmpI64(a, b int64) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}
