package pipeline

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/picket-ais/picket/internal/detect"
	"github.com/picket-ais/picket/internal/detection"
	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/radar"
	"github.com/picket-ais/picket/internal/source"
	"github.com/picket-ais/picket/internal/track"
)

// AnalyzeOptions configures Analyze. The zero value means the defaults.
type AnalyzeOptions struct {
	// Location is the time zone of log lines stamped with a local date and
	// time but no zone. Default UTC.
	Location *time.Location
	// AssumeStart and AssumeSpan give event times to input that has none
	// (such as the AISHub sample): the lines of each input are spread
	// evenly over the span by their line number. Without them such input
	// is an error: detection runs on the time the data carries.
	AssumeStart time.Time
	AssumeSpan  time.Duration
	// ReorderWindow is how far out of time order an NMEA input may be and
	// still be tracked in order (reports are held that long). Default 1 h;
	// at most ReorderMax reports (default 1,000,000, ~100 MB) are held.
	ReorderWindow time.Duration
	ReorderMax    int
	// CSV says how CSV inputs are read: column mapping, time layout, and
	// the numbering of an id column (one IDTable for every input; Analyze
	// makes one when nil and returns it in the result).
	CSV    fuse.CSVOptions
	Track  track.Options
	Detect detect.Options
	Places detect.Places
	// Tracks, when set, is given every tracked fix (to write the tracks
	// out with the events). Default nil: fixes are not kept.
	Tracks *Tracks
	// Detections are files of satellite vessel detections (CSV: GFW's
	// SAR layout or the like; SAR unless a sensor column says), Optical
	// files of optical ones (the same columns) and Scenes files of their
	// scenes' footprints; when given, the run keeps its tracks,
	// correlates every detection with them and reports dark_vessel
	// events. Correlate configures that (zero value: the defaults).
	Detections, Optical, Scenes []string
	Correlate                   detection.Options
	// Radars are radar outputs (NMEA TTM/TLL): their tracks are
	// correlated with the AIS tracks like detections; dark ones are
	// dark_vessel events. With detections or radars, AIS vessels
	// alongside dark ones are dark_encounter events.
	Radars []RadarInput
	// Progress, when set, is called now and then with the bytes read of
	// all inputs and their total size.
	Progress func(done, total int64)
	// Workers is how many goroutines tracking and detection run on
	// (ingest.Options.Workers): 1 for one, 0 for as many as Go has CPUs
	// (runtime.GOMAXPROCS). The events are the same.
	Workers int
}

// ErrNoRows is returned for a CSV input none of whose rows could be read;
// the error says why, by reason, with the first row of each.
var ErrNoRows = errors.New("no row could be read")

// ErrNoTime is returned for input whose lines carry no time at all.
var ErrNoTime = errors.New("no timestamps in the first 1000 messages: analysis runs on event time (give --assume-times START/SPAN to spread untimed lines over a span)")

// AnalyzeResult is what Analyze found.
type AnalyzeResult struct {
	Events  []event.Event
	Tracker *track.Tracker
	// Tally accounts for the lines of the NMEA inputs, all together.
	Tally nmea.Tally
	// CSVRows and CSVBad count the rows of CSV inputs and those not understood.
	CSVRows, CSVBad int64
	// IDs numbers the vessels CSV inputs know by an id column (empty when
	// none do): their events carry those numbers as MMSIs.
	IDs *fuse.IDTable
	// Inputs accounts for each input on its own.
	Inputs []InputSummary
	// What reached the core: Reports were tracked or taken as identities
	// after Duplicates were removed; OutOfOrder positions were older than
	// their segment's last fix.
	ingest.Counts
	// Coverage is what each input delivered over time (by input index):
	// its spans of reception and its outages.
	Coverage detect.Coverage
	// Detections is what the detection files held (nil without them),
	// and Correlation the outcome for each of its detections.
	Detections  *detection.Set
	Correlation []detection.Result
	// RadarTracks are the radar inputs' tracks (nil without them),
	// RadarMatches the outcome for each, Radars each input's accounting.
	RadarTracks  []radar.Track
	RadarMatches []radar.Match
	Radars       []RadarSummary
}

// InputSummary accounts for one input's lines or rows.
type InputSummary struct {
	Name  string
	Tally nmea.Tally // NMEA input
	// Rows and Bad count a CSV input's rows and those not understood;
	// BadRows says why, each reason with its first row.
	Rows, Bad int64
	BadRows   []fuse.CSVBad
}

// Unused is how many of the input's lines or rows were not analysed, and
// of how many: lines that failed (a bad checksum, a broken sentence, a
// message that never completed, ...) and messages without a time. Blank
// lines, comments and metadata ($PGHP, lone tag blocks) are not counted
// as unused: they carry nothing to analyse.
func (s *InputSummary) Unused() (unused, total int64) {
	if s.Rows > 0 {
		return s.Bad, s.Rows
	}
	for _, r := range nmea.Reasons() {
		switch r {
		case nmea.Decoded, nmea.Blank, nmea.Comment, nmea.Metadata:
		default:
			unused += s.Tally.ByReason[r]
		}
	}
	return unused + s.Tally.Notes["no_time"], s.Tally.Lines
}

// batchSize is the number of reports an input hands to the tracker at once:
// large enough that channel handoffs cost little, small enough to keep
// inputs interleaved by time.
const batchSize = 4096

// batches recycles report batches between the decoding goroutines and the
// tracker: at millions of reports a second, fresh batches were most of the
// garbage.
var batches = sync.Pool{New: func() any { return make([]fuse.Report, 0, 2*batchSize) }}

func newBatch() []fuse.Report { return batches.Get().([]fuse.Report)[:0] }

// inputStream decodes one input on its own goroutine.
type inputStream struct {
	name  string
	path  string
	ch    chan []fuse.Report
	err   error
	tally nmea.Tally
	rows  int64
	bad   int64
	why   []fuse.CSVBad
	cur   []fuse.Report
	pos   int
	file  *source.File
}

// Analyze reads every input, tracks every vessel and runs every detector.
func Analyze(inputs []string, opts AnalyzeOptions) (*AnalyzeResult, error) {
	if opts.ReorderWindow <= 0 {
		opts.ReorderWindow = time.Hour
	}
	if opts.ReorderMax <= 0 {
		opts.ReorderMax = 1_000_000
	}
	if opts.CSV.IDs == nil {
		opts.CSV.IDs = &fuse.IDTable{}
	}
	var files []*source.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var dets *detection.Set
	if len(opts.Detections)+len(opts.Optical) > 0 {
		var err error
		if dets, err = readDetections(opts.Detections, opts.Optical, opts.Scenes); err != nil {
			return nil, err
		}
		if opts.Tracks == nil {
			opts.Tracks = NewTracks()
		}
	}
	var radarTracks []radar.Track
	var radarSums []RadarSummary
	if len(opts.Radars) > 0 {
		var err error
		if radarTracks, radarSums, err = readRadars(opts.Radars, &opts); err != nil {
			return nil, err
		}
		if opts.Tracks == nil {
			opts.Tracks = NewTracks()
		}
	}
	var total int64
	for _, p := range inputs {
		f, err := source.Open(p)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		total += f.Size
	}
	streams := make([]*inputStream, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		s := &inputStream{name: f.Name, path: inputs[i], ch: make(chan []fuse.Report, 4), file: f}
		streams[i] = s
		wg.Add(1)
		go func(feed uint16) {
			defer wg.Done()
			defer close(s.ch)
			s.err = s.run(f, feed, &opts)
		}(uint16(i))
	}

	copts := ingest.Options{Track: opts.Track, Detect: opts.Detect, Places: opts.Places, Workers: opts.Workers}
	if copts.Workers <= 0 {
		copts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Tracks != nil {
		copts.Tracked = opts.Tracks.Add
	}
	core := ingest.NewCore(copts)
	var lastProgress time.Time
	var n int64
	merge := newMerger(streams)
	for {
		r, ok := merge.next()
		if !ok {
			break
		}
		n++
		if opts.Progress != nil && n%65536 == 0 && time.Since(lastProgress) > 200*time.Millisecond {
			lastProgress = time.Now()
			var done int64
			for _, f := range files {
				done += f.Consumed()
			}
			opts.Progress(done, total)
		}
		core.Report(r)
	}
	wg.Wait()
	res := &AnalyzeResult{Tracker: core.Tracker(), IDs: opts.CSV.IDs}
	var errs []error
	for _, s := range streams {
		res.Tally.Merge(&s.tally)
		res.CSVRows += s.rows
		res.CSVBad += s.bad
		res.Inputs = append(res.Inputs, InputSummary{Name: s.name, Tally: s.tally, Rows: s.rows, Bad: s.bad, BadRows: s.why})
		if s.err != nil {
			errs = append(errs, &InputError{Name: s.name, Err: s.err})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	res.Events = core.Finish()
	res.Counts = core.Counts()
	res.Coverage = core.Coverage()
	if dets != nil || radarTracks != nil {
		ais := opts.Tracks.correlationTracks(res.Tracker)
		if dets != nil {
			correlate(res, dets, ais, opts.Correlate)
		}
		if radarTracks != nil {
			res.RadarTracks, res.Radars = radarTracks, radarSums
			correlateRadar(res, ais, &opts)
		}
		darkEncounters(res, ais, &opts)
		event.Sort(res.Events)
	}
	if opts.Progress != nil {
		opts.Progress(total, total)
	}
	return res, nil
}

// merger hands out the reports of several inputs in time order: a binary
// heap of the inputs keyed by the time of the report at their head, so
// each report costs O(log inputs).
type merger struct {
	h []*inputStream
	// pending is set when the top stream's batch ran out with the report
	// last handed out: its next batch is fetched on the next call, once
	// the caller is done with that report (the batch is then recycled).
	pending bool
}

func newMerger(streams []*inputStream) *merger {
	m := &merger{}
	for _, s := range streams {
		if s.fill() {
			m.h = append(m.h, s)
		}
	}
	for i := len(m.h)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m
}

// fill makes sure the stream has a report at its head; false at its end.
func (s *inputStream) fill() bool {
	for s.pos >= len(s.cur) {
		if s.cur != nil {
			clear(s.cur) // drop the StaticInfo pointers before reuse
			batches.Put(s.cur[:0])
			s.cur = nil
		}
		b, ok := <-s.ch
		if !ok {
			return false
		}
		s.cur, s.pos = b, 0
	}
	return true
}

func (s *inputStream) head() int64 { return s.cur[s.pos].Time }

func (m *merger) less(i, j int) bool { return m.h[i].head() < m.h[j].head() }

func (m *merger) down(i int) {
	n := len(m.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && m.less(r, l) {
			c = r
		}
		if !m.less(c, i) {
			return
		}
		m.h[i], m.h[c] = m.h[c], m.h[i]
		i = c
	}
}

// next returns the earliest report, valid until the next call.
func (m *merger) next() (*fuse.Report, bool) {
	if m.pending {
		m.pending = false
		if m.h[0].fill() {
			m.down(0)
		} else {
			last := len(m.h) - 1
			m.h[0] = m.h[last]
			m.h = m.h[:last]
			if len(m.h) > 0 {
				m.down(0)
			}
		}
	}
	if len(m.h) == 0 {
		return nil, false
	}
	s := m.h[0]
	r := &s.cur[s.pos]
	s.pos++
	if s.pos < len(s.cur) {
		m.down(0)
	} else {
		m.pending = true
	}
	return r, true
}

// run decodes one input into batches of reports.
func (s *inputStream) run(f *source.File, feed uint16, opts *AnalyzeOptions) error {
	br := bufio.NewReaderSize(f, 256<<10)
	head, _ := br.Peek(4096)
	if !looksLikeNMEA(head) {
		return s.runCSV(br, feed, opts)
	}
	var lines int64 // the input's lines, to spread untimed ones over AssumeSpan
	if opts.AssumeSpan > 0 {
		var err error
		if lines, err = countLines(s.path); err != nil {
			return err
		}
	}
	st := ingest.NewStream(feed, nmea.Options{Location: opts.Location})
	ro := ingest.NewReorder(opts.ReorderWindow, opts.ReorderMax)
	batch, scratch := newBatch(), make([]fuse.Report, 0, 2)
	untimed, timed := 0, 0
	var line int64
	lr := source.NewLineReader(br)
	for lr.Next() {
		line++
		msg := st.Line(lr.Line(), lr.Long())
		if msg == nil {
			continue
		}
		t := msg.TimeMs
		if !msg.HasTime {
			if opts.AssumeSpan <= 0 {
				untimed++
				if timed == 0 && untimed >= 1000 {
					return ErrNoTime
				}
				st.Untimed(msg)
				continue
			}
			// By line number: a compressed input is read in large
			// blocks, and spreading by bytes read gave every line of a
			// block one time (the AISHub sample got 3 distinct times).
			t = opts.AssumeStart.UnixMilli()
			if lines > 1 {
				t += int64(float64(opts.AssumeSpan.Milliseconds()) * float64(line-1) / float64(lines-1))
			}
		} else {
			timed++
		}
		scratch = st.Reports(scratch[:0], msg, t)
		for i := range scratch {
			ro.Push(&scratch[i], 0)
		}
		batch = ro.Release(batch, 0, false)
		if len(batch) >= batchSize {
			s.ch <- batch
			batch = newBatch()
		}
	}
	st.End()
	s.tally = *st.Tally()
	batch = ro.Release(batch, 0, true)
	for len(batch) > 0 {
		n := min(batchSize, len(batch))
		s.ch <- batch[:n:n]
		batch = batch[n:]
	}
	if err := lr.Err(); err != nil {
		return err
	}
	if s.tally.Lines > 0 && s.tally.Sentences == 0 {
		return ErrNoAIS
	}
	if timed == 0 && untimed > 0 && opts.AssumeSpan <= 0 {
		return ErrNoTime
	}
	return nil
}

// countLines counts the lines of an input (decompressed).
func countLines(path string) (int64, error) {
	f, err := source.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	var n int64
	last := byte('\n')
	for {
		k, err := f.Read(buf)
		if k > 0 {
			n += int64(bytes.Count(buf[:k], []byte{'\n'}))
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++ // a last line without its newline
	}
	return n, nil
}

func (s *inputStream) runCSV(r io.Reader, feed uint16, opts *AnalyzeOptions) error {
	cr, err := fuse.NewCSVReaderOptions(r, opts.CSV, feed)
	if err != nil {
		return err
	}
	// CSV exports are often sorted by vessel rather than by time (NOAA's
	// daily files are), and detectors that compare vessels need time
	// order: the rows are read whole and sorted when they are not in order.
	var all []fuse.Report
	sorted := true
	for {
		rep, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		// CSV rows carry no payload: the key is the row's content.
		rep.Key = fuse.PayloadKey([]byte(fmt.Sprintf("%d|%d|%.6f|%.6f|%d", rep.MMSI, rep.Time, rep.Lat, rep.Lon, rep.Kind)), 0)
		if rep.Kind == fuse.Position {
			s.rows++
		}
		if n := len(all); n > 0 && rep.Time < all[n-1].Time {
			sorted = false
		}
		all = append(all, rep)
	}
	if !sorted {
		sort.SliceStable(all, func(i, j int) bool { return all[i].Time < all[j].Time })
	}
	for len(all) > 0 {
		n := min(batchSize, len(all))
		s.ch <- all[:n:n]
		all = all[n:]
	}
	s.bad = int64(cr.Bad)
	s.why = cr.BadRows()
	s.rows += s.bad
	if s.rows == s.bad && cr.LastErr != nil {
		var why []string
		for _, b := range s.why {
			why = append(why, b.String())
		}
		return fmt.Errorf("%w: %s", ErrNoRows, strings.Join(why, "; "))
	}
	return nil
}

// looksLikeNMEA tells NMEA logs from CSV exports by their first bytes.
func looksLikeNMEA(head []byte) bool {
	return bytes.Contains(head, []byte("VDM,")) || bytes.Contains(head, []byte("VDO,")) || bytes.Contains(head, []byte("$PGHP"))
}
