package identity

import (
	"errors"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		mmsi int
		kind Kind
		mid  int
		err  error
	}{
		// Forms of ITU-R M.585, with allocated MIDs.
		{258315000, KindShip, 258, nil},        // FALKVIK, Norway (AISHub 2015)
		{445123456, KindShip, 445, nil},        // DPRK
		{24412345, KindGroup, 244, nil},        // 024412345
		{2442016, KindCoast, 244, nil},         // 002442016: PLATFORM L9 (AISHub 2015, type 21)
		{2320001, KindCoast, 232, nil},         // 002320001
		{111232506, KindSARAircraft, 232, nil}, // 111MIDXXX
		{823512345, KindHandheld, 235, nil},    // 8MIDXXXXX
		{982351234, KindAuxiliary, 235, nil},   // 98MIDXXXX
		{992351234, KindAtoN, 235, nil},        // 99MIDXXXX
		{992446000, KindAtoN, 244, nil},        //
		{970012345, KindSART, 0, nil},          // 970XXYYYY
		{972012345, KindMOB, 0, nil},           // 972XXYYYY
		{974012345, KindEPIRB, 0, nil},         // 974XXYYYY
		{979123456, KindAMRD, 0, nil},          // 979XXXXXX
		{775999999, KindShip, 775, nil},        // highest MID
		{201000001, KindShip, 201, nil},        // lowest MID
		{538123000, KindShip, 538, nil},        // trailing zeros are fine (Inmarsat style)
		{306000001, KindShip, 306, nil},        // MID shared by three territories
		{111111111, KindUnknown, 0, ErrPlaceholder},
		{999999999, KindUnknown, 0, ErrPlaceholder},
		{222222222, KindUnknown, 0, ErrPlaceholder},
		{123456789, KindUnknown, 0, ErrPlaceholder},
		{987654321, KindUnknown, 0, ErrPlaceholder},
		{0, KindUnknown, 0, ErrPlaceholder},
		{413000000, KindShip, 413, ErrPlaceholder}, // MID only (AISHub 2015: three names)
		{227000000, KindShip, 227, ErrPlaceholder}, // MID only (Seine 2016)
		{-1, KindUnknown, 0, ErrOutOfRange},
		{1_000_000_000, KindUnknown, 0, ErrOutOfRange},
		{1<<30 - 1, KindUnknown, 0, ErrOutOfRange}, // largest 30-bit AIS value
		{100000001, KindUnknown, 0, ErrNoFormat},   // leading 1, not 111
		{112345678, KindUnknown, 0, ErrNoFormat},
		{950000001, KindUnknown, 0, ErrNoFormat},
		{971012345, KindUnknown, 0, ErrNoFormat},
		{978012345, KindUnknown, 0, ErrNoFormat},
		{1193046, KindCoast, 119, ErrUnallocatedMID},    // 0x123456 (AISHub 2015)
		{200123456, KindShip, 200, ErrUnallocatedMID},   // 2xx not allocated
		{217123456, KindShip, 217, ErrUnallocatedMID},   // gap in the table
		{800123456, KindHandheld, 1, ErrUnallocatedMID}, // 8 then MID 001
		{79, KindCoast, 0, ErrUnallocatedMID},           // V-79 AtoN (AISHub 2015)
		{990012345, KindAtoN, 1, ErrUnallocatedMID},
		{111999123, KindSARAircraft, 999, ErrUnallocatedMID},
	}
	for _, tt := range tests {
		got := Classify(tt.mmsi)
		if got.Kind != tt.kind || got.MID != tt.mid || !errors.Is(got.Err, tt.err) || (tt.err == nil) != (got.Err == nil) {
			t.Errorf("Classify(%09d) = {%v %d %v}, want {%v %d %v}", tt.mmsi, got.Kind, got.MID, got.Err, tt.kind, tt.mid, tt.err)
		}
		if got.Valid() != (tt.err == nil) {
			t.Errorf("Classify(%09d).Valid() = %v", tt.mmsi, got.Valid())
		}
	}
}

func TestFlag(t *testing.T) {
	tests := []struct {
		mmsi           int
		alpha2, alpha3 string
		ok             bool
	}{
		{258315000, "NO", "NOR", true},
		{445123456, "KP", "PRK", true},
		{440123456, "KR", "KOR", true},
		{236111000, "GI", "GIB", true}, // Gibraltar has its own ISO code
		{204123456, "PT", "PRT", true}, // Azores has none
		{303123456, "US", "USA", true}, // Alaska
		{306123456, "NL", "NLD", true}, // several territories share 306
		{416123456, "TW", "TWN", true},
		{477123456, "HK", "HKG", true},
		{572469210, "TV", "TUV", true}, // OFAC SDN vessel MMSI
		{677049200, "TZ", "TZA", true}, // OFAC SDN vessel MMSI
		{2442016, "NL", "NLD", true},   // coast station
		{992446000, "NL", "NLD", true}, // AtoN
		{413000000, "CN", "CHN", true}, // placeholder, but the MID still tells
		{970012345, "", "", false},     // SART: no MID
		{1193046, "", "", false},       // MID 119 unallocated
		{0, "", "", false},
	}
	for _, tt := range tests {
		c, ok := Flag(tt.mmsi)
		if ok != tt.ok || c.Alpha2 != tt.alpha2 || c.Alpha3 != tt.alpha3 {
			t.Errorf("Flag(%09d) = %+v, %v; want %s %s %v", tt.mmsi, c, ok, tt.alpha2, tt.alpha3, tt.ok)
		}
	}
}

func TestMID(t *testing.T) {
	tests := []struct {
		mmsi, mid int
		ok        bool
	}{
		{258315000, 258, true},
		{1193046, 119, true}, // reported even though unallocated
		{974012345, 0, false},
		{123456789, 0, false},
	}
	for _, tt := range tests {
		mid, ok := MID(tt.mmsi)
		if mid != tt.mid || ok != tt.ok {
			t.Errorf("MID(%d) = %d, %v; want %d, %v", tt.mmsi, mid, ok, tt.mid, tt.ok)
		}
	}
}

func TestKindString(t *testing.T) {
	seen := map[string]bool{}
	for k := KindUnknown; k <= KindAMRD; k++ {
		s := k.String()
		if s == "" || seen[s] {
			t.Errorf("Kind(%d).String() = %q: empty or duplicate", k, s)
		}
		seen[s] = true
	}
	if got := Kind(200).String(); got != "unknown" {
		t.Errorf("Kind(200).String() = %q", got)
	}
}

func TestClassifyDoesNotAllocate(t *testing.T) {
	mmsis := []int{258315000, 1193046, 0, 970012345, 123456789}
	allocs := testing.AllocsPerRun(100, func() {
		for _, m := range mmsis {
			_ = Classify(m)
		}
	})
	if allocs != 0 {
		t.Errorf("Classify allocates %.1f times per run", allocs)
	}
}

func BenchmarkClassify(b *testing.B) {
	mmsis := []int{258315000, 2442016, 1193046, 0, 970012345, 992351234, 412432822}
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range mmsis {
			_ = Classify(m)
		}
	}
}

func BenchmarkFlag(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Flag(412432822)
	}
}
