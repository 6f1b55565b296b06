package source

import (
	"bufio"
	"context"
	"errors"
	"net"
	"time"
)

// readConn reads the lines of one connection into a stream of its own.
// A message that carries no time gets its arrival. What was decoded is
// handed over whenever the socket has nothing more buffered: low latency
// when the feed is slow, full batches when it is fast. silence, when
// above zero, ends the connection when no byte came for that long.
func readConn(ctx context.Context, c net.Conn, env *Env, silence time.Duration) error {
	s := env.Open()
	defer s.End()
	var r interface{ Read([]byte) (int, error) } = c
	if silence > 0 {
		r = &deadlineReader{c: c, silence: silence}
	}
	br := bufio.NewReaderSize(r, MaxLine)
	lr := NewLineReader(br)
	for lr.Next() {
		if t, timed, ok := s.Frame(lr.Line(), lr.Long()); ok {
			if !timed {
				t = env.Now().UnixMilli()
			}
			s.Emit(t)
		}
		if br.Buffered() == 0 {
			s.Flush()
		}
	}
	if err := lr.Err(); err != nil && ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// ErrSilent is the error of a connection that carried nothing for
// longer than its silence timeout.
var ErrSilent = errors.New("source: no data: the connection is silent")

// deadlineReader moves a connection's read deadline on before each read.
type deadlineReader struct {
	c       net.Conn
	silence time.Duration
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	d.c.SetReadDeadline(time.Now().Add(d.silence))
	n, err := d.c.Read(p)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		err = ErrSilent
	}
	return n, err
}
