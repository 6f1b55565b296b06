package nmea

import "time"

// Options configures a Parser. The zero value means the defaults.
type Options struct {
	// Location is the time zone of date-time line prefixes that carry none
	// (e.g. logs written in Paris local time). Default UTC.
	Location *time.Location
	// FragmentTimeout gives up a multi-sentence message whose next fragment
	// has not come within this much data time. Default 60 s.
	FragmentTimeout time.Duration
	// FragmentLines gives up a multi-sentence message whose next fragment
	// has not come within this many lines. Default 2000.
	FragmentLines int
}

// Message is one complete AIS message as carried by one or more sentences.
type Message struct {
	Payload []byte // 6-bit armoured payload, fragments joined
	Fill    int    // fill bits of the last fragment
	Talker  [2]byte
	Own     bool   // VDO
	Channel byte   // 0 when the sentence left it empty
	TimeMs  int64  // Unix milliseconds of reception, valid when HasTime
	HasTime bool   // the line carried a time
	Source  []byte // receiving station (tag-block s:, trailer, $PGHP), may be empty
	Lines   int    // input lines that made this message
	Line    int64  // number of the line that completed it
	// InnerFill is set when a fragment other than the last declared fill
	// bits (non-standard, seen in the wild): FragEnds and FragFills then
	// give each fragment's end in Payload and its fill bits, and the
	// decoder drops those bits where they are.
	InnerFill bool
	FragEnds  []int
	FragFills []int
}

// Parser frames lines into AIS messages. See the package documentation.
type Parser struct {
	opts     Options
	maxLines int64
	maxMs    int64
	tally    Tally
	line     int64
	carry    envelope // from a $PGHP line or a lone tag block, for the next sentence
	hasCarry bool
	env      envelope
	sent     Sentence
	msg      Message
	asm      assembler
}

// NewParser returns a Parser with opts.
func NewParser(opts Options) *Parser {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.FragmentTimeout <= 0 {
		opts.FragmentTimeout = 60 * time.Second
	}
	if opts.FragmentLines <= 0 {
		opts.FragmentLines = 2000
	}
	p := &Parser{opts: opts, maxLines: int64(opts.FragmentLines), maxMs: opts.FragmentTimeout.Milliseconds()}
	for i := range p.asm.slots {
		p.asm.slots[i].buf = make([]byte, 0, maxPayload)
	}
	return p
}

// Tally returns the parser's line accounting. Downstream stages add their
// own reasons for the lines of the messages they were given.
func (p *Parser) Tally() *Tally { return &p.tally }

// Line returns the number of lines fed so far.
func (p *Parser) Line() int64 { return p.line }

// Feed frames one line (without its line ending; trailing white space is
// ignored). It returns a complete message, or nil and the reason the line
// gave none: Pending when the line holds a fragment of a message still
// being assembled. The message is valid until the next Feed or Flush.
func (p *Parser) Feed(line []byte) (*Message, Reason) {
	p.line++
	p.tally.Lines++
	r := p.feed(line)
	if r != Pending && r != Decoded {
		p.tally.ByReason[r]++
		return nil, r
	}
	if r == Decoded { // a complete message: its lines are counted downstream
		return &p.msg, r
	}
	return nil, Pending
}

func (p *Parser) feed(b []byte) Reason {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == 0xEF || b[0] == 0xBB || b[0] == 0xBF) {
		b = b[1:] // leading blanks and a UTF-8 byte-order mark
	}
	if len(b) == 0 {
		return Blank
	}
	if b[0] == '#' {
		return Comment
	}
	e := &p.env
	e.reset()

	// Whatever stands before the first '!', '$' or '\' is a prefix.
	i := 0
	for i < len(b) && b[i] != '!' && b[i] != '\\' && b[i] != '$' {
		i++
	}
	if i == len(b) {
		// No sentence at all: a CSV header, a lone trailer, or text.
		if b[0] == ',' || isHeader(b) {
			return Metadata
		}
		return NotAIS
	}
	if i > 0 && !parsePrefix(b[:i], p.opts.Location, e) {
		p.tally.Note("prefix_not_understood")
	}
	b = b[i:]
	sawTag := false
	for len(b) > 0 && b[0] == '\\' {
		rest, badSum, ok := parseTagBlock(b, e)
		if !ok {
			return Malformed
		}
		if badSum {
			p.tally.Note("tagblock_bad_checksum")
		}
		sawTag = true
		b = rest
	}
	if len(b) == 0 {
		if sawTag { // a tag block alone on its line describes the next sentence
			p.carryOver()
			return Metadata
		}
		return Malformed
	}
	switch b[0] {
	case '$':
		if len(b) > 5 && string(b[1:6]) == "PGHP," {
			if parsePGHP(b, e) {
				p.carryOver()
			} else {
				p.tally.Note("pghp_not_understood")
			}
			return Metadata
		}
		return NotAIS
	case '!':
	default:
		return NotAIS
	}

	s := &p.sent
	if r := parseSentence(b, s); r != Pending {
		if r == EmptyPayload {
			p.tally.Sentences++
		}
		return r
	}
	p.tally.Sentences++
	parseTrailer(s.Rest, e)
	if p.hasCarry {
		// A $PGHP or lone tag block before the sentence outranks its
		// trailer and prefix, but not its own tag block.
		c := &p.carry
		if c.hasTime && !(sawTag && e.hasTime) {
			e.timeMs, e.hasTime = c.timeMs, true
		}
		if e.source == nil || !sawTag {
			if len(c.source) > 0 {
				e.source = c.source
			}
		}
		if e.group == 0 {
			e.group = c.group
		}
		p.hasCarry = false
	}
	if s.Total == 1 {
		m := &p.msg
		m.Payload, m.Fill = s.Payload, s.Fill
		m.Talker, m.Own, m.Channel = s.Talker, s.Own, s.Channel
		m.TimeMs, m.HasTime, m.Source = e.timeMs, e.hasTime, e.source
		m.Lines, m.Line = 1, p.line
		m.InnerFill, m.FragEnds, m.FragFills = false, nil, nil
		return Decoded
	}
	return p.fragment(s, e)
}

// carryOver keeps the current envelope for the next sentence line.
func (p *Parser) carryOver() {
	p.carry.timeMs, p.carry.hasTime, p.carry.group = p.env.timeMs, p.env.hasTime, p.env.group
	p.carry.source = p.env.source
	p.carry.keep()
	p.hasCarry = true
}

// fragment adds a fragment of a multi-sentence message.
func (p *Parser) fragment(s *Sentence, e *envelope) Reason {
	a := &p.asm
	key := fragmentKey(s, e.group)
	cur := a.find(key)
	if s.Num == 1 {
		if cur != nil { // superseded: its rest never came
			p.tally.ByReason[Incomplete] += int64(cur.lines)
			cur.used = false
		}
		p.tally.ByReason[Incomplete] += int64(a.expire(p.line, e.timeMs, e.hasTime, p.maxLines, p.maxMs))
		slot, lost := a.free()
		p.tally.ByReason[Incomplete] += int64(lost)
		slot.used = true
		slot.key, slot.total, slot.next, slot.lines, slot.line = key, s.Total, 2, 1, p.line
		slot.talker, slot.own, slot.channel = s.Talker, s.Own, s.Channel
		slot.env.timeMs, slot.env.hasTime, slot.env.source = e.timeMs, e.hasTime, e.source
		slot.env.keep()
		slot.buf = append(slot.buf[:0], s.Payload...)
		slot.ends[0], slot.fills[0] = len(slot.buf), s.Fill
		return Pending
	}
	if cur == nil || cur.next != s.Num || len(cur.buf)+len(s.Payload) > maxPayload {
		if cur != nil {
			p.tally.ByReason[Incomplete] += int64(cur.lines)
			cur.used = false
		}
		return Incomplete
	}
	cur.buf = append(cur.buf, s.Payload...)
	cur.ends[cur.lines], cur.fills[cur.lines] = len(cur.buf), s.Fill
	cur.lines++
	cur.next++
	if !cur.env.hasTime && e.hasTime {
		cur.env.timeMs, cur.env.hasTime = e.timeMs, true
	}
	if len(cur.env.source) == 0 && len(e.source) > 0 {
		cur.env.source = e.source
		cur.env.keep()
	}
	if s.Num < cur.total {
		return Pending
	}
	cur.used = false
	m := &p.msg
	m.Payload, m.Fill = cur.buf, s.Fill
	m.Talker, m.Own, m.Channel = cur.talker, cur.own, cur.channel
	m.TimeMs, m.HasTime, m.Source = cur.env.timeMs, cur.env.hasTime, cur.env.source
	m.Lines, m.Line = cur.lines, p.line
	m.InnerFill = false
	for i := 0; i < cur.lines-1; i++ {
		if cur.fills[i] != 0 {
			m.InnerFill = true
		}
	}
	m.FragEnds, m.FragFills = cur.ends[:cur.lines], cur.fills[:cur.lines]
	return Decoded
}

// Flush gives up every message still waiting for fragments (at the end of
// the input) and counts their lines as Incomplete.
func (p *Parser) Flush() {
	p.tally.ByReason[Incomplete] += int64(p.asm.drain())
}

// isHeader reports whether a line without a sentence looks like a CSV
// header such as "epoch,AIS_Sentences".
func isHeader(b []byte) bool {
	letters := 0
	for _, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			letters++
		case c == ',' || c == ' ' || c == ';' || c == '\t' || (c >= '0' && c <= '9'):
		default:
			return false
		}
	}
	return letters > 0 && containsByte(b, ',')
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}
