package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password hashing: argon2id (RFC 9106) with OWASP's password storage
// minimum (19 MiB of memory, 2 passes, 1 lane), which keeps a login near
// 30 ms on one core; the parameters travel in the stored string, so
// raising them later leaves old hashes verifiable.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length, in characters. NIST SP 800-63B-4 (3.1.1.2) asks for 15
// at least when the password is the only factor, as it is here; the upper
// bound keeps a login's cost bounded.
const (
	MinPasswordLen = 15
	MaxPasswordLen = 256
)

func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return fmt.Errorf("%w: password too short: %d characters, want at least %d", ErrInvalid, n, MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return fmt.Errorf("%w: password too long: %d bytes, want at most %d", ErrInvalid, len(pw), MaxPasswordLen)
	case !utf8.ValidString(pw):
		return fmt.Errorf("%w: password is not valid UTF-8", ErrInvalid)
	case strings.ContainsAny(pw, "\r\n\x00"):
		return fmt.Errorf("%w: password contains a line break or NUL", ErrInvalid)
	}
	return nil
}

// hashPassword returns pw's argon2id hash in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>, base64 without padding.
func hashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword reports whether pw matches a hash made by hashPassword.
// A malformed hash, or one whose cost is out of bounds, matches nothing.
func verifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); n != 3 || err != nil {
		return false
	}
	// Bounds against a hand-edited file making every login a denial of
	// service: up to 1 GiB, 16 passes, 16 lanes.
	if m < 8 || m > 1<<20 || t < 1 || t > 16 || p < 1 || p > 16 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is verified against when there is no real hash to check (an
// unknown user, a token-only user), so that such a login costs what a
// real one does and its timing does not say whether the user exists.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword("picket: no such user, no such password")
	if err != nil {
		panic("access: no randomness for the dummy password hash: " + err.Error())
	}
	return h
})
