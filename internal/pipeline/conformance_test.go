package pipeline

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/picket-ais/picket/internal/ais"
	"github.com/picket-ais/picket/internal/ingest"
	"github.com/picket-ais/picket/internal/nmea"
	"github.com/picket-ais/picket/internal/source"
)

// The conformance test decodes real logs and compares every message, field
// by field, with Debian gpsdecode 3.22's unscaled decode of the same log
// (testdata/aivdm/derived, paired by input line). gpsd's unscaled values are
// turned into what picket prints (scaled, "not available" left out) by the
// rules in expectField; deliberate differences are in
// docs/gpsd-differences.md.

const testdata = "../../testdata"

// pairedCorpora are the logs with a gpsdecode oracle paired by line.
var pairedCorpora = []struct{ input, oracle string }{
	{"aivdm/aishub_global_3min_2015.nmea.gz", "aishub_global_3min_2015"},
	{"aivdm/vernon_seine_2016/ais_vernon_20160331.log.gz", "ais_vernon_20160331"},
	{"aivdm/caribewave_guadeloupe_2017-03-21.csvlog.gz", "caribewave_guadeloupe_2017-03-21"},
	{"aivdm/dma_denmark_2010-06-11_pghp.nmea", "dma_denmark_2010-06-11_pghp"},
	{"aivdm/kystverket_norway_tagblock_Ais1000Lines.nm4", "kystverket_norway_tagblock_Ais1000Lines"},
	{"aivdm/aisdb_tagblock_2021-11-01.nm4", "aisdb_tagblock_2021-11-01"},
	{"conformance/go-ais/aistest.nmea", "go-ais_aistest"},
	{"conformance/pyais/nmea_data_sample.txt", "pyais_nmea_data_sample"},
}

// decoded is one message picket decoded, as printed.
type decoded struct {
	line    int64
	talker  string
	channel byte
	obj     map[string]any
}

// decodeFile runs a file through the same stages as `picket decode` and
// returns every message as its parsed JSON, with the line that completed
// it, and the tally.
func decodeFile(t testing.TB, path string) ([]decoded, *nmea.Tally) {
	t.Helper()
	f, err := source.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := nmea.NewParser(nmea.Options{})
	var dec ais.Decoder
	var out []decoded
	lr := source.NewLineReader(f)
	var buf []byte
	for lr.Next() {
		msg, _ := p.Feed(lr.Line())
		if msg == nil {
			continue
		}
		m := ingest.DecodeMessage(&dec, msg, p.Tally())
		if m == nil {
			continue
		}
		buf = AppendProvenance(ais.AppendJSONFields(buf[:0], m), msg)
		buf = append(buf, '}')
		var obj map[string]any
		if err := json.Unmarshal(buf, &obj); err != nil {
			t.Fatalf("%s:%d: our JSON does not parse: %v\n%s", path, msg.Line, err, buf)
		}
		out = append(out, decoded{line: msg.Line, talker: string(msg.Talker[:]), channel: msg.Channel, obj: obj})
	}
	p.Flush()
	if err := lr.Err(); err != nil {
		t.Fatal(err)
	}
	return out, p.Tally()
}

type oracleRecord struct {
	Line     int64          `json:"input_line"`
	Sentence string         `json:"sentence"`
	Gpsd     map[string]any `json:"gpsdecode"`
}

// scaledAppOracle is the stored gpsdecode -j decode of a corpus's type 6
// and 8 application payloads (TestRewriteScaledAppOracles makes it).
func scaledAppOracle(name string) string {
	return filepath.Join(testdata, "aivdm/derived", name+".gpsdecode-3.22-scaled-apps.paired.jsonl.gz")
}

func readScaledAppOracle(t testing.TB, name string) map[int64][]map[string]any {
	t.Helper()
	f, err := os.Open(scaledAppOracle(name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	m := map[int64][]map[string]any{}
	dec := json.NewDecoder(zr)
	for {
		var r oracleRecord
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		m[r.Line] = append(m[r.Line], r.Gpsd)
	}
	return m
}

func readOracle(t testing.TB, name string) []oracleRecord {
	t.Helper()
	f, err := os.Open(filepath.Join(testdata, "aivdm/derived", name+".gpsdecode-3.22-unscaled.paired.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var recs []oracleRecord
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r oracleRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

// mismatches collects differences by message type and field.
type mismatches struct {
	count    map[string]int
	examples map[string][]string
	compared int
	fields   int
}

func newMismatches() *mismatches {
	return &mismatches{count: map[string]int{}, examples: map[string][]string{}}
}

func (m *mismatches) add(typ any, field, detail string) {
	k := fmt.Sprintf("type %v %s", typ, field)
	m.count[k]++
	if len(m.examples[k]) < 3 {
		m.examples[k] = append(m.examples[k], detail)
	}
}

func (m *mismatches) report(t *testing.T, name string) {
	t.Helper()
	total := 0
	keys := make([]string, 0, len(m.count))
	for k, c := range m.count {
		keys = append(keys, k)
		total += c
	}
	sort.Strings(keys)
	t.Logf("%-45s %7d messages, %8d fields compared, %d mismatches", name, m.compared, m.fields, total)
	for _, k := range keys {
		t.Errorf("%s: %s: %d mismatches, e.g.\n    %s", name, k, m.count[k], strings.Join(m.examples[k], "\n    "))
	}
}

func TestConformanceGpsd(t *testing.T) {
	for _, c := range pairedCorpora {
		t.Run(c.oracle, func(t *testing.T) {
			t.Parallel()
			ours := decodeFileFor(t, filepath.Join(testdata, c.input))
			compareCorpus(t, c.oracle, ours, readOracle(t, c.oracle), readScaledAppOracle(t, c.oracle))
		})
	}
}

// knownDifferences are messages gpsd decodes and picket deliberately does
// not, by corpus and input line; each is explained in
// docs/gpsd-differences.md.
var knownDifferences = map[string]map[int64]string{
	"aishub_global_3min_2015": {
		18537: "fragment 2 of sequence 1 after fragment 1 of sequence 4: gpsd joins fragments by channel alone, picket by channel and sequential message id",
	},
}

// gpsdTalkers are the talker ids gpsd 3.22 accepts on AIS sentences;
// picket takes any (docs/gpsd-differences.md).
var gpsdTalkers = map[string]bool{"AI": true, "AB": true, "AD": true, "AN": true, "AR": true, "AS": true, "AT": true, "AX": true, "BS": true, "SA": true}

// decodeFileFor decodes a file and checks that every line was accounted for.
func decodeFileFor(t *testing.T, path string) []decoded {
	ours, tally := decodeFile(t, path)
	if tally.Accounted() != tally.Lines {
		t.Errorf("lines not accounted for: %d of %d", tally.Accounted(), tally.Lines)
	}
	return ours
}

// compareCorpus compares picket's messages with an oracle's, paired by
// input line, and reports every mismatch by message type and field.
func compareCorpus(t *testing.T, name string, ours []decoded, oracle []oracleRecord, apps map[int64][]map[string]any) {
	appUsed := map[int64]int{}
	byLine := map[int64][]map[string]any{}
	talkerAt := map[int64]string{}
	channelAt := map[int64]byte{}
	for _, d := range ours {
		byLine[d.line] = append(byLine[d.line], d.obj)
		talkerAt[d.line] = d.talker
		channelAt[d.line] = d.channel
	}
	lastA := map[float64]map[string]any{} // type 24 part A by MMSI
	mm := newMismatches()
	used := map[int64]int{}
	oi := 0
	for _, r := range oracle {
		// Walk our messages in order up to this line, remembering part As.
		for ; oi < len(ours) && ours[oi].line <= r.Line; oi++ {
			o := ours[oi].obj
			if o["type"] == 24.0 && o["partno"] == 0.0 {
				lastA[o["mmsi"].(float64)] = o
			}
		}
		cands := byLine[r.Line]
		k := used[r.Line]
		if why, ok := knownDifferences[name][r.Line]; ok && k >= len(cands) {
			t.Logf("line %d: gpsd decoded, picket did not, by design: %s", r.Line, why)
			continue
		}
		if k >= len(cands) {
			mm.add(r.Gpsd["type"], "(message)", fmt.Sprintf("line %d: gpsd decoded %s, picket did not", r.Line, r.Sentence))
			continue
		}
		used[r.Line]++
		mm.compared++
		compareMessage(mm, r.Line, r.Gpsd, cands[k], lastA)
		if typ := r.Gpsd["type"]; typ == 6.0 || typ == 8.0 {
			if _, raw := r.Gpsd["data"]; !raw {
				// gpsd decoded the application payload: compare it with gpsd's
				// scaled output, which picket's application fields follow.
				scaled := apps[r.Line]
				if i := appUsed[r.Line]; i < len(scaled) {
					appUsed[r.Line]++
					compareApp(mm, r.Line, scaled[i], cands[k])
				} else {
					mm.add(typ, "(application)", fmt.Sprintf("line %d: no scaled gpsd record", r.Line))
				}
			}
		}
	}
	for line, cands := range byLine {
		if extra := len(cands) - used[line]; extra > 0 {
			o := cands[len(cands)-1]
			if o["type"] == 24.0 {
				continue // gpsd 3.22 folds part A into the part B after it, and drops a lone part B
			}
			if !gpsdTalkers[talkerAt[line]] {
				continue // gpsd ignores sentences from talkers it does not know
			}
			switch channelAt[line] {
			case 0, 'A', 'B', '1', '2':
			default:
				continue // gpsd ignores channels other than A and B
			}
			mm.add(o["type"], "(message)", fmt.Sprintf("line %d: picket decoded a message gpsd did not: %v", line, o))
		}
	}
	mm.report(t, name)
}

func onlyHeader(g map[string]any) map[string]any {
	h := map[string]any{}
	for k, v := range g {
		if appHeader[k] {
			h[k] = v
		}
	}
	return h
}

// appHeader are the type 6 and 8 fields outside the application payload,
// compared with gpsd's unscaled output like every other field.
var appHeader = map[string]bool{"type": true, "repeat": true, "mmsi": true, "seqno": true, "dest_mmsi": true, "retransmit": true, "dac": true, "fid": true}

// compareApp compares an application payload with gpsd's scaled output,
// value for value (gpsd's "_text" companions aside).
func compareApp(mm *mismatches, line int64, g, o map[string]any) {
	typ := g["type"]
	for field, gv := range g {
		if appHeader[field] || field == "class" || field == "device" || field == "scaled" || strings.HasSuffix(field, "_text") {
			continue
		}
		mm.fields++
		got, have := o[field]
		if !have || !reflect.DeepEqual(normalizeJSON(gv), normalizeJSON(got)) {
			mm.add(typ, field, fmt.Sprintf("line %d mmsi %v dac %v fid %v: gpsd -j %s=%v, picket %v", line, g["mmsi"], g["dac"], g["fid"], field, gv, got))
		}
	}
}

// normalizeJSON makes decoded JSON values comparable: objects and arrays
// compared element by element, numbers as float64.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalizeJSON(x[i])
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if !strings.HasSuffix(k, "_text") {
				out[k] = normalizeJSON(e)
			}
		}
		return out
	}
	return v
}

// compareMessage compares one gpsd unscaled record with picket's object.
func compareMessage(mm *mismatches, line int64, g, o map[string]any, lastA map[float64]map[string]any) {
	typ := int(g["type"].(float64))
	if typ == 6 || typ == 8 {
		if _, raw := g["data"]; !raw {
			g = onlyHeader(g) // the application payload is compared scaled, in compareApp
		}
	}
	if typ == 24 {
		if _, ok := g["shipname"]; ok && o["partno"] == 1.0 {
			// gpsd merged the part A before this part B.
			a := lastA[o["mmsi"].(float64)]
			merged := map[string]any{}
			for k, v := range o {
				merged[k] = v
			}
			if name, ok := a["shipname"]; ok {
				merged["shipname"] = name
			}
			o = merged
		}
	}
	dimsZero := true
	for _, k := range []string{"to_bow", "to_stern", "to_port", "to_starboard"} {
		if v, ok := g[k].(float64); ok && v != 0 {
			dimsZero = false
		}
	}
	for field, gv := range g {
		switch {
		case field == "class", field == "device", field == "scaled", strings.HasSuffix(field, "_text"):
			continue
		}
		mm.fields++
		addressed, _ := g["addressed"].(bool)
		structured, _ := g["structured"].(bool)
		want, present, scale := expectField(typ, field, gv, dimsZero, addressed, structured)
		got, have := o[field]
		detail := func() string {
			return fmt.Sprintf("line %d mmsi %v: gpsd %s=%v, picket %v (present %v)", line, g["mmsi"], field, gv, got, have)
		}
		if !present {
			if have {
				mm.add(typ, field, detail()+" (want absent)")
			}
			continue
		}
		if !have {
			mm.add(typ, field, detail())
			continue
		}
		if typ == 26 && field == "radio" {
			continue // gpsd 3.22 prints 0: it does not read type 26's communication state
		}
		if field == "data" && (typ == 25 || typ == 26) {
			// gpsd 3.22 leaves the unused bits of the last byte unmasked.
			if !sameBits(gv, got) {
				mm.add(typ, field, detail())
			}
			continue
		}
		if scale != 0 {
			g, ok := got.(float64)
			if !ok || math.Round(g*scale) != gv.(float64) {
				mm.add(typ, field, detail())
			}
			continue
		}
		if !sameValue(typ, field, want, got) {
			mm.add(typ, field, detail())
		}
	}
}

// sameBits compares two "bits:hex" data fields over the bits they carry.
func sameBits(a, b any) bool {
	as, _ := a.(string)
	bs, _ := b.(string)
	var an, bn int
	var ah, bh string
	if n, _ := fmt.Sscanf(strings.Replace(as, ":", " ", 1), "%d %s", &an, &ah); n < 1 {
		return false
	}
	if n, _ := fmt.Sscanf(strings.Replace(bs, ":", " ", 1), "%d %s", &bn, &bh); n < 1 {
		return false
	}
	if an != bn || len(ah) != len(bh) {
		return false
	}
	if len(ah) == 0 {
		return true
	}
	last := len(ah) - 2
	if ah[:last] != bh[:last] {
		return false
	}
	var x, y uint8
	fmt.Sscanf(ah[last:], "%02x", &x)
	fmt.Sscanf(bh[last:], "%02x", &y)
	used := an % 8
	if used == 0 {
		return x == y
	}
	mask := uint8(0xff << uint(8-used))
	return x&mask == y&mask
}

// expectField turns a gpsd unscaled value into the value picket prints,
// or present=false where picket leaves the field out (not available). A
// non-zero scale means picket prints raw/scale: the comparison then
// recovers the raw value from picket's number, exactly.
func expectField(typ int, field string, v any, dimsZero, addressed, structured bool) (any, bool, float64) {
	want, present, scale := expectScaled(typ, field, v)
	if scale != 0 {
		return want, present, scale
	}
	w, p := expectPlain(typ, field, v, dimsZero, addressed, structured)
	return w, p, 0
}

// expectScaled handles the fields picket prints scaled.
func expectScaled(typ int, field string, v any) (any, bool, float64) {
	f, _ := v.(float64)
	tenthMinute := typ == 17 || typ == 22 || typ == 23 || typ == 27
	switch field {
	case "lon", "ne_lon", "sw_lon":
		if typ == 6 || typ == 8 {
			break
		}
		if tenthMinute {
			return f, f != 181*600, 600
		}
		return f, f != 181*600000, 600000
	case "lat", "ne_lat", "sw_lat":
		if typ == 6 || typ == 8 {
			break
		}
		if tenthMinute {
			return f, f != 91*600, 600
		}
		return f, f != 91*600000, 600000
	case "speed":
		switch typ {
		case 1, 2, 3, 18, 19:
			return f, f != 1023, 10
		}
	case "course":
		switch typ {
		case 1, 2, 3, 9, 18, 19:
			return f, f != 3600, 10
		}
	case "draught":
		if typ == 5 {
			return f, f != 0, 10
		}
	}
	return nil, false, 0
}

// expectPlain handles the fields picket prints as gpsd does, or leaves out.
func expectPlain(typ int, field string, v any, dimsZero, addressed, structured bool) (any, bool) {
	f, isNum := v.(float64)
	s, isStr := v.(string)
	switch field {
	case "speed":
		switch typ {
		case 9:
			return f, f != 1023
		case 27:
			return f, f != 63
		}
	case "course":
		if typ == 27 {
			return f, f != 511
		}
	case "heading":
		return f, f != 511
	case "second":
		if typ == 1 || typ == 2 || typ == 3 || typ == 9 || typ == 18 || typ == 19 || typ == 21 {
			return f, f != 60
		}
	case "turn":
		if isNum {
			switch f {
			case -128:
				return nil, false
			case 127:
				return "fastright", true
			case -127:
				return "fastleft", true
			}
			return f, true // compared as the raw value, see sameValue
		}
		return nil, false // gpsd prints "nan" as null in some versions
	case "alt":
		return f, f != 4095
	case "dest_mmsi":
		// gpsd prints 0 for types 25 and 26 when the message is not
		// addressed; picket prints only the fields the message has.
		if typ == 25 || typ == 26 {
			return f, f != 0 || addressed
		}
	case "app_id":
		if typ == 25 || typ == 26 {
			return f, f != 0 || structured
		}
	case "imo", "epfd":
		if typ != 6 && typ != 8 {
			return f, f != 0
		}
	case "shiptype":
		if typ != 8 {
			return f, f != 0
		}
	case "to_bow", "to_stern", "to_port", "to_starboard":
		return f, !dimsZero
	case "callsign", "shipname", "destination", "name", "vendorid":
		if typ != 6 && typ != 8 {
			return s, s != ""
		}
	case "timestamp":
		if typ == 4 || typ == 11 {
			// Present only when every part is available.
			var y, mo, d, h, mi, se int
			if n, _ := fmt.Sscanf(s, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se); n != 6 {
				return s, false
			}
			ok := y > 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 60
			return s, ok
		}
	case "eta":
		if typ == 5 {
			var mo, d, h, mi int
			if n, _ := fmt.Sscanf(s, "%02d-%02dT%02d:%02dZ", &mo, &d, &h, &mi); n != 4 {
				return s, false
			}
			return s, mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60
		}
	}
	_ = isStr
	return v, true
}

// sameValue compares picket's printed value with the expected one.
func sameValue(typ int, field string, want, got any) bool {
	if field == "turn" {
		w, wn := want.(float64)
		if !wn {
			return want == got
		}
		g, ok := got.(float64)
		if !ok {
			return false
		}
		// picket prints degrees per minute: recover the raw ROT_AIS.
		raw := math.Round(4.733 * math.Sqrt(math.Abs(g)))
		if g < 0 {
			raw = -raw
		}
		return raw == w
	}
	switch w := want.(type) {
	case float64:
		switch g := got.(type) {
		case float64:
			if w == g {
				return true
			}
			// Scaled positions are printed to the decimals that recover the
			// raw value; compare at that resolution.
			return math.Abs(w-g) <= 1e-6*math.Max(1, math.Abs(w))
		case bool:
			return (w != 0) == g
		}
		return false
	case bool:
		switch g := got.(type) {
		case bool:
			return w == g
		case float64:
			return w == (g != 0)
		}
		return false
	case string:
		g, ok := got.(string)
		return ok && g == w
	}
	return fmt.Sprint(want) == fmt.Sprint(got)
}

// Make sure a short read of a testdata file fails loudly rather than
// comparing nothing.
func TestConformanceCorporaPresent(t *testing.T) {
	for _, c := range pairedCorpora {
		f, err := os.Open(filepath.Join(testdata, c.input))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, f)
		f.Close()
		if n < 1000 {
			t.Errorf("%s: only %d bytes", c.input, n)
		}
	}
}
