// Package sightings is a server's desk of satellite detections: the
// deliveries of `kind: detections` feeds (files dropped into a watched
// directory, or uploaded), each read with package detection, correlated
// against the AIS the feed's owner may see in the store, kept, and
// turned into dark_vessel and dark_encounter events.
//
// # Taking a delivery
//
// Take reads a CSV of detections (Global Fishing Watch's SAR layout or
// NOAA EOG's VIIRS boat detections, told from the header, or checked
// against the feed's format) or of scene footprints, with the scenes the
// desk already keeps for that feed and the feed's scenes file. Every row
// is used or counted under a reason (detection.Set); the Report says
// how many and why. The detections are matched (detection.Correlate)
// against the tracks of the vessels whose positions the owner's
// clearance covers, read from the store over the detections' time and
// area widened by how far a silent vessel may sail (candidates,
// detection.Options.MaxOpenGap at MaxSpeedKn); each is kept matched
// (MMSI, distance) or dark, with its candidates. A dark detection scored
// high enough is a dark_vessel event, whose provenance is the feed's bit
// (the server shows a partner only the candidates it sees a position
// of). The feed's dark detections of the last day taken with the new
// ones make dark_encounter events (detection.DarkEncounters), whose
// provenance is the AIS vessel's feeds and, as the other input, the
// detections feed: a partner must be cleared for both.
//
// # Durability
//
// A delivery is acknowledged only once it survives a crash of the
// machine: its events are written to the store and synced, then its
// record (report, scenes, detections, the encounters it emitted) is
// appended to sightings.jsonl in the data directory and synced. A crash
// between the two leaves events without a record: the delivery was not
// acknowledged, a watched file is offered again, and its events are put
// again under the same IDs (the store keeps one of each). The same bytes
// delivered twice to one feed are taken once (by SHA-256): the second
// answer is the first's report, marked duplicate. A torn last record
// (the machine stopped mid-write) is cut off at Open.
//
// # Reading
//
// Detections and Scenes select by time, area, sensor, matched or dark,
// and feed, and only what the clearance given covers: a detection or a
// scene is visible to a partner cleared for its feed, as any record.
// Everything is held in memory (a delivery is thousands of detections);
// retention does not apply to it yet.
//
// # Concurrency
//
// A Desk is safe for concurrent use; deliveries are taken one at a time.
package sightings
