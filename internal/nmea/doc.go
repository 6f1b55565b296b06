// Package nmea frames AIS traffic: it turns lines of a receiver log or feed into
// complete AIS payloads, with the time and source the line carries, and accounts
// for every line it is given.
//
// # Standard
//
// It implements the parts of NMEA 0183 / IEC 61162-1 that carry AIS:
//
//	!AIVDM,2,1,3,B,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C
//	 |    |   | | | |                                                          |  |
//	 |    |   | | | payload: 6-bit armoured ASCII (ITU-R M.1371-5 8.2.4)      |  checksum: XOR of
//	 |    |   | | radio channel (A, B, 1, 2 or empty)                       fill   the bytes between
//	 |    |   | sequential message id, ties fragments together (0-9 or empty)  bits   '!' and '*', hex
//	 |    |   fragment number
//	 |    fragment count (1-9)
//	 talker (AI, AB, BS, SA, ...; any two characters) and formatter VDM
//	 (heard from others) or VDO (own ship)
//
// Around the sentence a line may carry, each recognised per line:
//
//   - NMEA 4.0 tag blocks before it: \s:station,c:1565218798,g:1-2-3985*5A\ with
//     c: in seconds or milliseconds, s: the source, g: (or the older nGm:id
//     prefix) grouping the fragments of one message; the tag block's own
//     checksum is verified and a bad one is counted, not fatal (some
//     providers write *00).
//   - A Unix epoch before it (seconds, milliseconds, microseconds or
//     nanoseconds: 1490075479,!AIVDM... or 1550303566167726840 !AIVDM...),
//     or a date and time (2016-03-31 00:00:01, !AIVDM...) read in
//     Options.Location (UTC unless set).
//   - USCG-style trailers after the checksum: ,r003669946,1325394060 with a
//     station (r... or b...) and a Unix epoch.
//   - Gatehouse $PGHP lines, which carry the time (and station) of the
//     sentence that follows them; a tag block alone on a line does the same.
//
// Event time comes from the data. Precedence when a line carries several:
// tag block, then a preceding $PGHP or lone tag block, then the trailer,
// then the line prefix.
//
// # Fragments
//
// Multi-sentence messages are reassembled by tag-block group when there is
// one, otherwise by radio channel, sequential message id and fragment count,
// so fragments of different messages may interleave. A fragment that never
// completes (superseded, out of order, older than Options.FragmentTimeout of
// data time or Options.FragmentLines lines, or pending at Flush) is counted as
// Incomplete, line by line: nothing is dropped silently.
//
// # Use
//
//	p := nmea.NewParser(nmea.Options{})
//	for each line {
//		msg, reason := p.Feed(line)
//		if msg == nil { continue } // reason says why; p.Tally() counts it
//		... decode msg.Payload ...
//		p.Tally().Add(nmea.Decoded, msg.Lines) // or the decoder's reason
//	}
//	p.Flush()
//
// A returned *Message and the slices in it are valid until the next call to
// Feed or Flush. The Parser does not allocate per line once warm.
//
// # Concurrency
//
// A Parser is not safe for concurrent use; give each input stream its own.
package nmea
