package nmea

import "time"

// envelope is what a line says around its sentence: when and where.
type envelope struct {
	timeMs  int64 // Unix milliseconds, valid when hasTime
	hasTime bool
	source  []byte // aliases the line, or srcBuf for a carried-over envelope
	group   uint64 // tag-block group id + 1, 0 when none
	srcBuf  [64]byte
}

func (e *envelope) reset() {
	e.hasTime = false
	e.timeMs = 0
	e.source = nil
	e.group = 0
}

// keep copies the envelope's source into its own buffer so that it survives
// the line it came from.
func (e *envelope) keep() {
	n := copy(e.srcBuf[:], e.source)
	e.source = e.srcBuf[:n]
}

func (e *envelope) setTime(ms int64) {
	if !e.hasTime {
		e.timeMs, e.hasTime = ms, true
	}
}

// parseEpoch reads a Unix time written in seconds (with an optional
// fraction), milliseconds, microseconds or nanoseconds, judged by its digit
// count, and returns Unix milliseconds.
func parseEpoch(b []byte) (int64, bool) {
	var v int64
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if i >= 19 {
			return 0, false
		}
		v = v*10 + int64(b[i]-'0')
		i++
	}
	digits := i
	switch {
	case digits >= 9 && digits <= 10: // seconds (1973..2286)
		ms := v * 1000
		if i < len(b) && b[i] == '.' {
			i++
			scale := int64(100)
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				ms += int64(b[i]-'0') * scale
				scale /= 10
				i++
			}
		}
		return ms, i == len(b)
	case digits == 13:
		return v, i == len(b)
	case digits == 16:
		return v / 1000, i == len(b)
	case digits == 19:
		return v / 1000000, i == len(b)
	}
	return 0, false
}

// parseDateTime reads "YYYY-MM-DD HH:MM:SS" (or with 'T', fractional seconds
// and a trailing 'Z') and returns Unix milliseconds. A trailing Z means UTC;
// otherwise the time is read in loc.
func parseDateTime(b []byte, loc *time.Location) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	s, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return 0, false
	}
	rest := b[19:]
	ms := 0
	if len(rest) > 0 && rest[0] == '.' {
		rest = rest[1:]
		scale := 100
		for len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
			ms += int(rest[0]-'0') * scale
			scale /= 10
			rest = rest[1:]
		}
	}
	utc := loc == nil || loc == time.UTC
	if len(rest) > 0 && rest[0] == 'Z' {
		utc = true
		rest = rest[1:]
	}
	if len(rest) != 0 {
		return 0, false
	}
	if utc {
		days := daysFromCivil(y, mo, d)
		return ((days*24+int64(h))*60+int64(mi))*60000 + int64(s)*1000 + int64(ms), true
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ms*1e6, loc).UnixMilli(), true
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// parsePrefix reads what stands before the sentence or tag block on a line:
// an epoch or a date-time, followed by separators. It reports whether it
// understood the prefix.
func parsePrefix(b []byte, loc *time.Location, e *envelope) bool {
	// Trim separators between the prefix and the sentence.
	for len(b) > 0 && (b[len(b)-1] == ',' || b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == ';') {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return true
	}
	if ms, ok := parseEpoch(b); ok {
		e.setTime(ms)
		return true
	}
	if ms, ok := parseDateTime(b, loc); ok {
		e.setTime(ms)
		return true
	}
	return false
}

// parseTrailer reads the fields after a sentence's checksum: a station
// (r... or b..., USCG style) and the first Unix epoch.
func parseTrailer(b []byte, e *envelope) {
	gotTime := false
	for len(b) > 0 {
		if b[0] != ',' {
			return
		}
		b = b[1:]
		j := 0
		for j < len(b) && b[j] != ',' {
			j++
		}
		f := b[:j]
		b = b[j:]
		if len(f) == 0 {
			continue
		}
		switch c := f[0]; {
		case c >= '0' && c <= '9':
			if !gotTime {
				if ms, ok := parseEpoch(f); ok {
					e.setTime(ms)
					gotTime = true
				}
			}
		case (c == 'r' || c == 'b') && len(f) > 1 && e.source == nil:
			e.source = f
		}
	}
}

// parseTagBlock parses one NMEA 4.0 tag block starting at b[0] == '\\'. It
// returns the bytes after the block, and ok=false when the block is not
// closed. A bad tag-block checksum is reported in badSum.
func parseTagBlock(b []byte, e *envelope) (rest []byte, badSum, ok bool) {
	end := 1
	for end < len(b) && b[end] != '\\' {
		end++
	}
	if end >= len(b) {
		return b, false, false
	}
	body := b[1:end]
	rest = b[end+1:]
	// Checksum over the fields before '*'.
	star := len(body)
	var sum byte
	for i, c := range body {
		if c == '*' {
			star = i
			break
		}
		sum ^= c
	}
	if star+3 != len(body) {
		badSum = true
	} else if h, l := hexVal[body[star+1]], hexVal[body[star+2]]; h == 0xff || l == 0xff || h<<4|l != sum {
		badSum = true
	}
	fields := body[:star]
	for len(fields) > 0 {
		j := 0
		for j < len(fields) && fields[j] != ',' {
			j++
		}
		f := fields[:j]
		if j < len(fields) {
			j++
		}
		fields = fields[j:]
		if len(f) < 2 {
			continue
		}
		if f[1] == ':' {
			v := f[2:]
			switch f[0] {
			case 'c':
				if ms, ok := parseEpoch(v); ok {
					// c: is seconds by the standard; some write milliseconds.
					e.timeMs, e.hasTime = ms, true
				}
			case 's':
				e.source = v
			case 'g':
				e.group = groupID(v)
			}
			continue
		}
		// NMEA 4.0's older grouping form: <n>G<total>:<id>.
		for k := 1; k < len(f)-1; k++ {
			if f[k] == 'G' {
				for m := k + 1; m < len(f); m++ {
					if f[m] == ':' {
						e.group = groupID(f[m+1:])
						break
					}
				}
				break
			}
		}
	}
	return rest, badSum, true
}

// groupID turns "1-2-3985" (or just "3985") into a key for the group's id.
func groupID(v []byte) uint64 {
	// The id is the last dash-separated part.
	k := len(v) - 1
	for k >= 0 && v[k] != '-' {
		k--
	}
	id := v[k+1:]
	h := uint64(14695981039346656037)
	for _, c := range id {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h | 1
}

// parsePGHP reads a Gatehouse $PGHP,1,yyyy,mm,dd,hh,mi,ss,ms,country,region,
// pss,online,cc*hh line: the receive time and station of the next sentence.
func parsePGHP(b []byte, e *envelope) bool {
	star := -1
	var sum byte
	for j := 1; j < len(b); j++ {
		if b[j] == '*' {
			star = j
			break
		}
		sum ^= b[j]
	}
	if star < 0 || star+3 > len(b) {
		return false
	}
	if h, l := hexVal[b[star+1]], hexVal[b[star+2]]; h == 0xff || l == 0xff || h<<4|l != sum {
		return false
	}
	var f [14][]byte
	n := 0
	body := b[1:star]
	for n < len(f) {
		j := 0
		for j < len(body) && body[j] != ',' {
			j++
		}
		f[n] = body[:j]
		n++
		if j == len(body) {
			break
		}
		body = body[j+1:]
	}
	if n < 9 || string(f[1]) != "1" {
		return false
	}
	var v [7]int
	for i := range v {
		x := 0
		if len(f[2+i]) == 0 {
			return false
		}
		for _, c := range f[2+i] {
			if c < '0' || c > '9' {
				return false
			}
			x = x*10 + int(c-'0')
		}
		v[i] = x
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 || v[6] > 999 {
		return false
	}
	days := daysFromCivil(v[0], v[1], v[2])
	e.timeMs = ((days*24+int64(v[3]))*60+int64(v[4]))*60000 + int64(v[5])*1000 + int64(v[6])
	e.hasTime = true
	if n > 11 && len(f[11]) > 0 {
		e.source = f[11]
	}
	return true
}
