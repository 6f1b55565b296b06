package nmea

import "math"

// A radar's tracked targets (ARPA, IEC 61162-1 / NMEA 0183):
//
//	$RATTM,02,1.43,170.5,T,0.16,264.4,T,1.42,36.9,N,,T,,,M*2A
//	        |  |    |    | |    |     | |    |    | | | | | acquisition: A auto, M manual, R reported
//	        |  |    |    | |    |     | |    |    | | | | UTC of data, hhmmss.ss (NMEA 3.0 on)
//	        |  |    |    | |    |     | |    |    | | | R: reference target
//	        |  |    |    | |    |     | |    |    | | status: L lost, Q acquiring, T tracking
//	        |  |    |    | |    |     | |    |    | name
//	        |  |    |    | |    |     | |    |    units of distance and speed: N (nm, kn), K (km, km/h), S (statute)
//	        |  |    |    | |    |     | |    time to CPA, minutes
//	        |  |    |    | |    |     | distance of CPA
//	        |  |    |    | |    |     course reference: T true, R relative
//	        |  |    |    | |    course
//	        |  |    |    | speed
//	        |  |    |    bearing reference: T true, R relative to own heading
//	        |  |    bearing from own ship, degrees
//	        |  distance from own ship
//	        target number, 00-99 (some radars go to 999)
//
//	$RATLL,01,3731.51052,N,02436.00000,E,TEST1,161617.88,T,*0C
//	        |  latitude   longitude      name  UTC       status, then R: reference target
//	        target number

// Target status letters (TTM field 12, TLL field 8).
const (
	TargetLost      = 'L'
	TargetAcquiring = 'Q'
	TargetTracking  = 'T'
)

// Metres of one unit of distance of TTM's units field, and knots of one
// unit of speed.
var (
	unitMetres = map[byte]float64{0: 1852, 'N': 1852, 'K': 1000, 'S': 1609.344}
	unitKnots  = map[byte]float64{0: 1, 'N': 1, 'K': 1000.0 / 1852, 'S': 1609.344 / 1852}
)

// TTM is a tracked target's range and bearing from the radar.
type TTM struct {
	Target int
	// DistanceM is the range in metres (converted from the sentence's
	// units); NaN when not given.
	DistanceM float64
	// Bearing in degrees; relative to the own ship's heading when
	// BearingRelative. NaN when not given.
	Bearing         float64
	BearingRelative bool
	// SpeedKn in knots and Course in degrees (relative to the own ship's
	// heading when CourseRelative); NaN when not given.
	SpeedKn        float64
	Course         float64
	CourseRelative bool
	Name           string
	// Status is TargetLost, TargetAcquiring, TargetTracking or 0 when
	// not given.
	Status    byte
	Reference bool
	// UTCMs is the time of day of the data, ms since midnight UTC; -1
	// when not given (before NMEA 3.0).
	UTCMs int64
	// Acquisition is 'A' automatic, 'M' manual, 'R' reported, or 0.
	Acquisition byte
}

// TLL is a tracked target's position.
type TLL struct {
	Target int
	// Lat and Lon in degrees; HasPosition false when both are empty.
	Lat, Lon    float64
	HasPosition bool
	Name        string
	UTCMs       int64 // as TTM's
	Status      byte  // as TTM's
	Reference   bool
}

func target(f fields, n int) (int, bool) {
	b := f.field(n)
	if len(b) == 0 || len(b) > 3 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func status(c byte) bool {
	return c == 0 || c == TargetLost || c == TargetAcquiring || c == TargetTracking
}

func reference(f fields, n int) (bool, bool) {
	c, ok := f.char(n)
	return c == 'R', ok && (c == 0 || c == 'R')
}

// parseTTM fills t from f; it returns the number of the first field that
// is wrong, 0 when none is.
func parseTTM(f fields, t *TTM) int {
	*t = TTM{}
	var ok bool
	if t.Target, ok = target(f, 1); !ok {
		return 1
	}
	units, ok := f.char(10)
	if _, known := unitMetres[units]; !ok || !known {
		return 10
	}
	if t.DistanceM, ok = f.num(2); !ok || t.DistanceM < 0 {
		return 2
	}
	t.DistanceM *= unitMetres[units]
	if t.Bearing, ok = f.num(3); !ok || t.Bearing < 0 || t.Bearing > 360 {
		return 3
	}
	ref, ok := f.char(4)
	if !ok || (ref != 0 && ref != 'T' && ref != 'R') {
		return 4
	}
	t.BearingRelative = ref == 'R'
	if t.SpeedKn, ok = f.num(5); !ok || t.SpeedKn < 0 {
		return 5
	}
	t.SpeedKn *= unitKnots[units]
	if t.Course, ok = f.num(6); !ok || t.Course < 0 || t.Course > 360 {
		return 6
	}
	if ref, ok = f.char(7); !ok || (ref != 0 && ref != 'T' && ref != 'R') {
		return 7
	}
	t.CourseRelative = ref == 'R'
	// 8 and 9 are the closest point of approach: the own ship's concern.
	if _, ok := f.num(8); !ok {
		return 8
	}
	if _, ok := f.num(9); !ok {
		return 9
	}
	t.Name = f.text(11)
	if t.Status, ok = f.char(12); !ok || !status(t.Status) {
		return 12
	}
	if t.Reference, ok = reference(f, 13); !ok {
		return 13
	}
	if t.UTCMs, ok = f.clock(14); !ok {
		return 14
	}
	if t.Acquisition, ok = f.char(15); !ok {
		return 15
	}
	if math.IsNaN(t.DistanceM) != math.IsNaN(t.Bearing) {
		return 2 // a range without a bearing, or the reverse, places nothing
	}
	return 0
}

// parseTLL fills t from f; it returns the number of the first field that
// is wrong, 0 when none is.
func parseTLL(f fields, t *TLL) int {
	*t = TLL{}
	var ok bool
	// Some radars leave the number empty; it then names no track.
	if len(f.field(1)) > 0 {
		if t.Target, ok = target(f, 1); !ok {
			return 1
		}
	} else {
		t.Target = -1
	}
	var hasLat, hasLon bool
	if t.Lat, hasLat, ok = f.angle(2, 2, 'N', 'S', 90); !ok {
		return 2
	}
	if t.Lon, hasLon, ok = f.angle(4, 3, 'E', 'W', 180); !ok {
		return 4
	}
	if hasLat != hasLon {
		return 2
	}
	t.HasPosition = hasLat
	t.Name = f.text(6)
	if t.UTCMs, ok = f.clock(7); !ok {
		return 7
	}
	if t.Status, ok = f.char(8); !ok || !status(t.Status) {
		return 8
	}
	if t.Reference, ok = reference(f, 9); !ok {
		return 9
	}
	return 0
}
