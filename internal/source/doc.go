// Package source opens the inputs picket reads and reads them line by line
// without allocating per line.
//
//   - Files, plain or gzip (detected from their first bytes, not their
//     name), and standard input: Open, LineReader.
//   - Feeds, one kind a file, each registered by name (Register): a TCP
//     client that connects to a server and reconnects with backoff
//     ("tcp", tcpclient.go), a TCP listener that receivers push to
//     ("tcp-listen", tcplisten.go), a UDP listener ("udp", udp.go), a
//     file replayed as live ("file", replay.go), and a radar's NMEA
//     output, a file replayed or a TCP connection ("radar", radar.go),
//     whose lines the runner reads as radar tracks, not AIS, and
//     satellite detections delivered as whole files into a watched
//     directory ("detections", detections.go). A Source hands its lines
//     to a stream (Lines) per connection, per UDP sender or per file, so
//     that every stream gets its own framer; the runner (package live)
//     provides the streams and everything else a source needs (Env).
//
// # Adding a kind of feed
//
// A radar, a message bus or a serial port is one new file: a type that
// implements Source, and an init that calls Register with the kind's
// name, a check of its Config and a constructor. Config gains a field
// only if the kind needs one no other kind has. Nothing else changes:
// the config's `kind:` names it, and `picket serve` runs it.
//
// A LineReader is not safe for concurrent use. A Source's Run stops when
// its context is cancelled (a replay also at the end of its file).
package source
