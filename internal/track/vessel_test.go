package track

import (
	"testing"
	"unsafe"
)

// TestVesselSize keeps a vessel in the 320-byte size class: a field added
// or widened carelessly costs 32 bytes on every vessel of the fleet.
func TestVesselSize(t *testing.T) {
	if n := unsafe.Sizeof(Vessel{}); n > 320 {
		t.Errorf("a Vessel takes %d bytes, more than 320", n)
	}
}
