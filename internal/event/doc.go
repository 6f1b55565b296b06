// Package event defines picket's event contract: what `picket analyze`
// writes to events.jsonl, what the API serves and what the live stream
// carries. One event per JSON line; times RFC 3339 UTC; positions WGS84
// degrees.
//
// Every event has id, type, mmsi, start, end, lat, lon, confidence (0..1)
// and a one-line human summary; two-vessel events add other_mmsi. The
// types and their extra fields:
//
//	encounter        two vessels close and slow together at sea, both transmitting (STS candidate)
//	dark_rendezvous  two vessels whose AIS gaps overlap and whose positions before and after make a meeting plausible
//	loitering        one vessel slow at sea, away from port
//	gap              an AIS dark period; end_lat, end_lon, intentional
//	spoofing         subtype impossible_speed | shared_mmsi | invalid_identity
//	identity_change  field (name, callsign, imo, flag, shiptype), from, to
//	port_visit       port
//	zone_visit       zone
//	watchlist        entry (the list entry matched, by IMO, MMSI or name)
//	dark_vessel      a satellite detection or radar track no AIS vessel explains; mmsi 0,
//	                 sensor ("sar", "optical", "viirs", "radar"), scene (image or radar track id), candidates
//	                 (MMSIs in an AIS gap that could have been there)
//	dark_encounter   an AIS vessel alongside a dark radar track or repeated dark detections
//	                 for the encounter duration; sensor, scene (the radar track id)
//
// Any event may carry evidence: the fixes it rests on (time, position,
// speed, course, the feed that delivered each), for a gap the last fix
// before the silence and the first after.
//
// An event that lasts (an encounter, a port call) may be sent several times
// under one id as it grows, on the live stream and to the store; the newest
// version replaces the older. One sent while it went on that failed its
// definition when it ended is sent a last time with confidence 0
// (Withdrawn), a value no detector gives an event it reports.
//
// Events are plain values, safe to copy and to share between goroutines
// once built.
package event
