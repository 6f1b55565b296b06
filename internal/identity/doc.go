// Package identity knows what a vessel's identifiers mean and whether they
// can be genuine: the MMSI (its station kind and flag state), the IMO ship
// number (its check digit) and the ship name (in a form that compares
// equal across the ways AIS and watchlists write it).
//
// Tracking uses it to derive the flag from each MMSI and to compare names
// across identity changes; detection uses it for the invalid_identity
// spoofing subtype (an MMSI with no allocated MID or no ITU format, an IMO
// number failing its check digit) and, through the watchlist package, to
// match vessels against sanctions lists.
//
// # MMSI (ITU-R M.585-9)
//
// An MMSI is nine decimal digits; an int below 100,000,000 stands for one
// with leading zeros. The forms are, with M the three Maritime
// Identification Digits (MID, 201-775, allocated to an administration) and
// X free digits:
//
//	MMMXXXXXX  ship station
//	0MMMXXXXX  group of ship stations
//	00MMMXXXX  coast station
//	111MMMXXX  SAR aircraft
//	8MMMXXXXX  handheld VHF transceiver with DSC and GNSS (also divers' radios)
//	98MMMXXXX  craft associated with a parent ship (auxiliary craft)
//	99MMMXXXX  aid to navigation (AtoN)
//	970XXYYYY  AIS-SART (search and rescue transmitter)
//	972XXYYYY  MOB (man overboard) device
//	974XXYYYY  EPIRB-AIS
//	979XXXXXX  autonomous maritime radio device, group B
//
// Classify reports the form, the MID and, when the number cannot be a
// genuine identity, why: a placeholder (0, nine equal digits, 123456789,
// a MID followed by six zeros), no M.585 form at all, or a MID that ITU
// has not allocated. Flag maps the MID to the flag state. Classify looks
// at the digits only.
//
// # Transmitters
//
// ClassifyTransmitter also looks at the traffic: the message types an MMSI
// sends, its ship type and its name. It tells ships (vessels, pleasure
// craft, inland vessels) from AtoNs, base stations, SAR aircraft, fishing
// gear and distress beacons, to which rules about ships (going dark,
// loitering, meeting another ship, having an IMO number) do not apply, and
// it finds the identities that are invalid only by what they send: a
// coast-station or group number sending ship position reports, as ship
// MMSIs typed with a digit missing do.
//
// # MID table
//
// mid.csv is the ITU MARS table of Maritime Identification Digits (as
// published in github.com/jordanbell2357/uscg-nais-data, MIT), with ISO
// 3166-1 alpha-2 and alpha-3 codes added by gen_mid.go (see there for how
// names are matched). A MID allocated to a territory with its own ISO code
// (236 Gibraltar) carries that code; one whose territory has none (255
// Madeira) or covers several (306) carries the administration's.
//
// # IMO numbers
//
// An IMO ship identification number is seven digits whose last is the
// last digit of the sum of the first six weighted 7, 6, 5, 4, 3, 2
// (IMO Resolution A.1117(30)). Companies and registered owners have IMO
// numbers of their own, also seven digits, with a different check: weights
// 8, 6, 4, 2, 9, 7, then (11 - sum mod 11) mod 10. The two schemes overlap:
// a company number may pass the ship check by chance, so always know which
// one a field holds.
//
// # Names
//
// AIS names are at most 20 characters of the ITU 6-bit alphabet (upper-case
// letters, digits, space and some punctuation), padded with '@'. NormalizeName
// gives the form to show and compare across identity changes; NameKey, which
// also drops spaces, is the form to match against watchlists.
//
// # Concurrency
//
// Every function is safe for concurrent use. The MID table is parsed once,
// on first use, and never changes.
package identity
