package track

import (
	"math"
	"testing"

	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/geo"
)

func pos(mmsi uint32, t int64, lat, lon float64, sog, cog float32) *fuse.Report {
	return &fuse.Report{Time: t, MMSI: mmsi, Kind: fuse.Position, Class: fuse.ClassA, Lat: lat, Lon: lon, SOG: sog, COG: cog, Heading: -1}
}

const minute = 60_000

// A ship sailing north at 12 kn, reporting every minute, stays one segment.
func TestOneVoyageOneSegment(t *testing.T) {
	tr := New(Options{})
	lat, lon := 35.0, 125.0
	for i := 0; i < 120; i++ {
		u, ok := tr.Position(pos(412000001, int64(i)*minute, lat, lon, 12, 0))
		if !ok || (i > 0 && u.NewSegment) {
			t.Fatalf("fix %d: ok %v new %v", i, ok, u.NewSegment)
		}
		lat, lon = geo.Destination(lat, lon, 0, 12*1852.0/60)
	}
	v := tr.Vessel(412000001)
	if _, n := v.Segments(); n != 1 || v.Positions != 120 {
		t.Errorf("segments %d positions %d", n, v.Positions)
	}
}

// Two transmitters share an MMSI 300 km apart: each keeps its own segment,
// and the second's first fix reports the impossible jump it would take.
func TestClonedMMSISeparates(t *testing.T) {
	tr := New(Options{})
	a := [2]float64{35.0, 125.0}
	b := [2]float64{37.5, 127.0}
	var jumps int
	for i := 0; i < 60; i++ {
		u, _ := tr.Position(pos(440000001, int64(i)*2*minute, a[0], a[1], 10, 90))
		if u.Segment.N != 1 {
			t.Fatalf("fix %d of A in segment %d", i, u.Segment.N)
		}
		u, _ = tr.Position(pos(440000001, int64(i)*2*minute+minute, b[0], b[1], 0.1, 0))
		if u.Segment.N != 2 {
			t.Fatalf("fix %d of B in segment %d", i, u.Segment.N)
		}
		if u.NewSegment {
			jumps++
			if u.From == nil || u.JumpKn < 1000 || u.JumpM < 300_000 {
				t.Errorf("jump %+v", u)
			}
		}
		a[0], a[1] = geo.Destination(a[0], a[1], 90, 10*1852.0/30)
	}
	if jumps != 1 {
		t.Errorf("%d new segments for B, want 1", jumps)
	}
}

func TestOutOfOrderIsCounted(t *testing.T) {
	tr := New(Options{})
	tr.Position(pos(1, 10*minute, 10, 10, 5, 0))
	if _, ok := tr.Position(pos(1, 9*minute, 10, 10, 5, 0)); ok {
		t.Error("older fix tracked")
	}
	if tr.OutOfOrder() != 1 {
		t.Errorf("out of order %d", tr.OutOfOrder())
	}
}

func static(mmsi uint32, t int64, name, call string, imo uint32) *fuse.Report {
	s := &fuse.StaticInfo{Name: name, CallSign: call, IMO: imo, Has: fuse.HasName | fuse.HasCallSign}
	if imo != 0 {
		s.Has |= fuse.HasIMO
	}
	return &fuse.Report{Time: t, MMSI: mmsi, Kind: fuse.Static, Class: fuse.ClassA, Info: s}
}

func TestIdentityChanges(t *testing.T) {
	tr := New(Options{})
	_, ch := tr.Static(static(412000002, 0, "OCEAN STAR", "BXYZ", 9074729))
	if len(ch) != 0 {
		t.Errorf("first values reported as changes: %+v", ch)
	}
	_, ch = tr.Static(static(412000002, 6*minute, "OCEAN STAR", "BXYZ", 9074729))
	if len(ch) != 0 {
		t.Errorf("repeat reported as change: %+v", ch)
	}
	_, ch = tr.Static(static(412000002, 12*minute, "SEA BIRD", "BXYZ", 9074729))
	if len(ch) != 1 || ch[0].Field != "name" || ch[0].From != "OCEAN STAR" || ch[0].To != "SEA BIRD" {
		t.Errorf("changes %+v", ch)
	}
	v := tr.Vessel(412000002)
	if cur, _ := v.ID.Names.Current(); cur != "SEA BIRD" || len(v.ID.Names.Values) != 2 || v.ID.Names.Values[0].Count != 2 {
		t.Errorf("names %+v", v.ID.Names)
	}
	if v.Flag() != "CN" {
		t.Errorf("flag %q", v.Flag())
	}
}

// A second MMSI broadcasting an IMO number is reported once, with when
// the first was last heard: the detectors tell a flag change from a
// shared IMO by what follows. A placeholder or a number failing its check
// digit ties nobody (exactEarth 2012: 1073741823 on 26 vessels).
func TestIMOUse(t *testing.T) {
	tr := New(Options{})
	x := NewIMOIndex(func(mmsi uint32) (int64, bool) {
		v := tr.Vessel(mmsi)
		if v == nil {
			return 0, false
		}
		return v.Last, true
	})
	st := func(mmsi uint32, at int64, name, cs string, imo uint32) *IMOShare {
		tr.Static(static(mmsi, at, name, cs, imo))
		return x.Use(mmsi, imo, at)
	}
	tr.Position(pos(412000003, 0, 30, 125, 10, 0))
	st(412000003, minute, "JI SONG 6", "BJS6", 8898740)
	tr.Position(pos(412000003, 2*minute, 30, 125, 10, 0))
	// Days later a Togo-flagged MMSI broadcasts the same IMO.
	share := st(671000004, 5*24*60*minute, "JI SONG 6", "5VJS", 8898740)
	if share == nil || share.OtherMMSI != 412000003 ||
		share.OtherLast != 2*minute || share.Time != 5*24*60*minute {
		t.Fatalf("share %+v", share)
	}
	if _, ch := tr.Static(static(671000004, 5*24*60*minute, "JI SONG 6", "5VJS", 8898740)); len(ch) != 0 {
		t.Errorf("changes %+v", ch)
	}
	// Once per MMSI: its next report of the number is no news.
	if share = st(671000004, 5*24*60*minute+minute, "JI SONG 6", "5VJS", 8898740); share != nil {
		t.Errorf("repeat share %+v", share)
	}
	for i, imo := range []uint32{1<<30 - 1, 1234567, 8898741} {
		st(uint32(412000010+i), 0, "A", "B", imo)
		if share := st(uint32(512000010+i), minute, "C", "D", imo); share != nil {
			t.Errorf("IMO %d tied %+v", imo, share)
		}
	}
}

func TestApproximations(t *testing.T) {
	for _, c := range [][4]float64{{35, 125, 35.05, 125.07}, {60, 25, 60.9, 25.9}, {-33.9, 151.2, -33.8, 151.3}, {10, 179.9, 10.2, -179.9}, {35, 125, 40, 130}} {
		exact := geo.Distance(c[0], c[1], c[2], c[3])
		got := distance(c[0], c[1], c[2], c[3])
		if d := math.Abs(got-exact) / exact; d > 0.002 {
			t.Errorf("%v: %.1f m vs %.1f m (%.3f%%)", c, got, exact, d*100)
		}
	}
	for _, b := range []float64{0, 45, 133, 270} {
		lat, lon := destination(35, 125, b, 20_000)
		if d := geo.Distance(35, 125, lat, lon); math.Abs(d-20_000) > 20 {
			t.Errorf("bearing %v: %.1f m", b, d)
		}
		if br := geo.Bearing(35, 125, lat, lon); math.Abs(br-b) > 0.2 && math.Abs(br-b) < 359.8 {
			t.Errorf("bearing %v came back %v", b, br)
		}
	}
}
