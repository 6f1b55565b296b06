package pipeline

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

func TestDecodeNotNMEA(t *testing.T) {
	d := NewDecoder(&bytes.Buffer{}, DecodeOptions{})
	err := d.Input(&source.File{Name: "holiday.jpg", Reader: strings.NewReader("\xff\xd8\xff\xe0 JFIF\nnot a log\n")})
	var ie *InputError
	if !errors.Is(err, ErrNoAIS) || !errors.As(err, &ie) || ie.Name != "holiday.jpg" || !strings.Contains(err.Error(), "holiday.jpg") {
		t.Fatalf("error %v", err)
	}
}

// The stats account for every line, under exactly one reason.
func TestDecodeStatsAddUp(t *testing.T) {
	var out bytes.Buffer
	d := NewDecoder(&out, DecodeOptions{})
	in := strings.Join([]string{
		"# comment",
		"",
		"$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D",
		"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23",
		"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*24",
		"!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
		"!AIVDM,1,1,,A,P3HOI:0P0000VOHLCnHQKwvL05Ip,0*42",
	}, "\n")
	if err := d.Input(&source.File{Name: "mixed", Reader: strings.NewReader(in)}); err != nil {
		t.Fatal(err)
	}
	d.Flush()
	tl := d.Tally()
	if tl.Lines != 7 || tl.Accounted() != 7 {
		t.Fatalf("lines %d accounted %d", tl.Lines, tl.Accounted())
	}
	want := map[nmea.Reason]int64{nmea.Comment: 1, nmea.Blank: 1, nmea.NotAIS: 1, nmea.Decoded: 1, nmea.BadChecksum: 1, nmea.Incomplete: 1, nmea.UnknownType: 1}
	for r, n := range want {
		if tl.ByReason[r] != n {
			t.Errorf("%v: %d, want %d", r, tl.ByReason[r], n)
		}
	}
	if strings.Count(out.String(), "\n") != 1 || tl.ByType[1] != 1 {
		t.Errorf("output %q", out.String())
	}
}
