// Package radar turns the output of a ship's or coast station's ARPA
// radar (NMEA 0183: TTM and TLL tracked targets, with the own ship's GGA,
// RMC, HDT and ZDA; package nmea reads the sentences) into tracks of
// plots, and correlates them with AIS: each track is an AIS vessel or
// dark.
//
// # Placing targets
//
// A TLL gives a target's position. A TTM gives its range and bearing from
// the radar: from Options.Site for a fixed site, else from the own ship's
// latest valid GGA or RMC fix (at most Options.MaxFixAge old, carried on
// at its RMC speed and course). A relative bearing is turned true with
// the own heading (HDT, or the RMC course when under way). A radar sends
// TTM and TLL for each update of a target: reports of one target within
// 1.5 s are one plot (the TLL's position, the TTM's speed and course).
//
// Time: the line's own time (tag block c:, an epoch or date prefix), with
// the sentence's UTC time of day where it has one; else that time of day
// on the date the last RMC or ZDA (or line time) gave. Lines before any
// date are counted as no_time.
//
// # Tracks
//
// A track is one target number from its first report to a report of it
// lost (status L) or Options.TrackGap without a report; radars reuse
// numbers, so a number may make several tracks ("<feed>/<n>/<k>").
// Every line is counted under one reason (Reader.Lines).
//
// # Correlation
//
// Correlate samples each track's plots (one a minute) and matches them as
// detections (package detection: an AIS track interpolated to the plot's
// time within 1.5 km, Skylight's tolerance); the plots of one minute of
// one radar form a sweep in which an AIS vessel explains at most one
// target, so that of two hulls side by side only one takes the AIS
// vessel's identity. A track is the vessel that explains at least half
// its samples; otherwise it is dark, a dark_vessel event (DarkVessels)
// with the vessels in an AIS gap that could have been there, and a dark
// object for detection.DarkEncounters.
//
// # Live
//
// Live (live.go) matches plots as they come against a Picture of the AIS
// vessels' recent fixes (picture.go), one plot a minute per track, an AIS
// vessel explaining at most one target of a radar in a minute; it reports
// a track dark after LiveOptions.MinDark without AIS explaining half its
// minutes (and withdraws it if AIS comes to), and dark encounters as they
// qualify and grow. Package live feeds it from `kind: radar` feeds.
//
// # Vessels a radar should have seen
//
// Unseen (unseen.go) judges each sweep of a radar (its plots of one
// minute) against the AIS vessels placed well inside its observed range
// then: a large Class A vessel, in the radar's line of sight, with no
// plot within 1.5 km of its AIS position, sweep after sweep, while the
// radar reports other targets, is a spoofing event of subtype
// unseen_by_radar (its position likely spoofed), with the radar's site
// and nearest plots as evidence. A sweep and a vessel are judged once
// both are complete, so UnseenBatch (analyze) and the live pipeline,
// which feeds it each radar's plots as they come and each tracked AIS
// fix, give the same events.
//
// # Concurrency
//
// A Reader is not safe for concurrent use; Correlate and the events are
// plain functions over values.
package radar
