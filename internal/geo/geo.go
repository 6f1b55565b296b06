package geo

import "math"

// Units. AIS reports speed over ground in knots and detector thresholds are published in
// nautical miles and knots, while distances here are in metres.
const (
	// EarthRadius is the IUGG mean radius in metres, the usual choice for a spherical
	// model; over a few hundred kilometres it is within 0.5% of the WGS84 ellipsoid.
	EarthRadius = 6371008.8
	// MetresPerNauticalMile is exact by definition.
	MetresPerNauticalMile = 1852.0
	// MetresPerSecondPerKnot is one knot (a nautical mile per hour) in metres per second.
	MetresPerSecondPerKnot = MetresPerNauticalMile / 3600
)

// KnotsToMetresPerSecond converts a speed in knots to metres per second.
func KnotsToMetresPerSecond(kn float64) float64 { return kn * MetresPerSecondPerKnot }

// MetresPerSecondToKnots converts a speed in metres per second to knots.
func MetresPerSecondToKnots(ms float64) float64 { return ms / MetresPerSecondPerKnot }

const rad = math.Pi / 180

// Distance returns the great-circle distance in metres between two WGS84 positions in
// degrees, by the haversine formula on a sphere of EarthRadius. It is accurate at short
// range, where detectors work, and within 0.5% of the ellipsoidal distance everywhere.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	return EarthRadius * centralAngle(lat1*rad, lon1*rad, lat2*rad, lon2*rad)
}

// centralAngle is the haversine angle in radians between two positions in radians.
func centralAngle(φ1, λ1, φ2, λ2 float64) float64 {
	sφ := math.Sin((φ2 - φ1) / 2)
	sλ := math.Sin((λ2 - λ1) / 2)
	h := sφ*sφ + math.Cos(φ1)*math.Cos(φ2)*sλ*sλ
	return 2 * math.Asin(math.Sqrt(min(h, 1)))
}

// Bearing returns the initial great-circle bearing from the first position to the second,
// in degrees clockwise from true north in [0, 360). It is 0 for coincident positions.
func Bearing(lat1, lon1, lat2, lon2 float64) float64 {
	return normBearing(initialBearing(lat1*rad, lon1*rad, lat2*rad, lon2*rad) / rad)
}

func initialBearing(φ1, λ1, φ2, λ2 float64) float64 {
	dλ := λ2 - λ1
	y := math.Sin(dλ) * math.Cos(φ2)
	x := math.Cos(φ1)*math.Sin(φ2) - math.Sin(φ1)*math.Cos(φ2)*math.Cos(dλ)
	return math.Atan2(y, x)
}

func normBearing(deg float64) float64 {
	deg = math.Mod(deg, 360)
	if deg < 0 {
		deg += 360
	}
	if deg >= 360 { // -tiny+360 rounds up
		deg = 0
	}
	return deg
}

// Destination returns the position reached from (lat, lon) by following the great circle
// that starts on bearing (degrees from true north) for distance metres: dead reckoning
// from a fix with course over ground and speed times elapsed time. The longitude is
// normalised to [-180, 180).
func Destination(lat, lon, bearing, distance float64) (lat2, lon2 float64) {
	φ1, λ1, θ := lat*rad, lon*rad, bearing*rad
	δ := distance / EarthRadius
	sφ1, cφ1 := math.Sincos(φ1)
	sδ, cδ := math.Sincos(δ)
	sφ2 := sφ1*cδ + cφ1*sδ*math.Cos(θ)
	φ2 := math.Asin(max(-1, min(1, sφ2)))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*sδ*cφ1, cδ-sφ1*sφ2)
	return φ2 / rad, NormalizeLon(λ2 / rad)
}

// NormalizeLon maps a longitude in degrees to [-180, 180).
func NormalizeLon(lon float64) float64 {
	if lon >= -180 && lon < 180 {
		return lon
	}
	lon = math.Mod(lon+180, 360)
	if lon < 0 {
		lon += 360
	}
	return lon - 180
}

// DistanceToSegment returns the distance in metres from a position to the nearest point of
// the great-circle segment between two others: the cross-track distance when the foot of
// the perpendicular falls inside the segment, otherwise the distance to the nearer end.
// Use it for segments shorter than a quarter of the globe (a coastline edge, a leg between
// two fixes), where "the segment" is the minor arc.
func DistanceToSegment(lat, lon, lat1, lon1, lat2, lon2 float64) float64 {
	φ, λ := lat*rad, lon*rad
	φ1, λ1, φ2, λ2 := lat1*rad, lon1*rad, lat2*rad, lon2*rad
	δ13 := centralAngle(φ1, λ1, φ, λ)
	δ12 := centralAngle(φ1, λ1, φ2, λ2)
	if δ12 == 0 || δ13 == 0 {
		return EarthRadius * δ13
	}
	dθ := initialBearing(φ1, λ1, φ, λ) - initialBearing(φ1, λ1, φ2, λ2)
	cdθ := math.Cos(dθ)
	if cdθ <= 0 { // the point lies behind the start
		return EarthRadius * δ13
	}
	// Napier's rule in the right spherical triangle: tan(along) = tan(δ13)·cos(dθ).
	along := math.Atan2(math.Sin(δ13)*cdθ, math.Cos(δ13))
	if along >= δ12 {
		return EarthRadius * centralAngle(φ2, λ2, φ, λ)
	}
	return EarthRadius * math.Abs(math.Asin(math.Sin(δ13)*math.Sin(dθ)))
}
