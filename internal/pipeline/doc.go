// Package pipeline wires picket's stages together and runs its jobs. Each
// job reads sources, frames lines (nmea), decodes messages (ais) and hands
// them on; this is the one place that knows the order of the stages.
//
// Decode is the `picket decode` job: lines in, gpsd-style NDJSON out, with
// every line accounted for in an nmea.Tally.
package pipeline
