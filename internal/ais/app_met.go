package ais

// Meteorological and hydrological data, type 8 DAC 1 FID 11 (IMO
// SN.1/Circ.236, trial message) and FID 31 (IMO SN.1/Circ.289, its
// replacement). Fields hold the raw transmitted values; AppendJSON scales
// them as gpsd's scaled JSON does, "not available" codes included (gpsd
// prints 2047 tenths above -60 °C as "airtemp":144.7, for example).

// trends are gpsd's words for a pressure or water level tendency.
var trends = [4]string{"steady", "increasing", "decreasing", "N/A"}

// precipTypes are gpsd's words for WMO 306 code table 4.201.
var precipTypes = [8]string{"reserved", "rain", "thunderstorm", "freezing rain", "mixed/ice", "snow", "reserved", "N/A"}

// iceWords are gpsd's words for the ice field.
var iceWords = [4]string{"no", "yes", "reserved", "N/A"}

// Currents are a surface current and currents at two depths, shared by
// both met/hydro messages. Speeds in 1/10 knot, directions in degrees,
// depths in metres.
type Currents struct {
	CSpeed, CDir            uint16
	CSpeed2, CDir2, CDepth2 uint16
	CSpeed3, CDir3, CDepth3 uint16
}

// Waves are the sea state fields of both met/hydro messages. Heights in
// 1/10 metre, periods in seconds, directions in degrees, sea state on the
// Beaufort scale.
type Waves struct {
	WaveHeight, WavePeriod, WaveDir    uint16
	SwellHeight, SwellPeriod, SwellDir uint16
	SeaState                           uint8
}

// MetHydro236 is type 8 DAC 1 FID 11. Lat and Lon are in 1/1000 minute;
// the other fields are raw codes of IMO236: AirTemp in 1/10 °C from
// -60 °C, DewPoint in 1/10 °C from -20 °C, Pressure in hPa from 800,
// Visibility in 1/10 nautical mile, WaterLevel in 1/10 metre from -10 m,
// WaterTemp in 1/10 °C from -10 °C, Salinity in 1/10 ‰.
type MetHydro236 struct {
	Lat, Lon          int32
	Day, Hour, Minute uint8
	WSpeed, WGust     uint8
	WDir, WGustDir    uint16
	AirTemp           uint16
	Humidity          uint8
	DewPoint          uint16
	Pressure          uint16
	PressureTend      uint8
	Visibility        uint8
	WaterLevel        uint16
	LevelTrend        uint8
	Currents
	Waves
	WaterTemp  uint16
	PrecipType uint8
	Salinity   uint16
	Ice        uint8
}

func (m *MetHydro236) decode(bb *bitBuffer) App {
	m.Lat = int32(bb.s(56, 24))
	m.Lon = int32(bb.s(80, 25))
	m.Day = uint8(bb.u(105, 5))
	m.Hour = uint8(bb.u(110, 5))
	m.Minute = uint8(bb.u(115, 6))
	m.WSpeed = uint8(bb.u(121, 7))
	m.WGust = uint8(bb.u(128, 7))
	m.WDir = uint16(bb.u(135, 9))
	m.WGustDir = uint16(bb.u(144, 9))
	m.AirTemp = uint16(bb.u(153, 11))
	m.Humidity = uint8(bb.u(164, 7))
	m.DewPoint = uint16(bb.u(171, 10))
	m.Pressure = uint16(bb.u(181, 9))
	m.PressureTend = uint8(bb.u(190, 2))
	m.Visibility = uint8(bb.u(192, 8))
	m.WaterLevel = uint16(bb.u(200, 9))
	m.LevelTrend = uint8(bb.u(209, 2))
	m.Currents.decode(bb, 211)
	m.Waves.decode(bb, 272)
	m.WaterTemp = uint16(bb.u(322, 10))
	m.PrecipType = uint8(bb.u(332, 3))
	m.Salinity = uint16(bb.u(335, 9))
	m.Ice = uint8(bb.u(344, 2))
	return m
}

// AppendJSON implements App.
func (m *MetHydro236) AppendJSON(dst []byte) []byte {
	dst = minutesField(dst, "lat", m.Lat, latLon3Div, 4)
	dst = minutesField(dst, "lon", m.Lon, latLon3Div, 4)
	dst = dayStamp(dst, m.Day, m.Hour, m.Minute)
	dst = uintField(dst, "wspeed", uint64(m.WSpeed))
	dst = uintField(dst, "wgust", uint64(m.WGust))
	dst = uintField(dst, "wdir", uint64(m.WDir))
	dst = uintField(dst, "wgustdir", uint64(m.WGustDir))
	dst = uintField(dst, "humidity", uint64(m.Humidity))
	dst = floatField(dst, "airtemp", float64(int32(m.AirTemp)-600)/10.0, 1)
	dst = floatField(dst, "dewpoint", float64(int32(m.DewPoint)-200)/10.0, 1)
	dst = uintField(dst, "pressure", uint64(m.Pressure)+800)
	dst = wordField(dst, "pressuretend", trends[m.PressureTend&3])
	dst = floatField(dst, "visibility", float64(m.Visibility)/10.0, 1)
	dst = floatField(dst, "waterlevel", float64(int32(m.WaterLevel)-100)/10.0, 1)
	dst = wordField(dst, "leveltrend", trends[m.LevelTrend&3])
	dst = m.Currents.appendJSON(dst)
	dst = m.Waves.appendJSON(dst)
	dst = floatField(dst, "watertemp", float64(int32(m.WaterTemp)-100)/10.0, 1)
	dst = uintField(dst, "preciptype", uint64(m.PrecipType))
	dst = floatField(dst, "salinity", float64(m.Salinity)/10.0, 1)
	return uintField(dst, "ice", uint64(m.Ice))
}

// MetHydro289 is type 8 DAC 1 FID 31. Lon and Lat are in 1/1000 minute;
// the other fields are raw codes of IMO289: AirTemp and DewPoint in
// 1/10 °C, signed, Pressure in hPa from 799, Visibility in 1/10 nautical
// mile, WaterLevel in 1/100 metre from -10 m, WaterTemp in 1/10 °C,
// signed, Salinity in 1/10 ‰.
type MetHydro289 struct {
	Lon, Lat          int32
	Accuracy          bool
	Day, Hour, Minute uint8
	WSpeed, WGust     uint8
	WDir, WGustDir    uint16
	AirTemp           int16
	Humidity          uint8
	DewPoint          int16
	Pressure          uint16
	PressureTend      uint8
	VisGreater        bool
	Visibility        uint8
	WaterLevel        uint16
	LevelTrend        uint8
	Currents
	Waves
	WaterTemp  int16
	PrecipType uint8
	Salinity   uint16
	Ice        uint8
}

func (m *MetHydro289) decode(bb *bitBuffer) App {
	m.Lon = int32(bb.s(56, 25))
	m.Lat = int32(bb.s(81, 24))
	m.Accuracy = bb.flag(105)
	m.Day = uint8(bb.u(106, 5))
	m.Hour = uint8(bb.u(111, 5))
	m.Minute = uint8(bb.u(116, 6))
	m.WSpeed = uint8(bb.u(122, 7))
	m.WGust = uint8(bb.u(129, 7))
	m.WDir = uint16(bb.u(136, 9))
	m.WGustDir = uint16(bb.u(145, 9))
	m.AirTemp = int16(bb.s(154, 11))
	m.Humidity = uint8(bb.u(165, 7))
	m.DewPoint = int16(bb.s(172, 10))
	m.Pressure = uint16(bb.u(182, 9))
	m.PressureTend = uint8(bb.u(191, 2))
	m.VisGreater = bb.flag(193)
	m.Visibility = uint8(bb.u(194, 7))
	m.WaterLevel = uint16(bb.u(201, 12))
	m.LevelTrend = uint8(bb.u(213, 2))
	m.Currents.decode(bb, 215)
	m.Waves.decode(bb, 276)
	m.WaterTemp = int16(bb.s(326, 10))
	m.PrecipType = uint8(bb.u(336, 3))
	m.Salinity = uint16(bb.u(339, 9))
	m.Ice = uint8(bb.u(348, 2))
	return m
}

// AppendJSON implements App.
func (m *MetHydro289) AppendJSON(dst []byte) []byte {
	dst = minutesField(dst, "lat", m.Lat, latLon3Div, 4)
	dst = minutesField(dst, "lon", m.Lon, latLon3Div, 4)
	dst = boolField(dst, "accuracy", m.Accuracy)
	dst = dayStamp(dst, m.Day, m.Hour, m.Minute)
	dst = uintField(dst, "wspeed", uint64(m.WSpeed))
	dst = uintField(dst, "wgust", uint64(m.WGust))
	dst = uintField(dst, "wdir", uint64(m.WDir))
	dst = uintField(dst, "wgustdir", uint64(m.WGustDir))
	dst = uintField(dst, "humidity", uint64(m.Humidity))
	dst = floatField(dst, "airtemp", float64(m.AirTemp)/10.0, 1)
	dst = floatField(dst, "dewpoint", float64(m.DewPoint)/10.0, 1)
	dst = uintField(dst, "pressure", uint64(m.Pressure)+799)
	dst = wordField(dst, "pressuretend", trends[m.PressureTend&3])
	dst = boolField(dst, "visgreater", m.VisGreater)
	dst = floatField(dst, "visibility", float64(m.Visibility)/10.0, 1)
	// gpsd subtracts the offset in unsigned arithmetic: levels below the
	// offset (raw < 1000, below 0 m) come out near 42949672.96.
	dst = floatField(dst, "waterlevel", float64(uint32(m.WaterLevel)-1000)/100.0, 1)
	dst = wordField(dst, "leveltrend", trends[m.LevelTrend&3])
	dst = m.Currents.appendJSON(dst)
	dst = m.Waves.appendJSON(dst)
	dst = floatField(dst, "watertemp", float64(m.WaterTemp)/10.0, 1)
	dst = wordField(dst, "preciptype", precipTypes[m.PrecipType&7])
	dst = floatField(dst, "salinity", float64(m.Salinity)/10.0, 1)
	return wordField(dst, "ice", iceWords[m.Ice&3])
}

func (c *Currents) decode(bb *bitBuffer, at int) {
	c.CSpeed = uint16(bb.u(at, 8))
	c.CDir = uint16(bb.u(at+8, 9))
	c.CSpeed2 = uint16(bb.u(at+17, 8))
	c.CDir2 = uint16(bb.u(at+25, 9))
	c.CDepth2 = uint16(bb.u(at+34, 5))
	c.CSpeed3 = uint16(bb.u(at+39, 8))
	c.CDir3 = uint16(bb.u(at+47, 9))
	c.CDepth3 = uint16(bb.u(at+56, 5))
}

func (c *Currents) appendJSON(dst []byte) []byte {
	dst = floatField(dst, "cspeed", float64(c.CSpeed)/10.0, 1)
	dst = uintField(dst, "cdir", uint64(c.CDir))
	dst = floatField(dst, "cspeed2", float64(c.CSpeed2)/10.0, 1)
	dst = uintField(dst, "cdir2", uint64(c.CDir2))
	dst = uintField(dst, "cdepth2", uint64(c.CDepth2))
	dst = floatField(dst, "cspeed3", float64(c.CSpeed3)/10.0, 1)
	dst = uintField(dst, "cdir3", uint64(c.CDir3))
	return uintField(dst, "cdepth3", uint64(c.CDepth3))
}

func (w *Waves) decode(bb *bitBuffer, at int) {
	w.WaveHeight = uint16(bb.u(at, 8))
	w.WavePeriod = uint16(bb.u(at+8, 6))
	w.WaveDir = uint16(bb.u(at+14, 9))
	w.SwellHeight = uint16(bb.u(at+23, 8))
	w.SwellPeriod = uint16(bb.u(at+31, 6))
	w.SwellDir = uint16(bb.u(at+37, 9))
	w.SeaState = uint8(bb.u(at+46, 4))
}

func (w *Waves) appendJSON(dst []byte) []byte {
	dst = floatField(dst, "waveheight", float64(w.WaveHeight)/10.0, 1)
	dst = uintField(dst, "waveperiod", uint64(w.WavePeriod))
	dst = uintField(dst, "wavedir", uint64(w.WaveDir))
	dst = floatField(dst, "swellheight", float64(w.SwellHeight)/10.0, 1)
	dst = uintField(dst, "swellperiod", uint64(w.SwellPeriod))
	dst = uintField(dst, "swelldir", uint64(w.SwellDir))
	return uintField(dst, "seastate", uint64(w.SeaState))
}

// dayStamp writes gpsd's "timestamp":"DDTHH:MMZ".
func dayStamp(dst []byte, day, hour, minute uint8) []byte {
	dst = append(key(dst, "timestamp"), '"')
	dst = appendPadded(dst, uint64(day), 2)
	dst = append(dst, 'T')
	dst = appendPadded(dst, uint64(hour), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint64(minute), 2)
	return append(dst, 'Z', '"')
}
