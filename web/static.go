package web

import "github.com/ikco/partner-portal/static"

// staticPath is the hashed URL of an embedded file, or "" when there is
// none (a media row naming a file the build does not have).
func staticPath(name string) string {
	if a, ok := static.Assets().Lookup(name); ok {
		return a.URL
	}
	return ""
}
