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
//	\s:CHEJU-HANG,c:1772323200*43\!AIVDM,1,1,,B,B69Ctgh00:@kO=4jno7Q2=04i`PR,0*0A
//	\s:ULSAN,c:1772323201,g:1-2-1*38\!AIVDM,2,1,0,A,56l3`QH2C1n`aILa401=Dr1=0U8UB3;40000001@<HF::40HtG6Clm@00000,0*07
//	\s:ULSAN,c:1772323201,g:2-2-1*3B\!AIVDM,2,2,0,A,00000000000,2*24
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
// ports (package ports) on routes kept at sea: shortest paths (Dijkstra)
// over a grid of cells at least half a mile from the coastline of package
// geo, pulled straight where the line of sight stays at sea. They
// sometimes wait at an anchorage of the port list before berthing.
// Offshore terminals (8+ nm from the coastline) are not sailed to. Fishing boats trawl at 2.8-4.5 kn on grounds
// 4-60 nm out (a third of them beyond terrestrial range) and land their
// catch; tugs and pilot boats meet arriving ships and run alongside them
// for 10-40 minutes; pleasure craft (Class B) make day trips.
//
// # Staged behaviours and their truth
//
// Options.Sets copies of each: an encounter of a tanker with another
// tanker or a bulk or general cargo ship (20+ nm from shore, 10+ km from any port or anchorage, 80-260 m apart, drifting under
// 1 kn for 3-8 h, inside terrestrial coverage, in the region's known
// transfer area when it allows); a loitering ship (under 1.5 kn, 20+ nm from
// shore, 3-6 h, alone); a ship that is heard densely for 6 h 50+ nm from
// shore in good coverage and then goes dark for 12-30 h; two ships that go
// dark there, meet during the dark and reappear; two ships from different
// ports that sail towards a point 55+ nm offshore outside every station's
// range (heard by satellite alone), go dark 26-42 nm from it (53-84 nm
// apart) within an hour of each other, meet there for 3-6 h and reappear
// 26-42 nm out heading off within two hours of each other; a ship reporting four
// positions 200-400 km away (impossible speed); a second transmitter using
// a ship's MMSI 150+ km away for 3-8 h, sending type 5 reports of its own
// name between the ship's (shared MMSI, and no identity change); an MMSI
// with an unallocated MID and an IMO number failing its check digit
// (invalid identity); three ships of several flags sending IMO 2^30-1, the
// field's "not available" (invalid identity, never a shared IMO or a flag
// change); a ship changing name and call sign; a tanker silent for a day
// and a little more (the identity detector's FlagSilence, 24 h, plus
// 0.5-1.5 h) that comes back under a new MMSI of another flag with the
// same IMO number and name (left out of scenarios too short for it); a
// ship broadcasting the IMO number of another that sails elsewhere at the
// same time (shared IMO); an accidental 6.5-11 h gap.
// Staged places are 40 km apart, staged dark periods 130 km (picket's
// dark-rendezvous detector pairs gaps that went dark or reappeared within
// 30 nm, or that converged in step); where a region cannot
// give the distances asked, they are relaxed step by step and
// scenario.json says what gave.
// Confounders that must not alert: ships moored side by side in port for
// hours, tugs and pilots alongside for minutes, pair trawlers 300-500 m
// apart at 3-4 kn, boats heard only by satellite, anchorage waiting,
// a fishing net's three AIS buoys drifting together offshore, dark for 8 h
// (named with their battery charge or voltage, numbered as no
// administration would: no ship rule, and no invalid identity, applies),
// two yachts moored side by side in a marina near the shore, 12 km or more
// from any listed port (no encounter),
// three ships queueing at a port's anchorage that go unheard for 7-11 h
// within an hour of each other and re-anchor 2-5 km away (no rendezvous),
// and, in scenarios long enough to hold it after the dark periods (about
// 56 h with one set), a feed outage of 7-10 h in which nobody is heard
// (every gap across it is a coverage hole).
//
// # The truth
//
// truth.jsonl is what a detector at DESIGN.md's defaults should report on
// this feed: what happened, as far as the feed shows it. Times are those of
// the feed; every event has confidence 1 and a stable id (event.SetID).
//
//   - encounter: two vessels within 500 m, both under 2 kn and
//     transmitting, 10 km or more from every port and anchorage of the port
//     list, for 2 h or more (runs of one pair less than 4 h apart merged),
//     found by scanning the true tracks every 30 s. start/end: when they
//     are close and slow; lat/lon: their mean midpoint.
//   - loitering: a transmitting vessel under 2 kn, 20 nm or more from
//     shore, for 2 h or more (the same scan): the staged loiterer, and also
//     each ship of a staged encounter. lat/lon: the mean position.
//   - gap: every hole of 6 h or more between two heard position reports of
//     one transmitter and MMSI. start/end and lat/lon, end_lat/end_lon: the
//     reports either side. intentional: the AIS was switched off on purpose
//     (a staged dark period), whatever the reception; the staged ones start
//     in good coverage after 6 h of dense reports, 50 nm or more from shore
//     where the region allows (scenario.json says when it did not).
//     Gaps still open when the scenario ends are not listed.
//   - dark_rendezvous: the two staged vessels; start/end: the overlap of
//     their two gaps; lat/lon: where they met.
//   - spoofing/impossible_speed (the ship's track moved 200-400 km for
//     1-2 h, its GNSS spoofed): start: the first false position heard;
//     end: the first true one after; lat/lon: the false position
//     (details real_lat, real_lon: where the ship was).
//   - spoofing/shared_mmsi: the genuine ship's MMSI; start/end: the second
//     transmitter's first and last heard report; lat/lon: its first
//     position (details real_lat, real_lon: the genuine ship).
//   - spoofing/invalid_identity: instantaneous, at the first heard message
//     that shows it (any message for an MMSI with an unallocated MID, the
//     first type 5 for an IMO number failing its check digit).
//   - identity_change (name, callsign): start: the last static report with
//     the old value; end: the first with the new one; lat/lon: the ship
//     then; listed only when the new value was heard in as many static
//     reports as the identity detector's Confirmations (2).
//     identity_change (flag): on the new MMSI, from and to the ISO
//     alpha-2 flags of the old and new MMSI; start: the old MMSI's last
//     message; end: the new MMSI's first static report (the IMO number that
//     ties them); listed only when the old MMSI's static reports were
//     heard, the new one's Confirmations times, and the old MMSI's last
//     message was FlagSilence or more before.
//   - spoofing/shared_imo: on the MMSI heard second with the number
//     (other_mmsi the first); start: its first static report; end: the
//     earlier of the two last messages; listed when the first is heard
//     again after the second began.
//   - port_visit: within 3 km of a port or anchorage of the port list to
//     beyond 4 km, with a stop under 0.2 kn (the true track, 30 s steps);
//     port: the place entered first. Listed only when a heard report shows
//     the stop, whose position lat/lon is; a departure no heard report
//     shows does not split a call. Calls under way when the scenario starts
//     or ends are cut there (details partial 1).
//   - zone_visit: inside a zones.geojson polygon (true track); listed when
//     a heard report is inside, lat/lon the first such; an exit no heard
//     report shows does not split a visit.
//   - watchlist: one per MMSI and matching watchlist.csv row, from the
//     first message carrying the matched key (the MMSI, or the IMO number
//     or name of a static report) to the MMSI's last message.
//   - dark_vessel (with Options.SAR, sar.go): one per satellite radar
//     detection (detections.csv, GFW's SAR layout; footprints in
//     scenes.csv) of a ship the feed does not show around the pass (its
//     AIS off, or not heard within 10 min nor on both sides within an
//     hour), with that ship as its candidate, and one per detection of a
//     ship that never transmits; mmsi 0, sensor sar, the scene's time and
//     the detection's position. Drawn from a PCG source of its own after
//     the feed is written: the feed is the same bytes without it.
//   - dark_vessel, sensor viirs (with Options.VIIRS, viirs.go): one per
//     VIIRS boat detection (viirs.csv, NOAA EOG's columns; a granule at
//     01:30 local time each night) of a lit ship the feed does not show
//     then, with it as candidate, and one per lit boat that never
//     transmits; none for the gas flares and recurring lights.
//   - dark_encounter, sensor sar (with Options.SAR, sarencounter.go): a
//     dark partner 50 m from an AIS ship lying slow at sea for 3-5 h
//     (not one a radar meeting has), imaged three times; one event when
//     two images at least 2 h apart show both hulls, from the first to
//     the last of them.
//   - spoofing/unseen_by_radar (with Options.Radar, radarspoof.go): a
//     ship's AIS position dragged into a coast radar's coverage while its
//     hull stays out of every coast radar's range; one per run of ten
//     minutes or more in which the heard false position lay within 0.8
//     of the farthest target the radar reported in the hour, in its
//     line of sight, with no plot within 1.5 km; sensor radar, scene the
//     radar, the first such position. Two confounders have none: a ship
//     dragged to 22 nm (beyond where a miss counts) and one dragged in
//     during the radar's outage. Staged before the feed from a PCG source
//     of their own: only those ships' position reports differ from the
//     feed without radars.
//
// Events the feed does not show (a call at a port no receiver heard) are
// counted in scenario.json's notes instead. Confounders raise none of the
// staged kinds: ships moored side by side are within 10 km of a port, tugs
// and pilots stay alongside for minutes, pair trawlers move at 3-4 kn,
// satellite passes come every 90 minutes (a gap needs 6 h).
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
