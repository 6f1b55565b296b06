// Package profile turns what the tracker knows about each vessel and the
// events found about it into one record per vessel, with a risk score and
// the reasons behind it: the lines of `picket analyze`'s vessels.jsonl.
//
// # Use
//
//	res, _ := pipeline.Analyze(inputs, opts)
//	ps := profile.Build(res.Tracker, res.Events, profile.Options{})
//	profile.WriteJSONL(w, ps)
//
// Build makes one profile per MMSI (tracked, or named by an event), and
// where one MMSI is carried by several transmitters at once (a shared_mmsi
// spoofing event exists for it) one more per track segment, named
// "<mmsi>-<n>" as in the events' segment field. A segment line has the
// segment's span, fixes and end points, the events the detectors
// attributed to that segment, and the MMSI's shared_mmsi events; it has no
// identity, since static reports carry no position to tell transmitters
// apart. Profiles are sorted by descending score, then uncapped total,
// then MMSI, the MMSI's own line before its segments.
//
// An event counts for every MMSI it involves: its own, the other vessel
// of a pair (encounter, dark_rendezvous), and for a flag change the MMSI
// the IMO number was heard under before (Details["previous_mmsi"]): the
// same hull under its former identity. Repeated ids are counted once.
//
// # The risk model
//
// The score is additive so that an analyst can check it by hand: each
// rule that fires adds its points, each reason names the events behind
// it, and the score is the sum capped at 100 (Risk.Total keeps the
// uncapped sum, and orders vessels that all reach 100). A saturating
// curve would keep more spread near the top but would make the points no
// longer add up to the score; the cap on each rule does that job instead,
// so no single kind of evidence, however repeated, passes its cap.
//
// The default weights, in points (Options; each can be changed or set
// negative to switch the rule off):
//
//	watchlist_imo      60        on a watchlist by IMO: the number stays with the hull
//	watchlist_mmsi     40        by MMSI only: MMSIs move with reflagging and are reused
//	watchlist_name     15        by name or alias with the call sign or an agreeing ship type;
//	                             a name alone counts nothing: names repeat across fleets
//	                             (only the strongest match of a vessel counts)
//	watchlist_contact  20 each   per distinct vessel met (encounter or dark rendezvous) that
//	                   cap 40    is listed by IMO or MMSI; one hop, not from name-only hits
//	dark_rendezvous    25 each   both vessels dark when they could have met: a hidden transfer
//	                   cap 50
//	encounter          10 each   STS candidate; lawful lightering and bunkering are common,
//	                   cap 30    so one adds little and repetition matters
//	loitering           5 each   slow at sea: waiting for a transfer, or for a berth
//	                   cap 15
//	dark_encounter     20 each   alongside a vessel only a sensor saw (radar, satellite) long
//	                   cap 40    enough for a transfer: the partner hid its AIS
//	dark_vessel_candidate 3 each a sensor detection no AIS vessel explains that it could
//	                   cap 9     have been, silent then: a lead, as others may be candidates too
//	intentional_gap   0.5 per h  dark where reception was good (GFW's AIS-disabling rules):
//	                   cap 30    a day dark is 12 points, 60 hours reach the cap
//	coverage_gap     0.05 per h  dark in a reception hole: must not alert on sparse
//	                   cap 5     satellite coverage, so nearly nothing
//	shared_mmsi        30        several transmitters on the MMSI at once: a cloned identity
//	unseen_by_radar    15 each   reported well inside a working radar's coverage, sweep after
//	                   cap 30    sweep, where the radar saw nothing: a spoofed position
//	impossible_speed   10 each   jumps no ship can make; clock jumps and glitches cause some
//	                   cap 20    (neither counts for a placeholder MMSI such as 0 or
//	                             123456789: many unrelated transponders carry it)
//	invalid_mmsi       10        unallocated MID, no ITU form, placeholder: often careless,
//	                             sometimes a disguise (read from the MMSI when no event says it)
//	invalid_imo         5        IMO failing its check digit: mostly typos, at times made up;
//	                             none for a placeholder (0, 2^30-1, 1234567), which says "not available"
//	shared_imo         10        the IMO number broadcast at the same time by another MMSI
//	                             (either of the two: one claims the other's hull, or a typo);
//	                             none when the two were never 1 km apart (one ship's two transponders)
//	flag_change        20 each   the IMO number moved to an MMSI of another flag after the old
//	                             one fell silent for good (24 h or more): flag hopping
//	                   cap 40
//	imo_change         15 each   a hull's IMO number never changes: claiming another ship's
//	                   cap 30
//	name_change        10 each   renaming goes with changes of owner, and with hiding one
//	                   cap 20
//	callsign_change     5 each   follows reflagging, otherwise rare
//	                   cap 10
//	shiptype_change     3 each   often a crew correcting a setting
//	                   cap 6
//	no_imo             10        Class A cargo ship or tanker (types 70-89) that never
//	                             broadcast an IMO number, which SOLAS ships must have
//
// Port and zone visits add nothing: ports are where lawful trade happens,
// and what a user zone means is the user's to say.
//
// With the defaults a vessel listed by IMO scores 60; one that met it twice
// in the dark scores 20 + 50 = 70; a tanker that went dark 30 hours and
// then met another vessel twice scores 15 + 20 = 35.
//
// # Concurrency
//
// Build reads the tracker and the events and modifies neither; it must not
// run while the tracker is being updated. It spreads vessels over
// Options.Workers goroutines (GOMAXPROCS by default), each with scratch of
// its own, and waits for them; the result does not depend on how the work
// was split. Profiles are plain values.
//
// Build indexes events by MMSI with one sort of packed integers, then
// does one pass per vessel: 100,000 vessels and a million events take
// well under a second on two cores (BenchmarkBuild).
package profile
