// Package pipeline runs picket's batch jobs over files. Each job reads
// sources and runs the core of package ingest on them: Decode frames and
// decodes; Analyze also takes every input's reports, merged in time
// order, through ingest's Core (de-duplication, tracking, detection).
//
// Decode is the `picket decode` job: lines in, gpsd-style NDJSON out, with
// every line accounted for in an nmea.Tally.
package pipeline
