package nmea

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// feedAll feeds lines and returns the messages (copied) and the parser.
func feedAll(t *testing.T, opts Options, lines ...string) ([]Message, *Parser) {
	t.Helper()
	p := NewParser(opts)
	var out []Message
	for _, l := range lines {
		if m, _ := p.Feed([]byte(l)); m != nil {
			c := *m
			c.Payload = append([]byte(nil), m.Payload...)
			c.Source = append([]byte(nil), m.Source...)
			out = append(out, c)
			p.Tally().Add(Decoded, m.Lines)
		}
	}
	p.Flush()
	if got, want := p.Tally().Accounted(), p.Tally().Lines; got != want {
		t.Errorf("accounted %d of %d lines", got, want)
	}
	return out, p
}

func ms(s string) int64 {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return tm.UnixMilli()
}

// Real lines from the corpora in testdata, one per envelope format.
func TestEnvelopes(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opts    Options
		lines   []string
		payload string
		time    string // RFC 3339, "" for none
		source  string
		talker  string
	}{
		{"plain", Options{}, []string{`!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23`}, "13HOI:0P0000VOHLCnHQKwvL05Ip", "", "", "AI"},
		{"tag block seconds", Options{}, []string{`\c:1565218798*53\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D`}, "13mb9U0P00PRk8fT5nw>4?wj2006", "2019-08-07T22:59:58Z", "", "BS"},
		{"tag block source and t:", Options{}, []string{`\s:42809,c:1635731889,t:1635731965*6A\!AIVDM,1,1,,,403t>B1vFhQr5` + "`" + `NonbBw?>G00<0n,0*7B`}, "403t>B1vFhQr5`NonbBw?>G00<0n", "2021-11-01T01:58:09Z", "42809", "AI"},
		{"tag block bad checksum *00", Options{}, []string{`\c:1420030798*00\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22`}, "17P;HV?P008F98Il;EC1mOwL0@KP", "2014-12-31T12:59:58Z", "", "AB"},
		{"epoch prefix", Options{}, []string{`1490075479,!AIVDM,1,1,,B,E>jCK30S2bh0W:G@0b7W@9dW:@8@53:l>VCD01088;v013lU00,4*38`}, "E>jCK30S2bh0W:G@0b7W@9dW:@8@53:l>VCD01088;v013lU00", "2017-03-21T05:51:19Z", "", "AI"},
		{"nanosecond prefix", Options{}, []string{`1550303566167726840 !AIVDM,1,1,,B,10bb7q@P0lPGHlVMhbl0Qgw>2>` + "`" + `<,0*7F`}, "10bb7q@P0lPGHlVMhbl0Qgw>2>`<", "2019-02-16T07:52:46.167Z", "", "AI"},
		{"date prefix UTC", Options{}, []string{`2016-03-31 00:00:01, !AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;` + "`" + `011Q,0*22`}, "33I>hf0PA706QD:L7NC5lT;`011Q", "2016-03-31T00:00:01Z", "", "AI"},
		{"date prefix Paris", Options{Location: paris}, []string{`2016-03-31 00:00:01, !AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;` + "`" + `011Q,0*22`}, "33I>hf0PA706QD:L7NC5lT;`011Q", "2016-03-30T22:00:01Z", "", "AI"},
		{"USCG trailer", Options{}, []string{`!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,T56.4837741,r003669946,1325394060,1325394001`}, "15N1u<PP1FJuvSRHOE6QIwwh0HQ6", "2012-01-01T05:01:00Z", "r003669946", "AI"},
		{"epoch trailer", Options{}, []string{`!BSVDM,1,1,,B,147lQH00001f>MtQtr3a92nr00Sa,0*0B,1541030311,1541030400`}, "147lQH00001f>MtQtr3a92nr00Sa", "2018-10-31T23:58:31Z", "", "BS"},
		{"PGHP", Options{}, []string{`$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B`, `!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B`}, "402=481uaUcf;OQ55JS9ITi025Jp", "2010-06-11T11:46:11.390Z", "992190934", "AI"},
		{"PGHP with ms trailer", Options{}, []string{`$PGHP,1,2012,1,31,5,7,2,151,316,2,316000002,1AIS_S,51*77,1327992119157`, `!AIVDM,1,1,,B,IFICEMae<` + "`" + `HfcEV4M8aEWM<2VH1j6?;6<t9>,0*51,1327992119173`}, "IFICEMae<`HfcEV4M8aEWM<2VH1j6?;6<t9>", "2012-01-31T05:07:02.151Z", "316000002", "AI"},
		{"lone tag block line", Options{}, []string{`\c:1354719388*56\`, `!BSVDM,1,1,,B,14QsDOP01?0nGuHOM4n;vqTn0p4S,0*23`}, "14QsDOP01?0nGuHOM4n;vqTn0p4S", "2012-12-05T14:56:28Z", "", "BS"},
		{"odd talker", Options{}, []string{`!--VDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*2B`}, "13HOI:0P0000VOHLCnHQKwvL05Ip", "", "", "--"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msgs, _ := feedAll(t, tc.opts, tc.lines...)
			if len(msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if string(m.Payload) != tc.payload {
				t.Errorf("payload %q, want %q", m.Payload, tc.payload)
			}
			if tc.time == "" {
				if m.HasTime {
					t.Errorf("time %d, want none", m.TimeMs)
				}
			} else if !m.HasTime || m.TimeMs != ms(tc.time) {
				t.Errorf("time %v (%v), want %s", time.UnixMilli(m.TimeMs).UTC(), m.HasTime, tc.time)
			}
			if string(m.Source) != tc.source {
				t.Errorf("source %q, want %q", m.Source, tc.source)
			}
			if string(m.Talker[:]) != tc.talker {
				t.Errorf("talker %q, want %q", m.Talker[:], tc.talker)
			}
		})
	}
}

func TestReassembly(t *testing.T) {
	// Two 2-part type 5 messages interleaved on different sequence ids
	// (from the AISHub sample), then a group-tagged pair whose second
	// fragment has no time of its own (exactEarth).
	lines := []string{
		`!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C`,
		`!AIVDM,2,1,2,A,56@4OP02=uKT5DEH000l4h5HUT61ALDqAT00001;1@v884o@0:kRT` + "`" + `4RAh00,0*5E`,
		`!AIVDM,2,2,1,A,88888888880,2*25`,
		`!AIVDM,2,2,2,A,000000000000000,2*26`,
		`\g:1-2-3985,s:rEV02,c:1334337317*2D\!AIVDM,2,1,9,B,58KvN<42ACikUKW77F1H4hF0<PTp622222222216` + "`" + `0` + "`" + `cF5BF0RT13H0T,0*70`,
		`\g:2-2-3985*5A\!AIVDM,2,2,9,B,PFRC88888888880,2*29`,
	}
	msgs, p := feedAll(t, Options{}, lines...)
	if len(msgs) != 3 {
		t.Fatalf("got %d messages, want 3", len(msgs))
	}
	if got := string(msgs[0].Payload); !strings.HasSuffix(got, "Rp888888888880") || msgs[0].Fill != 2 || msgs[0].Lines != 2 || msgs[0].Line != 3 {
		t.Errorf("first message: %q fill %d lines %d line %d", got, msgs[0].Fill, msgs[0].Lines, msgs[0].Line)
	}
	if got := string(msgs[1].Payload); !strings.HasSuffix(got, "RAh00000000000000000") || msgs[1].Line != 4 {
		t.Errorf("second message: %q line %d", got, msgs[1].Line)
	}
	if !msgs[2].HasTime || msgs[2].TimeMs != 1334337317000 || string(msgs[2].Source) != "rEV02" {
		t.Errorf("grouped message: time %d source %q", msgs[2].TimeMs, msgs[2].Source)
	}
	if n := p.Tally().ByReason[Decoded]; n != 6 {
		t.Errorf("decoded lines %d, want 6", n)
	}
}

func TestIncompleteIsCounted(t *testing.T) {
	lines := []string{
		`!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C`, // never completed: superseded
		`!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C`,
		`!AIVDM,2,2,1,A,88888888880,2*25`,
		`!AIVDM,2,2,3,B,88888888880,2*24`,                                                            // orphan second fragment
		`!AIVDM,2,1,2,A,56@4OP02=uKT5DEH000l4h5HUT61ALDqAT00001;1@v884o@0:kRT` + "`" + `4RAh00,0*5E`, // pending at the end
	}
	msgs, p := feedAll(t, Options{}, lines...)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	tl := p.Tally()
	if tl.ByReason[Incomplete] != 3 || tl.ByReason[Decoded] != 2 {
		t.Errorf("incomplete %d decoded %d, want 3 and 2", tl.ByReason[Incomplete], tl.ByReason[Decoded])
	}
}

func TestFragmentTimeout(t *testing.T) {
	lines := []string{
		`\c:1000000000*07\!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C`,
		`\c:1000000100*06\!AIVDM,2,1,2,A,56@4OP02=uKT5DEH000l4h5HUT61ALDqAT00001;1@v884o@0:kRT` + "`" + `4RAh00,0*5E`,
		`!AIVDM,2,2,1,A,88888888880,2*25`, // 100 s later: the first was given up
	}
	msgs, p := feedAll(t, Options{}, lines...)
	if len(msgs) != 0 {
		t.Errorf("got %d messages, want 0", len(msgs))
	}
	if n := p.Tally().ByReason[Incomplete]; n != 3 {
		t.Errorf("incomplete %d, want 3", n)
	}
}

func TestReasons(t *testing.T) {
	tests := []struct {
		line string
		want Reason
	}{
		{"", Blank},
		{"   ", Blank},
		{"# a comment", Comment},
		{"epoch,AIS_Sentences", Metadata},
		{",1541030400", Metadata},
		{"$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D", NotAIS},
		{"$PFOO,INVALID", NotAIS},
		{"foobar", NotAIS},
		{"!AIALR,1,1,,A,x,0*00", NotAIS},
		{"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*24", BadChecksum},
		{"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0", Malformed},
		{"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*2", Malformed},
		{"!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,9*2A", Malformed},
		{"!AIVDM,0,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*22", Malformed},
		{"!AIVDM,1,1,,B,,0*25", EmptyPayload},
		{`\s:b:2,c:1364272372*57\!AIVDM,1,1,,C,18153ogP?w1dD@@` + "`" + `JiRN4?wp0000,0*48`, Decoded},
		{`\c:1354719388*56\!BSVDM,1,1,,B,D02R3cQW4Nfp00O6D0,4*1B`, Decoded},
		{`\c:12345`, Malformed},
	}
	for _, tc := range tests {
		p := NewParser(Options{})
		_, got := p.Feed([]byte(tc.line))
		if got != tc.want {
			t.Errorf("%q: %v, want %v", tc.line, got, tc.want)
		}
		if err := got.Err(); tc.want >= NotAIS && tc.want != Incomplete && !errors.Is(err, got.Err()) {
			t.Errorf("%q: error %v", tc.line, err)
		}
	}
}

func TestDateTimeAndEpoch(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"1490075479", "2017-03-21T05:51:19Z"},
		{"1490075479.25", "2017-03-21T05:51:19.25Z"},
		{"1490075479250", "2017-03-21T05:51:19.25Z"},
		{"1490075479250000", "2017-03-21T05:51:19.25Z"},
		{"2000-02-29T23:59:59.5Z", "2000-02-29T23:59:59.5Z"},
		{"1969-12-31 23:59:59", "1969-12-31T23:59:59Z"},
	} {
		var e envelope
		if !parsePrefix([]byte(tc.in), nil, &e) || !e.hasTime || e.timeMs != ms(tc.want) {
			t.Errorf("%s: got %d, want %s", tc.in, e.timeMs, tc.want)
		}
	}
	for _, bad := range []string{"12345", "2016-13-01 00:00:00", "2016-03-31 25:00:00", "abc"} {
		var e envelope
		if parsePrefix([]byte(bad), nil, &e) && e.hasTime {
			t.Errorf("%s: accepted as %d", bad, e.timeMs)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	p := NewParser(Options{})
	line := []byte(`\s:42809,c:1635731889*4A\!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23`)
	allocs := testing.AllocsPerRun(1000, func() {
		p.Feed(line)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per line, want 0", allocs)
	}
}
