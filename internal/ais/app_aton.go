package ais

// AtoNMonitoring is type 6 DAC 235 (UK) or 250 (Ireland) FID 10, the
// General Lighthouse Authorities' AtoN monitoring data, 136 bits. The
// analogue values are in 1/20 volt; Racon and Light are 2-bit status codes
// (0 none, 1 not monitored / on, 2 operational / off, 3 error).
type AtoNMonitoring struct {
	AnaInt, AnaExt1, AnaExt2 uint16
	Racon                    uint8
	Light                    uint8
	Alarm                    bool
	StatExt                  uint8 // external digital inputs
	OffPos                   bool
}

func (m *AtoNMonitoring) decode(bb *bitBuffer) App {
	m.AnaInt = uint16(bb.u(88, 10))
	m.AnaExt1 = uint16(bb.u(98, 10))
	m.AnaExt2 = uint16(bb.u(108, 10))
	m.Racon = uint8(bb.u(118, 2))
	m.Light = uint8(bb.u(120, 2))
	m.Alarm = bb.flag(122)
	m.StatExt = uint8(bb.u(123, 8))
	m.OffPos = bb.flag(131)
	return m
}

// AppendJSON implements App. Like gpsd, a voltage of 0 is printed as the
// integer 0, others in volts with two decimals.
func (m *AtoNMonitoring) AppendJSON(dst []byte) []byte {
	dst = boolField(dst, "off_pos", m.OffPos)
	dst = boolField(dst, "alarm", m.Alarm)
	dst = uintField(dst, "stat_ext", uint64(m.StatExt))
	dst = volts(dst, "ana_int", m.AnaInt)
	dst = volts(dst, "ana_ext1", m.AnaExt1)
	dst = volts(dst, "ana_ext2", m.AnaExt2)
	dst = uintField(dst, "racon", uint64(m.Racon))
	return uintField(dst, "light", uint64(m.Light))
}

func volts(dst []byte, name string, v uint16) []byte {
	if v == 0 {
		return uintField(dst, name, 0)
	}
	return floatField(dst, name, float64(v)*0.05, 2)
}
