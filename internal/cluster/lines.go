package cluster

import (
	"encoding/binary"
	"errors"
)

// A message of the lines stream carries the raw lines of one or more AIS
// messages of one feed, all for vessels of one partition, in the order
// they were received. Each AIS message is a record: its time (Unix ms,
// the time its data carries or, for lines without one, when it was
// received) and its lines, byte for byte:
//
//	record = uvarint(time) uvarint(number of lines) { uvarint(len) line }
//
// The feed's name is the message's Picket-Feed header.

// appendRecord appends one AIS message's record to b.
func appendRecord(b []byte, t int64, lines [][]byte) []byte {
	b = binary.AppendUvarint(b, uint64(t))
	b = binary.AppendUvarint(b, uint64(len(lines)))
	for _, l := range lines {
		b = binary.AppendUvarint(b, uint64(len(l)))
		b = append(b, l...)
	}
	return b
}

var errRecord = errors.New("cluster: truncated record in a lines message")

// records calls fn with each record of a lines message.
func records(b []byte, fn func(t int64, lines [][]byte)) error {
	var lines [][]byte
	for len(b) > 0 {
		t, n := binary.Uvarint(b)
		if n <= 0 {
			return errRecord
		}
		b = b[n:]
		k, n := binary.Uvarint(b)
		if n <= 0 || k > uint64(len(b)) {
			return errRecord
		}
		b = b[n:]
		lines = lines[:0]
		for range k {
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return errRecord
			}
			lines = append(lines, b[n:n+int(l)])
			b = b[n+int(l):]
		}
		fn(int64(t), lines)
	}
	return nil
}
