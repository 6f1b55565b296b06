package identity

import (
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"testing"
)

func TestValidIMO(t *testing.T) {
	tests := []struct {
		imo           int
		ship, company bool
	}{
		{9074729, true, false}, // the worked example: 9*7+0*6+7*5+4*4+7*3+2*2 = 139
		{7937317, true, false}, // CHONG CHON GANG (OFAC, DPRK)
		{8132835, true, false}, // AM NOK GANG (OFAC, DPRK)
		{6514895, true, false}, // FALKVIK (AISHub 2015 type 5)
		{9074728, false, false},
		{5342883, false, true}, // CHONGCHONGANG SHIPPING COMPANY (UN KPe.022)
		{5434358, false, true}, // KOREA YUJONG SHIPPING (UN KPe.066)
		{1790183, true, true},  // OMM (UN KPe.020): passes both by chance
		{0, false, false},      // AIS "not available"
		{999999, false, false}, // six digits
		{15411, false, false},  // BONU 5 in OFAC's remarks
		{10000000, false, false},
		{-9074729, false, false},
	}
	for _, tt := range tests {
		if got := ValidIMO(tt.imo); got != tt.ship {
			t.Errorf("ValidIMO(%d) = %v, want %v", tt.imo, got, tt.ship)
		}
		if got := ValidCompanyIMO(tt.imo); got != tt.company {
			t.Errorf("ValidCompanyIMO(%d) = %v, want %v", tt.imo, got, tt.company)
		}
	}
}

func TestParseIMO(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  error
	}{
		{"9074729", 9074729, nil},
		{"IMO 9074729", 9074729, nil},
		{"IMO9074729", 9074729, nil},
		{"imo: 9074729", 9074729, nil},
		{" 9074729\t", 9074729, nil},
		{"9074728", 9074728, ErrIMOCheck},
		{"5342883", 5342883, ErrIMOCheck}, // a company number
		{"12345", 0, ErrIMOFormat},
		{"15411", 0, ErrIMOFormat},
		{"", 0, ErrIMOFormat},
		{"IMO", 0, ErrIMOFormat},
		{"90747290", 0, ErrIMOFormat},
		{"907472a", 0, ErrIMOFormat},
		{"0907472", 0, ErrIMOFormat},
		{"+907472", 0, ErrIMOFormat},
		{"9 074729", 0, ErrIMOFormat},
	}
	for _, tt := range tests {
		got, err := ParseIMO(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("ParseIMO(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if n, err := ParseCompanyIMO("IMO 5342883"); n != 5342883 || err != nil {
		t.Errorf("ParseCompanyIMO = %d, %v", n, err)
	}
	if _, err := ParseCompanyIMO("9074729"); !errors.Is(err, ErrIMOCheck) {
		t.Errorf("ParseCompanyIMO(ship number) err = %v", err)
	}
	if _, err := ParseCompanyIMO("x"); !errors.Is(err, ErrIMOFormat) {
		t.Errorf("ParseCompanyIMO(x) err = %v", err)
	}
}

// TestSanctionsIMO checks every IMO number quoted by the OFAC SDN vessel
// list (ship numbers) and the UN consolidated list (company numbers), and
// that mutating them is caught exactly as far as each scheme can catch it.
func TestSanctionsIMO(t *testing.T) {
	f, err := os.Open("testdata/sanctions_imo.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var ships, companies, companiesPassingShip int
	for _, r := range rows[1:] {
		imo, err := strconv.Atoi(r[0])
		if err != nil {
			t.Fatal(err)
		}
		valid, weights := ValidIMO, [6]int{7, 6, 5, 4, 3, 2}
		switch r[1] {
		case "ship":
			ships++
		case "company":
			companies++
			valid, weights = ValidCompanyIMO, [6]int{8, 6, 4, 2, 9, 7}
			if ValidIMO(imo) {
				companiesPassingShip++
			}
		}
		if !valid(imo) {
			t.Errorf("%s %s %s %q: %s IMO %d fails its check", r[2], r[3], r[1], r[4], r[1], imo)
			continue
		}
		// Any other check digit fails.
		for d := 1; d <= 9; d++ {
			m := imo - imo%10 + (imo%10+d)%10
			if valid(m) {
				t.Errorf("%s IMO %d with check digit changed (%d) passes", r[1], imo, m)
			}
		}
		// Changing one of the first six digits is caught unless the weight
		// times the change is a multiple of the modulus: the ship scheme
		// (mod 10) misses e.g. +5 on any even weight. The company scheme
		// (mod 11) misses nothing, except that remainders 0 and 10 share
		// check digit 1, so numbers ending in 1 have blind spots.
		blind := r[1] == "company" && imo%10 == 1
		pow := 1_000_000
		for pos := 0; pos < 6; pos, pow = pos+1, pow/10 {
			digit := imo / pow % 10
			for nd := 0; nd <= 9; nd++ {
				if nd == digit {
					continue
				}
				m := imo + (nd-digit)*pow
				if m < 1_000_000 {
					continue // a leading zero makes it six digits
				}
				delta := (nd - digit) * weights[pos]
				undetectable := delta%10 == 0
				if r[1] == "company" {
					undetectable = delta%11 == 0
				}
				if valid(m) != undetectable && !(blind && valid(m)) {
					t.Errorf("%s IMO %d, digit %d -> %d (%d): valid = %v", r[1], imo, pos+1, nd, m, valid(m))
				}
			}
		}
		// Swapping two adjacent different digits of the first six.
		s := []byte(strconv.Itoa(imo))
		for i := 0; i < 5; i++ {
			if s[i] == s[i+1] {
				continue
			}
			s[i], s[i+1] = s[i+1], s[i]
			m, _ := strconv.Atoi(string(s))
			s[i], s[i+1] = s[i+1], s[i]
			if m >= 1_000_000 && valid(m) && !blind {
				// Only weights differing by 5 (mod 10) or by 11 let a swap through.
				if dw := weights[i] - weights[i+1]; dw%5 != 0 && dw%11 != 0 {
					t.Errorf("%s IMO %d with digits %d,%d swapped (%d) passes", r[1], imo, i+1, i+2, m)
				}
			}
		}
	}
	// 399 OFAC SDN vessels have an IMO; 16 UN entities quote a company IMO.
	if ships != 399 || companies != 16 {
		t.Errorf("read %d ship and %d company numbers, want 399 and 16", ships, companies)
	}
	if companiesPassingShip != 1 {
		t.Errorf("%d company numbers pass the ship check, want 1 (1790183)", companiesPassingShip)
	}
}

func BenchmarkValidIMO(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = ValidIMO(9074729)
	}
}

func BenchmarkParseIMO(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParseIMO("IMO 9074729")
	}
}

func TestHullIMO(t *testing.T) {
	for _, c := range []struct {
		imo         int
		placeholder bool
		hull        bool
	}{
		{0, true, false},
		{NotAvailableIMO, true, false}, // 1073741823, exactEarth 2012
		{1234567, true, false},         // passes its check digit
		{5555555, true, false},         // passes its check digit
		{9999999, true, false},         // fails its check digit too
		{9212424, false, true},         // MarineCadastre 2022-01-03
		{9074729, false, true},
		{9074728, false, false},
	} {
		if got := PlaceholderIMO(c.imo); got != c.placeholder {
			t.Errorf("PlaceholderIMO(%d) = %v", c.imo, got)
		}
		if got := HullIMO(c.imo); got != c.hull {
			t.Errorf("HullIMO(%d) = %v", c.imo, got)
		}
	}
}
