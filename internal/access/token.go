package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// SecretPrefix starts every token secret, so that a leaked one is easy to
// recognise (secret scanners, logs) and to tell from a password.
const SecretPrefix = "pkt_"

const (
	secretBytes = 32 // 256 bits from crypto/rand
	secretLen   = len(SecretPrefix) + 43
	maxLabelLen = 64
)

// CreateToken makes a token for a user, valid for ttl from now (0: until
// revoked), and returns its secret: "pkt_" and 32 random bytes in
// unpadded base64url. The secret is not kept (only its SHA-256): show it
// once.
func (r *Registry) CreateToken(user, label string, ttl time.Duration, now time.Time) (string, Token, error) {
	i := r.userIndex(user)
	if i < 0 {
		return "", Token{}, fmt.Errorf("%w: user %s", ErrNotFound, user)
	}
	if r.Users[i].Disabled {
		return "", Token{}, fmt.Errorf("%w: user %s is disabled", ErrInvalid, user)
	}
	if ttl < 0 {
		return "", Token{}, fmt.Errorf("%w: token lifetime %v: want 0 (no expiry) or more", ErrInvalid, ttl)
	}
	if len(label) > maxLabelLen || strings.IndexFunc(label, func(c rune) bool { return !unicode.IsPrint(c) }) >= 0 {
		return "", Token{}, fmt.Errorf("%w: token label %q: want at most %d printable characters", ErrInvalid, label, maxLabelLen)
	}
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", Token{}, err
	}
	secret := SecretPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := Token{User: user, Hash: tokenHash(secret), Label: label, Created: now.UTC()}
	if ttl > 0 {
		t.Expires = now.Add(ttl).UTC()
	}
	for t.ID == "" || r.tokenIndex(t.ID) >= 0 {
		id := make([]byte, 4)
		if _, err := rand.Read(id); err != nil {
			return "", Token{}, err
		}
		t.ID = hex.EncodeToString(id)
	}
	r.Tokens = append(r.Tokens, t)
	return secret, t, nil
}

// RevokeToken revokes a token from now on. Revoking a revoked token keeps
// its first revocation time.
func (r *Registry) RevokeToken(id string, now time.Time) error {
	i := r.tokenIndex(id)
	if i < 0 {
		return fmt.Errorf("%w: token %s", ErrNotFound, id)
	}
	if r.Tokens[i].Revoked.IsZero() {
		r.Tokens[i].Revoked = now.UTC()
	}
	return nil
}

// Prune removes session tokens (SessionLabel) that expired or were
// revoked before a time, so that logins do not grow the file forever;
// other tokens stay listed until removed by hand. It returns how many it
// removed.
func (r *Registry) Prune(before time.Time) int {
	n := len(r.Tokens)
	r.Tokens = slices.DeleteFunc(r.Tokens, func(t Token) bool {
		return t.Label == SessionLabel &&
			(!t.Expires.IsZero() && t.Expires.Before(before) || !t.Revoked.IsZero() && t.Revoked.Before(before))
	})
	return n - len(r.Tokens)
}

// Authenticate returns who holds a token secret. ErrUnauthorized for a
// malformed or unknown secret, a revoked or expired token, and a token
// whose user is disabled, gone, or of a partner that is gone.
func (r *Registry) Authenticate(secret string, now time.Time) (Principal, error) {
	if !wellFormedSecret(secret) {
		return Principal{}, fmt.Errorf("%w: not a picket token", ErrUnauthorized)
	}
	h := tokenHash(secret)
	for i := range r.Tokens {
		if subtle.ConstantTimeCompare([]byte(r.Tokens[i].Hash), []byte(h)) == 1 {
			t := &r.Tokens[i]
			var u *User
			if j := r.userIndex(t.User); j >= 0 {
				u = &r.Users[j]
			}
			return tokenPrincipal(t, u, u != nil && r.partnerIndex(u.Partner) >= 0, now)
		}
	}
	return Principal{}, fmt.Errorf("%w: unknown token", ErrUnauthorized)
}

// tokenPrincipal decides on a token found by its hash; u is its user (nil
// if gone) and partnerKnown whether the user's partner still exists.
func tokenPrincipal(t *Token, u *User, partnerKnown bool, now time.Time) (Principal, error) {
	switch {
	case !t.Revoked.IsZero():
		// Revoked counts from when it is set, whatever the clocks say:
		// a revocation must not wait for a clock to catch up.
		return Principal{}, fmt.Errorf("%w: token %s revoked", ErrUnauthorized, t.ID)
	case !t.Expires.IsZero() && !now.Before(t.Expires):
		return Principal{}, fmt.Errorf("%w: token %s expired", ErrUnauthorized, t.ID)
	}
	p, err := userPrincipal(t.User, u, partnerKnown)
	if err != nil {
		return Principal{}, err
	}
	p.TokenID = t.ID
	return p, nil
}

func userPrincipal(name string, u *User, partnerKnown bool) (Principal, error) {
	switch {
	case u == nil:
		return Principal{}, fmt.Errorf("%w: user %s gone", ErrUnauthorized, name)
	case u.Disabled:
		return Principal{}, fmt.Errorf("%w: user %s disabled", ErrUnauthorized, name)
	case !partnerKnown:
		return Principal{}, fmt.Errorf("%w: user %s: partner %s gone", ErrUnauthorized, name, u.Partner)
	case !u.Role.Valid():
		return Principal{}, fmt.Errorf("%w: user %s: no valid role", ErrUnauthorized, name)
	}
	return Principal{User: u.Name, Partner: u.Partner, Role: u.Role}, nil
}

// Login checks a user's password. ErrUnauthorized for an unknown user, a
// token-only user, a wrong password, a disabled user or one whose partner
// is gone; each costs one password hash, so the time taken does not say
// which.
func (r *Registry) Login(user, password string, now time.Time) (Principal, error) {
	var u *User
	if i := r.userIndex(user); i >= 0 {
		u = &r.Users[i]
	}
	hash := dummyHash()
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	// An oversized password is refused before hashing, whoever the user.
	ok := len(password) <= MaxPasswordLen && verifyPassword(hash, password)
	if u == nil || u.PasswordHash == "" || !ok {
		return Principal{}, fmt.Errorf("%w: wrong user or password", ErrUnauthorized)
	}
	return userPrincipal(user, u, r.partnerIndex(u.Partner) >= 0)
}

func tokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func wellFormedSecret(s string) bool {
	rest, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok || len(s) != secretLen {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	return err == nil
}

func validTokenID(s string) bool {
	return len(s) == 8 && isLowerHex(s)
}

func validTokenHash(s string) bool {
	return len(s) == 2*sha256.Size && isLowerHex(s)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
