package access

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
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

// The cost of a hash accepted from access.json, against a hand-edited
// file making every login a denial of service: at most 64 MiB, 10 passes
// and 4 lanes (three times OWASP's memory, five times its passes).
const (
	maxArgonMemory  = 64 * 1024 // KiB
	maxArgonTime    = 10
	maxArgonThreads = 4
)

// argonSlots bounds the password checks running at once: each takes
// its hash's memory (19 MiB by default, up to maxArgonMemory), so that
// many logins at once queue rather than take the machine's memory. The
// size follows the cores, 2 to 8.
var argonSlots = make(chan struct{}, min(8, max(2, runtime.GOMAXPROCS(0))))

// argonHook, when set (by tests), runs inside each check's slot.
var argonHook func()

// phc is a parsed argon2id hash.
type phc struct {
	m, t      uint32
	p         uint8
	salt, key []byte
}

// parseHash parses a hash in the PHC string format hashPassword writes,
// and checks that its cost is within bounds.
func parseHash(hash string) (phc, error) {
	var h phc
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return h, fmt.Errorf("%w: password hash: want $argon2id$v=%d$m=..,t=..,p=..$salt$key", ErrInvalid, argon2.Version)
	}
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.m, &h.t, &h.p); n != 3 || err != nil {
		return h, fmt.Errorf("%w: password hash: parameters %q: want m=..,t=..,p=..", ErrInvalid, clipString(parts[3]))
	}
	if h.m < 8 || h.m > maxArgonMemory || h.t < 1 || h.t > maxArgonTime || h.p < 1 || h.p > maxArgonThreads {
		return h, fmt.Errorf("%w: password hash: cost m=%d,t=%d,p=%d out of bounds (m 8 to %d KiB, t 1 to %d, p 1 to %d)",
			ErrInvalid, h.m, h.t, h.p, maxArgonMemory, maxArgonTime, maxArgonThreads)
	}
	b64 := base64.RawStdEncoding
	var err1, err2 error
	h.salt, err1 = b64.DecodeString(parts[4])
	h.key, err2 = b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(h.salt) < 8 || len(h.key) < 16 || len(h.key) > 64 {
		return h, fmt.Errorf("%w: password hash: salt or key not base64 of 8+ and 16 to 64 bytes", ErrInvalid)
	}
	return h, nil
}

func clipString(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// verifyPassword reports whether pw matches a hash made by hashPassword.
// A malformed hash, or one whose cost is out of bounds, matches nothing.
// At most cap(argonSlots) checks run at once; more wait their turn.
func verifyPassword(hash, pw string) bool {
	h, err := parseHash(hash)
	if err != nil {
		return false
	}
	argonSlots <- struct{}{}
	defer func() { <-argonSlots }()
	if argonHook != nil {
		argonHook()
	}
	got := argon2.IDKey([]byte(pw), h.salt, h.t, h.m, h.p, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
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
