package nmea

import (
	"bufio"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// Every sentence of the public examples reads, with the values their
// documentation gives.
func TestInstrumentExamples(t *testing.T) {
	f, err := os.Open("testdata/instrument_examples.nmea")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewInstrumentReader(nil)
	var got []Instrument
	var ttm []TTM
	var tll []TLL
	var fix []OwnFix
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		in, reason, err := r.Line(sc.Bytes())
		if reason == Comment {
			continue
		}
		if in == nil {
			t.Fatalf("line %q: %v %v", sc.Text(), reason, err)
		}
		got = append(got, *in)
		switch {
		case in.TTM != nil:
			ttm = append(ttm, *in.TTM)
		case in.TLL != nil:
			tll = append(tll, *in.TLL)
		case in.Fix != nil:
			fix = append(fix, *in.Fix)
		}
	}
	if len(got) != 11 || len(ttm) != 3 || len(tll) != 4 || len(fix) != 2 {
		t.Fatalf("%d sentences: %d TTM %d TLL %d fixes", len(got), len(ttm), len(tll), len(fix))
	}
	a := ttm[0] // $RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,N,,T,,,M
	if a.Target != 2 || !near(a.DistanceM, 1.43*1852) || a.Bearing != 170.5 || a.BearingRelative || a.SpeedKn != 0.16 || a.Course != 264.4 ||
		a.Status != TargetTracking || a.UTCMs != -1 || a.Acquisition != 'M' || a.Name != "" {
		t.Errorf("TTM 1: %+v", a)
	}
	b := ttm[1] // ...,TGT01,T,,100021.00,A
	if b.Target != 1 || b.Name != "TGT01" || b.UTCMs != (10*3600+21)*1000 || b.Acquisition != 'A' || b.SpeedKn != 12.1 {
		t.Errorf("TTM 2: %+v", b)
	}
	c := ttm[2] // acquiring, no speed or course yet
	if c.Status != TargetAcquiring || !math.IsNaN(c.SpeedKn) || !math.IsNaN(c.Course) || !near(c.DistanceM, 3.55*1852) {
		t.Errorf("TTM 3: %+v", c)
	}
	if l := tll[0]; l.Target != 1 || !near(l.Lat, 37+31.51052/60) || !near(l.Lon, 24+36.0/60) || l.Name != "TEST1" || l.Status != TargetTracking || l.UTCMs != (16*3600+16*60)*1000+17880 || !l.HasPosition {
		t.Errorf("TLL 1: %+v", l)
	}
	if l := tll[2]; l.Target != 1 || !near(l.Lon, -(2+35.37778/60)) || l.Status != TargetLost || !l.Reference || l.UTCMs != (2*3600+9*60+15)*1000 {
		t.Errorf("TLL 3 (lost reference target, west): %+v", l)
	}
	if l := tll[3]; l.Target != -1 || !l.HasPosition || l.Status != 0 || l.UTCMs != -1 {
		t.Errorf("TLL 4 (no number): %+v", l)
	}
	if z := got[7].ZDA; z == nil || z.TimeMs != time.Date(2015, 12, 10, 15, 34, 15, 0, time.UTC).UnixMilli() {
		t.Errorf("ZDA: %+v", got[7].ZDA)
	}
	if g := fix[0]; !g.Valid || !near(g.Lat, 48+7.038/60) || !near(g.Lon, 11+31.0/60) || g.UTCMs != (12*3600+35*60+19)*1000 || g.Day != -1 {
		t.Errorf("GGA: %+v", g)
	}
	day := time.Date(1994, 11, 19, 0, 0, 0, 0, time.UTC).Unix() / 86400
	if m := fix[1]; !m.Valid || !near(m.Lon, -(123+11.12/60)) || m.Day != day || m.SpeedKn != 0.5 || m.Course != 54.7 || m.UTCMs != (22*3600+54*60+46)*1000+330 {
		t.Errorf("RMC: %+v", m)
	}
	if h := got[10].HDT; h == nil || h.Deg != 4 || got[10].Talker != [2]byte{'H', 'E'} {
		t.Errorf("HDT: %+v", got[10])
	}
}

// Units: a radar set to kilometres gives range in km and speed in km/h;
// a relative bearing is marked so.
func TestTTMUnitsAndRelative(t *testing.T) {
	r := NewInstrumentReader(nil)
	in, _, err := r.Line([]byte(withSum("$RATTM,07,2.0,045.0,R,18.52,090.0,T,,,K,,T,,120000.00,A")))
	if err != nil {
		t.Fatal(err)
	}
	if a := in.TTM; a.DistanceM != 2000 || !a.BearingRelative || !near(a.SpeedKn, 10) || a.UTCMs != 12*3600000 {
		t.Errorf("%+v", a)
	}
}

// The line's own time (tag block, epoch prefix) comes with the sentence.
func TestInstrumentEnvelope(t *testing.T) {
	r := NewInstrumentReader(nil)
	in, _, _ := r.Line([]byte(`\s:radar1,c:1565218798*59\` + "$RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,N,,T,,,M*2A"))
	if in == nil || !in.HasTime || in.TimeMs != 1565218798000 || string(in.Source) != "radar1" {
		t.Fatalf("tag block: %+v", in)
	}
	in, _, _ = r.Line([]byte("1565218799.5 $GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"))
	if in == nil || !in.HasTime || in.TimeMs != 1565218799500 || in.Line != 2 {
		t.Fatalf("epoch prefix: %+v", in)
	}
}

// Broken input says which line, sentence and field, and why; other
// sentences and AIS are not instrument sentences.
func TestInstrumentErrors(t *testing.T) {
	cases := []struct {
		line   string
		reason Reason
		field  int
		err    error
	}{
		{"$RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,N,,T,,,M*2B", BadChecksum, 0, ErrChecksum},
		{"$RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,N,,T,,,M", Malformed, 0, ErrMalformed},
		{withSum("$RATTM,02,1.43,370.5,T,0.16,264.4,T,1.42,36.9,N,,T,,,M"), Malformed, 3, ErrField},
		{withSum("$RATTM,02,1.43,170.5,X,0.16,264.4,T,1.42,36.9,N,,T,,,M"), Malformed, 4, ErrField},
		{withSum("$RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,Z,,T,,,M"), Malformed, 10, ErrField},
		{withSum("$RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,N,,X,,,M"), Malformed, 12, ErrField},
		{withSum("$RATTM,02,1.43,,T,0.16,264.4,T,1.42,36.9,N,,T,,,M"), Malformed, 2, ErrField},
		{withSum("$RATLL,01,9131.51052,N,02436.00000,E,TEST1,161617.88,T,"), Malformed, 2, ErrField},
		{withSum("$RATLL,01,3731.51052,N,02436.00000,Q,TEST1,161617.88,T,"), Malformed, 4, ErrField},
		{withSum("$RATLL,01,3731.51052,N,02436.00000,E,TEST1,256100,T,"), Malformed, 7, ErrField},
		{withSum("$GPRMC,225446.33,A,4916.45,N,12311.12,W,000.5,054.7,191394,020.3,E,A"), Malformed, 9, ErrField},
		{"!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26", NotAIS, 0, ErrNotInstrument},
		{withSum("$GPGSV,1,1,00"), NotAIS, 0, ErrNotInstrument},
	}
	for _, c := range cases {
		r := NewInstrumentReader(nil)
		in, reason, err := r.Line([]byte(c.line))
		if in != nil || reason != c.reason || !errors.Is(err, c.err) {
			t.Errorf("%s: %v %v %v, want %v %v", c.line, in, reason, err, c.reason, c.err)
			continue
		}
		var se *SentenceError
		if c.field > 0 && (!errors.As(err, &se) || se.Field != c.field || se.Line != 1 || !strings.Contains(se.Error(), "line 1")) {
			t.Errorf("%s: %v, want field %d at line 1", c.line, err, c.field)
		}
	}
}

// withSum appends the checksum a sentence of a test case needs.
func withSum(s string) string { return Checksummed(s[1:]) }
