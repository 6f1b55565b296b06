// Package source opens the inputs picket reads and reads them line by line
// without allocating per line.
//
//   - Files, plain or gzip (detected from their first bytes, not their
//     name), and standard input: Open, LineReader.
//   - Live feeds: RunTCPClient connects to a feed and reconnects with
//     backoff; ServeTCP accepts receivers that push over TCP; ServeUDP reads
//     datagrams. Each hands its bytes to the caller per connection or per
//     sender, so that every stream gets its own framer (package live).
//
// A LineReader is not safe for concurrent use; the serve functions stop
// when their context is cancelled.
package source
