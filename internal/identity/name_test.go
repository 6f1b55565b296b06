package identity

import "testing"

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in, norm, key string
	}{
		{"FALKVIK", "FALKVIK", "FALKVIK"},
		{"FALKVIK@@@@@@@@@@@@@", "FALKVIK", "FALKVIK"},
		{"  FALKVIK   ", "FALKVIK", "FALKVIK"},
		{"HAI  HANG   188", "HAI HANG 188", "HAIHANG188"},
		{"ST. VITAMIN", "ST VITAMIN", "STVITAMIN"}, // OFAC SDN
		{"st vitamin", "ST VITAMIN", "STVITAMIN"},
		{"GP-21", "GP 21", "GP21"},                             // OFAC SDN
		{"TONG_LIN_JI_938", "TONG LIN JI 938", "TONGLINJI938"}, // AISHub 2015
		{"MELODY.NELSON", "MELODY NELSON", "MELODYNELSON"},     // AISHub 2015
		{"Chon-Myong 1", "CHON MYONG 1", "CHONMYONG1"},
		{"CHONMYONG 1", "CHONMYONG 1", "CHONMYONG1"},
		{"M/V SEA-STAR (EX OCEAN)", "M V SEA STAR EX OCEAN", "MVSEASTAREXOCEAN"},
		{"PLATFORM L9@@@@@@@@@Y&", "PLATFORM L9", "PLATFORML9"}, // junk after padding
		{"@@@@@@@@@@@@@@@@@@@@", "", ""},
		{"", "", ""},
		{"...", "", ""},
		{"CÔTE D'AZUR", "COTE D AZUR", "COTEDAZUR"},
		{"Ærøskøbing", "AEROSKOBING", "AEROSKOBING"},
		{"Straße", "STRASSE", "STRASSE"},
		{"ŁÓDŹ", "LODZ", "LODZ"},
		{"ПОБЕДА 1", "ПОБЕДА 1", "ПОБЕДА1"}, // kept, upper-cased
		{"победа", "ПОБЕДА", "ПОБЕДА"},
		{"A\tB\nC", "A B C", "ABC"},
		{"X\xffY", "X Y", "XY"}, // invalid UTF-8 separates
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.norm {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.norm)
		}
		if got := NameKey(tt.in); got != tt.key {
			t.Errorf("NameKey(%q) = %q, want %q", tt.in, got, tt.key)
		}
		// Idempotent.
		if got := NormalizeName(tt.norm); got != tt.norm {
			t.Errorf("NormalizeName(NormalizeName(%q)) = %q", tt.in, got)
		}
		if got := NameKey(tt.norm); got != tt.key {
			t.Errorf("NameKey(NormalizeName(%q)) = %q, want %q", tt.in, got, tt.key)
		}
	}
}

func TestAppendNameKeyAppends(t *testing.T) {
	b := AppendNameKey([]byte("x:"), "sea star")
	if string(b) != "x:SEASTAR" {
		t.Errorf("got %q", b)
	}
	b = AppendNormalName([]byte("x:"), " sea star")
	if string(b) != "x:SEA STAR" {
		t.Errorf("got %q", b)
	}
}

func TestNameNoAllocs(t *testing.T) {
	var buf [64]byte
	allocs := testing.AllocsPerRun(100, func() {
		_ = AppendNameKey(buf[:0], "ST. VITAMIN@@@@@@@@@")
		_ = NormalizeName("FALKVIK")
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per run", allocs)
	}
}

func BenchmarkNameKey(b *testing.B) {
	var buf [64]byte
	names := []string{"FALKVIK@@@@@@@@@@@@@", "ST. VITAMIN", "HAI HANG 188", "TONG_LIN_JI_938"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			_ = AppendNameKey(buf[:0], n)
		}
	}
}

func BenchmarkNormalizeName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NormalizeName("st. vitamin@@@@@@@@@")
	}
}
