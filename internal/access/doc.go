// Package access is picket's identity and access foundation: who the
// partners, users and tokens are, who a request is made by, which feeds'
// data a partner is cleared to see, an audit log of who read or exported
// what, and a per-key rate limiter. The server calls it; the CLI
// (picket partner, user, token) manages it.
//
// # Security model
//
// Partners own feeds. Every feed carries a releasability label, "REL TO
// JPN, GBR"; a partner that is a group (NATO) stands in a label for its
// members, transitively (groups of groups; cycles refused). A partner P
// is cleared for a feed when P owns it or the label names P or a group
// P belongs to (Registry.Clearance, a bit set of feed indexes to match
// store.Position.Feeds). Serving a feed whose label names an unknown
// partner is refused up front (Registry.CheckLabels): an unknown name
// would release to whoever is registered under it later.
//
// Users belong to one partner, whose clearance they get, and have one
// role: viewer < analyst < admin (Role.Allows). They present a bearer
// token: "pkt_" and 256 random bits; only the token's SHA-256 is stored,
// so the file grants nothing to whoever copies it. Tokens expire and are
// revoked; a disabled user, or one whose partner was removed, is refused
// whatever token it holds. Passwords are optional and hashed with
// argon2id; a password login (Guard.Login) opens a 12 h session token.
// Every refusal is ErrUnauthorized; its message says why, for the log,
// and is not for the client.
//
// Everything is fail-closed: an unknown role allows nothing, an empty
// partner sees nothing, a missing registry lets nobody in, and a
// registry that no longer loads leaves the last good one in force.
//
// Not here: TLS (put picket behind a TLS proxy, or serve TLS, when it
// leaves the host), and which role an API route needs (the server's).
//
// # Files
//
// In the data directory: access.json (the Registry, JSON, mode 0600,
// written atomically by Save), access.lock (flocked by Update) and
// audit.jsonl (Audit, JSON Lines, append only, mode 0600).
//
// # Use
//
//	// CLI, possibly while a server runs:
//	err := access.Update(dir, func(r *access.Registry) error {
//		return r.AddUser("kim", "KOR", access.Analyst, "")
//	})
//
//	// server:
//	g, err := access.OpenGuard(dir, logger)
//	if err := g.Registry().CheckLabels(feeds); err != nil { ... }
//	p, err := g.Authenticate(secret)          // per request
//	bits := g.Registry().Clearance(p.Partner, feeds) // cache by g.Generation()
//
// # Concurrency
//
// A Registry is a plain value, not safe for concurrent mutation; the
// one Guard.Registry returns is shared and read-only. Writers in any
// process take turns through Update's file lock; readers need no lock
// (Save renames a complete file into place). Guard, Audit and Limiter
// are safe for concurrent use. Guard starts no goroutine (it checks the
// file on the calls that need it); Audit starts one, its flusher, which
// Close stops.
package access
