package web

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"github.com/ikco/partner-portal/views"
)

// fieldErrors maps a form field's name to the message id of its problem.
type fieldErrors map[string]string

// add records a field's first problem.
func (fe fieldErrors) add(field, id string) {
	if _, ok := fe[field]; !ok {
		fe[field] = id
	}
}

// formField reads a text field as typed: NFC-normalised and trimmed. The
// second result is false when the value is not valid UTF-8.
func formField(c echo.Context, name string) (string, bool) {
	v := c.FormValue(name)
	if !utf8.ValidString(v) {
		return "", false
	}
	return strings.TrimSpace(norm.NFC.String(v)), true
}

// badText reports whether s holds control or bidi-override characters,
// which have no place in a name or a one-line field. Newlines and tabs are
// allowed where multiline is set.
func badText(s string, multiline bool) bool {
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return true
		case r == '\u2028' || r == '\u2029', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			// Bidi embedding and override characters can make a name
			// read backwards; isolate marks are added by the page itself.
			return true
		}
	}
	return false
}

// checkText validates a text field's length (in characters) and content.
func checkText(fe fieldErrors, field, v string, required bool, minLen, maxLen int, multiline bool) {
	n := utf8.RuneCountInString(v)
	switch {
	case v == "" && required:
		fe.add(field, "form.required")
	case v == "":
	case n < minLen:
		fe.add(field, "form.too_short")
	case n > maxLen:
		fe.add(field, "form.too_long")
	case badText(v, multiline):
		fe.add(field, "form.bad_characters")
	}
}

// checkEmail validates an email address: one plain address, no name.
func checkEmail(fe fieldErrors, field, v string) {
	if v == "" {
		fe.add(field, "form.required")
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 || !strings.Contains(v[strings.LastIndex(v, "@"):], ".") {
		fe.add(field, "form.email_invalid")
	}
}

var phoneChars = regexp.MustCompile(`^\+[0-9 ()\-]{7,24}$`)

// normalizePhone checks a phone number in international form (+7 912
// 345-67-89) and returns it as + and digits.
func normalizePhone(v string) (string, bool) {
	if !phoneChars.MatchString(v) {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range v[1:] {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	digits := b.Len() - 1
	return b.String(), digits >= 8 && digits <= 15 && b.String()[1] != '0'
}

// errorSummary lists the problems in the order of the form's fields.
func errorSummary(fe fieldErrors, order []string, idPrefix string, labels map[string]string) []views.FormErrorVM {
	var out []views.FormErrorVM
	for _, f := range order {
		if id, ok := fe[f]; ok {
			out = append(out, views.FormErrorVM{FieldID: idPrefix + f, LabelID: labels[f], ErrorID: id})
		}
	}
	return out
}

// safeNext returns next when it is a path on this site, else fallback:
// after login the portal redirects only to local paths.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") || !utf8.ValidString(next) || len(next) > 2000 {
		return fallback
	}
	return next
}
