package identity

import (
	"testing"
	"unicode/utf8"
)

func FuzzName(f *testing.F) {
	for _, s := range []string{"FALKVIK@@@@", "st. Vitamin", "Ærøskøbing", "ПОБЕДА 1", "X\xffY", "  ", "PLATFORM L9         Y&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, key := NormalizeName(s), NameKey(s)
		if NormalizeName(norm) != norm || NameKey(norm) != key || NameKey(key) != key {
			t.Fatalf("%q: not idempotent: %q %q", s, norm, key)
		}
		if !utf8.ValidString(norm) || len(norm) > 0 && (norm[0] == ' ' || norm[len(norm)-1] == ' ') {
			t.Fatalf("%q: bad normal form %q", s, norm)
		}
		for i := 0; i < len(key); i++ {
			if key[i] == ' ' || key[i] == '@' || key[i] >= 'a' && key[i] <= 'z' {
				t.Fatalf("%q: key %q has %q", s, key, key[i])
			}
		}
	})
}

func FuzzClassify(f *testing.F) {
	for _, m := range []int{0, 258315000, 1193046, 970012345, 992351234, 111232506} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, mmsi int) {
		c := Classify(mmsi)
		if c.Valid() != (c.Err == nil) || c.Valid() && c.Kind == KindUnknown {
			t.Fatalf("%d: %+v", mmsi, c)
		}
		if c.MID != 0 && c.Err == nil && !ValidMID(c.MID) {
			t.Fatalf("%d: valid with unallocated MID %d", mmsi, c.MID)
		}
		if _, ok := Flag(mmsi); ok != (c.MID != 0 && ValidMID(c.MID)) {
			t.Fatalf("%d: Flag ok = %v for %+v", mmsi, ok, c)
		}
	})
}
