package loopbacktest

import (
	"net"
	"testing"
)

func TestFreeAddrs(t *testing.T) {
	addrs := FreeAddrs(t, 5)
	if len(addrs) != 5 {
		t.Fatalf("got %d addresses, want 5", len(addrs))
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if seen[a] {
			t.Errorf("%s given twice", a)
		}
		seen[a] = true
		ln, err := net.Listen("tcp", a) // let go: free to listen on
		if err != nil {
			t.Fatalf("listen on %s: %v", a, err)
		}
		ln.Close()
	}
}
