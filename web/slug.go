package web

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/ikco/partner-portal/db/searchtext"
)

// slugPattern is a valid slug: lower-case Latin letters and digits in
// words joined by single hyphens, at most 80 characters.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func validSlug(s string) bool { return len(s) <= 80 && slugPattern.MatchString(s) }

// slugify derives a slug from a name: transliterated to Latin, lower case,
// anything else turned into single hyphens, cut to 80 characters on a
// word boundary.
func slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		var part string
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			part = string(r)
		default:
			if t, ok := searchtext.Latin[r]; ok {
				part = t
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
				part = "-"
			}
		}
		if part == "-" {
			hyphen = b.Len() > 0
			continue
		}
		if part == "" {
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.WriteString(part)
	}
	s := b.String()
	for len(s) > 80 {
		i := strings.LastIndexByte(s[:80], '-')
		if i <= 0 {
			s = s[:80]
			break
		}
		s = s[:i]
	}
	return s
}
