package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/picket-ais/picket/internal/event"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ev(typ event.Type, mmsi, other uint32, startMin, endMin int, lat, lon float64) event.Event {
	return event.Event{Type: typ, MMSI: mmsi, OtherMMSI: other, Start: t0.Add(time.Duration(startMin) * time.Minute),
		End: t0.Add(time.Duration(endMin) * time.Minute), Lat: lat, Lon: lon}
}

func spoof(sub string, mmsi uint32, atMin int, lat, lon float64) event.Event {
	e := ev(event.Spoofing, mmsi, 0, atMin, atMin, lat, lon)
	e.Subtype = sub
	return e
}

func change(field string, mmsi uint32, atMin int) event.Event {
	e := ev(event.IdentityChange, mmsi, 0, atMin, atMin, 37, 124)
	e.Field = field
	return e
}

func TestMatch(t *testing.T) {
	// 0.1 degree of latitude is 11.1 km; 0.3 is 33 km.
	cases := []struct {
		name       string
		truth, det []event.Event
		tp, fp, fn int
	}{
		{"same event", []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37, 124)}, []event.Event{ev(event.Loitering, 1, 0, 10, 200, 37.05, 124)}, 1, 0, 0},
		{"other vessel", []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37, 124)}, []event.Event{ev(event.Loitering, 2, 0, 0, 180, 37, 124)}, 0, 1, 1},
		{"other type", []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37, 124)}, []event.Event{ev(event.Gap, 1, 0, 0, 180, 37, 124)}, 0, 1, 1},
		{"pair either order", []event.Event{ev(event.Encounter, 1, 2, 0, 180, 37, 124)}, []event.Event{ev(event.Encounter, 2, 1, 60, 240, 37, 124)}, 1, 0, 0},
		{"pair with another vessel", []event.Event{ev(event.Encounter, 1, 2, 0, 180, 37, 124)}, []event.Event{ev(event.Encounter, 1, 3, 0, 180, 37, 124)}, 0, 1, 1},
		{"pair against single", []event.Event{ev(event.Encounter, 1, 2, 0, 180, 37, 124)}, []event.Event{ev(event.Encounter, 1, 0, 0, 180, 37, 124)}, 0, 1, 1},
		{"no time overlap", []event.Event{ev(event.Gap, 1, 0, 0, 400, 37, 124)}, []event.Event{ev(event.Gap, 1, 0, 401, 900, 37, 124)}, 0, 1, 1},
		{"touching times", []event.Event{ev(event.Gap, 1, 0, 0, 400, 37, 124)}, []event.Event{ev(event.Gap, 1, 0, 400, 900, 37, 124)}, 1, 0, 0},
		{"instant within 15 min", []event.Event{spoof(event.InvalidIdentity, 1, 0, 37, 124)}, []event.Event{spoof(event.InvalidIdentity, 1, 14, 37, 124)}, 1, 0, 0},
		{"instant 31 min apart", []event.Event{spoof(event.InvalidIdentity, 1, 0, 37, 124)}, []event.Event{spoof(event.InvalidIdentity, 1, 31, 37, 124)}, 0, 1, 1},
		{"instant near an interval", []event.Event{ev(event.Watchlist, 1, 0, 60, 600, 37, 124)}, []event.Event{ev(event.Watchlist, 1, 0, 50, 50, 37, 124)}, 1, 0, 0},
		{"too far", []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37, 124)}, []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37.3, 124)}, 0, 1, 1},
		{"within 25 km", []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37, 124)}, []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37.2, 124)}, 1, 0, 0},
		{"subtype differs", []event.Event{spoof(event.SharedMMSI, 1, 0, 37, 124)}, []event.Event{spoof(event.ImpossibleSpeed, 1, 0, 37, 124)}, 0, 1, 1},
		{"field differs", []event.Event{change(event.FieldName, 1, 0)}, []event.Event{change(event.FieldCallSign, 1, 0)}, 0, 1, 1},
		{"two detections, one truth", []event.Event{ev(event.Loitering, 1, 0, 0, 180, 37, 124)},
			[]event.Event{ev(event.Loitering, 1, 0, 0, 90, 37, 124), ev(event.Loitering, 1, 0, 100, 180, 37, 124)}, 1, 1, 0},
		{"two truths, one detection", []event.Event{ev(event.Loitering, 1, 0, 0, 90, 37, 124), ev(event.Loitering, 1, 0, 100, 180, 37, 124)},
			[]event.Event{ev(event.Loitering, 1, 0, 0, 180, 37, 124)}, 1, 0, 1},
		// Truth A fits both detections, truth B only the first: the
		// largest pairing gives A the second.
		{"largest pairing", []event.Event{ev(event.PortVisit, 1, 0, 0, 300, 37, 124), ev(event.PortVisit, 1, 0, 200, 300, 37, 124)},
			[]event.Event{ev(event.PortVisit, 1, 0, 250, 260, 37, 124), ev(event.PortVisit, 1, 0, 0, 100, 37, 124)}, 2, 0, 0},
		{"nothing at all", nil, nil, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := Match(c.truth, c.det)
			if rep.Total.TP != c.tp || rep.Total.FP != c.fp || rep.Total.FN != c.fn {
				t.Errorf("TP %d FP %d FN %d, want %d %d %d\n%s", rep.Total.TP, rep.Total.FP, rep.Total.FN, c.tp, c.fp, c.fn, rep.Table())
			}
			if len(rep.Matched) != c.tp || len(rep.Extra) != c.fp || len(rep.Missed) != c.fn {
				t.Errorf("lists %d %d %d", len(rep.Matched), len(rep.Extra), len(rep.Missed))
			}
		})
	}
}

func TestMatchRowsAndTable(t *testing.T) {
	truth := []event.Event{
		spoof(event.SharedMMSI, 1, 0, 37, 124),
		spoof(event.ImpossibleSpeed, 2, 0, 37, 124),
		spoof(event.ImpossibleSpeed, 3, 0, 37, 124),
		ev(event.Gap, 4, 0, 0, 600, 37, 124),
	}
	det := []event.Event{
		spoof(event.SharedMMSI, 1, 5, 37, 124),
		spoof(event.ImpossibleSpeed, 2, 5, 37, 124),
		spoof(event.ImpossibleSpeed, 9, 5, 37, 124),
		ev(event.Encounter, 5, 6, 0, 200, 37, 124),
	}
	rep := Match(truth, det)
	check := func(typ event.Type, sub string, tp, fp, fn int, p, r float64) {
		t.Helper()
		row := rep.Row(typ, sub)
		if row.TP != tp || row.FP != fp || row.FN != fn || row.Precision() != p || row.Recall() != r {
			t.Errorf("%s/%s: %+v p %.2f r %.2f", typ, sub, row, row.Precision(), row.Recall())
		}
	}
	check(event.Spoofing, "", 2, 1, 1, 2.0/3, 2.0/3)
	check(event.Spoofing, event.ImpossibleSpeed, 1, 1, 1, 0.5, 0.5)
	check(event.Spoofing, event.SharedMMSI, 1, 0, 0, 1, 1)
	check(event.Gap, "", 0, 0, 1, 1, 0)
	check(event.Encounter, "", 0, 1, 0, 0, 1)
	if rep.Total.TP != 2 || rep.Total.FP != 2 || rep.Total.FN != 2 {
		t.Errorf("total %+v", rep.Total)
	}
	// Rows come in event.Types order, each type before its subtypes.
	var names []string
	for _, r := range rep.Rows {
		names = append(names, string(r.Type)+"/"+r.Subtype)
	}
	want := "encounter/ gap/ spoofing/ spoofing/impossible_speed spoofing/shared_mmsi"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("rows %q, want %q", got, want)
	}
	tab := rep.Table()
	for _, s := range []string{"precision", "  spoofing/impossible_speed", "total"} {
		if !strings.Contains(tab, s) {
			t.Errorf("table lacks %q:\n%s", s, tab)
		}
	}
}

func TestMatchOptions(t *testing.T) {
	truth := []event.Event{spoof(event.InvalidIdentity, 1, 0, 37, 124)}
	det := []event.Event{spoof(event.InvalidIdentity, 1, 40, 37.5, 124)}
	if rep := Match(truth, det); rep.Total.TP != 0 {
		t.Errorf("default options matched: %+v", rep.Total)
	}
	rep := MatchWith(truth, det, MatchOptions{Slack: 30 * time.Minute, MaxDistanceM: 60e3})
	if rep.Total.TP != 1 {
		t.Errorf("wider options did not match: %+v", rep.Total)
	}
}
