// Package source opens the inputs picket reads: files (plain or gzip,
// detected from their first bytes, not their name) and standard input, and
// reads them line by line without allocating per line.
//
// Live sources (TCP clients and listeners, UDP) will live here too; each
// yields lines with the name of the feed they came from.
//
// A LineReader is not safe for concurrent use.
package source
