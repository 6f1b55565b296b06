// Package detect finds the behaviours of illicit maritime trade in tracked
// AIS: encounters (ship-to-ship transfer candidates), dark periods, dark
// rendezvous, loitering, spoofed positions and identities, identity
// changes, port calls, zone entries and watchlist hits. Each detector is
// one file; each threshold is an option whose default names the published
// definition it comes from (Global Fishing Watch, Skylight, AISdb; see
// DESIGN.md).
//
// The Engine feeds every tracked position and static report to every
// detector, on event time, and collects the events they emit in the
// event contract (package event). Detectors run incrementally, so the same
// code serves batch analysis and live feeds.
//
// An Engine is not safe for concurrent use.
package detect
