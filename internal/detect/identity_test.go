package detect

import (
	"math"
	"testing"

	"github.com/picket-ais/picket/internal/event"
)

const hour = int64(hourMs)

// runLive runs a scene through the engine a server uses, and returns the
// final version of every event (Final drops the withdrawn) and every
// emission.
func (s *scene) runLive(places Places) (final []event.Event, ems []Emission) {
	final, ems, _ = s.runLiveClosed(places)
	return final, ems
}

// runLiveClosed is runLive that also says where the emissions made by the
// end of the data (Close) begin.
func (s *scene) runLiveClosed(places Places) (final []event.Event, ems []Emission, closed int) {
	rs := s.reports
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Time < rs[j-1].Time; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
	_, ts := feedTaking(rs, Options{}, places)
	for _, t := range ts {
		if t.at != math.MaxInt64 {
			closed++
		}
	}
	ems = emissions(ts)
	return Final(ems), ems, closed
}

func subtype(evs []event.Event, typ event.Type, sub string) []event.Event {
	var out []event.Event
	for _, e := range evs {
		if e.Type == typ && (e.Subtype == sub || e.Field == sub) {
			out = append(out, e)
		}
	}
	return out
}

// An IMO number broadcast by two MMSIs alive at the same time, thousands
// of km apart, is a shared IMO (MarineCadastre 2022-01-03: 9212424 by
// 671087100 off Puerto Rico and 338411000 in Florida, minutes apart), not
// a flag change.
func TestSharedIMONotFlagChange(t *testing.T) {
	var s scene
	s.sail(671087100, 0, 18.46, -66.10, 0, 0.1, 3*minute, 2*hour)
	s.sail(338411000, minute, 29.98, -81.65, 0, 0.1, 3*minute, 2*hour)
	for i := int64(0); i < 10; i++ {
		s.static(671087100, i*10*minute, "WATER SPIRIT 2", "5VAB", 9212424)
		s.static(338411000, i*10*minute+5*minute, "JOHN P LAB", "WDC1", 9212424)
	}
	for _, run := range []string{"batch", "live"} {
		evs := s.run(Places{ShoreM: farFromShore})
		if run == "live" {
			evs, _ = s.runLive(Places{ShoreM: farFromShore})
		}
		if ch := only(evs, event.IdentityChange); len(ch) != 0 {
			t.Errorf("%s: identity changes %+v", run, ch)
		}
		sh := subtype(evs, event.Spoofing, event.SharedIMO)
		if len(sh) != 1 || sh[0].MMSI != 338411000 || sh[0].OtherMMSI != 671087100 || sh[0].Details["distance_km"] < 1900 || sh[0].Confidence < 0.9 {
			t.Fatalf("%s: shared IMO %+v", run, sh)
		}
	}
}

// A flag change is an IMO number moving to an MMSI of another flag after
// the old MMSI fell silent for FlagSilence (24 h) and never came back.
func TestFlagChangeNeedsSilence(t *testing.T) {
	type step struct {
		silentH  int64 // between A's last report and B's first
		aReturns bool  // A heard again, with the number, after B took it
		bReports int
	}
	for name, c := range map[string]struct {
		step
		flag, shared bool
	}{
		"reflagged after 30 h":      {step{30, false, 3}, true, false},
		"silent only 2 h":           {step{2, false, 3}, false, false},
		"old MMSI comes back":       {step{30, true, 3}, false, true},
		"new MMSI heard once":       {step{30, false, 1}, false, false},
		"silent 2 h and comes back": {step{2, true, 3}, false, true},
	} {
		var s scene
		const a, b = 412000003, 671000004
		s.sail(a, 0, 30, 125, 0, 10, 6*minute, 4*hour)
		s.static(a, minute, "JI SONG 6", "BJS6", 8898740)
		s.static(a, 4*hour, "JI SONG 6", "BJS6", 8898740)
		tB := 4*hour + c.silentH*hour
		s.sail(b, tB, 31, 126, 0, 10, 6*minute, 12*hour)
		for i := 0; i < c.bReports; i++ {
			s.static(b, tB+int64(i)*30*minute, "JI SONG 6", "5VJS", 8898740)
		}
		if c.aReturns {
			// After the settle window (6 h): live has sent the change.
			s.sail(a, tB+8*hour, 30, 125, 0, 10, 6*minute, 2*hour)
			s.static(a, tB+9*hour, "JI SONG 6", "BJS6", 8898740)
		}
		batch := s.run(Places{ShoreM: farFromShore})
		live, ems := s.runLive(Places{ShoreM: farFromShore})
		for run, evs := range map[string][]event.Event{"batch": batch, "live": live} {
			flags := subtype(evs, event.IdentityChange, event.FieldFlag)
			shared := subtype(evs, event.Spoofing, event.SharedIMO)
			if (len(flags) == 1) != c.flag || len(flags) > 1 || (len(shared) == 1) != c.shared || len(shared) > 1 {
				t.Errorf("%s, %s: flag changes %+v shared %+v", name, run, flags, shared)
				continue
			}
			if c.flag {
				if f := flags[0]; f.From != "CN" || f.To != "TG" || f.MMSI != b || f.PreviousMMSI() != a {
					t.Errorf("%s, %s: flag change %+v", name, run, f)
				}
			}
		}
		if name == "old MMSI comes back" {
			// Live sent the flag change once settled (6 h), and withdrew
			// it when the old MMSI was heard again.
			var sent, withdrawnToo bool
			for _, em := range ems {
				if em.Event.Type == event.IdentityChange && em.Event.Field == event.FieldFlag {
					sent = sent || em.Open
					withdrawnToo = withdrawnToo || em.Withdrawn
				}
			}
			if c.silentH == 30 && (!sent || !withdrawnToo) {
				t.Errorf("live flag change sent %v withdrawn %v", sent, withdrawnToo)
			}
		}
	}
}

// A placeholder IMO ties nobody: exactEarth 2012 has 1073741823 (2^30-1)
// on 26 unrelated vessels, which made 22 "flag changes".
func TestPlaceholderIMOTiesNobody(t *testing.T) {
	var s scene
	mmsis := []uint32{431047000, 525008060, 416003600, 352002000, 503444444}
	for i, m := range mmsis {
		at := int64(i) * 30 * hour
		s.sail(m, at, -30+float64(i), 100, 0, 10, 6*minute, hour)
		s.static(m, at+minute, "BOAT", "CALL", 1<<30-1)
		s.static(m, at+2*minute, "BOAT", "CALL", 1<<30-1)
	}
	evs := s.run(Places{ShoreM: farFromShore})
	if n := len(only(evs, event.IdentityChange)) + len(subtype(evs, event.Spoofing, event.SharedIMO)); n != 0 {
		t.Errorf("%d identity events on a placeholder IMO", n)
	}
	bad := subtype(evs, event.Spoofing, event.InvalidIdentity)
	if len(bad) != len(mmsis) {
		t.Fatalf("invalid identities %+v", bad)
	}
	for _, e := range bad {
		if e.Field != "imo" || e.Confidence > 0.5 {
			t.Errorf("placeholder IMO event %+v", e)
		}
	}
}

// Two transmitters on one MMSI each send their own type 5 names: that is
// no change of name, whether the names alternate, one of them was heard
// once, or one transmitter's reports were lost for a while.
func TestIdentityChangeTwoTransmitters(t *testing.T) {
	const m = 244711426
	t.Run("alternating", func(t *testing.T) {
		var s scene
		s.sail(m, 0, 52, 4, 0, 8, 3*minute, 30*hour)
		for i := int64(0); i < 30; i++ {
			name := "EMPRESA"
			if i%2 == 1 {
				name = "EVELINE"
			}
			s.static(m, i*hour, name, "PH9489", 0)
		}
		if ch := only(s.run(Places{ShoreM: farFromShore}), event.IdentityChange); len(ch) != 0 {
			t.Errorf("changes %+v", ch)
		}
	})
	t.Run("one report", func(t *testing.T) {
		var s scene
		s.sail(m, 0, 52, 4, 0, 8, 3*minute, 3*hour)
		s.static(m, 0, "EMPRESA", "PH9489", 0)
		s.static(m, hour, "EMPRESA", "PH9489", 0)
		s.static(m, 3*hour, "EVELINE", "PI2877", 0) // the last report of the data
		if ch := only(s.run(Places{ShoreM: farFromShore}), event.IdentityChange); len(ch) != 0 {
			t.Errorf("changes %+v", ch)
		}
	})
	t.Run("two transmitters at once", func(t *testing.T) {
		var s scene
		// Two positions tracks 100 km apart at the same time, and the
		// second's names heard only after the first's stopped.
		s.sail(m, 0, 52, 4, 0, 8, 3*minute, 20*hour)
		s.sail(m, minute, 53, 5, 90, 8, 3*minute, 20*hour)
		for i := int64(0); i < 5; i++ {
			s.static(m, i*hour, "EMPRESA", "PH9489", 0)
			s.static(m, 10*hour+i*hour, "EVELINE", "PH9489", 0)
		}
		if ch := only(s.run(Places{ShoreM: farFromShore}), event.IdentityChange); len(ch) != 0 {
			t.Errorf("changes %+v", ch)
		}
	})
	t.Run("spacing", func(t *testing.T) {
		var s scene
		s.sail(412431610, 0, 30, 122, 0, 8, 3*minute, 20*hour)
		for i := int64(0); i < 10; i++ {
			name := "MINGYANGZHOU 9"
			if i >= 5 {
				name = "MING YANG ZHOU 9"
			}
			s.static(412431610, i*hour, name, "BAAA", 0)
		}
		if ch := only(s.run(Places{ShoreM: farFromShore}), event.IdentityChange); len(ch) != 0 {
			t.Errorf("changes %+v", ch)
		}
	})
	t.Run("renamed for good", func(t *testing.T) {
		var s scene
		s.sail(m, 0, 52, 4, 0, 8, 3*minute, 30*hour)
		for i := int64(0); i < 10; i++ {
			s.static(m, i*hour, "EMPRESA", "PH9489", 0)
			s.static(m, 15*hour+i*hour, "EVELINE", "PH9489", 0)
		}
		for run, evs := range map[string][]event.Event{"batch": s.run(Places{ShoreM: farFromShore})} {
			ch := only(evs, event.IdentityChange)
			if len(ch) != 1 || ch[0].From != "EMPRESA" || ch[0].To != "EVELINE" {
				t.Errorf("%s: changes %+v", run, ch)
			}
		}
		live, ems := s.runLive(Places{ShoreM: farFromShore})
		ch := only(live, event.IdentityChange)
		if len(ch) != 1 || ch[0].From != "EMPRESA" || ch[0].To != "EVELINE" {
			t.Errorf("live: changes %+v", ch)
		}
		// Sent once settled, before the data ended.
		var at int64
		for _, em := range ems {
			if em.Event.Type == event.IdentityChange && em.First {
				at = em.Event.Start.UnixMilli()
				if !em.Open {
					t.Errorf("live sent the change only at the end")
				}
			}
		}
		if at != 15*hour {
			t.Errorf("change at %d h", at/hour)
		}
	})
}

// Live, a change sent once settled is final a day later (a server running
// for months holds no identity change open), and so is a flag change.
func TestIdentityChangeFinalADayLater(t *testing.T) {
	var s scene
	const m = 244711426
	s.sail(m, 0, 52, 4, 0, 8, 30*minute, 60*hour)
	for i := int64(0); i < 10; i++ {
		s.static(m, i*hour, "EMPRESA", "PH9489", 0)
		s.static(m, 15*hour+i*hour, "EVELINE", "PH9489", 0)
	}
	const a, b = 412000003, 671000004
	s.sail(a, 0, 30, 125, 0, 10, 6*minute, 4*hour)
	s.static(a, minute, "JI SONG 6", "BJS6", 8898740)
	s.sail(b, 34*hour, 31, 126, 0, 10, 30*minute, 40*hour)
	s.static(b, 34*hour, "JI SONG 6", "5VJS", 8898740)
	s.static(b, 35*hour, "JI SONG 6", "5VJS", 8898740)
	_, ems, closed := s.runLiveClosed(Places{ShoreM: farFromShore})
	finalAt := map[string]int{}
	for i, em := range ems {
		if e := em.Event; e.Type == event.IdentityChange && !em.Open && !em.Withdrawn {
			finalAt[e.Field] = i
		}
	}
	for _, f := range []string{event.FieldName, event.FieldFlag} {
		if i, ok := finalAt[f]; !ok || i >= closed {
			t.Errorf("%s change final at emission %d, the end of the data at %d (ok %v)", f, i, closed, ok)
		}
	}
}
