package nmea

import "math"

// The own ship's position, heading and date, which place a radar's
// targets given by range and bearing:
//
//	$GPGGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,q,nn,h.h,alt,M,sep,M,age,station*hh
//	$GPRMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,sog,cog,ddmmyy,var,E[,mode]*hh
//	$HEHDT,heading,T*hh
//	$GPZDA,hhmmss.ss,dd,mm,yyyy,zh,zm*hh

// OwnFix is a GGA or RMC position of the ship that carries the radar.
type OwnFix struct {
	// Valid is false when the receiver says it has no fix (GGA quality
	// 0, RMC status V) or gives no position: such a fix places nothing.
	Valid    bool
	Lat, Lon float64
	// UTCMs is the time of day, ms since midnight UTC; -1 when not given.
	UTCMs int64
	// Day is RMC's date as days since 1970-01-01; -1 for GGA (which has
	// none) or when not given.
	Day int64
	// SpeedKn and Course (true) are RMC's; NaN for GGA or when not given.
	SpeedKn, Course float64
}

// Heading is an HDT true heading, degrees.
type Heading struct {
	Deg float64
}

// Date is a ZDA date and time: Unix ms.
type Date struct {
	TimeMs int64
}

func parseGGA(f fields, x *OwnFix) int {
	*x = OwnFix{Day: -1, SpeedKn: math.NaN(), Course: math.NaN()}
	var ok, hasLat, hasLon bool
	if x.UTCMs, ok = f.clock(1); !ok {
		return 1
	}
	if x.Lat, hasLat, ok = f.angle(2, 2, 'N', 'S', 90); !ok {
		return 2
	}
	if x.Lon, hasLon, ok = f.angle(4, 3, 'E', 'W', 180); !ok {
		return 4
	}
	q := f.field(6)
	if len(q) > 1 || (len(q) == 1 && (q[0] < '0' || q[0] > '9')) {
		return 6
	}
	x.Valid = hasLat && hasLon && len(q) == 1 && q[0] != '0'
	return 0
}

func parseRMC(f fields, x *OwnFix) int {
	*x = OwnFix{Day: -1}
	var ok, hasLat, hasLon bool
	if x.UTCMs, ok = f.clock(1); !ok {
		return 1
	}
	st, ok := f.char(2)
	if !ok || (st != 'A' && st != 'V' && st != 0) {
		return 2
	}
	if x.Lat, hasLat, ok = f.angle(3, 2, 'N', 'S', 90); !ok {
		return 3
	}
	if x.Lon, hasLon, ok = f.angle(5, 3, 'E', 'W', 180); !ok {
		return 5
	}
	if x.SpeedKn, ok = f.num(7); !ok || x.SpeedKn < 0 {
		return 7
	}
	if x.Course, ok = f.num(8); !ok || x.Course < 0 || x.Course > 360 {
		return 8
	}
	if d := f.field(9); len(d) > 0 {
		dd, mm, yy, ok := two(d, 0), two(d, 2), two(d, 4), len(d) == 6
		if !ok || dd < 1 || dd > 31 || mm < 1 || mm > 12 || yy < 0 {
			return 9
		}
		// Two-digit years: 80-99 are the 20th century (NMEA predates 2000).
		y := 2000 + yy
		if yy >= 80 {
			y = 1900 + yy
		}
		x.Day = daysFromCivil(y, mm, dd)
	}
	x.Valid = st == 'A' && hasLat && hasLon
	return 0
}

// two reads two decimal digits at b[i:]; -1 when they are not.
func two(b []byte, i int) int {
	if i+2 > len(b) || b[i] < '0' || b[i] > '9' || b[i+1] < '0' || b[i+1] > '9' {
		return -1
	}
	return int(b[i]-'0')*10 + int(b[i+1]-'0')
}

func parseHDT(f fields, h *Heading) int {
	var ok bool
	if h.Deg, ok = f.num(1); !ok || math.IsNaN(h.Deg) || h.Deg < 0 || h.Deg > 360 {
		return 1
	}
	return 0
}

func parseZDA(f fields, z *Date) int {
	ms, ok := f.clock(1)
	if !ok || ms < 0 {
		return 1
	}
	dd, mm := two(f.field(2), 0), two(f.field(3), 0)
	if len(f.field(2)) != 2 || dd < 1 || dd > 31 {
		return 2
	}
	if len(f.field(3)) != 2 || mm < 1 || mm > 12 {
		return 3
	}
	y := f.field(4)
	if len(y) != 4 || two(y, 0) < 0 || two(y, 2) < 0 {
		return 4
	}
	z.TimeMs = daysFromCivil(two(y, 0)*100+two(y, 2), mm, dd)*86_400_000 + ms
	return 0
}
