package detect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// ErrConfig is wrapped by every error about a thresholds file.
var ErrConfig = errors.New("detect: bad thresholds file")

// DefaultOptions returns every detector option with its default filled in:
// the values `picket analyze --print-config` shows.
func DefaultOptions() Options {
	var o Options
	o.fill()
	return o
}

func (o *Options) fill() {
	o.Encounter.defaults()
	o.Loitering.defaults()
	o.Gap.defaults()
	o.DarkRendezvous.defaults()
	o.Spoofing.defaults()
	o.Identity.defaults()
	o.PortVisit.defaults()
	o.UnseenByRadar.Defaults()
}

// A thresholds file is YAML with one section per detector and one key per
// option, in snake case:
//
//	encounter:
//	  max_distance_m: 250
//	  min_duration: 30m     # options in milliseconds (..._ms) also take durations
//	loitering:
//	  min_duration: 4h      # RFMO reports
//
// Options left out keep their defaults.

// LoadConfig reads a thresholds file over the defaults.
func LoadConfig(r io.Reader) (Options, error) {
	o := DefaultOptions()
	var doc map[string]map[string]any
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return o, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	root := reflect.ValueOf(&o).Elem()
	for section, values := range doc {
		sec, ok := fieldBySnake(root, section)
		if !ok {
			return o, fmt.Errorf("%w: unknown section %q (have %s)", ErrConfig, section, strings.Join(snakeNames(root), ", "))
		}
		for key, v := range values {
			if why, gone := retired[section+"."+key]; gone {
				return o, fmt.Errorf("%w: %s.%s: retired: %s", ErrConfig, section, key, why)
			}
			if err := setOption(sec, key, v); err != nil {
				return o, fmt.Errorf("%w: %s.%s: %v", ErrConfig, section, key, err)
			}
		}
	}
	return o, nil
}

// retired names the options of earlier thresholds files whose measure
// changed, so that no value of theirs means the same now, with what
// replaced them. A file that sets one is refused with this reason rather
// than read with a silently different meaning.
var retired = map[string]string{
	"gap.min_density":              "reception is judged by positions per vessel-day around the vessel; set min_reception",
	"gap.density_window_ms":        "reception is judged by positions per vessel-day around the vessel; set min_reception_hours",
	"gap.density_window":           "reception is judged by positions per vessel-day around the vessel; set min_reception_hours",
	"dark_rendezvous.max_apart_nm": "a meeting is bounded by what both vessels could reach at max_speed_kn; the nearer end must lie within near_nm",
}

// setOption sets one option from a YAML value; options in milliseconds
// also take Go durations ("2h30m") under their name without "_ms", and a
// duration option also takes milliseconds under its name with "_ms" (the
// name it had in files written before durations were durations).
func setOption(sec reflect.Value, key string, v any) error {
	f, ok := fieldBySnake(sec, key)
	if !ok && strings.HasSuffix(key, "_ms") {
		if d, found := fieldBySnake(sec, strings.TrimSuffix(key, "_ms")); found && d.Type() == durationType {
			if n, isNum := number(v); isNum && n >= 0 {
				d.SetInt(int64(n * float64(time.Millisecond)))
				return nil
			}
			return fmt.Errorf("want milliseconds, got %v", v)
		}
	}
	if !ok {
		f, ok = fieldBySnake(sec, key+"_ms")
		if !ok {
			return fmt.Errorf("unknown option (have %s)", strings.Join(snakeNames(sec), ", "))
		}
		s, isStr := v.(string)
		if !isStr {
			return fmt.Errorf("want a duration such as 2h or 30m, got %v", v)
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 2h or 30m, got %q", s)
		}
		f.SetInt(d.Milliseconds())
		return nil
	}
	if f.Type() == durationType {
		s, isStr := v.(string)
		d, err := time.ParseDuration(s)
		if !isStr || err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 2h or 30m, got %v", v)
		}
		f.SetInt(int64(d))
		return nil
	}
	switch f.Kind() {
	case reflect.Float64:
		n, ok := number(v)
		if !ok || n < 0 {
			return fmt.Errorf("want a non-negative number, got %v", v)
		}
		if strings.HasSuffix(key, "_share") && n > 1 {
			return fmt.Errorf("want a share from 0 to 1, got %v", v)
		}
		f.SetFloat(n)
	case reflect.Int, reflect.Int64:
		if s, isStr := v.(string); isStr && strings.HasSuffix(key, "_ms") {
			d, err := time.ParseDuration(s)
			if err != nil || d < 0 {
				return fmt.Errorf("want milliseconds or a duration, got %q", s)
			}
			f.SetInt(d.Milliseconds())
			return nil
		}
		n, ok := number(v)
		if !ok || n < 0 || n != float64(int64(n)) {
			return fmt.Errorf("want a non-negative whole number, got %v", v)
		}
		f.SetInt(int64(n))
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %v", v)
		}
		f.SetBool(b)
	default:
		return fmt.Errorf("cannot be set from a file")
	}
	return nil
}

// durationType is the type of options given as a time.Duration, which a
// thresholds file writes as a Go duration ("24h0m0s").
var durationType = reflect.TypeOf(time.Duration(0))

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// snake turns a Go field name into snake case: MaxSpeedKn -> max_speed_kn.
func snake(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// option tells whether a field is an option a file sets: exported and
// not a pointer (what the program gives a detector, such as a coastline).
func option(f reflect.StructField) bool {
	return f.IsExported() && f.Type.Kind() != reflect.Pointer
}

func fieldBySnake(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if option(t.Field(i)) && snake(t.Field(i).Name) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func snakeNames(v reflect.Value) []string {
	var out []string
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if option(t.Field(i)) {
			out = append(out, snake(t.Field(i).Name))
		}
	}
	sort.Strings(out)
	return out
}

// WriteConfig writes o as a thresholds file, durations as Go durations.
func WriteConfig(w io.Writer, o Options) error {
	var b bytes.Buffer
	root := reflect.ValueOf(o)
	t := root.Type()
	for i := 0; i < t.NumField(); i++ {
		sec := root.Field(i)
		fmt.Fprintf(&b, "%s:\n", snake(t.Field(i).Name))
		st := sec.Type()
		for j := 0; j < st.NumField(); j++ {
			if !option(st.Field(j)) {
				continue
			}
			name := snake(st.Field(j).Name)
			f := sec.Field(j)
			switch {
			case strings.HasSuffix(name, "_ms") && f.CanInt():
				fmt.Fprintf(&b, "  %s: %s\n", strings.TrimSuffix(name, "_ms"), time.Duration(f.Int())*time.Millisecond)
			default:
				fmt.Fprintf(&b, "  %s: %v\n", name, f.Interface())
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
