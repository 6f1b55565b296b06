// Package loopbacktest gives tests free loopback addresses to listen on:
// FreeAddrs(t, n) for a set of servers that must each know the others'
// addresses before any of them starts (a cluster's routes, a leaf's
// hub), as nats-server's cluster tests give theirs.
//
// It is for tests only; FreeAddrs may be called from any goroutine.
package loopbacktest
