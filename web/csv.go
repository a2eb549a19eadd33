package web

import "strings"

// csvCell neutralises a cell a spreadsheet would run as a formula: the
// CSV exports (offers, inquiries) hold text people typed.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
