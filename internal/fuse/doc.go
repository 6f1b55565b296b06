// Package fuse turns decoded AIS messages from many feeds into one stream
// of reports: the plain values tracking and detection work on.
//
// It normalises what vessels say (Report: a position or a static/voyage
// record, in degrees, knots and strings, with "not available" made explicit)
// and keeps once what several receivers heard (Deduper: the same payload
// within a window of data time is one report, with the number of receivers
// that heard it).
//
// Reports are plain values that can be serialised and sent between
// processes: this is where a message bus will sit when the stages run on
// several machines.
//
// A Deduper is not safe for concurrent use; FromAIS is.
package fuse
