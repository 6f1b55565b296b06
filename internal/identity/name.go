package identity

import (
	"unicode"
	"unicode/utf8"
)

// NormalizeName returns a ship name in the form used to compare names
// across identity changes: everything from the first '@' (the AIS 6-bit
// padding character) dropped, letters upper-cased with Latin accents
// removed, punctuation turned into spaces, runs of spaces collapsed and
// ends trimmed. "  st. Vitamin@@@@" becomes "ST VITAMIN". Punctuation goes
// because AIS forbids lower case and accents but lets crews type "M/V",
// "NO.1" or "GP-21" as they like.
func NormalizeName(s string) string {
	var buf [64]byte
	b := AppendNormalName(buf[:0], s)
	if string(b) == s {
		return s
	}
	return string(b)
}

// AppendNormalName appends NormalizeName(s) to dst.
func AppendNormalName(dst []byte, s string) []byte {
	return appendName(dst, s, true)
}

// NameKey returns NormalizeName(s) without spaces: the form watchlists
// match on, so that "CHON MYONG 1", "CHONMYONG 1" and "Chon-Myong 1" meet.
func NameKey(s string) string {
	var buf [64]byte
	b := AppendNameKey(buf[:0], s)
	if string(b) == s {
		return s
	}
	return string(b)
}

// AppendNameKey appends NameKey(s) to dst; with a stack buffer and a map
// lookup of string(b) it matches a name without allocating.
func AppendNameKey(dst []byte, s string) []byte {
	return appendName(dst, s, false)
}

func appendName(dst []byte, s string, spaces bool) []byte {
	start := len(dst)
	pendingSpace := false
	emit := func(c byte) {
		if pendingSpace && len(dst) > start {
			dst = append(dst, ' ')
		}
		pendingSpace = false
		dst = append(dst, c)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '@':
				return dst
			case c >= 'a' && c <= 'z':
				emit(c - 'a' + 'A')
			case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				emit(c)
			default: // space, control, punctuation
				pendingSpace = spaces
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if f, ok := foldLatin(r); ok {
			for j := 0; j < len(f); j++ {
				emit(f[j])
			}
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			// Non-Latin scripts never come over AIS, but watchlists may
			// carry them; keep them, upper-cased, so they still compare.
			var rb [utf8.UTFMax]byte
			n := utf8.EncodeRune(rb[:], unicode.ToUpper(r))
			for j := 0; j < n; j++ {
				emit(rb[j])
			}
			continue
		}
		pendingSpace = spaces
	}
	return dst
}

// foldLatin maps the letters of Latin-1 Supplement and Latin Extended-A to
// the ASCII letters AIS would carry instead.
func foldLatin(r rune) (string, bool) {
	if r < 0xC0 || r > 0x17F {
		return "", false
	}
	f := latinFold[r-0xC0]
	return f, f != ""
}

// latinFold is indexed by rune - 0xC0; upper and lower case fold alike.
var latinFold = func() (t [0x17F - 0xC0 + 1]string) {
	groups := []struct {
		to   string
		from string
	}{
		{"A", "ÀÁÂÃÄÅàáâãäåĀāĂăĄą"},
		{"AE", "Ææ"},
		{"C", "ÇçĆćĈĉĊċČč"},
		{"D", "ÐðĎďĐđ"},
		{"E", "ÈÉÊËèéêëĒēĔĕĖėĘęĚě"},
		{"G", "ĜĝĞğĠġĢģ"},
		{"H", "ĤĥĦħ"},
		{"I", "ÌÍÎÏìíîïĨĩĪīĬĭĮįİı"},
		{"IJ", "Ĳĳ"},
		{"J", "Ĵĵ"},
		{"K", "Ķķĸ"},
		{"L", "ĹĺĻļĽľĿŀŁł"},
		{"N", "ÑñŃńŅņŇňŉŊŋ"},
		{"O", "ÒÓÔÕÖØòóôõöøŌōŎŏŐő"},
		{"OE", "Œœ"},
		{"R", "ŔŕŖŗŘř"},
		{"S", "ŚśŜŝŞşŠšſ"},
		{"SS", "ß"},
		{"T", "ŢţŤťŦŧ"},
		{"TH", "Þþ"},
		{"U", "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų"},
		{"W", "Ŵŵ"},
		{"Y", "ÝýÿŶŷŸ"},
		{"Z", "ŹźŻżŽž"},
	}
	for _, g := range groups {
		for _, r := range g.from {
			t[r-0xC0] = g.to
		}
	}
	return t
}()
