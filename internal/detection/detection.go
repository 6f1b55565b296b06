package detection

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/picket-ais/picket/internal/fuse"
)

// The sensors of detections, as events name them.
const (
	// SensorSAR is a satellite radar image's detection.
	SensorSAR = "sar"
	// SensorOptical is a satellite optical image's detection (Sentinel-2,
	// Landsat, PlanetScope and the like: daylight, cloud-free).
	SensorOptical = "optical"
	// SensorRadar is a ship's or coast station's radar track (ARPA).
	SensorRadar = "radar"
	// SensorVIIRS is a night-light detection of NOAA's VIIRS boat
	// detection product.
	SensorVIIRS = "viirs"
)

// Detection is one vessel a sensor saw.
type Detection struct {
	// File and Line locate the row, for messages and evidence.
	File string
	Line int
	// ID is the source's own id (GFW's detect_id), or "" when it has none.
	ID string
	// Time is Unix ms.
	Time     int64
	Lat, Lon float64
	// LengthM is the estimated length in metres; 0 when not given.
	LengthM float64
	// Heading is in degrees; NaN when not given.
	Heading float64
	// Score is the source's confidence that this is a vessel, 0..1; NaN
	// when not given.
	Score float64
	// Scene is the image the detection comes from; "" when not given.
	Scene string
	// SourceMMSI is the MMSI the source itself matched (GFW's mmsi
	// column), 0 when none. Kept for comparison, not used: picket matches
	// against the AIS it was given.
	SourceMMSI uint32
	// Sensor is what saw it (SensorSAR, SensorOptical, SensorRadar,
	// SensorVIIRS).
	Sensor string
}

// HasHeading reports whether the detection gives a heading.
func (d *Detection) HasHeading() bool { return !math.IsNaN(d.Heading) }

// Scene is one satellite image: where and when the satellite looked.
type Scene struct {
	ID string
	// Time is the acquisition time, Unix ms; 0 when not given.
	Time int64
	// Footprint is the area the image covers; empty when not given (the
	// scene's detections are then taken as they are).
	Footprint orb.MultiPolygon
	bound     orb.Bound
}

// Contains reports whether the footprint holds (lat, lon); true when the
// scene has no footprint.
func (s *Scene) Contains(lat, lon float64) bool {
	if len(s.Footprint) == 0 {
		return true
	}
	p := orb.Point{lon, lat}
	return s.bound.Contains(p) && planar.MultiPolygonContains(s.Footprint, p)
}

func (s *Scene) setFootprint(mp orb.MultiPolygon) {
	s.Footprint = mp
	s.bound = mp.Bound()
}

// Set is what was read from detection and scene files.
type Set struct {
	Detections []Detection
	// Scenes by id.
	Scenes map[string]*Scene
	// Rows counts the data rows read; Bad those not used, by reason in
	// BadRows (each with its first row).
	Rows, Bad int
	BadRows   []fuse.CSVBad
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{Scenes: map[string]*Scene{}} }

// bad counts a row not used under its reason.
func (s *Set) bad(e *fuse.CSVError) {
	s.Bad++
	reason := e.Field + " " + e.Err.Error()
	for i := range s.BadRows {
		if s.BadRows[i].Reason == reason {
			s.BadRows[i].Rows++
			return
		}
	}
	s.BadRows = append(s.BadRows, fuse.CSVBad{Reason: reason, Rows: 1, First: *e})
}

// AddScene adds a scene known from elsewhere (a server's earlier
// deliveries) to the set, before its files are read: their detections of
// that scene are checked against its footprint. A scene the set has is
// kept as it is.
func (s *Set) AddScene(id string, t int64, footprint orb.MultiPolygon) {
	if _, ok := s.Scenes[id]; ok {
		return
	}
	sc := &Scene{ID: id, Time: t}
	if len(footprint) > 0 {
		sc.setFootprint(footprint)
	}
	s.Scenes[id] = sc
}
