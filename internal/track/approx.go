package track

import (
	"math"

	"github.com/picket-ais/picket/internal/geo"
)

// The tracker measures every fix against its vessel's open segments. Over
// the short hops between consecutive fixes the Earth is flat enough: an
// equirectangular approximation is within 0.1% under 1° and several times
// cheaper than the haversine. Longer hops use geo's great-circle formulas.

const flatLimitDeg = 1.0

// distance is geo.Distance, approximated for short hops.
func distance(lat1, lon1, lat2, lon2 float64) float64 {
	dlat, dlon := lat2-lat1, lon2-lon1
	if math.Abs(dlat) > flatLimitDeg || math.Abs(dlon) > flatLimitDeg {
		return geo.Distance(lat1, lon1, lat2, lon2)
	}
	const rad = math.Pi / 180
	x := dlon * rad * math.Cos((lat1+lat2)/2*rad)
	y := dlat * rad
	return geo.EarthRadius * math.Sqrt(x*x+y*y)
}

// destination is geo.Destination, approximated for short hops.
func destination(lat, lon, bearing, dist float64) (float64, float64) {
	const rad = math.Pi / 180
	if dist > 50_000 {
		return geo.Destination(lat, lon, bearing, dist)
	}
	s, c := math.Sincos(bearing * rad)
	dlat := dist * c / geo.EarthRadius / rad
	dlon := dist * s / (geo.EarthRadius * math.Cos(lat*rad)) / rad
	return lat + dlat, lon + dlon
}
