// Package picture builds the risk picture: every vessel's profile (its
// risk score and the reasons) and the networks of vessels the events link,
// at one moment. `picket analyze` writes it, the live pipeline keeps the
// one of every event, and the server builds one per partner from the
// events that partner may see: all through Build.
//
// A Picture is immutable once built, and safe to share.
package picture
