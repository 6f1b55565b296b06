package detect

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConfigRoundTripAndOverrides(t *testing.T) {
	var b bytes.Buffer
	if err := WriteConfig(&b, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "loitering:\n  max_speed_kn: 2\n  min_duration: 2h0m0s\n") {
		t.Errorf("printed config:\n%s", b.String())
	}
	o, err := LoadConfig(&b)
	if err != nil {
		t.Fatal(err)
	}
	if o != DefaultOptions() {
		t.Errorf("round trip changed the options")
	}
	o, err = LoadConfig(strings.NewReader("loitering:\n  min_duration: 4h\n  max_speed_kn: 1.5\ngap:\n  min_gap_ms: 3600000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Loitering.MinDuration != 4*time.Hour || o.Loitering.MaxSpeedKn != 1.5 || o.Gap.MinGap != time.Hour || o.Gap.MinShoreNM != 50 {
		t.Errorf("options %+v %+v", o.Loitering, o.Gap)
	}
	o, err = LoadConfig(strings.NewReader("unseen_by_radar:\n  min_sweeps: 20\n  range_share: 0.6\n  end_after: 15m\n"))
	if err != nil {
		t.Fatal(err)
	}
	if u := o.UnseenByRadar; u.MinSweeps != 20 || u.RangeShare != 0.6 || u.EndAfter != 15*time.Minute || u.ToleranceM != 1500 {
		t.Errorf("unseen_by_radar options %+v", u)
	}
}

func TestConfigErrors(t *testing.T) {
	for in, want := range map[string]string{
		"loiterin:\n  max_speed_kn: 1\n":         `unknown section "loiterin"`,
		"loitering:\n  max_sped_kn: 1\n":         `loitering.max_sped_kn: unknown option`,
		"loitering:\n  max_speed_kn: fast\n":     `want a non-negative number`,
		"loitering:\n  min_duration: forever\n":  `want a duration`,
		"loitering: [1, 2]\n":                    `bad thresholds file`,
		"unseen_by_radar:\n  range_share: 1.5\n": `unseen_by_radar.range_share: want a share from 0 to 1`,
		"unseen_by_radar:\n  min_sweeps: 2.5\n":  `unseen_by_radar.min_sweeps: want a non-negative whole number`,
		"unseen_by_radar:\n  shore: none\n":      `unseen_by_radar.shore: unknown option`,
	} {
		_, err := LoadConfig(strings.NewReader(in))
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

// Options of type time.Duration read and print as Go durations.
func TestConfigDurations(t *testing.T) {
	o, err := LoadConfig(strings.NewReader("identity:\n  flag_silence: 36h\n  settle: 2h30m\n"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Identity.FlagSilence != 36*time.Hour || o.Identity.Settle != 150*time.Minute || o.Identity.Confirmations != 2 {
		t.Errorf("identity options %+v", o.Identity)
	}
	if _, err := LoadConfig(strings.NewReader("identity:\n  settle: 6\n")); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "want a duration") {
		t.Errorf("a number for a duration: %v", err)
	}
}

// A thresholds file written for an earlier picket names options that were
// retired when their measure changed; the error says what replaced them,
// not only that the option is unknown.
func TestConfigRetiredOptions(t *testing.T) {
	for in, want := range map[string]string{
		"gap:\n  min_density: 0.5\n":             `gap.min_density: retired: reception is judged by positions per vessel-day around the vessel; set min_reception`,
		"gap:\n  density_window_ms: 21600000\n":  `gap.density_window_ms: retired: reception is judged by positions per vessel-day around the vessel; set min_reception_hours`,
		"dark_rendezvous:\n  max_apart_nm: 50\n": `dark_rendezvous.max_apart_nm: retired: a meeting is bounded by what both vessels could reach at max_speed_kn; the nearer end must lie within near_nm`,
	} {
		_, err := LoadConfig(strings.NewReader(in))
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}
