// Package cot streams the live picture to TAK (ATAK, WinTAK, TAK Server)
// as Cursor on Target: each vessel position and each alert becomes a CoT
// event (the XML of the CoT base event schema, version 2.0) written to a
// TCP connection (a TAK Server's streaming input, plain or TLS with a client
// certificate, or any CoT listener) or
// sent as one UDP datagram (a multicast group such as SA's 239.2.3.1:6969,
// or a unicast listener).
//
// # The events
//
//   - uid "picket-<mmsi>": one contact per vessel, which TAK moves as new
//     positions come; an alert about the vessel updates the same contact
//     with the alert in its remarks, at the alert's place; an alert about
//     two vessels (an encounter) updates the other one too, at its last
//     position.
//   - type: a surface contact of unknown affiliation ("a-u-S"), refined by
//     the AIS ship type where CoT has a code for it: "a-u-S-X-M-C" cargo,
//     "a-u-S-X-M-O" tanker, "a-u-S-X-M-P" passenger, "a-u-S-X-F" fishing,
//     "a-u-S-X-M-T-U" tug, "a-u-S-X" other non-military.
//   - how "m-g" (machine, from the vessel's own GNSS report); time and
//     start the data's time, stale Options.Stale later.
//   - point lat, lon; hae 0 (sea level); ce 100 m (AIS's accuracy flag is
//     not kept: its coarse bound); le 9999999 (not known).
//   - detail: contact callsign (the name, or "MMSI n" when the subscriber
//     may not see the name), track course (degrees true) and speed (metres
//     a second, from AIS's knots), remarks (the alert, the MMSI and the
//     marking), and the releasability marking also in the event's access
//     attribute ("REL TO JPN, USA").
//
// # Releasability
//
// A stream is a consumer like any user: it belongs to a partner and
// receives only what that partner's clearance releases (live.Filter's
// Clearance); the clearance is looked up again every Options.Recheck, so
// a narrowed label or a removed partner narrows or stops what is sent. A
// partner cleared for nothing gets nothing: the stream fails closed. Each
// event carries the marking of its own data (the feeds it rests on).
//
// # Concurrency
//
// Run owns its connection and subscription and returns when its context
// ends; a TCP connection that fails is dialled again with backoff.
package cot
