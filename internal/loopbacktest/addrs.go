package loopbacktest

import (
	"net"
	"testing"
)

// FreeAddrs returns n distinct free TCP addresses on 127.0.0.1: each is
// held open until all are chosen, so no two are the same, then let go
// for the caller to listen on. It fails t if it cannot listen.
func FreeAddrs(t testing.TB, n int) []string {
	t.Helper()
	var out []string
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().String())
	}
	for _, ln := range lns {
		ln.Close()
	}
	return out
}
