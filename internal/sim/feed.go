package sim

import (
	"bufio"
	"io"
	"math"
	"math/rand/v2"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/event"
)

// Reporting intervals of ITU-R M.1371-5 table 1 (before Options.Rate).
const (
	classAAnchoredMs = 180_000 // at anchor or moored, not faster than 3 kn
	classASlowMs     = 10_000  // 0-14 kn
	classAFastMs     = 6_000   // 14-23 kn
	classAVeryFastMs = 2_000   // over 23 kn
	classBSlowMs     = 180_000 // Class B "CS" at 2 kn or less
	classBMovingMs   = 30_000  // Class B "CS" over 2 kn
	staticMs         = 360_000 // type 5, type 24 A and B: every 6 minutes
)

// Stats counts what the generator wrote.
type Stats struct {
	Lines    int64 // NMEA sentences written
	Messages int64 // AIS messages transmitted and heard by at least one receiver
	Sent     int64 // AIS messages transmitted, heard or not
	// ByType counts the messages a decoder reads from the feed by type:
	// every receiver's copy.
	ByType map[int]int64
	Bytes  int64
}

// heardAt is a moment a transmitter was heard, with where it was (the
// position it reported, or for static reports its true position).
type heardAt struct {
	t        int64
	lat, lon float64
	ok       bool
}

func (h *heardAt) first(t int64, lat, lon float64) {
	if !h.ok {
		*h = heardAt{t, lat, lon, true}
	}
}

func (h *heardAt) set(t int64, lat, lon float64) { *h = heardAt{t, lat, lon, true} }

// idHeard is what was heard of one identity of a vessel.
type idHeard struct {
	firstAny, lastAny       heardAt
	firstStatic, lastStatic heardAt
	statics                 int // static reports heard
}

// heardGap is a hole of at least 6 h in a transmitter's heard positions.
type heardGap struct {
	from, to heardAt
	mmsi     uint32
}

// spoofHeard follows a spoof plan through the feed.
type spoofHeard struct {
	firstFalse  heardAt
	firstTrue   heardAt
	reportedAny bool
}

// vesselHeard is the generator's record of a vessel for the truth.
type vesselHeard struct {
	ids      []idHeard
	last     heardAt // last heard position report
	lastMMSI uint32
	gaps     []heardGap
	spoofs   []spoofHeard
	// fixes are the heard position reports, at most one a minute (false
	// positions left out), for the truth to judge what the feed shows.
	fixes []heardFix
	// falseFixes are the heard spoofed position reports, one a minute.
	falseFixes []heardFix
	// glitched marks the glitch faults sent, by index (faults.go).
	glitched uint64
}

// heardFix is a heard position report as reported.
type heardFix struct {
	t             int64
	lat, lon, sog float32
}

// fixLogMs thins the heard-fix log.
const fixLogMs = 60_000

// minGapMs is the shortest dark period recorded (GFW: every gap >= 6 h).
const minGapMs = 6 * hour

// queue item kinds.
const (
	qPosition = iota
	qStatic
)

type qItem struct {
	t    int64
	v    int32
	kind uint8
}

// queue is a binary min-heap on (t, v, kind), written out so that pushing
// does not allocate.
type queue []qItem

func (q queue) less(i, j int) bool {
	if q[i].t != q[j].t {
		return q[i].t < q[j].t
	}
	if q[i].v != q[j].v {
		return q[i].v < q[j].v
	}
	return q[i].kind < q[j].kind
}

func (q *queue) push(it qItem) {
	*q = append(*q, it)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

// replaceTop sets the minimum's item and restores the heap.
func (q queue) replaceTop(it qItem) {
	q[0] = it
	q.down(0)
}

func (q *queue) pop() {
	h := *q
	n := len(h) - 1
	h[0] = h[n]
	*q = h[:n]
	(*q).down(0)
}

func (q queue) down(i int) {
	n := len(q)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && q.less(r, l) {
			m = r
		}
		if !q.less(m, i) {
			return
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
}

// gen writes the feed.
type gen struct {
	s *scenario
	// met are the vessels given a dark partner by a sensor's staging, so
	// that another sensor stages its meetings with other ships.
	met   []int
	out   *bufio.Writer
	rng   *rand.Rand
	rate  float64
	rx    []receiver // stations, then satellites
	nSta  int
	pass  int // cursor into s.passes
	hints []int
	heard []vesselHeard
	// per-vessel transmitter state
	chanB   []bool
	darkCur []int
	// scratch
	line    []byte
	sent    []byte
	sent2   []byte
	payload []byte
	hits    []int
	pos     ais.PositionReport
	cbp     ais.ClassBPosition
	stat    ais.StaticVoyage
	sdr     ais.StaticDataReport
	seq     int
	group   int
	ch      byte
	stats   Stats
	err     error
	// unseen counts truth events left out because the feed does not show
	// them (a port call never heard stopped, a zone crossed unheard).
	unseen map[event.Type]int
	// The truth scan's last port visit of each vessel, and zone visit of
	// each vessel and zone (indices into its events, -1 none).
	lastVisit []int
	lastZone  [][]int
}

func newGen(s *scenario, w io.Writer) *gen {
	g := &gen{
		s:      s,
		out:    bufio.NewWriterSize(w, 1<<20),
		rng:    rand.New(rand.NewPCG(s.opts.Seed, 0x5eed_0002)),
		rate:   s.opts.Rate,
		hints:  make([]int, len(s.fleet)),
		heard:  make([]vesselHeard, len(s.fleet)),
		chanB:  make([]bool, len(s.fleet)),
		stats:  Stats{ByType: map[int]int64{}},
		unseen: map[event.Type]int{},
	}
	g.darkCur = make([]int, len(s.fleet))
	for _, st := range s.w.stations {
		g.rx = append(g.rx, newReceiver(st.Name, st.Lat, st.Lon, st.cosLat, st.RangeM))
	}
	g.nSta = len(g.rx)
	for k := 0; k < satellites; k++ {
		g.rx = append(g.rx, newReceiver("SAT-"+string(rune('1'+k)), 0, 0, 1, 0))
	}
	for v, ves := range s.fleet {
		g.heard[v].ids = make([]idHeard, len(ves.ids))
		g.heard[v].spoofs = make([]spoofHeard, len(ves.spoof))
	}
	return g
}

// run generates every message from the scenario's start to its end.
func (g *gen) run() error {
	s := g.s
	q := make(queue, 0, 2*len(s.fleet))
	for v, ves := range s.fleet {
		from := s.start
		if ves.alive.To > 0 {
			from = ves.alive.From
		}
		q.push(qItem{t: from + g.rng.Int64N(10_000), v: int32(v), kind: qPosition})
		if !ves.noStatic {
			q.push(qItem{t: from + g.rng.Int64N(staticMs), v: int32(v), kind: qStatic})
		}
	}
	for len(q) > 0 && g.err == nil {
		it := q[0]
		if it.t >= s.end {
			break
		}
		var next int64
		if it.kind == qPosition {
			next = g.position(int(it.v), it.t)
		} else {
			next = g.static(int(it.v), it.t)
		}
		if next < 0 {
			q.pop()
			continue
		}
		it.t = next
		q.replaceTop(it)
	}
	if err := g.out.Flush(); err != nil && g.err == nil {
		g.err = err
	}
	return g.err
}

// transmitting reports whether vessel v is on the air at t; when it is
// not, wake is when to look again (-1: never).
func (g *gen) transmitting(v int, t int64) (ok bool, wake int64) {
	ves := g.s.fleet[v]
	if ves.alive.To > 0 {
		if t < ves.alive.From {
			return false, ves.alive.From
		}
		if t >= ves.alive.To {
			return false, -1
		}
	}
	for i := g.darkCur[v]; i < len(ves.dark); i++ {
		d := ves.dark[i]
		if t < d.From {
			break
		}
		if t < d.To {
			return false, d.To
		}
		g.darkCur[v] = i + 1
	}
	return true, 0
}

// idIndex returns the index of the identity in use at t, -1 when none.
func idIndex(ves *vessel, t int64) int {
	k := -1
	for i := range ves.ids {
		if ves.ids[i].from <= t {
			k = i
		}
	}
	return k
}

// position transmits a position report of vessel v at t and returns when
// the next is due, -1 when the transmitter is gone.
func (g *gen) position(v int, t int64) int64 {
	s := g.s
	ves := s.fleet[v]
	if ok, wake := g.transmitting(v, t); !ok {
		return wake
	}
	k := idIndex(ves, t)
	if k < 0 {
		return t + classASlowMs
	}
	id := ves.ids[k].id
	lat, lon, sog, cog, l := s.fp.motion(v, t, &g.hints[v])
	trueLat, trueLon := lat, lon
	// GPS noise, a few metres.
	lat += g.rng.NormFloat64() * 3 / 111_195
	lon += g.rng.NormFloat64() * 3 / (111_195 * math.Cos(lat*math.Pi/180))
	// Spoofed reports: for a while the positions come from far away.
	hv := &g.heard[v]
	spoofed := -1
	for i := range ves.spoof {
		sp := &ves.spoof[i]
		if t >= sp.at && t < sp.until {
			spoofed = i
			// Translated: the false track keeps the true one's shape.
			dlat, dlon := sp.offset(t)
			lat += dlat
			lon += dlon
			break
		}
	}
	glitched := false
	if spoofed < 0 && len(ves.faults) > 0 {
		lat, lon, glitched = g.glitch(v, t, lat, lon)
	}
	moving := sog > 0.05
	rsog := sog
	heading := l.heading
	if moving {
		rsog = max(0, sog+g.rng.NormFloat64()*0.1)
		cog = math.Mod(cog+g.rng.NormFloat64()*1+360, 360)
		if l.kind == legSail {
			heading = cog + g.rng.NormFloat64()*2
		}
	}
	heading = math.Mod(heading+720, 360)
	status := l.status
	g.seqChannel(v)
	sec := uint8(t / 1000 % 60)
	var err error
	if ves.classB {
		m := &g.cbp
		*m = ais.ClassBPosition{Header: ais.Header{Type: 18, MMSI: id.MMSI}, Speed: knots10(rsog), Accuracy: true,
			Lon: int32(math.Round(lon * 600000)), Lat: int32(math.Round(lat * 600000)), Course: uint16(math.Round(cog*10)) % 3600,
			Heading: uint16(math.Round(heading)) % 360, Second: sec, CS: true, Display: false, Band: true, Msg22: true, Radio: uint32(g.rng.IntN(1 << 20))}
		if !moving {
			m.Course = 3600
		}
		g.payload, _, err = ais.AppendPayload(g.payload[:0], m)
	} else {
		m := &g.pos
		typ := uint8(1)
		if g.rng.IntN(10) == 0 {
			typ = 3
		}
		*m = ais.PositionReport{Header: ais.Header{Type: typ, MMSI: id.MMSI}, Status: status, Turn: 0, Speed: knots10(rsog), Accuracy: true,
			Lon: int32(math.Round(lon * 600000)), Lat: int32(math.Round(lat * 600000)), Course: uint16(math.Round(cog*10)) % 3600,
			Heading: uint16(math.Round(heading)) % 360, Second: sec, Radio: uint32(g.rng.IntN(1 << 19))}
		if !moving && l.kind == legStill && l.swingM == 0 {
			m.Turn = 0
		}
		g.payload, _, err = ais.AppendPayload(g.payload[:0], m)
	}
	if err != nil {
		g.err = err
		return -1
	}
	g.stats.Sent++
	if g.receive(trueLat, trueLon, t) {
		g.sentence(g.sent[:0], 1, 1, -1, g.payload, 0)
		g.writeHeard(t, false, int(g.payload[0]-'0'))
		if glitched {
			return t + g.interval(ves, sog, status) // a data fault: nothing to track
		}
		if len(ves.faults) > 0 {
			defer g.redeliver(v, t, id)
		}
		// Truth bookkeeping.
		ih := &hv.ids[k]
		ih.firstAny.first(t, lat, lon)
		ih.lastAny.set(t, lat, lon)
		if hv.last.ok && hv.lastMMSI == id.MMSI && t-hv.last.t >= minGapMs {
			hv.gaps = append(hv.gaps, heardGap{from: hv.last, to: heardAt{t, lat, lon, true}, mmsi: id.MMSI})
		}
		hv.last.set(t, lat, lon)
		hv.lastMMSI = id.MMSI
		if n := len(hv.fixes); spoofed < 0 && (n == 0 || t-hv.fixes[n-1].t >= fixLogMs) {
			hv.fixes = append(hv.fixes, heardFix{t, float32(lat), float32(lon), float32(rsog)})
		}
		if spoofed >= 0 {
			hv.spoofs[spoofed].firstFalse.first(t, lat, lon)
			if n := len(hv.falseFixes); n == 0 || t-hv.falseFixes[n-1].t >= fixLogMs {
				hv.falseFixes = append(hv.falseFixes, heardFix{t, float32(lat), float32(lon), float32(rsog)})
			}
		} else {
			for i := range hv.spoofs {
				if sh := &hv.spoofs[i]; sh.firstFalse.ok && !sh.firstTrue.ok {
					sh.firstTrue.set(t, lat, lon)
				}
			}
		}
	}
	return t + g.interval(ves, sog, status)
}

// interval returns the time to the next position report (M.1371-5
// table 1), times Options.Rate, with a little jitter.
func (g *gen) interval(ves *vessel, sog float64, status uint8) int64 {
	var ms int64
	switch {
	case ves.classB && sog <= 2:
		ms = classBSlowMs
	case ves.classB:
		ms = classBMovingMs
	case (status == statusAnchored || status == statusMoored) && sog <= 3:
		ms = classAAnchoredMs
	case sog <= 14:
		ms = classASlowMs
	case sog <= 23:
		ms = classAFastMs
	default:
		ms = classAVeryFastMs
	}
	ms = int64(float64(ms) * g.rate)
	return ms + g.rng.Int64N(ms/20+1) - ms/40
}

func knots10(k float64) uint16 {
	v := math.Round(k * 10)
	if v > 1022 {
		return 1022
	}
	return uint16(v)
}

// static transmits static data of vessel v at t: a type 5 for Class A,
// type 24 parts A and B for Class B.
func (g *gen) static(v int, t int64) int64 {
	s := g.s
	ves := s.fleet[v]
	next := t + int64(float64(staticMs)*g.rate)
	if ok, wake := g.transmitting(v, t); !ok {
		return wake
	}
	k := idIndex(ves, t)
	if k < 0 {
		return next
	}
	id := ves.ids[k].id
	lat, lon := s.fp.pos(v, t, &g.hints[v])
	g.seqChannel(v)
	if ves.classB {
		g.stats.Sent += 2
	} else {
		g.stats.Sent++
	}
	if !g.receive(lat, lon, t) {
		return next
	}
	hv := &g.heard[v]
	ih := &hv.ids[k]
	// A static report carries no position: the truth places it where the
	// ship is, which its next position report shows within seconds.
	plat, plon := lat, lon
	ih.firstAny.first(t, plat, plon)
	ih.lastAny.set(t, plat, plon)
	ih.firstStatic.first(t, plat, plon)
	ih.lastStatic.set(t, plat, plon)
	ih.statics++
	var err error
	if ves.classB {
		m := &g.sdr
		*m = ais.StaticDataReport{Header: ais.Header{Type: 24, MMSI: id.MMSI}, PartNo: 0, ShipName: id.Name}
		g.payload, _, err = ais.AppendPayload(g.payload[:0], m)
		if err == nil {
			g.sentence(g.sent[:0], 1, 1, -1, g.payload, 0)
			g.writeHeard(t, false, 24)
			*m = ais.StaticDataReport{Header: ais.Header{Type: 24, MMSI: id.MMSI}, PartNo: 1, ShipType: id.ShipType, VendorID: vendor,
				Model: 1, Serial: id.MMSI % 1_000_000, CallSign: id.CallSign, Dimensions: id.Dim}
			g.payload, _, err = ais.AppendPayload(g.payload[:0], m)
			g.sentence(g.sent[:0], 1, 1, -1, g.payload, 0)
			g.writeHeard(t, false, 24)
		}
	} else {
		m := &g.stat
		*m = ais.StaticVoyage{Header: ais.Header{Type: 5, MMSI: id.MMSI}, AISVersion: 2, IMO: id.IMO, CallSign: id.CallSign, ShipName: id.Name,
			ShipType: id.ShipType, Dimensions: id.Dim, EPFD: 1, Month: 0, Day: 0, Hour: 24, Minute: 60, Draught: id.Draught}
		if d := ves.destAt(t); d != nil {
			m.Destination = d.dest
			if d.eta > 0 {
				// ETA in UTC month, day, hour, minute (M.1371-5 table 48).
				sec := d.eta / 1000
				days := sec / 86400
				m.Month, m.Day = civil(days)
				m.Hour, m.Minute = uint8(sec%86400/3600), uint8(sec%3600/60)
			}
		}
		var fill int
		g.payload, fill, err = ais.AppendPayload(g.payload[:0], m)
		if err == nil {
			// 424 bits: 71 characters, sent as 60 + 11 (an 82-character
			// sentence holds at most 60 or so payload characters).
			seq := g.seq
			g.seq = (g.seq + 1) % 10
			g.sentence(g.sent[:0], 2, 1, seq, g.payload[:60], 0)
			g.sent2 = g.sentenceTo(g.sent2[:0], 2, 2, seq, g.payload[60:], fill)
			g.writeHeard(t, true, 5)
		}
	}
	if err != nil {
		g.err = err
		return -1
	}
	return next
}

var vendor = []byte("PKT")

// civil returns the month and day of a day count since 1970-01-01
// (Howard Hinnant's algorithm), without time.Time in the hot loop.
func civil(days int64) (month, day uint8) {
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	return uint8(m), uint8(d)
}

// seqChannel alternates the vessel's radio channel between AIS 1 (A) and
// AIS 2 (B).
func (g *gen) seqChannel(v int) {
	g.chanB[v] = !g.chanB[v]
	g.ch = 'A'
	if g.chanB[v] {
		g.ch = 'B'
	}
}

// receive decides who hears a transmission from (lat, lon) at t, filling
// g.hits; it reports whether anyone did.
func (g *gen) receive(lat, lon float64, t int64) bool {
	g.hits = g.hits[:0]
	for _, o := range g.s.outages {
		if t >= o.From && t < o.To {
			return false // the feed is down
		}
	}
	inRange := false
	for i := 0; i < g.nSta; i++ {
		p, in := g.rx[i].hears(lat, lon)
		if !in {
			continue
		}
		inRange = true
		if g.rng.Float64() < p {
			g.hits = append(g.hits, i)
		}
	}
	ps := g.s.passes
	for g.pass < len(ps) && ps[g.pass].to <= t {
		g.pass++
	}
	if g.pass < len(ps) && ps[g.pass].from <= t {
		p := pSatOffshore
		if inRange {
			p = pSatCoastal
		}
		if g.rng.Float64() < p {
			g.hits = append(g.hits, g.nSta+ps[g.pass].sat)
		}
	}
	return len(g.hits) > 0
}

// sentence builds a VDM sentence into g.sent.
func (g *gen) sentence(dst []byte, total, num, seq int, payload []byte, fill int) {
	g.sent = g.sentenceTo(dst, total, num, seq, payload, fill)
}

var hexDigits = "0123456789ABCDEF"

// sentenceTo appends "!AIVDM,total,num,seq,ch,payload,fill*hh" to dst. The
// channel is the current vessel's (set by seqChannel through g.chan).
func (g *gen) sentenceTo(dst []byte, total, num, seq int, payload []byte, fill int) []byte {
	start := len(dst)
	dst = append(dst, "!AIVDM,"...)
	dst = append(dst, byte('0'+total), ',', byte('0'+num), ',')
	if seq >= 0 {
		dst = append(dst, byte('0'+seq))
	}
	dst = append(dst, ',', g.ch, ',')
	dst = append(dst, payload...)
	dst = append(dst, ',', byte('0'+fill))
	var sum byte
	for _, c := range dst[start+1:] {
		sum ^= c
	}
	return append(dst, '*', hexDigits[sum>>4], hexDigits[sum&15])
}

// writeHeard writes the sentence (or the two fragments in g.sent and
// g.sent2) once per receiver in g.hits, each with its tag block.
func (g *gen) writeHeard(t int64, twoParts bool, typ int) {
	sec := t / 1000
	g.stats.Messages++
	g.stats.ByType[typ] += int64(len(g.hits))
	for _, h := range g.hits {
		r := &g.rx[h]
		if !twoParts {
			g.line = appendTag(g.line[:0], r, sec, 0, 0, 0)
			g.line = append(g.line, g.sent...)
			g.line = append(g.line, '\n')
			g.write()
			continue
		}
		g.group++
		g.line = appendTag(g.line[:0], r, sec, 1, 2, g.group)
		g.line = append(g.line, g.sent...)
		g.line = append(g.line, '\n')
		g.line = appendTag(g.line, r, sec, 2, 2, g.group)
		g.line = append(g.line, g.sent2...)
		g.line = append(g.line, '\n')
		g.write()
		g.stats.Lines++ // two lines in one write
	}
}

func (g *gen) write() {
	n, err := g.out.Write(g.line)
	g.stats.Bytes += int64(n)
	g.stats.Lines++
	if err != nil && g.err == nil {
		g.err = err
	}
}

// appendTag appends an NMEA 4.0 tag block: \s:NAME,c:SECONDS[,g:n-m-id]*hh\
// (the checksum is the XOR of the characters between '\' and '*').
func appendTag(dst []byte, r *receiver, sec int64, part, parts, group int) []byte {
	dst = append(dst, '\\')
	start := len(dst)
	dst = append(dst, r.prefix...)
	dst = appendInt(dst, sec)
	if parts > 0 {
		dst = append(dst, ",g:"...)
		dst = appendInt(dst, int64(part))
		dst = append(dst, '-')
		dst = appendInt(dst, int64(parts))
		dst = append(dst, '-')
		dst = appendInt(dst, int64(group))
	}
	sum := r.sum
	for _, c := range dst[start+len(r.prefix):] {
		sum ^= c
	}
	return append(dst, '*', hexDigits[sum>>4], hexDigits[sum&15], '\\')
}

func appendInt(dst []byte, v int64) []byte {
	var b [20]byte
	i := len(b)
	if v == 0 {
		return append(dst, '0')
	}
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[i:]...)
}
