package fuse

import (
	"sync"

	"github.com/picket-ais/picket/internal/identity"
)

// IDTable numbers the vessels of a CSV id column: identifiers that are not
// MMSIs (a database key, a registry number). Each gets a number from
// identity.OpaqueMin up, which no MMSI and no AIS message can carry, so
// that no MMSI rule applies to it (no invalid MMSI, no flag from a MID)
// and it never meets a real MMSI. It is safe for concurrent use: the
// inputs of a run share one.
type IDTable struct {
	mu  sync.Mutex
	num map[string]uint32
	ids []string
}

// Number returns the number of id, giving it the next one when new.
func (t *IDTable) Number(id string) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.num[id]; ok {
		return n
	}
	if t.num == nil {
		t.num = make(map[string]uint32)
	}
	n := uint32(identity.OpaqueMin + len(t.ids))
	t.num[id] = n
	t.ids = append(t.ids, id)
	return n
}

// ID returns the identifier numbered n.
func (t *IDTable) ID(n uint32) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := int(n) - identity.OpaqueMin
	if i < 0 || i >= len(t.ids) {
		return "", false
	}
	return t.ids[i], true
}

// Len is how many identifiers have a number.
func (t *IDTable) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.ids)
}
