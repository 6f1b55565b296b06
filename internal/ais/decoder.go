package ais

// Decoder decodes AIS payloads. It owns one value of each message type and
// reuses them: a decoded message is valid until the next Decode. The zero
// value is ready to use; a Decoder is not safe for concurrent use.
type Decoder struct {
	bits bitBuffer

	pos  PositionReport
	base BaseStationReport
	stat StaticVoyage
	bin6 BinaryAddressed
	bin8 BinaryBroadcast
	ack  Acknowledge
	sar  SARPosition
	utc  UTCInquiry
	saf  SafetyAddressed
	safb SafetyBroadcast
	intr Interrogation
	asg  AssignedMode
	dgps DGNSSBroadcast
	cbp  ClassBPosition
	cbx  ClassBExtended
	dlm  DataLinkManagement
	aton AidToNavigation
	chm  ChannelManagement
	grp  GroupAssignment
	sdr  StaticDataReport
	slot BinarySlot
	lr   LongRange
	apps appScratch

	// Scratch for text and binary fields.
	txt1, txt2, txt3 [160]byte
	data             [maxBits/8 + 8]byte
}

// Decode decodes one complete payload (6-bit armoured, fragments joined)
// with its fill bits. Errors wrap ErrBadCharacter, ErrUnknownType or
// ErrLength.
func (d *Decoder) Decode(payload []byte, fill int) (Message, error) {
	if err := d.bits.load(payload, fill); err != nil {
		return nil, err
	}
	return d.decode()
}

// DecodeFragments decodes a payload whose fragments other than the last
// declared fill bits (non-standard but seen in the wild): ends gives each
// fragment's end in payload and fills its fill bits, which are dropped where
// they stand.
func (d *Decoder) DecodeFragments(payload []byte, ends, fills []int) (Message, error) {
	if err := d.bits.loadFragments(payload, ends, fills); err != nil {
		return nil, err
	}
	return d.decode()
}

func (d *Decoder) decode() (Message, error) {
	bb := &d.bits
	n := bb.len
	if n < 38 {
		return nil, ErrLength
	}
	h := Header{Type: uint8(bb.u(0, 6)), Repeat: uint8(bb.u(6, 2)), MMSI: uint32(bb.u(8, 30))}
	switch h.Type {
	case 1, 2, 3:
		// 168 bits by the standard; longer ones occur and decode the same.
		// 163-167 (the communication state cut short) occur in USCG data.
		if n < 163 {
			return nil, ErrLength
		}
		m := &d.pos
		m.Header = h
		m.Status = uint8(bb.u(38, 4))
		m.Turn = int8(bb.s(42, 8))
		m.Speed = uint16(bb.u(50, 10))
		m.Accuracy = bb.flag(60)
		m.Lon = int32(bb.s(61, 28))
		m.Lat = int32(bb.s(89, 27))
		m.Course = uint16(bb.u(116, 12))
		m.Heading = uint16(bb.u(128, 9))
		m.Second = uint8(bb.u(137, 6))
		m.Maneuver = uint8(bb.u(143, 2))
		m.RAIM = bb.flag(148)
		if n >= 168 {
			m.Radio = uint32(bb.u(149, 19))
		} else {
			m.Radio = uint32(bb.u(149, n-149))
		}
		return m, nil
	case 4, 11:
		if n < 168 {
			return nil, ErrLength
		}
		m := &d.base
		m.Header = h
		m.Year = uint16(bb.u(38, 14))
		m.Month = uint8(bb.u(52, 4))
		m.Day = uint8(bb.u(56, 5))
		m.Hour = uint8(bb.u(61, 5))
		m.Minute = uint8(bb.u(66, 6))
		m.Second = uint8(bb.u(72, 6))
		m.Accuracy = bb.flag(78)
		m.Lon = int32(bb.s(79, 28))
		m.Lat = int32(bb.s(107, 27))
		m.EPFD = uint8(bb.u(134, 4))
		m.RAIM = bb.flag(148)
		m.Radio = uint32(bb.u(149, 19))
		return m, nil
	case 5:
		// Many transmitters send 420 or 422 bits instead of 424.
		if n < 420 {
			return nil, ErrLength
		}
		m := &d.stat
		m.Header = h
		m.AISVersion = uint8(bb.u(38, 2))
		m.IMO = uint32(bb.u(40, 30))
		m.CallSign = bb.text(d.txt1[:], 70, 7)
		m.ShipName = bb.text(d.txt2[:], 112, 20)
		m.ShipType = uint8(bb.u(232, 8))
		d.dims(&m.Dimensions, 240)
		m.EPFD = uint8(bb.u(270, 4))
		m.Month = uint8(bb.u(274, 4))
		m.Day = uint8(bb.u(278, 5))
		m.Hour = uint8(bb.u(283, 5))
		m.Minute = uint8(bb.u(288, 6))
		m.Draught = uint8(bb.u(294, 8))
		m.Destination = bb.text(d.txt3[:], 302, 20)
		m.DTE = n >= 423 && bb.flag(422)
		return m, nil
	case 6:
		if n < 88 || n > 1008 {
			return nil, ErrLength
		}
		m := &d.bin6
		m.Header = h
		m.SeqNo = uint8(bb.u(38, 2))
		m.DestMMSI = uint32(bb.u(40, 30))
		m.Retransmit = bb.flag(70)
		m.DAC = uint16(bb.u(72, 10))
		m.FID = uint8(bb.u(82, 6))
		m.DataBits = n - 88
		m.Data = bb.bytesAt(d.data[:], 88, m.DataBits)
		m.App = d.app6(m)
		return m, nil
	case 7, 13:
		if n < 72 || n > 168 {
			return nil, ErrLength
		}
		m := &d.ack
		m.Header = h
		// Senders cut trailing bits; an MMSI that starts within the message
		// is read with the missing bits as zeros, as gpsd does.
		for i := 0; i < 4; i++ {
			at := 40 + 32*i
			if at < n {
				m.MMSI[i] = uint32(bb.u(at, 30))
				m.Seq[i] = uint8(bb.u(at+30, 2))
			} else {
				m.MMSI[i], m.Seq[i] = 0, 0
			}
		}
		return m, nil
	case 8:
		if n < 56 || n > 1008 {
			return nil, ErrLength
		}
		m := &d.bin8
		m.Header = h
		m.DAC = uint16(bb.u(40, 10))
		m.FID = uint8(bb.u(50, 6))
		m.DataBits = n - 56
		m.Data = bb.bytesAt(d.data[:], 56, m.DataBits)
		m.App = d.app8(m)
		return m, nil
	case 9:
		if n < 168 {
			return nil, ErrLength
		}
		m := &d.sar
		m.Header = h
		m.Alt = uint16(bb.u(38, 12))
		m.Speed = uint16(bb.u(50, 10))
		m.Accuracy = bb.flag(60)
		m.Lon = int32(bb.s(61, 28))
		m.Lat = int32(bb.s(89, 27))
		m.Course = uint16(bb.u(116, 12))
		m.Second = uint8(bb.u(128, 6))
		m.Regional = uint8(bb.u(134, 8))
		m.DTE = bb.flag(142)
		m.Assigned = bb.flag(146)
		m.RAIM = bb.flag(147)
		m.Radio = uint32(bb.u(148, 20))
		return m, nil
	case 10:
		if n < 72 {
			return nil, ErrLength
		}
		m := &d.utc
		m.Header = h
		m.DestMMSI = uint32(bb.u(40, 30))
		return m, nil
	case 12:
		if n < 72 || n > 1008 {
			return nil, ErrLength
		}
		m := &d.saf
		m.Header = h
		m.SeqNo = uint8(bb.u(38, 2))
		m.DestMMSI = uint32(bb.u(40, 30))
		m.Retransmit = bb.flag(70)
		m.Text = bb.text(d.data[:], 72, (n-72)/6)
		return m, nil
	case 14:
		if n < 40 || n > 960 {
			return nil, ErrLength
		}
		m := &d.safb
		m.Header = h
		m.Text = bb.text(d.data[:], 40, (n-40)/6)
		return m, nil
	case 15:
		if n < 88 || n > 168 {
			return nil, ErrLength
		}
		m := &d.intr
		*m = Interrogation{Header: h}
		m.MMSI1 = uint32(bb.u(40, 30))
		m.Type1_1 = uint8(bb.u(70, 6))
		m.Offset1_1 = uint16(bb.u(76, 12))
		if n > 90 {
			m.Type1_2 = uint8(bb.u(90, 6))
			m.Offset1_2 = uint16(bb.u(96, 12))
			if n > 110 {
				m.MMSI2 = uint32(bb.u(110, 30))
				m.Type2_1 = uint8(bb.u(140, 6))
				m.Offset2_1 = uint16(bb.u(146, 12))
			}
		}
		return m, nil
	case 16:
		if n < 96 || n > 168 {
			return nil, ErrLength
		}
		m := &d.asg
		*m = AssignedMode{Header: h}
		m.MMSI1 = uint32(bb.u(40, 30))
		m.Offset1 = uint16(bb.u(70, 12))
		m.Increment1 = uint16(bb.u(82, 10))
		if n >= 144 {
			m.MMSI2 = uint32(bb.u(92, 30))
			m.Offset2 = uint16(bb.u(122, 12))
			m.Increment2 = uint16(bb.u(134, 10))
		}
		return m, nil
	case 17:
		if n < 80 || n > 816 {
			return nil, ErrLength
		}
		m := &d.dgps
		m.Header = h
		m.Lon = int32(bb.s(40, 18))
		m.Lat = int32(bb.s(58, 17))
		m.DataBits = n - 80
		m.Data = bb.bytesAt(d.data[:], 80, m.DataBits)
		return m, nil
	case 18:
		if n < 168 {
			return nil, ErrLength
		}
		m := &d.cbp
		m.Header = h
		m.Reserved = uint8(bb.u(38, 8))
		m.Speed = uint16(bb.u(46, 10))
		m.Accuracy = bb.flag(56)
		m.Lon = int32(bb.s(57, 28))
		m.Lat = int32(bb.s(85, 27))
		m.Course = uint16(bb.u(112, 12))
		m.Heading = uint16(bb.u(124, 9))
		m.Second = uint8(bb.u(133, 6))
		m.Regional = uint8(bb.u(139, 2))
		m.CS = bb.flag(141)
		m.Display = bb.flag(142)
		m.DSC = bb.flag(143)
		m.Band = bb.flag(144)
		m.Msg22 = bb.flag(145)
		m.Assigned = bb.flag(146)
		m.RAIM = bb.flag(147)
		m.Radio = uint32(bb.u(148, 20))
		return m, nil
	case 19:
		if n < 312 {
			return nil, ErrLength
		}
		m := &d.cbx
		m.Header = h
		m.Reserved = uint8(bb.u(38, 8))
		m.Speed = uint16(bb.u(46, 10))
		m.Accuracy = bb.flag(56)
		m.Lon = int32(bb.s(57, 28))
		m.Lat = int32(bb.s(85, 27))
		m.Course = uint16(bb.u(112, 12))
		m.Heading = uint16(bb.u(124, 9))
		m.Second = uint8(bb.u(133, 6))
		m.Regional = uint8(bb.u(139, 4))
		m.ShipName = bb.text(d.txt1[:], 143, 20)
		m.ShipType = uint8(bb.u(263, 8))
		d.dims(&m.Dimensions, 271)
		m.EPFD = uint8(bb.u(301, 4))
		m.RAIM = bb.flag(305)
		m.DTE = bb.flag(306)
		m.Assigned = bb.flag(307)
		return m, nil
	case 20:
		if n < 72 || n > 186 {
			return nil, ErrLength
		}
		m := &d.dlm
		m.Header = h
		for i := range m.Slots {
			at := 40 + 30*i
			m.Slots[i] = Reservation{
				Offset:    uint16(bb.u(at, 12)),
				Number:    uint8(bb.u(at+12, 4)),
				Timeout:   uint8(bb.u(at+16, 3)),
				Increment: uint16(bb.u(at+19, 11)),
			}
		}
		return m, nil
	case 21:
		if n < 272 || n > 368 {
			return nil, ErrLength
		}
		m := &d.aton
		m.Header = h
		m.AidType = uint8(bb.u(38, 5))
		name := bb.textUntrimmed(d.txt1[:], 43, 20)
		m.Accuracy = bb.flag(163)
		m.Lon = int32(bb.s(164, 28))
		m.Lat = int32(bb.s(192, 27))
		d.dims(&m.Dimensions, 219)
		m.EPFD = uint8(bb.u(249, 4))
		m.Second = uint8(bb.u(253, 6))
		m.OffPosition = bb.flag(259)
		m.Regional = uint8(bb.u(260, 8))
		m.RAIM = bb.flag(268)
		m.Virtual = bb.flag(269)
		m.Assigned = bb.flag(270)
		// The name extension (M.1371-5 table 74) continues a full 20-character name.
		if len(name) == 20 && n > 272 {
			ext := bb.text(d.txt2[:], 272, (n-272)/6)
			name = append(name, ext...)
		}
		m.Name = trimText(name)
		return m, nil
	case 22:
		if n < 168 {
			return nil, ErrLength
		}
		m := &d.chm
		m.Header = h
		m.ChannelA = uint16(bb.u(40, 12))
		m.ChannelB = uint16(bb.u(52, 12))
		m.TxRx = uint8(bb.u(64, 4))
		m.Power = bb.flag(68)
		m.Addressed = bb.flag(139)
		if m.Addressed {
			m.Dest1 = uint32(bb.u(69, 30))
			m.Dest2 = uint32(bb.u(104, 30))
			m.NELon, m.NELat, m.SWLon, m.SWLat = 0, 0, 0, 0
		} else {
			m.NELon = int32(bb.s(69, 18))
			m.NELat = int32(bb.s(87, 17))
			m.SWLon = int32(bb.s(104, 18))
			m.SWLat = int32(bb.s(122, 17))
			m.Dest1, m.Dest2 = 0, 0
		}
		m.BandA = bb.flag(140)
		m.BandB = bb.flag(141)
		m.ZoneSize = uint8(bb.u(142, 3))
		return m, nil
	case 23:
		if n < 160 {
			return nil, ErrLength
		}
		m := &d.grp
		m.Header = h
		m.NELon = int32(bb.s(40, 18))
		m.NELat = int32(bb.s(58, 17))
		m.SWLon = int32(bb.s(75, 18))
		m.SWLat = int32(bb.s(93, 17))
		m.StationType = uint8(bb.u(110, 4))
		m.ShipType = uint8(bb.u(114, 8))
		m.TxRx = uint8(bb.u(144, 2))
		m.Interval = uint8(bb.u(146, 4))
		m.Quiet = uint8(bb.u(150, 4))
		return m, nil
	case 24:
		m := &d.sdr
		*m = StaticDataReport{Header: h, PartNo: uint8(bb.u(38, 2))}
		switch m.PartNo {
		case 0:
			if n < 160 || n > 168 {
				return nil, ErrLength
			}
			m.ShipName = bb.text(d.txt1[:], 40, 20)
		case 1:
			if n < 168 {
				return nil, ErrLength
			}
			m.ShipType = uint8(bb.u(40, 8))
			m.VendorID = bb.text(d.txt2[:], 48, 7)
			m.Model = uint8(bb.u(66, 4))
			m.Serial = uint32(bb.u(70, 20))
			m.CallSign = bb.text(d.txt3[:], 90, 7)
			if AuxiliaryCraft(h.MMSI) {
				m.MothershipMMSI = uint32(bb.u(132, 30))
			} else {
				d.dims(&m.Dimensions, 132)
			}
		default:
			return nil, ErrLength
		}
		return m, nil
	case 25:
		if n < 40 || n > 168 {
			return nil, ErrLength
		}
		return d.binarySlot(h, 0)
	case 26:
		if n < 60 || n > 1004 {
			return nil, ErrLength
		}
		return d.binarySlot(h, 20)
	case 27:
		if n != 96 && n != 168 {
			return nil, ErrLength
		}
		m := &d.lr
		m.Header = h
		m.Accuracy = bb.flag(38)
		m.RAIM = bb.flag(39)
		m.Status = uint8(bb.u(40, 4))
		m.Lon = int32(bb.s(44, 18))
		m.Lat = int32(bb.s(62, 17))
		m.Speed = uint8(bb.u(79, 6))
		m.Course = uint16(bb.u(85, 9))
		m.GNSS = bb.flag(94)
		return m, nil
	}
	return nil, ErrUnknownType
}

// dims reads the four reference-point distances at start (9, 9, 6, 6 bits).
func (d *Decoder) dims(dm *Dimensions, start int) {
	bb := &d.bits
	dm.ToBow = uint16(bb.u(start, 9))
	dm.ToStern = uint16(bb.u(start+9, 9))
	dm.ToPort = uint16(bb.u(start+18, 6))
	dm.ToStarboard = uint16(bb.u(start+24, 6))
}

// binarySlot decodes types 25 and 26; radioBits is 20 for type 26's
// communication state at the end.
func (d *Decoder) binarySlot(h Header, radioBits int) (Message, error) {
	bb := &d.bits
	n := bb.len
	m := &d.slot
	*m = BinarySlot{Header: h}
	m.Addressed = bb.flag(38)
	m.Structured = bb.flag(39)
	at := 40
	if m.Addressed {
		at += 30
	}
	if m.Structured {
		at += 16
	}
	if n < at+radioBits {
		return nil, ErrLength
	}
	if m.Addressed {
		m.DestMMSI = uint32(bb.u(40, 30))
	}
	if m.Structured {
		m.AppID = uint16(bb.u(at-16, 16))
	}
	m.DataBits = n - at - radioBits
	m.Data = bb.bytesAt(d.data[:], at, m.DataBits)
	if radioBits > 0 {
		m.Radio = uint32(bb.u(n-20, 20))
	}
	return m, nil
}

// AuxiliaryCraft reports whether mmsi is an auxiliary craft's (98MIDxxxx),
// whose type 24 part B carries the mothership's MMSI instead of dimensions.
func AuxiliaryCraft(mmsi uint32) bool { return mmsi/10000000 == 98 }
