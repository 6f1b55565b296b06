// Package sim simulates an AIS feed with ground truth: a fleet sailing
// between the real ports of a region, heard by coastal receivers and
// satellites, with the behaviours of illicit maritime trade staged in it
// and the events they should raise written in picket's event contract.
// It is picket's test bed (detectors are scored against the truth with
// Match) and its load generator.
//
// # Use
//
//	res, err := sim.WriteDir(sim.Options{Seed: 7, Region: "gulf"}, "out")
//	// out/feed.nmea, truth.jsonl, zones.geojson, watchlist.csv, scenario.json
//	rep := sim.Match(res.Truth, detected)
//	fmt.Print(rep.Table())
//
// Generate writes only the feed to any writer and returns the truth.
//
// # The feed
//
// NMEA 0183 !AIVDM sentences in time order, each behind an NMEA 4.0 tag
// block naming the receiving station and the Unix time in seconds:
//
//	\s:INCHON,c:1772323200*4B\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24
//
// Types 1 and 3 (Class A position), 5 (static and voyage, 424 bits in two
// sentences grouped by g:1-2-<id>/g:2-2-<id> and a sequential message id),
// 18 (Class B position) and 24 parts A and B (Class B static), encoded by
// ais.AppendPayload. Reporting intervals follow ITU-R M.1371-5 table 1
// (Class A: 3 min at anchor or moored, 10 s up to 14 kn, 6 s to 23 kn, 2 s
// above; Class B: 30 s, 3 min at 2 kn or less; static data every 6 min),
// all multiplied by Options.Rate.
//
// Reception: every station hears a ship within its range (40 nm for a
// coastal mast, more for the few elevated or offshore sites) with
// probability 0.9, fading to 0.3 over the last 15% of the range; a message
// heard by several stations appears once per station. Satellites (s:SAT-1
// to SAT-3) pass about every 90 minutes for 8-12 minutes and hear 30% of
// the messages of ships out of terrestrial range (5% of those in range).
//
// # The fleet
//
// Tankers, bulk carriers and general cargo ships at 10-15 kn and container
// ships and ferries at 16-20 kn sail between the region's World Port Index
// ports (package ports) on routes kept at sea by an A* search over the
// coastline grid of package geo; they sometimes wait at an anchorage of the
// port list before berthing. Fishing boats trawl at 2.8-4.5 kn on grounds
// 4-60 nm out (a third of them beyond terrestrial range) and land their
// catch; tugs and pilot boats meet arriving ships and run alongside them
// for 10-40 minutes; pleasure craft (Class B) make day trips.
//
// # Staged behaviours and their truth
//
// Options.Sets copies of each: an encounter of two tankers (20+ nm from
// shore, 10+ km from any port or anchorage, 80-260 m apart, drifting under
// 1 kn for 3-8 h, inside terrestrial coverage, in the region's known
// transfer area when it allows); a loitering ship (under 1.5 kn, 20+ nm from
// shore, 3-6 h, alone); a ship that is heard densely for 6 h 50+ nm from
// shore in good coverage and then goes dark for 12-30 h; two ships that go
// dark there, meet during the dark and reappear; a ship reporting four
// positions 200-400 km away (impossible speed); a second transmitter using
// a ship's MMSI 150+ km away for 3-8 h (shared MMSI); an MMSI with an
// unallocated MID and an IMO number failing its check digit (invalid
// identity); a ship changing name and call sign; a tanker reflagging under
// a new MMSI with the same IMO number and name; an accidental 6.5-11 h gap.
// Confounders that must not alert: ships moored side by side in port for
// hours, tugs and pilots alongside for minutes, pair trawlers 300-500 m
// apart at 3-4 kn, boats heard only by satellite, anchorage waiting.
//
// The truth is what a detector at DESIGN.md's defaults should report on
// this feed. Encounters, loitering, port visits and zone visits are found
// by scanning every vessel's true track in 30 s steps (encounter: within
// 500 m, both under 2 kn and transmitting, 10+ km from any port or
// anchorage of the port list, for 2 h or more, runs of one pair less than 4
// h apart merged; loitering: under 2 kn, 20+ nm from shore, transmitting,
// 2 h or more; port visit: within 3 km of a port or anchorage to beyond 4
// km, with a stop under 0.2 kn; zone visit: inside a zone polygon). Gaps
// are every hole of 6 h or more in a transmitter's heard position reports,
// intentional when the AIS was switched off on purpose. The spoofing,
// identity and watchlist events come from the staging, timed by when the
// feed first shows them. scenario.json lists the fleet, the staged
// behaviours and anything that had to be relaxed or left out.
//
// # Determinism and speed
//
// The same Options give the same bytes: planning and generation draw from
// PCG generators seeded with Options.Seed, and nothing depends on map
// order or the clock. The generator encodes each message once into reused
// buffers and writes every copy through one bufio.Writer; it does not
// allocate per message.
//
// # Concurrency
//
// Generate and WriteDir may run concurrently; the per-region world
// (routing grid, sites) is built once and shared read-only.
package sim
