package identity

import "errors"

var (
	// ErrIMOFormat: not seven digits (after an optional "IMO" prefix).
	ErrIMOFormat = errors.New("identity: imo is not seven digits")
	// ErrIMOCheck: seven digits whose check digit does not match.
	ErrIMOCheck = errors.New("identity: imo check digit mismatch")
)

// ValidIMO reports whether imo is a well-formed IMO ship identification
// number: seven digits, the last being the last digit of the first six
// weighted 7..2. AIS type 5 sends 0 for "not available"; that is not valid.
func ValidIMO(imo int) bool {
	if imo < 1_000_000 || imo > 9_999_999 {
		return false
	}
	sum := 0
	v := imo / 10
	for w := 2; w <= 7; w++ {
		sum += (v % 10) * w
		v /= 10
	}
	return sum%10 == imo%10
}

// ValidCompanyIMO reports whether imo is a well-formed IMO unique company
// and registered owner identification number (IMO MSC.160(78)): seven
// digits, the last being (11 - s mod 11) mod 10 where s is the first six
// weighted 8, 6, 4, 2, 9, 7. Sanctions lists quote these for shipping
// companies; they are not ship numbers.
func ValidCompanyIMO(imo int) bool {
	if imo < 1_000_000 || imo > 9_999_999 {
		return false
	}
	weights := [6]int{8, 6, 4, 2, 9, 7}
	sum := 0
	v := imo / 10
	for i := 5; i >= 0; i-- {
		sum += (v % 10) * weights[i]
		v /= 10
	}
	return (11-sum%11)%10 == imo%10
}

// ParseIMO parses an IMO ship number as written in registers and lists:
// seven digits, optionally prefixed "IMO" with or without a space, and
// checks it with ValidIMO. It returns ErrIMOFormat or ErrIMOCheck.
func ParseIMO(s string) (int, error) {
	n, err := parseSeven(s)
	if err != nil {
		return 0, err
	}
	if !ValidIMO(n) {
		return n, ErrIMOCheck
	}
	return n, nil
}

// ParseCompanyIMO is ParseIMO for company and registered owner numbers.
func ParseCompanyIMO(s string) (int, error) {
	n, err := parseSeven(s)
	if err != nil {
		return 0, err
	}
	if !ValidCompanyIMO(n) {
		return n, ErrIMOCheck
	}
	return n, nil
}

func parseSeven(s string) (int, error) {
	s = trimSpace(s)
	if len(s) >= 3 && (s[0]|0x20) == 'i' && (s[1]|0x20) == 'm' && (s[2]|0x20) == 'o' {
		s = trimSpace(s[3:])
		if len(s) > 0 && (s[0] == ':' || s[0] == '-') {
			s = trimSpace(s[1:])
		}
	}
	if len(s) != 7 {
		return 0, ErrIMOFormat
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, ErrIMOFormat
		}
		n = n*10 + int(c-'0')
	}
	if n < 1_000_000 {
		return 0, ErrIMOFormat // a leading zero: no IMO number starts with 0
	}
	return n, nil
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// NotAvailableIMO is the IMO field of AIS type 5 with every bit set
// (2^30-1): some transponders send it, instead of 0, for "no IMO number".
const NotAvailableIMO = 1<<30 - 1

// PlaceholderIMO reports a number a transponder carries when nobody typed
// the ship's own: 0, the all-ones "not available", and seven-digit fillers
// that happen to pass the check digit (1234567, 5555555). Many unrelated
// ships share them.
func PlaceholderIMO(imo int) bool {
	switch imo {
	case 0, NotAvailableIMO, 1234567:
		return true
	}
	if imo >= 1_000_000 && imo <= 9_999_999 && imo%1_111_111 == 0 {
		return true // a digit seven times: 5555555 passes the check digit
	}
	return false
}

// HullIMO reports whether imo can stand for a hull: it passes its check
// digit and is not a placeholder. Only such a number may tie two MMSIs
// together (a shared IMO, a flag change) or count against a vessel; a
// number failing its check digit is a typo or made up and says nothing of
// which ship sends it.
func HullIMO(imo int) bool { return ValidIMO(imo) && !PlaceholderIMO(imo) }
