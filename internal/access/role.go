package access

import (
	"errors"
	"fmt"
	"strings"
)

// The sentinels every error of this package wraps, for errors.Is.
var (
	// ErrUnauthorized: an unknown, revoked or expired token, a wrong
	// password, a disabled user or one whose partner is gone. The
	// wrapping error says which, for the log; tell the client only 401.
	ErrUnauthorized = errors.New("access: unauthorized")
	// ErrNotFound: no partner, user or token of that name or id.
	ErrNotFound = errors.New("access: not found")
	// ErrExists: a partner or user of that name is already there.
	ErrExists = errors.New("access: already exists")
	// ErrInvalid: a malformed name, role, label, password or file.
	ErrInvalid = errors.New("access: invalid")
)

// Role is what a user may do; each role allows what the roles below it
// allow: viewer < analyst < admin.
type Role string

const (
	// Viewer sees the picture its partner is cleared for.
	Viewer Role = "viewer"
	// Analyst also exports and runs heavier queries.
	Analyst Role = "analyst"
	// Admin also manages partners, users and tokens.
	Admin Role = "admin"
)

// rank orders the roles; 0 is not a role.
func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Analyst:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// ParseRole reads a role name, ignoring case and surrounding space.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if r.rank() == 0 {
		return "", fmt.Errorf("%w: role %q: want viewer, analyst or admin", ErrInvalid, s)
	}
	return r, nil
}

// Allows reports whether a holder of r may do what needs the role need:
// admin allows every role, analyst allows analyst and viewer, viewer only
// viewer. A role that is not one of the three allows nothing and is
// allowed by nothing, so a typo fails closed.
func (r Role) Allows(need Role) bool {
	return r.rank() > 0 && need.rank() > 0 && r.rank() >= need.rank()
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r.rank() > 0 }
