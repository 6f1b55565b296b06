// Package ais decodes AIS messages: the payloads that package nmea frames,
// into one Go struct per message type.
//
// # Standard
//
// It implements ITU-R M.1371-5 (Technical characteristics for an automatic
// identification system using time division multiple access in the VHF
// maritime mobile band), Annex 8 (message descriptions, types 1-27), with
// the application-specific messages (types 6 and 8) that the IMO
// (SN.1/Circ.289) and the inland AIS standard define, exact to gpsd's
// decoder on its own test corpus and on real logs (testdata/conformance,
// and docs/gpsd-differences.md for where gpsd and the standard part).
//
// # Bit layout
//
// A payload is 6-bit armoured ASCII (Annex 8, 8.2.4; table 43): each
// character from '0' (48) to 'W' (87) and from '`' (96) to 'w' (119)
// carries six bits, most significant first; the fill bits of the last
// character (0-5, the sentence's fill field) are not part of the message.
// A multi-sentence message is the concatenation of its fragments'
// payloads, each fragment's own fill bits removed (DecodeFragments).
//
//	bit   0      6    8                          38
//	      | type | rp | MMSI (30 bits)            | type-specific fields ...
//
// Every message starts with that header (Header). Integers are unsigned
// big-endian bit fields; positions are two's-complement signed (Lon 28
// bits and Lat 27 bits in 1/10000 minute for types 1-4, 9, 11, 18, 19,
// 21; 18 and 17 bits in 1/10 minute for types 17, 22, 23 and 27), with
// 181 and 91 degrees meaning "not available". Text is 6-bit ASCII (table
// 47: 0-31 are '@'-'_', 32-63 are ' '-'?'); it ends at the first '@' (the
// padding) and trailing spaces are trimmed. The raw units of each field are listed in
// messages.go; a message keeps them raw, and ais/json.go scales them as
// gpsd does.
//
// # Use
//
//	var dec ais.Decoder
//	m, err := dec.Decode(payload, fill) // errors.Is: ErrBadCharacter, ErrUnknownType, ErrLength
//	switch m := m.(type) {
//	case *ais.PositionReport: // types 1-3
//	case *ais.StaticVoyage:   // type 5
//	}
//
// A Decoder owns one value of each message type and reuses it: a decoded
// message is valid until the next Decode, and position reports decode
// without allocating. A Decoder is not safe for concurrent use; give each
// goroutine its own.
package ais
