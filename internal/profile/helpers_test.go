package profile

import (
	"time"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
	"github.com/picket-ais/picket/internal/track"
)

// t0 is the start of every test scenario.
var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func atMs(h float64) int64 { return at(h).UnixMilli() }

// ev builds an event starting h hours after t0 and lasting dur hours,
// with its id set as the engine sets it.
func ev(typ event.Type, mmsi, other uint32, h, dur float64, opts ...func(*event.Event)) event.Event {
	e := event.Event{Type: typ, MMSI: mmsi, OtherMMSI: other, Start: at(h), End: at(h + dur), Confidence: 0.9, Summary: string(typ)}
	for _, o := range opts {
		o(&e)
	}
	e.SetID()
	return e
}

func sub(s string) func(*event.Event) { return func(e *event.Event) { e.Subtype = s } }
func seg(s string) func(*event.Event) { return func(e *event.Event) { e.Segment = s } }
func intentional(b bool) func(*event.Event) {
	return func(e *event.Event) { e.Intentional = event.Ptr(b) }
}
func change(field, from, to string) func(*event.Event) {
	return func(e *event.Event) { e.Field, e.From, e.To = field, from, to }
}
func prev(mmsi uint32) func(*event.Event) {
	return func(e *event.Event) { e.Details = map[string]float64{"previous_mmsi": float64(mmsi)} }
}
func listed(by, name string) func(*event.Event) {
	return func(e *event.Event) { e.Entry = &event.Entry{List: "OFAC SDN", ID: "1", Name: name, By: by} }
}

// feed is a scripted input for a tracker.
type feed struct {
	tr *track.Tracker
}

func newFeed() *feed { return &feed{tr: track.New(track.Options{})} }

func (f *feed) pos(mmsi uint32, h, lat, lon float64) *feed {
	f.tr.Position(&fuse.Report{Time: atMs(h), MMSI: mmsi, Kind: fuse.Position, Class: fuse.ClassA, Type: 1,
		Lat: lat, Lon: lon, SOG: 10, COG: fuse.NotAvailable, Heading: -1, Status: 0, Heard: 1})
	return f
}

func (f *feed) static(mmsi uint32, h float64, info fuse.StaticInfo) *feed {
	f.tr.Static(&fuse.Report{Time: atMs(h), MMSI: mmsi, Kind: fuse.Static, Class: fuse.ClassA, Type: 5, Heard: 1, Info: &info})
	return f
}

func ship(name string, imo uint32, shiptype uint8) fuse.StaticInfo {
	s := fuse.StaticInfo{Has: fuse.HasName | fuse.HasShipType | fuse.HasDimensions, Name: name, ShipType: shiptype, Length: 180, Beam: 30}
	if imo != 0 {
		s.Has |= fuse.HasIMO
		s.IMO = imo
	}
	return s
}
