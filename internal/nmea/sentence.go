package nmea

// Sentence is one VDM/VDO sentence. Its slices alias the input line.
type Sentence struct {
	Talker  [2]byte
	Own     bool // VDO: the receiver's own ship
	Total   int  // fragment count, 1-9
	Num     int  // fragment number, 1..Total
	SeqID   int  // sequential message id 0-9, or -1 when empty
	Channel byte // 'A', 'B', '1', '2', ..., or 0 when empty
	Payload []byte
	Fill    int    // fill bits in the last payload character, 0-5
	Rest    []byte // what follows the checksum (a trailer), may be empty
}

// hexVal maps an ASCII hex digit to its value, or 0xff.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'A'; c <= 'F'; c++ {
		t[c] = byte(c-'A') + 10
		t[c+'a'-'A'] = byte(c-'A') + 10
	}
	return t
}()

// parseSentence parses b, which starts with '!', as a VDM or VDO sentence.
// It returns NotAIS for other '!' sentences, BadChecksum, Malformed or
// EmptyPayload; Pending means success.
func parseSentence(b []byte, s *Sentence) Reason {
	// Address field: '!' + talker + formatter, normally "!AIVDM".
	if len(b) < 7 || b[6] != ',' {
		return parseLongAddress(b, s)
	}
	f := b[3:6]
	if f[0] != 'V' || f[1] != 'D' || (f[2] != 'M' && f[2] != 'O') {
		return NotAIS
	}
	s.Talker = [2]byte{b[1], b[2]}
	s.Own = f[2] == 'O'
	return parseFields(b, 7, s)
}

// parseLongAddress handles address fields that are not 5 characters, which
// are never VDM/VDO in practice but must be told apart from broken ones.
func parseLongAddress(b []byte, s *Sentence) Reason {
	i := 1
	for i < len(b) && b[i] != ',' && b[i] != '*' {
		i++
	}
	addr := b[1:i]
	if len(addr) >= 3 {
		f := addr[len(addr)-3:]
		if f[0] == 'V' && f[1] == 'D' && (f[2] == 'M' || f[2] == 'O') {
			return Malformed // a VDM with a talker of the wrong length
		}
	}
	return NotAIS
}

// parseFields parses the fields after the address; i indexes the byte after
// the comma.
func parseFields(b []byte, i int, s *Sentence) Reason {
	// Checksum first: it decides between BadChecksum and Malformed.
	star := -1
	var sum byte
	for j := 1; j < len(b); j++ {
		c := b[j]
		if c == '*' {
			star = j
			break
		}
		sum ^= c
	}
	if star < 0 || star+3 > len(b) {
		return Malformed
	}
	h, l := hexVal[b[star+1]], hexVal[b[star+2]]
	if h == 0xff || l == 0xff {
		return Malformed
	}
	if h<<4|l != sum {
		return BadChecksum
	}
	s.Rest = b[star+3:]
	body := b[i:star]

	// total,num,seq,chan,payload,fill
	var n int
	var ok bool
	if n, body, ok = digitField(body); !ok || n < 1 || n > 9 {
		return Malformed
	}
	s.Total = n
	if n, body, ok = digitField(body); !ok || n < 1 || n > s.Total {
		return Malformed
	}
	s.Num = n
	// Sequential message id: empty or one digit.
	if len(body) > 0 && body[0] == ',' {
		s.SeqID = -1
		body = body[1:]
	} else if n, body, ok = digitField(body); ok {
		s.SeqID = n
	} else {
		return Malformed
	}
	// Channel: empty or one character.
	switch {
	case len(body) > 0 && body[0] == ',':
		s.Channel = 0
		body = body[1:]
	case len(body) > 1 && body[1] == ',':
		s.Channel = body[0]
		body = body[2:]
	default:
		return Malformed
	}
	// Payload up to the last comma, then the fill digit.
	k := len(body) - 1
	for k >= 0 && body[k] != ',' {
		k--
	}
	if k < 0 {
		return Malformed
	}
	fill := body[k+1:]
	// The standard allows 0-5 fill bits; some senders write 6 (a whole
	// padding character), which gpsd accepts too.
	if len(fill) != 1 || fill[0] < '0' || fill[0] > '6' {
		return Malformed
	}
	s.Fill = int(fill[0] - '0')
	s.Payload = body[:k]
	if len(s.Payload) == 0 {
		return EmptyPayload
	}
	return Pending
}

// digitField reads one decimal digit followed by a comma.
func digitField(b []byte) (int, []byte, bool) {
	if len(b) < 2 || b[0] < '0' || b[0] > '9' || b[1] != ',' {
		return 0, b, false
	}
	return int(b[0] - '0'), b[2:], true
}
