// Package casefile writes an evidence package: one self-contained HTML
// file about a vessel, an event or a network that an investigator can
// hand on, open offline and print.
//
// A Case holds what the file shows: the vessels with their identity
// timeline (each value a field took, first and last heard) and their
// track, the events with the fixes each rests on and the feed and
// receiver of each fix, the watchlist entries the vessels matched, the
// releasability marking of the content and the feeds it comes from, and
// a manifest (picket's version, when the file was made, the SHA-256 of
// every input). Write renders it with html/template: every value is
// escaped, the CSS and the map (SVG, drawn on Natural Earth 1:50m land
// embedded here) are inline, and the file loads nothing from anywhere,
// so it reads the same on a disconnected machine as on the one that made
// it. The marking is printed at the top and the bottom of every printed
// page.
//
// `picket report` builds a Case from the files `picket analyze` wrote
// (FromAnalysis); the server's GET /api/case builds one from the store as
// the requesting partner may see it, and its marking from the labels of
// the feeds the content comes from.
//
// # Concurrency
//
// Write may be called from several goroutines; the land is decoded once.
package casefile
