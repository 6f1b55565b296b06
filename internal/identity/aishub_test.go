package identity

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// aishubVessel is one MMSI of the AISHub sample (see testdata/SOURCES.md).
type aishubVessel struct {
	mmsi  int
	types string
	imos  []int
	names []string
}

func readAISHub(t testing.TB) []aishubVessel {
	t.Helper()
	f, err := os.Open("testdata/aishub_2015_identities.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []aishubVessel
	for _, r := range rows[1:] {
		v := aishubVessel{types: r[2]}
		if v.mmsi, err = strconv.Atoi(r[0]); err != nil {
			t.Fatal(err)
		}
		if r[3] != "" {
			for _, s := range strings.Split(r[3], "|") {
				n, err := strconv.Atoi(s)
				if err != nil {
					t.Fatal(err)
				}
				v.imos = append(v.imos, n)
			}
		}
		if r[4] != "" {
			v.names = strings.Split(r[4], "|")
		}
		out = append(out, v)
	}
	return out
}

// TestAISHubMMSIs classifies every MMSI heard in three minutes of the
// worldwide AISHub feed (2015).
func TestAISHubMMSIs(t *testing.T) {
	vessels := readAISHub(t)
	if len(vessels) != 11071 {
		t.Fatalf("read %d MMSIs, want 11071", len(vessels))
	}
	kinds := map[Kind]int{}
	errs := map[error]int{}
	flags := map[string]int{}
	byMMSI := map[int]Class{}
	for _, v := range vessels {
		c := Classify(v.mmsi)
		byMMSI[v.mmsi] = c
		kinds[c.Kind]++
		errs[c.Err]++
		if f, ok := Flag(v.mmsi); ok && c.Kind == KindShip {
			flags[f.Alpha2]++
		}
	}
	// Many "group" and "coast" numbers are ship MMSIs typed with digits
	// missing (24467375 for a Dutch barge): the form is all Classify sees.
	wantKinds := map[Kind]int{
		KindShip: 10369, KindCoast: 477, KindAtoN: 119, KindGroup: 38, KindHandheld: 13,
		KindSARAircraft: 4, KindAuxiliary: 0, KindSART: 0, KindUnknown: 51,
	}
	for k, n := range wantKinds {
		if kinds[k] != n {
			t.Errorf("%d MMSIs of kind %v, want %d", kinds[k], k, n)
		}
	}
	wantErrs := map[error]int{
		nil: 10829, ErrUnallocatedMID: 184, ErrNoFormat: 42, ErrPlaceholder: 14, ErrOutOfRange: 2,
	}
	for e, n := range wantErrs {
		if errs[e] != n {
			t.Errorf("%d MMSIs with error %v, want %d", errs[e], e, n)
		}
	}
	// The three biggest flags in a 2015 worldwide sample.
	for a2, n := range map[string]int{"CN": 2027, "NL": 1958, "US": 690} {
		if flags[a2] != n {
			t.Errorf("%d ship stations flagged %s, want %d", flags[a2], a2, n)
		}
	}

	// The suspicious MMSIs SOURCES.md names: several transmitters each.
	suspicious := []struct {
		mmsi int
		err  error
	}{
		{0, ErrPlaceholder},
		{111111111, ErrPlaceholder},
		{123456789, ErrPlaceholder},
		{222222222, ErrPlaceholder},
		{999999999, ErrPlaceholder},
		{413000000, ErrPlaceholder},
		{123, ErrUnallocatedMID},     // coast form, MID 000
		{1193046, ErrUnallocatedMID}, // 0x123456
	}
	for _, s := range suspicious {
		c, ok := byMMSI[s.mmsi]
		if !ok {
			t.Errorf("MMSI %d not in the sample", s.mmsi)
			continue
		}
		if !errors.Is(c.Err, s.err) {
			t.Errorf("MMSI %d: err %v, want %v", s.mmsi, c.Err, s.err)
		}
	}
}

// TestAISHubIdentity checks the IMO numbers and names vessels broadcast in
// type 5, 19, 21 and 24 messages.
func TestAISHubIdentity(t *testing.T) {
	var withIMO, validIMO, names, changed int
	for _, v := range readAISHub(t) {
		for _, imo := range v.imos {
			if imo != 0 {
				withIMO++
				if ValidIMO(imo) {
					validIMO++
				}
			}
		}
		for _, n := range v.names {
			if n == "" {
				continue
			}
			names++
			norm := NormalizeName(n)
			if norm != n {
				changed++
				if testing.Verbose() && changed <= 40 {
					t.Logf("%q -> %q", n, norm)
				}
			}
			if NormalizeName(norm) != norm {
				t.Errorf("NormalizeName not idempotent on %q", n)
			}
			for i := range len(norm) {
				c := norm[i]
				if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ') {
					t.Errorf("NormalizeName(%q) = %q has %q", n, norm, c)
				}
			}
		}
	}
	// One non-zero IMO number in twelve fails the check: made-up or
	// mistyped numbers (the placeholder MMSI 123 sends IMO 456789).
	if withIMO != 1155 || validIMO != 1058 {
		t.Errorf("%d non-zero IMOs, %d valid; want 1155, 1058", withIMO, validIMO)
	}
	if names != 2403 || changed != 209 {
		t.Errorf("%d names, %d changed by NormalizeName; want 2403, 209", names, changed)
	}
}

func BenchmarkClassifyAISHub(b *testing.B) {
	vessels := readAISHub(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range vessels {
			_ = Classify(v.mmsi)
		}
	}
}
